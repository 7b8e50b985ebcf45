"""Both engines read nearness alike: within a service's title or within the rest of its words,
never from one to the other (migration 0046 on PostgreSQL; FTS5's NEAR is per column)."""

from __future__ import annotations

import importlib.util

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from accord.extensions import db
from directory.search import fulltext, search
from directory.search.query import Query
from tests.conftest import MIGRATIONS, scratch_database
from tests.directory import data


def _migration():
    path = f"{MIGRATIONS}/versions/0046_search_title_gap.py"
    spec = importlib.util.spec_from_file_location("migration_0046", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rotary_and_lunch_club() -> None:
    # Title "Rotary Club Helpers Trust Older people"; its document begins "Lunch": were the two
    # end to end, "club" and "lunch" would stand five words apart.
    data.service("Rotary Club", "older-people", "shrewsbury", description="Lunch on Tuesdays.")
    data.service("Lunch Club", "loneliness", "shrewsbury", description="Soup and a chat.")


def _found(words: str, place: str = "SY1 1AA") -> list[str]:
    found = search.run(Query(words=words, place=place, radius=5))
    db.session.rollback()  # no transaction left open for a migration to wait on
    return sorted(hit.service.name for hit in found.hits)


def test_the_gap_is_wider_than_the_widest_nearness():
    # A pair counts as near up to NEAR + 1 positions apart; a title word and a document word
    # stand at least GAP + 1 apart.
    assert _migration().GAP > fulltext.NEAR + 1


def test_a_title_word_and_a_document_word_are_never_near(app):
    _rotary_and_lunch_club()
    assert _found("lunch club") == ["Lunch Club"]
    # Each word alone is still found wherever it is.
    assert _found("lunch") == ["Lunch Club", "Rotary Club"]
    assert _found("club") == ["Lunch Club", "Rotary Club"]


def test_migration_0046_makes_existing_vectors_again(make_app, database_url, tmp_path, monkeypatch):
    # This code's search at revision 0045: a page's services read with the statement itself,
    # not migration 0049's function of it (tests/directory/search/test_shown.py).
    monkeypatch.setattr(search, "_SHOWN_PG", search._SHOWN)
    with (
        scratch_database(database_url, tmp_path, "title_gap") as url,
        make_app(url).app_context(),
    ):
        upgrade(directory=MIGRATIONS, revision="0045")
        # Searched without a place, from the county's index: this code's search with a place
        # reads the place-ordered index SQLite has from 0047 on.
        _rotary_and_lunch_club()
        postgres = db.engine.dialect.name == "postgresql"
        # Before: PostgreSQL found the rotary club's title and document end to end.
        assert _found("lunch club", "") == (
            ["Lunch Club", "Rotary Club"] if postgres else ["Lunch Club"]
        )
        upgrade(directory=MIGRATIONS)
        assert _found("lunch club", "") == ["Lunch Club"]
        if postgres:
            # The place-ordered index's copies are the service's vector again.
            stale = "SELECT count(*) FROM search_site t JOIN service_search s USING (service_id) "
            stale += "WHERE t.search_vector <> s.search_vector"
            assert db.session.execute(text(stale)).scalar_one() == 0
            db.session.rollback()
        downgrade(directory=MIGRATIONS, revision="0045")
        assert _found("lunch club", "") == (
            ["Lunch Club", "Rotary Club"] if postgres else ["Lunch Club"]
        )
        db.session.remove()
