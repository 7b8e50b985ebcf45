"""Repeated breaches and the open letter (the Accord's step 7)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from accord.clock import short_date
from accord.extensions import db
from accord.models import AuditEvent, Role, User
from registry.concerns import open_letters
from registry.concerns.models import OpenLetter
from tests.registry.concerns.cases import (
    ON,
    TODAY,
    VISITORS,
    signed_in,
    visitor_client,
)

STEP_7 = "the VCS Assembly may choose to highlight concerns publicly through an open letter"


def test_repeated_breaches_are_listed_for_the_coordinator_with_step_7(app, repeated):
    council, charity = repeated["council"], repeated["charity"]
    page = signed_in(app, "coordinator@example.org").get_page("/concerns/")
    section = page.find(id="repeated-breaches").find_parent()
    text = " ".join(section.get_text().split())
    assert STEP_7 in text and "all other options and opportunities have been exhausted" in text
    counts = {cell["data-breaches"]: cell.get_text() for cell in page.select("[data-breaches]")}
    assert counts == {charity.slug: "3", council.slug: "2"}  # most first; Marches has one
    assert [c["data-breaches"] for c in page.select("[data-breaches]")] == [
        charity.slug,
        council.slug,
    ]
    letters = [a["href"] for a in page.select("a[href^='/concerns/open-letters/']")]
    assert letters == [f"/concerns/open-letters/{council.id}"]  # the charity is not public
    assert "Not public sector" in text
    assert [r.organisation.name for r in open_letters.repeated_breaches()] == [
        "Wem Friends",
        "Borderland Council",
    ]
    for email in ("raiser@example.org", "council@example.org"):
        shown = signed_in(app, email).get_page("/concerns/")
        assert shown.find(id="repeated-breaches") is None and STEP_7 not in shown.get_text()


def test_an_open_letter_is_recorded_once_by_the_coordinator(app, repeated):
    council, charity = repeated["council"], repeated["charity"]
    path = f"/concerns/open-letters/{council.id}"
    coordinator = signed_in(app, "coordinator@example.org")
    form = coordinator.get_page(path)
    assert len(form.find_all("h1")) == 1 and "Borderland Council" in form.get_text()
    url_box = form.find("input", attrs={"name": "url"})
    assert form.find("label", attrs={"for": url_box["id"]}).get_text(strip=True) == (
        "Web address of the letter"
    )
    assert form.find("legend").get_text(strip=True) == "Date published"
    assert len(form.find_all("input", attrs={"name": "published_on"})) == 3
    url = "https://vcsassembly.example.org/open-letter-2026"
    good = {"published_on": ON, "url": url}
    future = [str(TODAY.day), str(TODAY.month), str(TODAY.year + 1)]
    for changes, message in [
        ({"url": ""}, "Enter the web address of the letter"),
        ({"url": "http://vcsassembly.example.org/letter"}, "starting https://"),
        ({"url": "javascript:alert(1)"}, "starting https://"),
        ({"url": "https://localhost/letter"}, "starting https://"),
        ({"url": 'https://example.org/"><script>'}, "starting https://"),
        ({"url": "https://example.org:99999/"}, "starting https://"),
        ({"url": "https://" + "a" * 500 + ".org"}, "500 characters or fewer"),
        ({"url": "\x00"}, "Enter the web address of the letter"),
        ({"published_on": ["31", "2", "2026"]}, "real date"),
        ({"published_on": future}, "today or in the past"),
        ({"published_on": ["", "", ""]}, "Enter the date"),
    ]:
        response = coordinator.submit(path, {**good, **changes})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and "govuk-error-summary" in body, changes
        assert message in body, changes
    assert db.session.scalar(select(func.count()).select_from(OpenLetter)) == 0
    assert coordinator.post(path, data=good).status_code == 400  # no CSRF

    first = coordinator.submit(path, good)
    assert first.status_code == 302 and first.location == "/concerns/#repeated-breaches"
    again = coordinator.submit(path, good, follow_redirects=True)
    assert "already recorded" in again.get_data(as_text=True)
    [letter] = db.session.scalars(select(OpenLetter)).all()
    assert (letter.organisation_id, letter.published_on, letter.url) == (council.id, TODAY, url)
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open_letter.recorded")
    )
    assert event.details == {"organisation_id": council.id} and url not in str(event.details)

    page = coordinator.get_page("/concerns/")
    shown = page.find("a", href=url)
    assert shown is not None and shown.get_text() == url
    row = " ".join(shown.find_parent("tr").get_text().split())
    assert short_date(TODAY) in row and "Borderland Council" in row

    # Only a public-sector organisation with repeated breaches: others are a 404.
    for other in (charity.id, repeated["other"].id, 987654):
        coordinator.get_page(f"/concerns/open-letters/{other}", status=404)
        token = coordinator.csrf_token("/account")
        response = coordinator.post(
            f"/concerns/open-letters/{other}", data={"csrf_token": token, **good}
        )
        assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(OpenLetter)) == 1


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_open_letter_role_matrix(app, repeated, visitor):
    path = f"/concerns/open-letters/{repeated['council'].id}"
    data = {"published_on": ON, "url": "https://example.org/letter"}
    client = visitor_client(app, repeated, visitor)
    if visitor is None:
        assert client.get(path).location.startswith("/sign-in")
        return
    token = client.csrf_token("/account")
    allowed = visitor == Role.coordinator  # not the administrator: the Assembly decides
    assert client.get(path).status_code == (200 if allowed else 403)
    response = client.post(path, data={"csrf_token": token, **data})
    assert response.status_code == (302 if allowed else 403)
    recorded = db.session.scalar(select(func.count()).select_from(OpenLetter))
    assert recorded == (1 if allowed else 0)


def test_the_same_letter_recorded_at_the_same_moment_is_one_row(app, repeated, monkeypatch):
    council = repeated["council"]
    coordinator = db.session.scalar(select(User).where(User.email == "coordinator@example.org"))
    url = "https://example.org/letter"
    first, created = open_letters.record_open_letter(council, TODAY, url, coordinator)
    db.session.commit()
    assert created
    # The other coordinator's check ran before this row was committed: the insert then
    # meets the unique constraint, and they are given the first row.
    looked = []
    real = db.session.scalar

    def missed_once(statement):
        looked.append(statement)
        return None if len(looked) == 1 else real(statement)

    monkeypatch.setattr(db.session, "scalar", missed_once)
    again, created = open_letters.record_open_letter(council, TODAY, url, coordinator)
    monkeypatch.undo()
    db.session.commit()
    assert not created and again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(OpenLetter)) == 1
    events = select(func.count()).where(AuditEvent.action == "open_letter.recorded")
    assert db.session.scalar(events) == 1
