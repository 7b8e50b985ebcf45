"""base.html's kept parts (accord/layout.py): rendered once, yet never one person's page in
another's, never a stale banner, the current page still marked, the app's address honoured."""

from __future__ import annotations

from flask import url_for
from jinja2 import DictLoader, Environment, Template

from accord import layout
from accord.clock import utcnow
from accord.extensions import db
from tests.emergency import data
from tests.factories import PASSWORD


def menu(page) -> dict[str, bool]:
    """The menu's items: words → whether marked as the current page."""
    return {
        " ".join(item.get_text().split()): "govuk-service-navigation__item--active"
        in item.get("class", [])
        for item in page.select(".govuk-service-navigation__item")
    }


def test_a_visitor_s_menu_marks_the_page_they_are_on(client):
    assert menu(client.get_page("/directory")) == {
        "The Accord": False,
        "Signatories": False,
        "Find services": True,
        "Get help now": False,
        "Sign in": False,
    }
    assert menu(client.get_page("/help"))["Get help now"] is True
    assert menu(client.get_page("/help"))["Find services"] is False
    assert not any(menu(client.get_page("/accessibility")).values())
    # The same page again, from what was kept: the same menu.
    assert menu(client.get_page("/directory"))["Find services"] is True


def test_a_signed_in_menu_is_never_kept_for_anyone_else(app, client, make):
    client.get_page("/")  # the visitor's menu is kept
    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    page = client.get_page("/")
    items = menu(page)
    assert {"Emergency", "Your account", "Sign out"} <= set(items)
    assert "Sign in" not in items
    assert page.select_one(".govuk-service-navigation form input[name=csrf_token]")["value"]

    # Another person on another browser: their own menu, nothing of the first.
    make.user(role="coordinator", email="coordinator@example.org")
    other = app.test_client()
    other.sign_in("coordinator@example.org", PASSWORD)
    items = menu(other.get_page("/"))
    assert "Admin" in items and "Emergency" not in items

    # And a visitor after them both: the public menu, no account, no sign-out form.
    visitor = app.test_client()
    page = visitor.get_page("/")
    assert list(menu(page)) == [
        "The Accord",
        "Signatories",
        "Find services",
        "Get help now",
        "Sign in",
    ]
    assert page.select(".govuk-service-navigation form") == []


def test_an_incident_banner_shows_as_soon_as_one_starts_and_goes_when_it_ends(client):
    for path in ("/", "/directory", "/accessibility"):
        assert client.get_page(path).select(".app-incident-banner") == []
    incident = data.incident(name="Severn flooding", public_message="Frankwell is flooded.")
    for path in ("/", "/directory", "/accessibility"):
        banner = client.get_page(path).select_one(".app-incident-banner")
        assert banner is not None, path
        assert "Frankwell is flooded." in banner.get_text()
    incident.ended_at = utcnow()
    db.session.commit()
    assert client.get_page("/accessibility").select(".app-incident-banner") == []


def test_the_footer_keeps_each_page_s_own_attribution(client):
    def footer(path: str) -> str:
        return client.get_page(path).select_one(".govuk-footer__meta-custom").get_text()

    assert "Contains OS data" in footer("/directory")
    assert "Contains OS data" not in footer("/accessibility")
    assert footer("/accessibility").strip().endswith("in Shropshire.")
    assert "Contains OS data" in footer("/directory")


def test_kept_parts_follow_the_app_s_address(client):
    plain = client.get_page("/accessibility")
    assert plain.select_one(".govuk-generic-header__homepage-link")["href"] == "/"
    mounted = client.get("/accessibility", base_url="http://localhost/hub/")
    page = mounted.get_data(as_text=True)
    assert 'href="/hub/"' in page and 'href="/hub/accessibility"' in page
    assert 'href="/hub/static/app.css"' in page
    # ... and the app at the root again is not given the mounted addresses.
    html = client.get("/accessibility").get_data(as_text=True)
    assert "/hub/" not in html


