"""Emergency pages so far: the public help page and CVEC's page behind its role."""

from tests.factories import PASSWORD


def test_help_page_is_public(client):
    page = client.get_page("/help")
    assert "call 999" in page.get_text()


def test_cvec_page_needs_the_cvec_role(client, make):
    assert client.get("/emergency").status_code == 302
    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    page = client.get_page("/emergency")
    assert "Emergency coordination" in page.h1.get_text()
