"""Emergency pages as a whole: the public help page, CVEC's page behind its role, CSRF on every
form CVEC posts, and times on Shropshire's clocks in GOV.UK style."""

from __future__ import annotations

from datetime import UTC, datetime

from accord import clock
from accord.extensions import db
from emergency import hubs, incidents, standing_down
from emergency.volunteers import deployments
from tests.emergency import data
from tests.factories import PASSWORD

# 1:05pm UTC in July is 2:05pm in Shrewsbury (British Summer Time).
SUMMER_AFTERNOON = datetime(2026, 7, 15, 13, 5, tzinfo=UTC)


def signed_in(client, make):
    make.user(role="cvec", email="cvec@example.org")
    client.sign_in("cvec@example.org", PASSWORD)
    return client


def test_help_page_is_public(client):
    page = client.get_page("/help")
    assert "call 999" in page.get_text()


def test_cvec_page_needs_the_cvec_role(client, make):
    assert client.get("/emergency").status_code == 302
    signed_in(client, make)
    page = client.get_page("/emergency")
    assert "Emergency coordination" in page.h1.get_text()


def test_every_form_cvec_posts_carries_its_csrf_token(client, make):
    incident = data.incident()
    hub = data.hub()
    data.network()
    pending = data.network(place="Shrewsbury", radius_miles=2.0, latitude=None, longitude=None)
    volunteer = data.volunteer()
    deployments.deploy(volunteer, incident, task="Sandbags at Frankwell car park")
    db.session.commit()
    signed_in(client, make)
    for path in (
        f"/emergency/incidents/{incident.id}",
        f"/emergency/hubs/{hub.id}",
        f"/emergency/networks/incidents/{incident.id}",
        f"/emergency/networks/{pending.id}",
        f"/emergency/volunteers/{volunteer.id}",
    ):
        forms = client.get_page(path).find_all("form", method="post")
        assert len(forms) >= 2, path
        for form in forms:
            token = form.find("input", attrs={"name": "csrf_token"})
            assert token is not None and token["value"], (path, form.get("action"))


def test_times_are_on_uk_clocks_in_govuk_style(client, make, monkeypatch):
    monkeypatch.setattr(clock, "system_time", lambda: SUMMER_AFTERNOON)
    incident = data.incident(name="Severn flooding")
    hub = data.hub(location=make.location(name="Frankwell Hall"))
    hubs.set_status(hub, "open", 12, "", None)
    incidents.add_note(incident, "Sandbags delivered", None)
    signed_in(client, make)

    page = client.get_page(f"/emergency/incidents/{incident.id}").get_text(" ", strip=True)
    assert "Declared 15 July 2026 at 2:05pm" in page
    # The coordination page shows each active incident as a summary card linking to it.
    card = client.get_page("/emergency").select_one(".govuk-summary-card")
    assert card.select_one(".govuk-summary-card__title a")["href"] == (
        f"/emergency/incidents/{incident.id}"
    )
    assert "declared 15 July 2026 at 2:05pm" in card.get_text(" ", strip=True)
    assert "15 Jul 2026, 2:05pm Sandbags delivered" in page
    hub_page = client.get_page(f"/emergency/hubs/{hub.id}").get_text(" ", strip=True)
    assert "Updated 15 July 2026 at 2:05pm." in hub_page
    assert "15 Jul 2026, 2:05pm Open, 12 people" in hub_page
    listed = client.get_page("/emergency/hubs").get_text(" ", strip=True)
    assert "15 Jul 2026, 2:05pm" in listed
    sitrep = client.get_page(f"/emergency/incidents/{incident.id}/sitrep")
    text = sitrep.get_text(" ", strip=True)
    assert "At 15 July 2026 at 2:05pm. Flood, declared 15 July 2026 at 2:05pm." in text
    assert "(UTC)" not in text  # the times shown are Shropshire's, not UTC
    assert "15 Jul 2026, 2:05pm Sandbags delivered" in text

    standing_down.stand_down(incident, "Went well", {}, None)
    past = client.get_page("/emergency").get_text(" ", strip=True)
    assert "Severn flooding , 15 July 2026 to 15 July 2026" in past
