"""The tidy bench's own machinery (bench/tidy.py): a county's fills timed as loaded, then
tidied, on each engine. Timings are never asserted."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from bench import queries, tidy
from tests.conftest import scratch_database
from tests.fakes.postcodes import FakePostcodes


def test_each_search_s_fill_is_timed_as_loaded_and_tidied(database_url, tmp_path):
    with FakePostcodes() as postcodes, scratch_database(database_url, tmp_path, "tidy") as url:
        found = tidy.measure(url, postcodes.url, services=300, rounds=2)
        if url.startswith("postgresql"):
            engine = create_engine(url)
            with engine.connect() as conn:
                keys = conn.scalars(text("SELECT key FROM search_site ORDER BY ctid")).all()
            engine.dispose()
            assert len(keys) > 100 and keys == sorted(keys)  # left tidied
    assert found["done"] is True
    paths = queries.paths()
    assert list(found["before"]) == paths == list(found["after"])
    # Every search with words or a need writes its matches; a place alone writes none.
    filled = [path for path in paths if "q=" in path or "need=" in path]
    assert all(found["before"][path] > 0 < found["after"][path] for path in filled)
    assert all(found["before"][path] == 0 for path in paths if path not in filled)
    said = tidy.table("PostgreSQL", 300, found)
    assert "| `/directory?q=food+bank&where=SY1+1UJ&radius=5` |" in said
    assert "| **the 30 summed** |" in said and "The tidy took" in said
