"""A search's words as the index can find them: a word the index knows (as a prefix, or by
its stem) is never "corrected" into another word; two known words run together are split; a
spelling mistake is matched to the nearest indexed word; stop words and numbers are left
alone. The words come from the index itself, read once and then only what was written since.
On SQLite and PostgreSQL."""

import pytest
from sqlalchemy import text

from accord.extensions import db
from directory.models import ServiceSearch
from directory.search import fulltext, indexes, search, vocabulary, words
from directory.search.search import Query
from directory.search.words import correct
from tests.directory.data import service


@pytest.fixture
def county(app):
    service(
        "Quarry Park Walk and Talk",
        "health",
        "shrewsbury",
        description="A gentle walk round the park each week, with a cup of tea after.",
    )
    service(
        "Ludlow Talking Therapies",
        "mental-health",
        "ludlow",
        description="Talking therapies for anxiety and low mood.",
    )
    service("Oswestry Lunch Club", "food", "oswestry", description="Hot lunches by the oven.")
    service(
        "South Shropshire Befriending",
        "loneliness",
        "ludlow",
        description="Befriending visits at home. A warm space on Tuesdays.",
    )


def names(typed: str) -> list[str]:
    return [hit.service.name for hit in search.run(Query(words=typed)).hits]


def test_a_word_the_index_knows_by_its_stem_is_kept_as_typed(county):
    # The index has "walk" and "talking": "walking" is found by its stem, never "talking".
    # It is kept as typed (the engine stems it), so nothing says "Showing results for".
    assert correct("walking") == ["walking"]
    assert names("walking") == ["Quarry Park Walk and Talk"]
    assert search.run(Query(words="walking")).corrected == ""


def test_a_word_the_index_knows_as_a_prefix_is_kept(county):
    assert correct("befriend") == ["befriend"]
    assert names("befriend") == ["South Shropshire Befriending"]


def test_two_known_words_run_together_are_split(county):
    assert correct("lunchclub") == ["lunch", "club"]
    assert names("lunchclub") == ["Oswestry Lunch Club"]
    assert correct("talkingtherapies") == ["talking", "therapies"]
    assert correct("warmspace") == ["warm", "space"]


def test_a_run_together_word_splits_where_both_halves_are_common(county):
    # "warms pace" are two indexed words as well, each in one service: the split whose rarer
    # half more services have wins, not the longer first word.
    service("Warm Space at the Library", "loneliness", "shrewsbury", description="Tea, a warm.")
    service("Space to Talk", "mental-health", "shrewsbury", description="Warm and quiet.")
    service("Pace Walks", "health", "shrewsbury", description="The sun warms the park.")
    assert correct("warmspace") == ["warm", "space"]
    assert "Warm Space at the Library" in names("warmspace")


def test_a_misspelling_is_matched_to_the_nearest_word_spelled_as_a_word(county):
    # The index holds stems ("befriend", "therapi"); the correction is a word that stems to
    # one, the likest to what was typed.
    assert correct("befrending") == ["befriending"]
    assert correct("theraphies") == ["therapies"]
    assert correct("luch club") == ["lunch", "club"]
    assert names("theraphies") == ["Ludlow Talking Therapies"]
    assert search.run(Query(words="theraphies")).corrected == "therapies"


def test_stop_words_short_words_and_numbers_are_never_corrected(county):
    # "over" is one edit from "oven", "tue" from "tea", "walk2" from "walk".
    assert correct("over") == ["over"]
    assert correct("tue") == ["tue"]
    assert correct("walk2") == ["walk2"]


def test_a_word_nobody_used_is_left_as_typed(county):
    assert correct("zzyzxq") == ["zzyzxq"]
    assert names("zzyzxq") == []


def test_the_vocabulary_is_the_index_s_own_terms(county):
    counts = vocabulary.read_all().counts
    # Stems, as the index holds them, with how many services have each.
    assert counts["therapi"] == 1
    assert counts["ludlow"] == 2
    assert "therapies" not in counts


def test_words_written_since_are_read_without_reading_everything_again(county, monkeypatch):
    reads = []
    whole = vocabulary.read_all
    monkeypatch.setattr(vocabulary, "read_all", lambda: reads.append(1) or whole())
    monkeypatch.setattr(words, "LOOK_EVERY_S", 0.0)
    service_id = service("Telford Quiet Hour", "mental-health", "ludlow").id
    assert correct("gardning") == ["gardning"]  # nobody offers it yet
    # Another worker rewrites the document: straight into the table, so this process's
    # listings.index (learn) never sees it; the database's revision says it changed.
    db.session.execute(
        text("UPDATE service_search SET document = :d WHERE service_id = :id"),
        {"d": "Gardening sessions in Telford", "id": service_id},
    )
    db.session.commit()
    assert correct("gardning") == ["gardening"]
    assert correct("sesions") == ["sessions"]
    assert reads == [1]


