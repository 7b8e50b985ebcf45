"""Web addresses and headers too long for the app get its own GOV.UK 414 and 431 pages, and
gunicorn lets them reach it (gunicorn.conf.py) instead of answering with its bare text."""

import runpy

from accord import errors, settings
from tests.pages import check_html


def test_a_9000_character_query_gets_the_services_414_page(client):
    response = client.get("/directory?q=" + "x" * 9000)
    assert response.status_code == 414
    page = check_html(response.get_data(as_text=True))
    assert page.h1.get_text(strip=True) == "The web address is too long"
    assert page.select_one("header") is not None  # the service's own page, not a bare one
    assert page.find("a", href="/")
    # An ordinary long search is still answered as one.
    assert client.get("/directory?q=" + "x" * 5000).status_code != 414


def test_an_oversized_header_gets_the_services_431_page(client):
    response = client.get("/", headers={"X-Big": "y" * 9000})
    assert response.status_code == 431
    page = check_html(response.get_data(as_text=True))
    assert "Clear this site's cookies" in page.get_text()
    assert client.get("/", headers={"X-Big": "y" * 4000}).status_code == 200


def test_gunicorn_lets_through_what_the_app_answers_itself():
    conf = runpy.run_path(str(settings.ROOT / "gunicorn.conf.py"))
    longest_line = len("OPTIONS ") + errors.MAX_URL_LENGTH + len(" HTTP/1.1")
    # 8,190 is gunicorn's ceiling: a larger value is silently cut to it.
    assert longest_line < conf["limit_request_line"] <= 8190
    assert conf["limit_request_field_size"] > errors.MAX_HEADER_FIELD_SIZE
