"""The house stays readable: small modules and functions, one clock, no hand-written CSRF.

These read the source, not the running app, so they guard the rules ARCHITECTURE.md states.
"""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ("accord", "registry", "directory", "emergency")
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def app_modules() -> list[Path]:
    return sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))


def test_no_app_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in app_modules()
        if (n := p.read_text().count("\n")) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_is_over_60_lines():
    long = {}
    for path in app_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno] + [d.lineno for d in node.decorator_list])
                length = (node.end_lineno or first) - first + 1
                if length > MAX_FUNCTION_LINES:
                    long[f"{path.relative_to(ROOT)}:{node.name}"] = length
    assert long == {}


SYSTEM_CLOCK = re.compile(r"\b(?:datetime\.now|datetime\.utcnow|date\.today|time\.time)\(")


def test_only_the_uk_clock_reads_the_system_clock():
    readers = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in app_modules()
        if path.name != "clock.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if SYSTEM_CLOCK.search(line)
    ]
    assert readers == []


def templates() -> list[Path]:
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"csrf_token\(\)", "a POST form is written with components/form.html post_form"),
        (r"strftime", "dates and times use the |date, |time, |datetime filters"),
        (r'class="govuk-tag', "a GOV.UK tag is components/tag.html status_tag"),
    ],
)
def test_templates_use_the_shared_pieces(pattern, why):
    found = [
        str(path.relative_to(ROOT))
        for path in templates()
        if path.parent.name != "components" and re.search(pattern, path.read_text())
    ]
    assert found == [], why
