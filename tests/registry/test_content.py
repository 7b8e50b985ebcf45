"""The Accord's Markdown file parses into its 15 themes and renders safely."""

import pytest

from registry.content import ContentError, parse, render
from registry.publish import CONTENT

EXPECTED_THEMES = [
    "Independence (and political neutrality)",
    "Working with volunteers",
    "Equality and diversity",
    "Impact and social value",
    "Information sharing",
    "Emerging needs",
    "Place based working",
    "Community buildings and assets",
    "System working, signposting and referrals",
    "Commissioning and grant funding",
    "Decommissioning well",
    "Capacity building and VCS infrastructure",
    "Partnership and representation",
    "Communications and engagement",
    "Emergency and disaster",
]


@pytest.fixture(scope="module")
def accord():
    return parse((CONTENT / "accord-2025.md").read_text(encoding="utf-8"))


def test_the_2025_accord_has_all_fifteen_themes(accord):
    assert accord.meta["version"] == "2025"
    assert accord.meta["authors"] and accord.meta["source"]
    assert [t.title for t in accord.themes] == EXPECTED_THEMES
    kinds = [s.kind for s in accord.sections]
    assert kinds[0] == "intro" and kinds[-2:] == ["in_action", "glossary"]


def test_every_theme_has_its_we_will_all_commitments(accord):
    for theme in accord.themes:
        assert "### We will all" in theme.body_md, theme.title
        assert "<h3" in theme.body_html and "govuk-list--bullet" in theme.body_html


def test_theme_nine_keeps_its_commitments_word_for_word(accord):
    theme = accord.themes[8]
    assert "Work with VCS groups and organisations in advance of any new referral" in theme.body_md


def test_raw_html_in_the_source_is_shown_as_text():
    rendered = render("Hello <script>alert(1)</script> **bold**")
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered and "<strong>bold</strong>" in rendered


def test_links_keep_only_safe_addresses():
    rendered = render(
        "[the Accord](https://www.shropshire.gov.uk/accord) and [click](javascript:alert(1))"
    )
    assert '<a href="https://www.shropshire.gov.uk/accord" rel="noopener nofollow">' in rendered
    assert "javascript:" not in rendered
    assert rendered.startswith('<p class="govuk-body">')


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "must start with a '---'"),
        ("---\ntitle: X\n", "not closed"),
        ("---\ntitle: X\n---\n## 1. A\nx", "missing: version"),
        ("---\ntitle: X\nversion: 1\n---\n## Intro\nx", "no themes"),
        ("---\ntitle: X\nversion: 1\n---\n## 2. A\nx", "numbered 1, 2, 3"),
        ("---\ntitle: X\nversion: 1\n---\nstray\n## 1. A\nx", "before the first"),
    ],
)
def test_bad_files_are_refused_with_a_reason(text, message):
    with pytest.raises(ContentError, match=message):
        parse(text)
