"""A search's words as the index can find them: a word the index knows (as a prefix, or by
its stem) is never "corrected" into another word; two known words run together are split; a
spelling mistake is matched to the nearest indexed word. On SQLite and PostgreSQL."""

import pytest

from directory.search import search
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
    service("Oswestry Lunch Club", "food", "oswestry", description="Hot lunches.")
    service(
        "South Shropshire Befriending",
        "loneliness",
        "ludlow",
        description="Befriending visits at home.",
    )


def names(words: str) -> list[str]:
    return [hit.service.name for hit in search.run(Query(words=words)).hits]


def test_a_word_the_index_knows_by_its_stem_is_not_corrected(county):
    # The index has "walk" and "talking": "walking" is "walk", never "talking".
    assert correct("walking") == ["walk"]
    assert names("walking") == ["Quarry Park Walk and Talk"]


def test_a_word_the_index_knows_as_a_prefix_is_kept(county):
    assert correct("befriend") == ["befriend"]
    assert names("befriend") == ["South Shropshire Befriending"]


def test_two_known_words_run_together_are_split(county):
    assert correct("lunchclub") == ["lunch", "club"]
    assert names("lunchclub") == ["Oswestry Lunch Club"]
    assert correct("talkingtherapies") == ["talking", "therapies"]


def test_a_misspelling_still_finds_the_nearest_word(county):
    assert correct("befrending") == ["befriending"]
    assert correct("theraphies") == ["therapies"]


def test_a_word_nobody_used_is_left_as_typed(county):
    assert correct("zzyzxq") == ["zzyzxq"]
    assert names("zzyzxq") == []
