"""Every runtime dependency in pyproject.toml is used by the app; test-only packages live in
the test extras."""

import ast
import re
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ["accord", "registry", "directory", "emergency", "migrations"]
# Used without an import statement in the app's code, and by what.
USED_WITHOUT_IMPORT = {
    "govuk-frontend-jinja": "create_app's template loader, by package name",
    "email-validator": "WTForms' Email validator",
    "gunicorn": "the production server",
    "psycopg": "SQLAlchemy's postgresql+psycopg driver",
    "python-dotenv": "the flask CLI, reading .flaskenv",
    "tzdata": "zoneinfo's Europe/London where the system has none",
}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _imported_distributions() -> set[str]:
    modules = set()
    files = [ROOT / "wsgi.py", *(path for room in APP for path in (ROOT / room).rglob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    owners = packages_distributions()
    return {_name(dist) for module in modules for dist in owners.get(module, [])}


def test_every_runtime_dependency_is_used_by_the_app():
    runtime = {_name(requirement) for requirement in _project()["dependencies"]}
    unused = runtime - _imported_distributions() - set(USED_WITHOUT_IMPORT)
    assert sorted(unused) == [], "only tests use these: move them to the test extras"


def test_what_the_app_imports_is_a_runtime_dependency():
    runtime = {_name(requirement) for requirement in _project()["dependencies"]}
    test_only = {_name(r) for r in _project()["optional-dependencies"]["test"]} - runtime
    assert sorted(_imported_distributions() & test_only) == []