@pytest.fixture
def snapshot_cleared(app):
    """The PostgreSQL snapshot a test takes outlives its rows: empty it again afterwards."""
    yield
    if db.engine.dialect.name == "postgresql":
        db.session.rollback()
        db.session.execute(text("DELETE FROM service_search_fts_terms"))
        db.session.commit()


def test_words_no_longer_in_any_document_leave_with_the_next_snapshot(county, snapshot_cleared):
    knitting = service("Bishop's Castle Knitting Circle", "loneliness", "ludlow")
    assert "knit" in vocabulary.read_all().counts
    row = db.session.get(ServiceSearch, knitting.id)
    row.title = row.document = "Bishop's Castle Craft Circle"  # the name is in both fields
    db.session.commit()
    # SQLite's fts5vocab is the index's own list; PostgreSQL's snapshot is taken again daily
    # (flask directory vocabulary) or after a big change.
    vocabulary.refresh()
    counts = vocabulary.read_all().counts
    assert "knit" not in counts
    assert counts["craft"] == 1


def test_a_big_change_takes_the_snapshot_again(county, snapshot_cleared, monkeypatch):
    monkeypatch.setattr(vocabulary, "MOST_CHANGES", 1)
    service("Church Stretton Knitting Circle", "loneliness", "ludlow")
    counts = vocabulary.read_all().counts
    assert counts["knit"] == 1
    assert counts["ludlow"] == 3
    if db.engine.dialect.name == "postgresql":
        taken = db.session.execute(text("SELECT count(*) FROM service_search_fts_terms"))
        assert taken.scalar_one() == len(counts)


SITES_BY_ROW = "SELECT key FROM search_site ORDER BY ctid"


def test_the_daily_command_counts_the_index_s_words(county, app, snapshot_cleared):
    """And tidies the search indexes (indexes.tidy): on SQLite each full-text index merged
    into one segment (FTS5's 'optimize'), on PostgreSQL the place-ordered index's rows
    rewritten in order of their key; the same services found after as before."""
    typed = ["lunch club", "carers", "walking"]
    before = {search_words: names(search_words) for search_words in typed}
    if db.engine.dialect.name == "postgresql":
        keys = db.session.scalars(text(SITES_BY_ROW)).all()
        assert keys != sorted(keys)  # written in the order the services were
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["directory", "vocabulary"])
    assert result.exit_code == 0, result.output
    assert f"words in the search index: {len(vocabulary.read_all().counts):,}" in result.output
    assert {search_words: names(search_words) for search_words in typed} == before
    if db.engine.dialect.name == "sqlite":
        for name in indexes.FTS5_INDEXES:  # the module's own names, never input
            check = f"INSERT INTO {name}({name}) VALUES ('integrity-check')"  # noqa: S608
            db.session.execute(text(check))
            # FTS5's structure record (its row 10): a 4-byte cookie, then the number of
            # levels and of segments, each a one-byte varint while small.
            structure = f"SELECT block FROM {name}_data WHERE id = 10"  # noqa: S608
            record = db.session.scalar(text(structure))
            assert record[5] == 1, (name, record[:8])
    else:
        keys = db.session.scalars(text(SITES_BY_ROW)).all()
        assert len(keys) == len(set(keys)) >= 4
        assert keys == sorted(keys)
        marked = "SELECT indisclustered FROM pg_index WHERE indexrelid = CAST(:index AS regclass)"
        assert db.session.scalar(text(marked), {"index": "search_site_pkey"}) is True


@pytest.mark.engine("postgresql")  # CLUSTER and its lock are PostgreSQL's
def test_the_daily_command_leaves_a_busy_place_ordered_index_for_the_next_day(
    county, app, snapshot_cleared, monkeypatch
):
    """A search holding search_site when the command runs keeps it: the rewrite waits
    TIDY_WAIT at most (searches that come meanwhile queue behind it no longer), then is left
    for the next run, and the command says so."""
    monkeypatch.setattr(indexes, "TIDY_WAIT", "50ms")
    keys = db.session.scalars(text(SITES_BY_ROW)).all()
    db.session.commit()
    with db.engine.connect() as searching:
        searching.execute(text("SELECT count(*) FROM search_site"))  # its lock held till the end
        result = app.test_cli_runner().invoke(args=["directory", "vocabulary"])
    assert result.exit_code == 0, result.output
    assert "busy: left as it was until the next run" in result.output
    assert "words in the search index:" in result.output
    assert db.session.scalars(text(SITES_BY_ROW)).all() == keys
    assert indexes.tidy() is True  # once the search has ended


