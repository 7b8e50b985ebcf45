"""Every email is a template whose links come from the route table (accord/emails.py)."""

import re
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jinja2 import meta, nodes

ROOT = Path(__file__).resolve().parents[2]
EMAILS = sorted((ROOT / "templates" / "emails").rglob("*.txt"))


def _links(app, path: Path) -> list[tuple[str, set[str]]]:
    """(endpoint, argument names) of each absolute_url(...) call in a template."""
    tree = app.jinja_env.parse(path.read_text())
    found = []
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "absolute_url":
            assert isinstance(call.args[0], nodes.Const), f"{path.name}: a literal endpoint"
            found.append((call.args[0].value, {kw.key for kw in call.kwargs}))
    return found


def test_every_room_sends_its_emails_from_templates():
    rooms = {path.relative_to(ROOT / "templates" / "emails").parts[0] for path in EMAILS}
    assert rooms == {"accord", "registry", "directory", "emergency"}


@pytest.mark.parametrize("path", EMAILS, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_an_email_template_has_a_subject_and_only_route_links(app, path):
    text = path.read_text()
    subject, blank, body = text.partition("\n\n")
    assert blank and subject.strip() and "\n" not in subject.strip() and body.strip()
    # No address typed into the text: a link is absolute_url(endpoint, …) or nothing.
    assert "http://" not in text and "https://" not in text
    rules = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, []).append(set(rule.arguments) - set(rule.defaults or {}))
    for endpoint, arguments in _links(app, path):
        assert endpoint in rules, f"{path.name}: no route {endpoint}"
        assert arguments in rules[endpoint], f"{path.name}: {endpoint} needs {rules[endpoint]}"


def test_the_links_in_emails_are_many(app):
    # Guards the test above from passing on templates that hold no links at all.
    assert sum(len(_links(app, path)) for path in EMAILS) >= 10


class Anything(datetime):
    """A stand-in for any value a template is given: every attribute, item, call or loop
    gives another; it is a date and time for the date filters and a number for <int:…>."""

    def __new__(cls, *args, **kwargs):
        return super().__new__(cls, *(args or (2026, 7, 15, 17, 30)), **kwargs)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Anything()

    def __call__(self, *args, **kwargs):
        return Anything()

    def __getitem__(self, key):
        return Anything()

    def __iter__(self):
        return iter([Anything()])

    def __len__(self):
        return 1

    def __bool__(self):
        return True

    def __int__(self):
        return 7

    def __str__(self):
        return "sample"


@pytest.mark.parametrize("path", EMAILS, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_every_link_in_a_rendered_email_opens_a_page(make_app, path):
    other = make_app(PUBLIC_BASE_URL="https://accord.example.org")
    name = str(path.relative_to(ROOT / "templates"))
    with other.app_context():
        given = meta.find_undeclared_variables(other.jinja_env.parse(path.read_text()))
        context = {key: Anything() for key in given - set(other.jinja_env.globals)}
        text = other.jinja_env.get_template(name).render(context)
        routes = other.url_map.bind("accord.example.org")
        for link in re.findall(r"\S+://\S+", text):
            parts = urlsplit(link)
            assert (parts.scheme, parts.netloc) == ("https", "accord.example.org"), link
            assert "//" not in parts.path, link
            routes.match(parts.path, method="GET")  # raises NotFound for a link to nowhere
