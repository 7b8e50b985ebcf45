"""Every public page of the shell renders as a GOV.UK page that passes the page checks."""

import pytest


@pytest.mark.parametrize("path", ["/", "/sign-in", "/cookies", "/accessibility", "/privacy"])
def test_public_pages_pass_the_page_checks(client, path):
    page = client.get_page(path)
    assert page.find("a", class_="govuk-skip-link")["href"] == "#main-content"
    assert page.find(class_="govuk-phase-banner") is not None
    assert page.find("footer", class_="govuk-template__footer") is not None


def test_home_page_says_what_the_accord_is_and_offers_a_search(client, make):
    make.location(name="Village Hall")
    page = client.get_page("/")
    assert "voluntary agreement between local public sector bodies" in page.get_text()
    search = page.find("form", attrs={"role": "search"})
    assert search["action"] == "/directory"
    figures = {" ".join(p.get_text().split()) for p in page.find_all("p", class_="app-stat")}
    assert "1 community buildings listed" in figures
    assert "0 organisations have signed the Accord" in figures


def test_every_asset_is_served_by_the_app(client):
    page = client.get_page("/")
    paths = [tag["href"] for tag in page.find_all("link", rel="stylesheet")]
    paths += [tag["src"] for tag in page.find_all("script", src=True)]
    assert paths, "the page loads no assets"
    for path in paths:
        with client.get(path) as response:
            assert response.status_code == 200, path


def test_the_pages_carry_no_gov_uk_branding(client):
    """Not a GOV.UK service: not its typeface, crown icons or royal arms."""
    page = client.get_page("/")
    icons = [tag["href"] for tag in page.find_all("link") if "icon" in " ".join(tag["rel"])]
    assert icons == ["/static/favicon.svg"]  # the service's own icon
    with client.get(icons[0]) as response:
        assert response.status_code == 200 and b"<svg" in response.data
    assert page.find("svg", class_="govuk-logo") is None  # no crown, in the header or footer
    footer = page.find("footer")
    assert "crown-copyright" not in str(footer) and "Crown copyright" not in footer.get_text()
    assert footer.find(class_="govuk-footer__crown") is None
    assert "© Shropshire Accord partners" in footer.get_text()
    with client.get("/static/vendor/govuk/govuk-frontend.min.css") as response:
        css = response.get_data(as_text=True)
    assert "GDS Transport" not in css and "@font-face" not in css
    assert "font-family:arial,sans-serif" in css
    assert "/assets/" not in css


def test_not_found_is_a_govuk_page(client):
    page = client.get_page("/no-such-page", status=404)
    assert page.h1.get_text(strip=True) == "Page not found"


def test_method_not_allowed_is_a_govuk_page(client):
    response = client.delete("/sign-in")
    assert response.status_code == 405
    assert "This page cannot be used in that way" in response.get_data(as_text=True)
    # The error page keeps the error's own headers: RFC 9110 asks a 405 to say what is allowed.
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_server_error_is_a_govuk_page_not_a_traceback(make_app):
    app = make_app(TESTING=False, APP_ENV="testing")

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "secret detail" not in body and "Traceback" not in body


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    missing = tmp_path / "no-such-dir" / "nothing.db"
    app = make_app(f"sqlite:///{missing}")
    missing.parent.rmdir()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "unavailable"}