def test_each_look_reads_only_what_was_written_since_the_last(county):
    # On PostgreSQL a transaction left running elsewhere (it holds back the oldest running
    # transaction of the cluster) must not make every look read every document again.
    other = db.engine.connect() if db.engine.dialect.name == "postgresql" else None
    if other is not None:
        other.execute(text("SELECT pg_current_xact_id()"))
    try:
        since = vocabulary.read_all().since
        added = service("Much Wenlock Repair Cafe", "loneliness", "ludlow")
        changed, since = vocabulary.changed_since(since)
        assert changed == [added.id]
        assert vocabulary.changed_since(since)[0] == []
    finally:
        if other is not None:
            other.rollback()
            other.close()


def test_a_word_is_searched_as_the_terms_it_begins_when_they_are_few(county, monkeypatch):
    """PostgreSQL names the index's terms a word begins (words.forms), which its GIN index
    reads skipping, instead of a prefix it reads whole; more than NAMED, a prefix."""
    walk, club = words.forms(["walking", "club"]) or []
    assert walk == words.Form("walk", ("walk",))
    assert club == words.Form("club", ("club",))
    monkeypatch.setattr(words, "NAMED", 0)
    assert words.forms(["walking"]) == [words.Form("walk", ())]


def test_a_term_written_elsewhere_is_found_once_the_worker_looks_again(county, monkeypatch):
    """A word searched as the terms it begins finds a term another worker has written since
    this one read its vocabulary, at its next look (every LOOK_EVERY_S; here, every search)."""
    monkeypatch.setattr(words, "LOOK_EVERY_S", 0.0)
    service_id = service("Clun Rambles", "health", "ludlow").id
    assert names("walk") == ["Quarry Park Walk and Talk"]  # the worker knows "walk" alone
    db.session.execute(
        text("UPDATE service_search SET document = :d WHERE service_id = :id"),
        {"d": "Walkabouts on the hills round Clun", "id": service_id},
    )
    db.session.commit()
    assert sorted(names("walk")) == ["Clun Rambles", "Quarry Park Walk and Talk"]


def test_how_many_services_words_match_is_read_from_the_vocabulary(county):
    """The estimate that sends a wide search round its place first (matches.MANY): one word,
    the services that have its terms; several, as if they fell independently."""
    assert words.how_many(words.forms(["walking"]) or []) == 1
    assert words.how_many(words.forms(["talking"]) or []) == 2  # "talk" and "talking"
    # 4 services × 1/4 × 2/4: half a service, as if the words fell independently.
    assert words.how_many(words.forms(["walking", "talking"]) or []) == 0


def test_fts5_reads_a_word_as_the_index_s_terms_rather_than_as_a_prefix(county, monkeypatch):
    """SQLite reads a word as the few terms of the index that begin with its stem, not as a
    prefix FTS5 gathers into memory first (fulltext._fts_words): one term as the word typed,
    several as each term; as a prefix when more than ALTERNATIVES begin it, when a term would
    not be read as itself, and always when the engine's words are not known. The same
    services are found either way, and pairs of words near each other as every pair of
    their terms."""
    service("Clun Walkers", "health", "ludlow", description="Walkers meet at the church.")
    assert fulltext._fts_words(["walking", "befriending", "club"]) == [
        ['"walk"', '"walker"'],
        ['"befriending"'],
        ['"club"'],
    ]
    assert fulltext._fts_near([['"walk"', '"walker"'], ['"club"']], 6) == (
        '(NEAR("walk" "club", 6) OR NEAR("walker" "club", 6))'
    )
    typed = ["befriending", "lunch club", "walking", "warm space", "talking therapies"]
    found = {search_words: names(search_words) for search_words in typed}
    assert all(found.values())
    assert "Clun Walkers" in found["walking"]
    monkeypatch.setattr(fulltext, "ALTERNATIVES", 1)
    assert fulltext._fts_words(["walking"]) == [['"walking"*']]
    assert {search_words: names(search_words) for search_words in typed} == found
    monkeypatch.setattr(fulltext, "ALTERNATIVES", 4)
    monkeypatch.setattr(fulltext, "written", lambda terms: False)
    assert fulltext._fts_words(["walking"]) == [['"walking"*']]
    monkeypatch.setattr(fulltext, "forms", lambda typed: None)
    assert fulltext._fts_words(["befriending"]) == [['"befriending"*']]
    assert {search_words: names(search_words) for search_words in typed} == found


def test_a_term_is_named_only_when_the_stemmer_leaves_it_so(county):
    """words.written: the index's terms are stems, and a stem written in a search is stemmed
    again; one that would change ("walking" is "walk") is not named as itself."""
    assert words.written(("walk", "walker"))
    assert not words.written(("walking",))
