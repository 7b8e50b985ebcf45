"""Exercise mode (theme 15: "when designing and carrying out exercises"): an exercise works
like a real incident for those taking part, says EXERCISE on their pages and in every text
and email, and residents are never told of it."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage
from emergency import incidents
from emergency.callouts import actions
from emergency.models import Incident
from emergency.updates import updates
from tests.emergency import data
from tests.emergency.callouts.helpers import cvec as signed_in_cvec
from tests.emergency.callouts.helpers import scene, start
from tests.emergency.test_incidents import FORM, declare
from tests.emergency.updates.test_updates import active as network_active
from tests.emergency.updates.test_updates import send as send_update

EXERCISE_FORM = {**FORM, "exercise": "yes", "name": "Exercise Severn Surge"}


@pytest.fixture
def anonymous(app):
    return app.test_client()


def outbox(kind: str) -> list[OutboxMessage]:
    """Messages of one kind, sorted by address: never rely on the order they were sent in."""
    found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    return sorted(found, key=lambda m: (m.channel, m.to))


# --- declaring -------------------------------------------------------------------------------


def test_the_form_asks_whether_it_is_an_exercise_and_keeps_the_answer_when_refused(cvec):
    page = cvec.get_page("/emergency/incidents/new")
    legend = page.select_one("#exercise").find_parent("fieldset").select_one("legend")
    assert "Is this an exercise?" in legend.get_text()
    assert "residents are not told about it" in page.select_one("#exercise-hint").get_text()

    refused = cvec.submit("/emergency/incidents/new", {**EXERCISE_FORM, "name": ""})
    assert refused.status_code == 200
    kept = refused.get_data(as_text=True)
    assert "Enter the incident name" in kept
    assert _checked(kept, "yes")

    missing = cvec.submit("/emergency/incidents/new", {**FORM, "exercise": ""})
    assert "Select yes if this is an exercise" in missing.get_data(as_text=True)
    assert db.session.scalars(select(Incident)).all() == []


def _checked(html: str, value: str) -> bool:
    radio = BeautifulSoup(html, "html.parser").select_one(f"input[name=exercise][value={value}]")
    return radio is not None and radio.has_attr("checked")


def test_declaring_an_exercise_checks_the_answer_then_logs_and_audits_it(cvec):
    response = cvec.submit("/emergency/incidents/new", EXERCISE_FORM)
    assert response.location == "/emergency/incidents/new/check"
    page = cvec.get_page("/emergency/incidents/new/check")
    rows = {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row
        for row in page.select(".govuk-summary-list__row")
    }
    assert "Yes" in rows["Is this an exercise?"].get_text()
    change = rows["Is this an exercise?"].select_one(".govuk-summary-list__actions a")
    assert change["href"] == "/emergency/incidents/new#exercise"
    assert _checked(cvec.get(change["href"]).get_data(as_text=True), "yes")
    assert page.find("button", string="Declare exercise") is not None

    cvec.submit("/emergency/incidents/new/check", {})
    incident = db.session.scalars(select(Incident)).one()
    assert incident.exercise is True
    assert incident.log[0].text.startswith("EXERCISE declared (not a real incident)")
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "incident.declared")
    ).one()
    assert event.details == {"exercise": True}


def test_a_real_incident_is_declared_as_before(cvec):
    declare(cvec, FORM)
    incident = db.session.scalars(select(Incident)).one()
    assert incident.exercise is False
    assert incident.log[0].text.startswith("Incident declared")


# --- what residents see ----------------------------------------------------------------------


def test_the_exercise_banner_shows_to_those_signed_in_alone(cvec, anonymous):
    declare(cvec, EXERCISE_FORM)
    banner = cvec.get_page("/").select_one(".app-incident-banner")
    assert "app-banner--exercise" in banner["class"]
    assert "EXERCISE: Exercise Severn Surge" in banner.get_text()
    assert "not a real incident" in banner.get_text()
    for path in ("/", "/directory", "/signatories", "/help/map"):
        page = anonymous.get(path).get_data(as_text=True)
        assert "Exercise Severn Surge" not in page, path
        assert "app-incident-banner" not in page, path


def test_a_real_incident_beside_an_exercise_keeps_its_banner_for_residents(anonymous, app):
    data.incident(name="Teme flooding", public_message="Tenbury is flooded.")
    data.incident(name="Exercise Iron", exercise=True, public_message="Practice: go to a hub.")
    assert [i.name for i in incidents.real_active()] == ["Teme flooding"]
    assert len(incidents.active()) == 2
    banners = anonymous.get_page("/").select(".app-incident-banner")
    assert [
        b.select_one(".govuk-notification-banner__title").get_text(strip=True) for b in banners
    ] == ["Emergency: Teme flooding"]


def test_help_tells_residents_of_real_incidents_only(anonymous, cvec):
    data.incident(name="Teme flooding", public_message="Tenbury is flooded.")
    data.incident(name="Exercise Iron", exercise=True, public_message="Practice: go to a hub.")
    page = anonymous.get_page("/help")
    assert "Tenbury is flooded." in page.get_text()
    assert "Practice: go to a hub." not in page.get_text()
    assert "Exercise Iron" not in page.get_text()
    assert anonymous.get_page("/help?where=SY1+2AA").get_text().count("Practice") == 0

    inside = cvec.get_page("/help")
    marked = inside.select_one(".app-exercise-message")
    assert "EXERCISE: Exercise Iron" in marked.get_text()
    assert "Practice: go to a hub." in marked.get_text()


def test_with_only_an_exercise_help_says_there_is_no_emergency(anonymous):
    data.incident(name="Exercise Iron", exercise=True, public_message="Practice: go to a hub.")
    page = anonymous.get_page("/help")
    assert "There is no emergency in Shropshire at the moment" in page.get_text()
    assert "Practice" not in page.get_text()


def test_a_hostile_exercise_name_is_escaped_in_the_banner(cvec):
    evil = '<script>alert("x")</script>'
    declare(cvec, {**EXERCISE_FORM, "name": evil, "public_message": evil})
    html = cvec.get("/").get_data(as_text=True)
    assert evil not in html
    assert "EXERCISE: &lt;script&gt;" in html


# --- pages for those taking part -------------------------------------------------------------


def test_pages_for_those_taking_part_say_exercise(cvec):
    exercise = data.incident(name="Exercise Iron", exercise=True)
    real = data.incident(name="Teme flooding")
    page = cvec.get_page(f"/emergency/incidents/{exercise.id}")
    assert "EXERCISE – not a real incident" in page.select_one(".app-exercise-tag").get_text()
    assert cvec.get_page(f"/emergency/incidents/{real.id}").select(".app-exercise-tag") == []
    for path in ("sitrep", "stand-down"):
        tag = cvec.get_page(f"/emergency/incidents/{exercise.id}/{path}").select(
            ".app-exercise-tag"
        )
        assert tag, path
    rows = list(
        csv.reader(
            io.StringIO(
                cvec.get(f"/emergency/incidents/{exercise.id}/sitrep.csv").get_data(as_text=True)
            )
        )
    )
    assert rows[0] == ["EXERCISE", "Not a real incident"]
    real_csv = cvec.get(f"/emergency/incidents/{real.id}/sitrep.csv").get_data(as_text=True)
    assert "EXERCISE" not in real_csv
    cards = cvec.get_page("/emergency").select(".govuk-summary-card")
    tagged = {
        c.select_one(".govuk-summary-card__title").get_text(strip=True): bool(
            c.select(".app-exercise-tag")
        )
        for c in cards
    }
    assert tagged == {"Exercise Iron": True, "Teme flooding": False}


def test_a_stood_down_exercise_is_marked_in_past_incidents(cvec):
    exercise = data.incident(name="Exercise Iron", exercise=True)
    cvec.submit(f"/emergency/incidents/{exercise.id}/stand-down", {"debrief": "Went well."})
    done = cvec.get_page(f"/emergency/incidents/{exercise.id}/stood-down")
    assert "Exercise stood down" in done.select_one("h1").get_text()
    past = cvec.get_page("/emergency").find("h2", string="Past incidents").find_next("ul")
    assert "EXERCISE" in past.select_one(".app-exercise-tag").get_text()


# --- texts and emails ------------------------------------------------------------------------


def test_a_call_out_about_an_exercise_begins_exercise(client, make):
    incident, hub = scene(make)
    incident.exercise = True
    db.session.commit()
    data.volunteer(name="Tess Texted", phone="07700 900001")
    data.volunteer(name="Emma Emailed", phone="", email="emma@example.org")
    start(signed_in_cvec(client, make), incident, hub)
    email, sms = outbox("callout")
    assert (email.channel, sms.channel) == ("email", "sms")
    assert email.subject == "EXERCISE: Can you help? Drivers with 4x4s to move sandbags"
    assert email.body.startswith("EXERCISE: CVEC emergency call-out")
    assert sms.body.startswith("EXERCISE: CVEC emergency call-out")


def test_a_real_call_out_is_not_marked(client, make):
    incident, hub = scene(make)
    data.volunteer(name="Tess Texted", phone="07700 900001")
    data.volunteer(name="Emma Emailed", phone="", email="emma@example.org")
    start(signed_in_cvec(client, make), incident, hub)
    sent = outbox("callout")
    assert len(sent) == 2
    assert all("EXERCISE" not in (m.subject or "") + m.body for m in sent)


def test_deploying_a_volunteer_in_an_exercise_says_so(app):
    exercise = data.incident(name="Exercise Iron", exercise=True)
    volunteer = data.volunteer(phone="", email="robin@example.org")
    message = actions.tell_deployed(volunteer, exercise, None, "sandbags")
    assert message.subject == "EXERCISE: Where to go"
    assert message.body.startswith("EXERCISE: CVEC: thank you, you are deployed for sandbags")


@pytest.mark.parametrize("exercise", [True, False])
def test_an_update_about_an_exercise_begins_exercise(client, make, exercise):
    incident = data.incident(exercise=exercise)
    network_active(incident, private_contact="Sam Organiser, sam@example.org, 07700 900456")
    send_update(signed_in_cvec(client, make), incident, to=[updates.NETWORKS])
    email, sms = outbox(updates.KIND)
    assert (email.channel, sms.channel) == ("email", "sms")
    if exercise:
        assert email.subject.startswith("EXERCISE: Update from CVEC")
        assert email.body.startswith("EXERCISE: this update is part of an exercise")
        assert sms.body.startswith("EXERCISE: CVEC update on")
    else:
        assert "EXERCISE" not in email.subject + email.body + sms.body
