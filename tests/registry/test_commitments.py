"""The commitments are the bullets under each theme's three group headings."""

from registry.commitments import for_sector, parse_commitments, themes_of
from registry.content import parse
from registry.publish import CONTENT, publish


def test_bullets_under_the_three_headings_with_their_group():
    body = """Some words first.

- not a commitment: before any heading

### We will all

- Share what we know.
- Listen
  and act on it.

### Public sector and commissioners will

* Pay on time.

### Key functions

- not a commitment either

### VCS groups and organisations will

- Tell us early.
"""
    found = parse_commitments(4, body)
    assert [(c.key, c.text) for c in found] == [
        ("4-all-1", "Share what we know."),
        ("4-all-2", "Listen and act on it."),
        ("4-public-1", "Pay on time."),
        ("4-vcs-1", "Tell us early."),
    ]


def test_no_headings_no_commitments():
    assert parse_commitments(1, "") == []
    assert parse_commitments(1, "- a bullet\n- another") == []


def test_the_2025_accord_counts():
    accord = parse((CONTENT / "accord-2025.md").read_text(encoding="utf-8"))
    themes = {s.number: parse_commitments(s.number, s.body_md) for s in accord.themes}
    assert len(themes) == 15
    assert all(any(c.group == "all" for c in found) for found in themes.values())
    first = themes[1]
    assert [c.group for c in first] == ["all"] * 4 + ["public"] * 2 + ["vcs"]
    assert first[0].text.startswith("Mutually respect other organisations")
    assert first[-1].text.startswith("Understand that while statutory employees")
    assert {c.group for c in themes[3]} == {"all"}
    assert len({c.key for found in themes.values() for c in found}) == sum(
        len(found) for found in themes.values()
    )


def test_each_sector_answers_the_shared_commitments_and_its_own():
    assert for_sector("vcs") == ("all", "vcs")
    assert for_sector("public") == ("all", "public")
    assert for_sector("parish") == ("all", "public")
    assert for_sector("private") == ("all",)
    assert for_sector("unknown") == ("all",)


def test_themes_of_a_published_version(app):
    version = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
    themes = themes_of(version)
    assert [t.number for t in themes] == list(range(1, 16))
    assert themes[8].title == "System working, signposting and referrals"
    assert {c.group for c in themes[0].for_groups(("all", "vcs"))} == {"all", "vcs"}
