"""The badge: the images partners load follow the signature; only the organisation's members
get the page that offers it."""

import io

from PIL import Image

from accord.extensions import db
from accord.models import Role
from registry.signatories.models import SignatoryStatus
from tests.factories import PASSWORD
from tests.registry.signatories.test_signatory_pages import make_signatory


def test_a_signatory_s_badge_names_the_version_and_links_to_its_profile(client, make):
    make_signatory(make, name="Ludlow Larder", slug="ludlow-larder")
    svg = client.get("/signatories/ludlow-larder/badge.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert "We have signed the Shropshire Accord (version 2025)" in text  # its title
    assert ">Shropshire Accord<" in text and "Version 2025" in text
    assert 'role="img"' in text and svg.headers["Cache-Control"] == "public, max-age=3600"
    png = client.get("/signatories/ludlow-larder/badge.png")
    assert png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (600, 180)
    link = client.get("/signatories/ludlow-larder/badge-link")
    assert link.status_code == 302 and link.location.endswith("/signatories/ludlow-larder")


def test_after_withdrawing_the_same_addresses_give_a_plain_link_to_the_accord(client, make):
    record = make_signatory(make, name="Ludlow Larder", slug="ludlow-larder")
    before = client.get("/signatories/ludlow-larder/badge.png").data
    record.status = SignatoryStatus.withdrawn
    db.session.commit()
    text = client.get("/signatories/ludlow-larder/badge.svg").get_data(as_text=True)
    assert "signed" not in text and "Version" not in text
    assert "The Shropshire Accord" in text and 'text-decoration="underline"' in text
    after = client.get("/signatories/ludlow-larder/badge.png").data
    assert after != before and Image.open(io.BytesIO(after)).size == (600, 64)
    link = client.get("/signatories/ludlow-larder/badge-link")
    assert link.status_code == 302 and link.location.endswith("/accord")


def test_an_organisation_that_never_signed_has_no_badge(client, make):
    make.organisation(name="Not Signed", slug="not-signed")
    db.session.commit()
    for path in ("badge.svg", "badge.png", "badge-link"):
        assert client.get(f"/signatories/not-signed/{path}").status_code == 404


def test_the_badge_escapes_what_an_administrator_typed_as_the_version(client, make):
    record = make_signatory(make, name="Ludlow Larder", slug="ludlow-larder")
    record.accord_version.version = '<script>"x"</script>'
    db.session.commit()
    text = client.get("/signatories/ludlow-larder/badge.svg").get_data(as_text=True)
    assert "<script>" not in text and "&lt;script&gt;" in text


def test_only_the_organisation_s_members_get_the_badge_page(client, make):
    record = make_signatory(make, name="Ludlow Larder", slug="ludlow-larder")
    member = make.user(Role.member, record.organisation, email="m@larder.example")
    other = make.user(Role.member, make.organisation(name="Other", slug="other"))
    db.session.commit()
    page = client.get("/signatories/ludlow-larder/badge")
    assert page.status_code == 302 and "/sign-in" in page.location
    client.sign_in(other.email, PASSWORD)
    assert client.get("/signatories/ludlow-larder/badge").status_code == 403
    client.post("/sign-out", data={"csrf_token": client.csrf_token("/")})
    client.sign_in(member.email, PASSWORD)
    assert "Get your Accord badge" in client.get_page("/signatories/ludlow-larder").get_text()
    page = client.get_page("/signatories/ludlow-larder/badge")
    snippet = page.find("textarea", id="snippet").get_text()
    assert 'href="http' in snippet and "/signatories/ludlow-larder/badge-link" in snippet
    assert "/signatories/ludlow-larder/badge.svg" in snippet
    assert 'alt="Ludlow Larder and the Shropshire Accord"' in snippet
    assert page.find("img")["alt"] == "We have signed the Shropshire Accord (version 2025)"
