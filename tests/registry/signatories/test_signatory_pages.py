"""The published list and profiles show organisations, never the people who signed."""

from accord.extensions import db
from registry.publish import CONTENT, publish
from registry.signatories.models import Signatory, SignatoryStatus


def make_signatory(make, status=SignatoryStatus.published, **org_fields):
    version = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
    org = make.organisation(**org_fields)
    record = Signatory(
        organisation=org,
        accord_version=version,
        status=status,
        signer_name="Pat Signer",
        signer_email="pat.signer@example.org",
        lead_name="Lee Lead",
        lead_email="lee.lead@example.org",
    )
    db.session.add(record)
    db.session.commit()
    return record


def test_published_signatories_are_listed_without_personal_data(client, make):
    make_signatory(make, name="Ludlow Larder", slug="ludlow-larder", town="Ludlow")
    page = client.get_page("/signatories")
    text = page.get_text()
    assert "Ludlow Larder" in text and "1 organisation" in text
    profile = client.get_page("/signatories/ludlow-larder")
    for private in ("Pat Signer", "pat.signer@example.org", "Lee Lead", "lee.lead@example.org"):
        assert private not in profile.get_text() and private not in text
    assert "2025" in profile.get_text()


def test_unpublished_signatories_are_not_shown(client, make):
    make_signatory(make, status=SignatoryStatus.withdrawn, name="Waiting Group", slug="waiting")
    assert "Waiting Group" not in client.get_page("/signatories").get_text()
    client.get_page("/signatories/waiting", status=404)


def test_search_and_sector_filter(client, make):
    make_signatory(make, name="Ludlow Larder", slug="ludlow-larder", sector="vcs")
    db.session.commit()
    page = client.get_page("/signatories?q=larder&sector=vcs")
    assert "Ludlow Larder" in page.get_text()
    page = client.get_page("/signatories?sector=public")
    assert "Ludlow Larder" not in page.get_text()