def test_id_links_are_the_addresses_url_for_makes(app):
    with app.test_request_context("/directory?q=food"):
        args = {"q": ["food & drink"], "where": ["SY1 1UJ"], "radius": ["5"]}
        link = layout.id_links("directory.service", "service_id", **args)
        for service_id in (1, 42, 1234567):
            assert link(service_id) == url_for("directory.service", service_id=service_id, **args)
        # A search for the stand-in's own digits: found twice, so each id is built in full.
        odd = {"q": [str(layout.STAND_IN)]}
        link = layout.id_links("directory.service", "service_id", **odd)
        assert link(7) == url_for("directory.service", service_id=7, **odd)


def _govuk_pagination(app, endpoint, page, pages, numbers, **values):
    """What GOV.UK's macro writes for these pages, every address made by url_for."""
    macro = app.jinja_env.get_template(layout.PAGINATION_MACRO).module.govukPagination
    items = [
        {"ellipsis": True}
        if n is None
        else {"number": n, "href": url_for(endpoint, **values, page=n), "current": n == page}
        for n in numbers
    ]
    before = {"href": url_for(endpoint, **values, page=page - 1)} if page > 1 else None
    after = {"href": url_for(endpoint, **values, page=page + 1)} if page < pages else None
    return str(macro({"items": items, "previous": before, "next": after}))


def test_pagination_is_what_govuk_s_macro_writes(app):
    """Kept with stand-ins for its addresses, the list of pages is still the component's own
    markup with url_for's addresses, escaped: for any page of a list, any search, and a
    search holding the stand-in's digits (built in full then)."""
    searches = [
        {"q": ["food & drink"], "where": ["SY1 1UJ"], "radius": ["5"]},
        {"q": ['"quoted" <b>']},
        {"q": [str(layout.STAND_IN)]},
    ]
    # Page → the pages listed, None for a gap: the first, the last, two either side.
    windows = {
        1: [1, 2, 3, None, 10],
        2: [1, 2, 3, 4, None, 10],
        4: [1, 2, 3, 4, 5, 6, None, 10],
        7: [1, None, 5, 6, 7, 8, 9, 10],
        10: [1, None, 8, 9, 10],
    }
    with app.test_request_context("/directory"):
        for args in searches:
            for page, shown in windows.items():
                made = str(layout.pagination("directory.index", page, 10, **args))
                assert made == _govuk_pagination(app, "directory.index", page, 10, shown, **args)
                assert layout.PAGE_BEFORE not in made and layout.PAGE_AFTER not in made
        # Flask-SQLAlchemy's own list of pages, with its gaps.
        numbers = [1, 2, None, 5, 6, 7, 8, 9, None, 20]
        made = str(layout.pagination("registry.signatories", 6, 20, numbers, q="a&b"))
        assert made == _govuk_pagination(app, "registry.signatories", 6, 20, numbers, q="a&b")
        assert made.count('href="/signatories?q=a%26b&amp;page=') == 8 + 2  # and previous, next


def test_imports_still_see_a_page_s_own_globals():
    """The cheaper `{% from … import %}` (layout.Template) answers as Jinja's own: a page given
    globals of its own imports a fresh module that sees them; one without, the kept module."""
    templates = {
        "macros.html": "{% macro say() %}[{{ extra }}]{% endmacro %}",
        "page.html": '{% from "macros.html" import say %}{{ say() }}',
    }

    def env(template_class: type) -> Environment:
        made = Environment(loader=DictLoader(templates), autoescape=True)
        made.template_class = template_class
        return made

    for template_class in (Template, layout.Template):
        assert (
            env(template_class).get_template("page.html", globals={"extra": "own"}).render()
            == "[own]"
        )
        assert env(template_class).get_template("page.html").render() == "[]"
    kept = env(layout.Template).get_template("macros.html")
    assert kept.module is kept.module


def test_banners_are_asked_only_when_a_page_shows_them():
    asked = []
    lazy = layout.Lazy(lambda: asked.append(1) or [{"title": "Emergency"}])
    assert asked == []
    assert [b["title"] for b in lazy] == ["Emergency"]
    assert len(lazy) == 1 and bool(lazy)
    assert asked == [1]
