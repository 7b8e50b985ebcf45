"""The shell keeps the house rules: one clock, dates through the filters, CSRF through
post_form. (The rooms' own folders can be added to SHELL as they follow.)"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHELL_TEMPLATES = ["base.html", "core", "admin", "errors", "components", "emails/accord"]
SHELL_CODE = ROOT / "accord"
CLOCK_READS = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|date\.today|time\.time)\(")


def _templates() -> list[Path]:
    found: list[Path] = []
    for name in SHELL_TEMPLATES:
        path = ROOT / "templates" / name
        found += sorted(path.rglob("*.*")) if path.is_dir() else [path]
    return found


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_use_the_date_filters_and_post_form(path):
    text = path.read_text()
    assert "strftime" not in text, "dates go through |date, |short_date, |time or |datetime"
    if path.parent.name != "components":  # where post_form and status_tag are written
        assert "csrf_token()" not in text, "a POST form is post_form(…) or {{ form.csrf_token }}"
        assert 'class="govuk-tag' not in text, "a tag is status_tag(…)"


def test_only_the_clock_reads_the_system_clock():
    readers = [
        str(path.relative_to(ROOT))
        for path in sorted(SHELL_CODE.rglob("*.py"))
        if path.name != "clock.py" and CLOCK_READS.search(path.read_text())
    ]
    assert readers == []
