"""registry/pages.py: pages for any signed-in user, and the published Accord or a 404."""

from registry.pages import signed_in
from tests.factories import PASSWORD
from tests.registry.signatories.journey import publish_accord


def test_before_an_accord_is_published_its_pages_are_not_found(client):
    client.get_page("/accord", status=404)
    client.get_page("/accord/sign", status=404)
    publish_accord()
    client.get_page("/accord")
    client.get_page("/accord/sign")


def test_signed_in_sends_a_visitor_to_sign_in_and_back(client, make):
    response = client.get("/concerns/?page=2")
    assert response.status_code == 302
    assert response.location == "/sign-in?next=/concerns/?page%3D2"
    make.user(email="someone@example.org")
    client.sign_in("someone@example.org", PASSWORD)
    assert client.get("/concerns/").status_code == 200


def test_signed_in_keeps_the_view_s_name_for_the_route_table():
    def page():
        return "here"

    assert signed_in(page).__name__ == "page"
