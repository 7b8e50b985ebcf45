"""Volunteers' training: CVEC records it on a volunteer's record, sees it with its dates
(expired ones marked), finds volunteers by training still valid; it is audited, in their
subject access, and deleted with them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, Role
from emergency.readiness import training
from emergency.readiness.models import VolunteerTraining
from emergency.volunteers import privacy, retention
from emergency.volunteers.models import Volunteer
from tests.emergency import data
from tests.emergency.readiness.helpers import sign_in


def day(value) -> list[str]:
    return [str(value.day), str(value.month), str(value.year)]


def answers(**different) -> dict:
    today = today_uk()
    values = {
        "course": "first_aid",
        "detail": "",
        "completed_on": day(today - timedelta(days=30)),
        "expires_on": day(today + timedelta(days=3 * 365)),
    }
    values.update(different)
    return values


def trained(volunteer, course: str, done_days_ago: int = 30, expires_in: int | None = None):
    today = today_uk()
    expires = today + timedelta(days=expires_in) if expires_in is not None else None
    made = training.record(
        volunteer, course, "", today - timedelta(days=done_days_ago), expires, None
    )
    db.session.commit()
    return made


def count() -> int:
    return db.session.scalar(select(func.count(VolunteerTraining.id))) or 0


def test_cvec_records_training_on_a_volunteers_record(client, make):
    cvec = sign_in(client, make, Role.cvec)
    volunteer = data.volunteer(name="Ali Medic")
    record = client.get_page(f"/emergency/volunteers/{volunteer.id}")
    assert "No training recorded." in record.select_one("#training-list").get_text()
    link = record.find("a", string="Record training")
    assert link["href"] == f"/emergency/volunteers/{volunteer.id}/training"
    client.get_page(link["href"])
    response = client.submit(link["href"], answers())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/emergency/volunteers/{volunteer.id}#training"
    response = client.submit(
        link["href"],
        answers(course="other", detail="Chainsaw safety", expires_on=["", "", ""]),
    )
    assert response.status_code == 302
    page = client.get_page(f"/emergency/volunteers/{volunteer.id}")
    rows = [
        [" ".join(td.get_text().split()) for td in tr.select("td")]
        for tr in page.select("#training-list tbody tr")
    ]
    done = (today_uk() - timedelta(days=30)).strftime("%-d %B %Y")
    assert [row[0] for row in rows] == ["Other: Chainsaw safety", "First aid"]
    assert rows[0][1:] == [done, "Does not expire"]
    assert "Expired" not in rows[1][2]
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "volunteer.training_recorded")
        .order_by(AuditEvent.id)
    ).all()
    assert [e.details["course"] for e in events] == ["first_aid", "other"]
    assert all(e.target_id == str(volunteer.id) and e.actor_id == cvec.id for e in events)
    assert all("Chainsaw" not in str(e.details) for e in events)


def test_expired_training_is_marked(client, make):
    sign_in(client, make, Role.cvec)
    volunteer = data.volunteer()
    trained(volunteer, "safeguarding", done_days_ago=800, expires_in=-5)
    page = client.get_page(f"/emergency/volunteers/{volunteer.id}")
    row = page.select_one("#training-list tbody tr").get_text(" ", strip=True)
    assert "Safeguarding" in row and "Expired" in row


@pytest.mark.parametrize(
    ("different", "message"),
    [
        ({"course": ""}, "Select the course"),
        ({"course": "juggling"}, "Select the course from the list"),
        ({"course": "other"}, "Enter what the course was"),
        ({"course": "other", "detail": "x" * 101}, "100 characters or fewer"),
        ({"completed_on": ["", "", ""]}, "Enter the date they completed it"),
        ({"completed_on": ["31", "2", "2026"]}, "The date must be a real date"),
        ({"completed_on": day(today_uk() + timedelta(days=1))}, "today or in the past"),
        ({"expires_on": day(today_uk() - timedelta(days=31))}, "after the date they completed"),
        ({"expires_on": ["1", "1", "2206"]}, "within 20 years"),
    ],
)
def test_bad_answers_are_named(client, make, different, message):
    sign_in(client, make, Role.cvec)
    volunteer = data.volunteer()
    response = client.submit(f"/emergency/volunteers/{volunteer.id}/training", answers(**different))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body
    assert count() == 0


def test_the_search_finds_volunteers_by_training_still_valid(client, make):
    sign_in(client, make, Role.cvec)
    current = data.volunteer(name="Cy Current")
    lapsed = data.volunteer(name="Di Lapsed")
    lifelong = data.volunteer(name="Ed Lifelong")
    data.volunteer(name="Fy Untrained")
    trained(current, "first_aid", expires_in=100)
    trained(current, "safeguarding", expires_in=100)
    trained(lapsed, "first_aid", done_days_ago=1200, expires_in=-1)
    trained(lifelong, "first_aid")  # no expiry

    def names(query: str) -> list[str]:
        page = client.get_page(f"/emergency/volunteers?{query}")
        return [a.get_text(strip=True) for a in page.select("tbody a")]

    assert names("training=first_aid") == ["Cy Current", "Ed Lifelong"]
    assert names("training=first_aid&training=safeguarding") == ["Cy Current"]
    assert names("training=rest_centre") == []
    page = client.get_page("/emergency/volunteers?training=nonsense")
    assert "Choose training from the list" in page.get_text()
    assert len(page.select("tbody a")) == 4  # a bad value is named and left out


def test_training_is_deleted_with_the_volunteer(app, client, make):
    today = today_uk()
    purged = data.volunteer(retain_until=today - timedelta(days=1))
    kept = data.volunteer(retain_until=today + timedelta(days=10))
    trained(purged, "first_aid")
    trained(kept, "rest_centre")
    assert retention.purge(today) == 1
    db.session.commit()
    db.session.expire_all()
    left = db.session.scalars(select(VolunteerTraining)).all()
    assert [t.volunteer_id for t in left] == [kept.id]

    assert privacy.subject_access(kept.email)[0]["training"] == [
        {
            "course": "Rest centre",
            "completed_on": (today - timedelta(days=30)).isoformat(),
            "expires_on": None,
        }
    ]
    retention.delete(db.session.get(Volunteer, kept.id))  # at their request, or CVEC's
    db.session.commit()
    assert count() == 0

    erased = data.volunteer(email="erase.me@example.org")
    trained(erased, "food_hygiene")
    assert privacy.erase("erase.me@example.org") == 1
    db.session.commit()
    assert count() == 0


def test_training_pages_are_cvecs_alone(client, make):
    volunteer = data.volunteer()
    at = f"/emergency/volunteers/{volunteer.id}/training"
    assert client.get(at).status_code == 302
    for role in (Role.member, Role.frontline, Role.coordinator):
        visitor = client.application.test_client()
        sign_in(visitor, make, role)
        assert visitor.get(at).status_code == 403, role
        assert visitor.submit(at, answers(), form_path="/volunteer").status_code == 403, role
    assert count() == 0
    sign_in(client, make, Role.cvec)
    assert client.get("/emergency/volunteers/987654/training").status_code == 404
