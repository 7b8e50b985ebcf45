"""A hub's managers confirm its readiness from the hub's page (their own hubs only), every
check is kept, and the check is audited by ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accord import settings
from accord.extensions import db
from accord.models import AuditEvent, Role
from accord.settings import SettingsError
from emergency.readiness import readiness
from emergency.readiness.models import HubReadiness
from tests.emergency import data
from tests.emergency.readiness.helpers import member_of, run_hub, sign_in

ALL = ["keyholders", "capacity", "facilities"]


def checks(hub) -> list[HubReadiness]:
    return list(
        db.session.scalars(
            select(HubReadiness).where(HubReadiness.hub_id == hub.id).order_by(HubReadiness.id)
        )
    )


def test_a_member_confirms_their_hub_is_ready_from_its_page(client, make):
    hub, organisation = run_hub(make)
    member = member_of(client, make, organisation)
    page = client.get_page(f"/emergency/hubs/{hub.id}")
    assert "Never checked" in page.select_one("#readiness").get_text()
    link = page.find("a", string="Confirm the hub is ready")
    assert link["href"] == f"/emergency/hubs/{hub.id}/readiness"

    form = client.get_page(link["href"])
    assert form.find("h1").get_text(strip=True) == "Readiness check"
    assert [b.get_text(strip=True) for b in form.select("main button")] == [
        "Confirm the hub is ready"
    ]
    response = client.submit(link["href"], {"checks": ALL, "note": "Boiler serviced"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/emergency/hubs/{hub.id}"
    page = client.get_page(f"/emergency/hubs/{hub.id}")
    assert "Readiness check recorded for Frankwell Hall." in page.get_text()
    assert "Ready" in page.select_one("#readiness").get_text()

    [check] = checks(hub)
    assert (check.keyholders_confirmed, check.capacity_confirmed, check.facilities_checked) == (
        True,
        True,
        True,
    )
    assert check.note == "Boiler serviced" and check.checked_by_id == member.id
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "hub.readiness_confirmed")
    )
    assert event is not None and event.target_id == str(hub.id) and event.actor_id == member.id
    assert event.details == {
        "check_id": check.id,
        "keyholders": True,
        "capacity": True,
        "facilities": True,
    }  # the note is free text: never in the audit log


def test_every_check_is_kept_and_the_latest_is_the_hubs_readiness(client, make, monkeypatch):
    hub, organisation = run_hub(make)
    member_of(client, make, organisation)
    at = f"/emergency/hubs/{hub.id}/readiness"
    data.set_clock(monkeypatch, data.AFTERNOON.replace(month=6))
    assert client.submit(at, {"checks": ALL, "note": "All fine"}).status_code == 302
    data.set_clock(monkeypatch, data.AFTERNOON)
    assert client.submit(at, {"checks": ["capacity"], "note": "Key-holder away"}).status_code == 302
    kept = checks(hub)
    assert [c.note for c in kept] == ["All fine", "Key-holder away"]
    latest = readiness.latest(hub)
    assert latest is not None and latest.id == kept[1].id and not latest.complete
    page = client.get_page(at)
    assert "Not all confirmed" in page.get_text() and "Not confirmed" in page.get_text()
    assert "All fine" in page.select_one("ol.app-log").get_text()  # the earlier check
    assert "Not all confirmed" in client.get_page(f"/emergency/hubs/{hub.id}").get_text()


def test_a_check_needs_something_ticked_and_a_short_note_without_contacts(client, make):
    hub, organisation = run_hub(make)
    member_of(client, make, organisation)
    at = f"/emergency/hubs/{hub.id}/readiness"
    for answers, message in [
        ({"note": "x"}, "Tick at least one thing you have checked"),
        ({"checks": ["nonsense"]}, "Choose what you have checked from the list"),
        ({"checks": ALL, "note": "n" * 301}, "The note must be 300 characters or fewer"),
        ({"checks": ALL, "note": "Ring Pat on 07700 900123"}, "Remove the phone number"),
    ]:
        response = client.submit(at, answers)
        assert response.status_code == 400, answers
        summary = response.get_data(as_text=True)
        assert "There is a problem" in summary and message in summary
    assert checks(hub) == []


@pytest.mark.parametrize("role", [None, "member", "other_member", "frontline", "coordinator"])
def test_only_the_hubs_managers_may_check_it(client, make, role):
    hub, organisation = run_hub(make)
    if role == "member":
        member_of(client, make, organisation)
    elif role == "other_member":
        member_of(client, make, make.organisation())
    elif role:
        sign_in(client, make, role)
    at = f"/emergency/hubs/{hub.id}/readiness"
    status = client.get(at).status_code
    # A CSRF token from a public form: the session's, as a browser would send it.
    posted = client.submit(at, {"checks": ALL}, form_path="/volunteer").status_code
    if role == "member":
        assert (status, posted) == (200, 302)
    elif role is None:
        assert (status, posted) == (302, 302)
    else:
        assert (status, posted) == (403, 403)
    assert len(checks(hub)) == (1 if role == "member" else 0)
    assert client.get("/emergency/hubs/987654/readiness").status_code in (302, 404)


@pytest.mark.parametrize("role", [Role.cvec, Role.admin])
def test_cvec_and_admins_check_any_hub(client, make, role):
    hub, _ = run_hub(make)
    sign_in(client, make, role)
    response = client.submit(f"/emergency/hubs/{hub.id}/readiness", {"checks": ALL})
    assert response.status_code == 302
    assert len(checks(hub)) == 1


def test_the_setting_is_read_from_the_environment():
    assert settings.load({"APP_ENV": "development"})["HUB_READINESS_DAYS"] == 180
    loaded = settings.load({"APP_ENV": "development", "HUB_READINESS_DAYS": "90"})
    assert loaded["HUB_READINESS_DAYS"] == 90
    with pytest.raises(SettingsError, match="HUB_READINESS_DAYS must be a whole number"):
        settings.load({"APP_ENV": "development", "HUB_READINESS_DAYS": "half a year"})
