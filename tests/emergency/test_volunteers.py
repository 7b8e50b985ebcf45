"""Emergency volunteers: the public sign-up, CVEC's search and deployments, deletion, retention,
roles, privacy, and bad input that must never become a 500."""

from __future__ import annotations

import itertools
import logging
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from accord import geo
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role, utcnow
from emergency import volunteers
from emergency.models import Deployment, Incident, IncidentLog, Volunteer
from emergency.volunteer_cli import purge_volunteers
from tests.emergency import data
from tests.factories import PASSWORD
from tests.pages import check_html

ANSWERS = {
    "name": "Robin Helper",
    "email": "Robin.Helper@example.org",
    "phone": "07700 900982",
    "postcode": "sy3 8hq",
    "skills": ["first_aid", "four_by_four", "languages"],
    "languages": "Welsh, Polish",
    "dbs": "yes",
    "dbs_date": ["14", "2", "2024"],
    "availability": ["weekends", "short_notice"],
    "consent": "y",
}
_addresses = itertools.count(1)


def answers(**changes) -> dict:
    return {**ANSWERS, **changes}


def fresh_address(client) -> None:
    """Each sign-up test comes from its own address, so the per-IP limit counts only its own."""
    client.environ_base["REMOTE_ADDR"] = f"10.9.{next(_addresses) % 250}.{next(_addresses) % 250}"


def signed_in(client, make, role: str = Role.cvec):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)
    return client


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def log_lines() -> list[str]:
    return list(db.session.scalars(select(IncidentLog.text).order_by(IncidentLog.id)))


# --- signing up ------------------------------------------------------------------------------


def test_sign_up_keeps_the_district_and_the_words_agreed_to(app, client):
    page = client.get_page("/volunteer")
    consent = page.find("input", attrs={"name": "consent"})
    words = page.find("label", attrs={"for": consent["id"]}).get_text(" ", strip=True)
    assert page.find("a", href="/volunteer/privacy")

    response = client.submit("/volunteer", answers())
    assert response.status_code == 302 and response.location == "/volunteer/thanks"
    thanks = client.get_page("/volunteer/thanks")
    assert "Thank you, Robin" in thanks.get_text()
    assert "Helper" not in thanks.get_text() and "example.org" not in thanks.get_text()

    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.email == "robin.helper@example.org"
    assert volunteer.outcode == "SY3"
    centre = geo.district_point("SY3")
    assert (volunteer.latitude, volunteer.longitude) == (centre.latitude, centre.longitude)
    assert volunteer.skills == ["first_aid", "four_by_four", "languages"]
    assert volunteer.languages == "Welsh, Polish"
    assert volunteer.dbs_checked and volunteer.dbs_date == date(2024, 2, 14)
    assert volunteer.availability == ["weekends", "short_notice"]
    assert volunteer.consent == words == volunteers.consent_text(730)
    assert volunteer.consent_at is not None
    assert volunteer.retain_until == date.today() + timedelta(days=730)
    assert audit_actions() == ["volunteer.signed_up"]
    # The thank-you page forgets the name once shown.
    assert "Robin" not in client.get_page("/volunteer/thanks").get_text()


def test_the_consent_says_why_who_how_long_and_how_to_leave():
    words = volunteers.consent_text(730)
    for needed in (
        "CVEC",
        "volunteer in an emergency in Shropshire",
        "Only CVEC coordinators",
        "2 years",
        "deleted",
        "Stop volunteering",
    ):
        assert needed in words
    assert "1 year " in volunteers.consent_text(365)
    assert "13 weeks" in volunteers.consent_text(91)
    assert "100 days" in volunteers.consent_text(100)


def test_the_retention_setting_changes_the_words_and_the_date(app, make_app):
    # `app` too: its teardown empties the tables this test fills.
    other = make_app(VOLUNTEER_RETENTION_DAYS=365)
    client = other.test_client()
    with other.app_context():
        assert "1 year" in client.get_page("/volunteer").get_text()
        client.submit("/volunteer", answers())
        volunteer = db.session.scalar(select(Volunteer))
        assert volunteer.retain_until == date.today() + timedelta(days=365)
        assert "1 year" in volunteer.consent


def test_signing_up_again_updates_and_looks_the_same(app, client):
    first = client.submit("/volunteer", answers())
    again = client.submit(
        "/volunteer",
        answers(email=" robin.helper@EXAMPLE.org ", postcode="SY8 1AA", skills=["lifting"]),
    )
    new = client.submit("/volunteer", answers(email="someone.else@example.org"))
    for response in (again, new):
        assert response.status_code == first.status_code
        assert response.location == first.location
        assert response.get_data() == first.get_data()
    assert db.session.scalar(select(func.count(Volunteer.id))) == 2
    volunteer = volunteers.by_email("robin.helper@example.org")
    assert volunteer.outcode == "SY8" and volunteer.skills == ["lifting"]
    assert volunteer.languages == ""  # no longer ticked
    assert audit_actions().count("volunteer.updated_own_details") == 1


def test_signing_up_again_leaves_an_inactive_volunteer_inactive(app, client):
    volunteer = data.volunteer(email="robin.helper@example.org", active=False)
    client.submit("/volunteer", answers())
    db.session.refresh(volunteer)
    assert volunteer.active is False and volunteer.name == "Robin Helper"


def test_missing_answers_are_named_in_the_error_summary(client):
    response = client.submit("/volunteer", {})
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    links = {a["href"]: a.get_text(strip=True) for a in summary.find_all("a")}
    assert links == {
        "#name": "Enter your full name",
        "#email": "Enter your email address",
        "#postcode": "Enter your home postcode",
        "#availability": "Select when you could help",
        "#consent": "Tick the box to agree to CVEC keeping your details and contacting you",
    }
    for target in links:
        assert page.select_one(target), target
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


BAD_ANSWERS = [
    ({"postcode": "ZZ9 9ZZ"}, "Enter a real UK postcode"),
    ({"postcode": "75001"}, "Enter a real UK postcode"),
    ({"postcode": "Shrewsbury"}, "Enter a real UK postcode"),
    ({"email": "not-an-email"}, "Enter an email address in the correct format"),
    ({"phone": "call me"}, "Enter a phone number"),
    ({"phone": "123"}, "Enter a phone number"),
    ({"languages": ""}, "Enter the languages you speak"),
    ({"dbs_date": ["", "", ""]}, "Enter the date your DBS certificate was issued"),
    ({"dbs_date": ["14", "", "2024"]}, "The date must include a month"),
    ({"dbs_date": ["31", "2", "2024"]}, "The date must be a real date"),
    ({"dbs_date": ["1", "1", "24"]}, "Enter the date as numbers"),
    ({"dbs_date": ["1", "1", "2999"]}, "must be in the past"),
    ({"dbs_date": ["1", "1", "1999"]}, "in 2002 or later"),
    ({"dbs_date": ["99999999999", "1", "2020"]}, "The date must be a real date"),
    ({"dbs_date": ["١", "1", "2020"]}, "Enter the date as numbers"),
    ({"dbs": "maybe"}, "Tick the box if you have had a DBS check"),
    ({"skills": ["juggling"]}, "Select what you could help with from the list"),
    ({"availability": ["never"]}, "Select when you could help from the list"),
    ({"name": "R" * 5000}, "Full name must be 120 characters or fewer"),
    ({"email": "r" * 5000 + "@example.org"}, "Email address must be 254 characters or fewer"),
]


def test_bad_answers_get_a_clear_error(client):
    token = client.csrf_token("/volunteer")
    for n, (changes, message) in enumerate(BAD_ANSWERS):
        response = client.post(
            "/volunteer",
            data={"csrf_token": token, **answers(**changes)},
            environ_base={"REMOTE_ADDR": f"10.8.0.{n}"},
        )
        assert response.status_code == 200, changes
        assert message in response.get_data(as_text=True), changes
    assert db.session.scalar(select(func.count(Volunteer.id))) == 0


def test_the_dbs_date_error_links_to_the_day_box(client):
    response = client.submit("/volunteer", answers(dbs_date=["", "", ""]))
    page = check_html(response.get_data(as_text=True))
    link = page.select_one(".govuk-error-summary a")
    assert link["href"] == "#dbs_date-day" and page.select_one("#dbs_date-day")


def test_a_post_that_omits_or_repeats_the_date_boxes_is_not_a_500(client):
    without = {k: v for k, v in answers().items() if k != "dbs_date"}
    response = client.submit("/volunteer", without)
    assert response.status_code == 200
    assert "Enter the date your DBS certificate was issued" in response.get_data(as_text=True)
    assert client.submit("/volunteer", answers(dbs_date=["2024"])).status_code == 200
    # Extra boxes (not from our form) are ignored: the first three make the date.
    assert client.submit("/volunteer", answers(dbs_date=["1", "2", "2024", "5"])).status_code == 302
    assert db.session.scalar(select(Volunteer.dbs_date)) == date(2024, 2, 1)
    # Without a DBS check the date boxes do not matter, whatever they hold.
    unchecked = {k: v for k, v in without.items() if k != "dbs"}
    done = client.submit("/volunteer", {**unchecked, "dbs_date": ["x"]})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Volunteer.dbs_date)) is None


def test_markup_emoji_and_control_characters_are_harmless(client):
    script = "<script>alert(1)</script>"
    hostile = {
        "name": f"{script} 🌊",
        "email": f"{script}@example.org",
        "phone": script,
        "postcode": script,
        "skills": [script],
        "languages": script,
        "dbs": script,
        "dbs_date": [script, script, script],
        "availability": [script],
        "consent": script,
    }
    response = client.submit("/volunteer", hostile)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<script>alert" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body

    fresh_address(client)
    done = client.submit("/volunteer", answers(name=f"Ana\x00 {script} 🌊 Ló\u200bpez"))
    assert done.status_code == 302
    assert db.session.scalar(select(Volunteer.name)) == f"Ana {script} 🌊 Ló\u200bpez"
    thanks = client.get("/volunteer/thanks").get_data(as_text=True)
    assert "Thank you, Ana" in thanks and "<script>alert" not in thanks


def test_a_missing_csrf_token_is_refused_politely(client):
    response = client.post("/volunteer", data=answers())
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


def test_sign_ups_are_rate_limited_per_address(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    token = client.csrf_token("/volunteer")
    statuses = [client.post("/volunteer", data={"csrf_token": token}).status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]
    refused = client.post("/volunteer", data={"csrf_token": token}).get_data(as_text=True)
    assert "Too many attempts" in refused
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.11"
    assert other.submit("/volunteer", answers()).status_code == 302


# --- leaving ---------------------------------------------------------------------------------


def leave_link() -> str:
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.kind == "volunteer-leave")
    )
    return "/" + body.split("http://localhost/", 1)[1].split()[0]


def test_a_volunteer_can_have_their_details_deleted(client):
    volunteer = data.volunteer(email="robin@example.org")
    incident = data.incident()
    volunteers.deploy(volunteer, incident, task="sandbags at Frankwell car park")
    db.session.commit()
    vid = volunteer.id
    client.get_page("/volunteer/leave")
    known = client.submit("/volunteer/leave", {"email": "ROBIN@example.org"})
    unknown = client.submit("/volunteer/leave", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.location == unknown.location == "/volunteer/leave/sent"
    client.get_page("/volunteer/leave/sent")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1

    link = leave_link()
    page = client.get_page(link)  # opening the link (a mail scanner might) deletes nothing
    assert "Delete your details?" in page.h1.get_text()
    assert db.session.get(Volunteer, vid) is not None
    response = client.submit(link, {})
    assert response.status_code == 200 and "Your details have been deleted" in response.text
    db.session.expire_all()
    assert db.session.get(Volunteer, vid) is None
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    assert f"Volunteer V{vid}'s details deleted at their request" in log_lines()
    client.get_page(link, status=404)
    client.get_page("/volunteer/leave/not-a-token", status=404)


# --- CVEC: searching -------------------------------------------------------------------------


def _place(outcode: str) -> dict:
    point = geo.district_point(outcode)
    return {"outcode": outcode, "latitude": point.latitude, "longitude": point.longitude}


def test_search_by_skill_availability_dbs_and_words(client, make):
    medic = data.volunteer(name="Ali Medic", skills=["first_aid", "driving"], dbs_checked=True)
    driver = data.volunteer(name="Bo Driver", skills=["driving"], availability=["overnight"])
    data.volunteer(name="Cy Resting", skills=["first_aid", "driving"], active=False)
    signed_in(client, make)

    def names(query: str) -> list[str]:
        page = client.get_page("/emergency/volunteers" + query)
        return [a.get_text(strip=True) for a in page.select("tbody a")]

    assert names("") == ["Ali Medic", "Bo Driver"]
    assert names("?skills=first_aid&skills=driving") == ["Ali Medic"]
    assert names("?skills=driving&availability=overnight&availability=weekday_daytime") == [
        "Bo Driver"
    ]
    assert names("?dbs=yes") == ["Ali Medic"] and names("?dbs=no") == ["Bo Driver"]

    def found(who: str) -> list[str]:
        response = client.submit(
            "/emergency/volunteers/find", {"who": who}, form_path="/emergency/volunteers"
        )
        page = check_html(response.get_data(as_text=True))
        return [a.get_text(strip=True) for a in page.select("tbody a")]

    assert found("DRIVER") == ["Bo Driver"]
    assert found(driver.email.upper()) == ["Bo Driver"]
    assert found("resting") == ["Cy Resting"]  # finding someone includes the inactive
    assert found("%") == []  # LIKE's wildcard is only a character here
    too_long = client.submit(
        "/emergency/volunteers/find", {"who": "x" * 5000}, form_path="/emergency/volunteers"
    )
    assert "200 characters or fewer" in too_long.get_data(as_text=True)
    assert "Error: " in too_long.get_data(as_text=True).split("</title>")[0]
    assert names("?skills=first_aid&inactive=y") == ["Ali Medic", "Cy Resting"]
    page = client.get_page("/emergency/volunteers?skills=first_aid")
    assert "1 volunteer" in page.select_one("#result-count").get_text()
    row = page.select_one("tbody tr").get_text(" ", strip=True)
    assert "SY1" in row and "First aid, Driving, with my own car" in row and "Yes" in row
    assert medic.email not in page.get_text()  # the list shows names; details on the record


def test_search_by_distance_nearest_first_in_miles(client, make):
    data.volunteer(name="In Ludlow", **_place("SY8"))
    data.volunteer(name="In Shrewsbury", **_place("SY1"))
    data.volunteer(name="In Oswestry", **_place("SY11"))
    data.volunteer(name="In Birmingham", **_place("B1"))
    data.volunteer(name="Nowhere", latitude=None, longitude=None)
    signed_in(client, make)
    page = client.get_page("/emergency/volunteers?place=Shrewsbury&radius=20")
    rows = [r.get_text(" ", strip=True) for r in page.select("tbody tr")]
    assert [r.split(" SY")[0] for r in rows] == ["In Shrewsbury", "In Oswestry"]
    assert all(" miles" in r for r in rows)
    assert "2 volunteers within 20 miles of Shrewsbury" in page.get_text(" ", strip=True)
    wider = client.get_page("/emergency/volunteers?place=SY1&radius=50")
    assert [a.get_text() for a in wider.select("tbody a")][-1] == "In Birmingham"
    # A full postcode outside Shropshire: postcodes.io is unreachable, its district stands in.
    near_brum = client.get_page("/emergency/volunteers?place=B1+1AA&radius=5")
    assert [a.get_text() for a in near_brum.select("tbody a")] == ["In Birmingham"]


BAD_SEARCHES = [
    ("?place=Atlantis", "We could not find that place"),
    ("?place=SY1&radius=-5", "Choose a distance from the list"),
    ("?place=SY1&radius=1e308", "Choose a distance from the list"),
    ("?skills=<script>", "Choose skills from the list"),
    ("?dbs=perhaps", "Choose Any, Yes or No"),
    ("?page=1000000000000", "That page does not exist"),
    ("?page=-1", "That page does not exist"),
    ("?page=99", "That page does not exist"),
    ("?place=%00", "1 volunteer"),
    ("?_external=1&_scheme=javascript&page=x", "1 volunteer"),
]


def test_bad_search_values_are_named_never_a_500(client, make):
    data.volunteer()
    signed_in(client, make)
    for query, message in BAD_SEARCHES:
        page = client.get_page("/emergency/volunteers" + query)
        assert message in page.get_text(" ", strip=True), query
        assert "<script>" not in str(page.select_one("main")), query
        assert "javascript" not in str(page.select_one("main")), query


def test_search_pages_through_results(client, make):
    for n in range(27):
        data.volunteer(name=f"Volunteer {n:02}")
    signed_in(client, make)
    first = client.get_page("/emergency/volunteers?skills=first_aid")
    assert "27 volunteers" in first.select_one("#result-count").get_text()
    assert len(first.select("tbody tr")) == volunteers.PER_PAGE
    following = first.select_one(".govuk-pagination__next a")["href"]
    assert "skills=first_aid" in following and "page=2" in following
    second = client.get_page(following)
    assert [a.get_text() for a in second.select("tbody a")] == ["Volunteer 25", "Volunteer 26"]


# --- CVEC: a volunteer's record and deployments ----------------------------------------------


def test_deploy_check_in_and_check_out_are_logged_by_number(client, make):
    volunteer = data.volunteer(name="Dana Private", phone="07700 900111")
    hub = data.hub(location=make.location(name="Frankwell Hall", town="Shrewsbury"))
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    page = client.get_page(path)
    assert "Dana Private" in page.h1.get_text()
    assert volunteer.email in page.get_text() and "07700 900111" in page.get_text()
    assert "residents' names" in page.get_text()  # the task's hint
    assert page.find("input", attrs={"name": "incident", "type": "hidden"})

    response = client.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id)},
        form_path=path,
    )
    assert response.status_code == 302
    deployment = db.session.scalar(select(Deployment))
    page = client.get_page(path)
    assert "Frankwell Hall, Shrewsbury" in page.get_text()
    assert f"Volunteer V{volunteer.id} deployed." in page.get_text()
    assert [d.id for d in volunteers.deployed(incident)] == [deployment.id]
    assert volunteers.on_duty(incident) == 0

    client.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    assert volunteers.on_duty(incident) == 1
    # A second press of the button is refused, saying why.
    again = client.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    assert "already checked in" in again.get_data(as_text=True)
    client.submit(f"{path}/deployments/{deployment.id}/check-out", {}, form_path=path)
    assert volunteers.on_duty(incident) == 0

    n = f"Volunteer V{volunteer.id}"
    assert log_lines() == [
        f"{n} deployed to Frankwell Hall, Shrewsbury",
        f"{n} checked in at Frankwell Hall, Shrewsbury",
        f"{n} checked out of Frankwell Hall, Shrewsbury",
    ]
    assert audit_actions()[-3:] == [
        "volunteer.deployed",
        "volunteer.checked_in",
        "volunteer.checked_out",
    ]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "volunteer"))
    for event in events:
        assert event.target_id == str(volunteer.id)
        assert "Dana" not in str(event.details) and "07700" not in str(event.details)
    history = client.get_page(path).select_one("table").get_text(" ", strip=True)
    assert incident.name in history and "Frankwell Hall" in history


def test_deploying_to_a_task_when_several_incidents_are_active(client, make):
    volunteer = data.volunteer()
    older = data.incident(name="Teme flooding")
    newer = data.incident(name="Severn flooding")
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    page = client.get_page(path)
    assert [o.get_text() for o in page.select("select#incident option")] == [
        "Severn flooding",
        "Teme flooding",
    ]
    missing = client.submit(path + "/deploy", {"task": ""}, form_path=path)
    text = missing.get_data(as_text=True)
    assert "Choose an active incident" in text and "Choose a hub or describe a task" in text
    both = client.submit(
        path + "/deploy",
        {"incident": str(older.id), "hub": str(data.hub().id), "task": "Drive"},
        form_path=path,
    )
    assert "Choose a hub or describe a task, not both" in both.get_data(as_text=True)
    contact = client.submit(
        path + "/deploy",
        {"incident": str(older.id), "task": "Call Mrs B on 07700 900123"},
        form_path=path,
    )
    assert "Remove the phone number or email address" in contact.get_data(as_text=True)
    client.submit(
        path + "/deploy",
        {"incident": str(older.id), "task": "Sandbags at <Frankwell> car park"},
        form_path=path,
    )
    assert log_lines() == [
        f"Volunteer V{volunteer.id} deployed to task: Sandbags at <Frankwell> car park"
    ]
    assert volunteers.deployed(newer) == []
    page = client.get_page(path)
    assert "task: Sandbags at <Frankwell> car park" in page.get_text()
    # Already deployed: the form has gone, and a second deployment is refused.
    assert page.find("form", action=path + "/deploy") is None
    twice = client.submit(
        path + "/deploy",
        {"incident": str(newer.id), "task": "Drive"},
        form_path=path,
    )
    assert "already deployed" in twice.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Deployment.id))) == 1


def test_deploying_without_an_active_incident_is_refused(client, make):
    volunteer = data.volunteer()
    hub = data.hub()
    data.incident(ended_at=utcnow())
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    assert "There is no active incident" in client.get_page(path).get_text()
    response = client.submit(path + "/deploy", {"hub": str(hub.id)}, form_path=path)
    assert response.status_code == 200
    assert "There is no active incident" in response.get_data(as_text=True)
    assert "Error: " in response.get_data(as_text=True).split("</title>")[0]
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    with pytest.raises(volunteers.Refused, match="stood down"):
        volunteers.deploy(volunteer, db.session.scalar(select(Incident)), hub=hub)


def test_inactive_volunteers_are_not_deployed_and_the_change_is_logged(client, make):
    volunteer = data.volunteer()
    incident = data.incident()
    signed_in(client, make)
    path = f"/emergency/volunteers/{volunteer.id}"
    volunteers.deploy(volunteer, incident, task="Drive supplies")
    db.session.commit()
    client.submit(path + "/active", {"active": "no"}, form_path=path)
    db.session.refresh(volunteer)
    assert volunteer.active is False
    assert f"Volunteer V{volunteer.id} marked inactive" in log_lines()
    assert volunteers.counts_by_outcode() == {}
    with pytest.raises(volunteers.Refused, match="inactive"):
        volunteers.deploy(volunteer, incident, task="Drive")
    db.session.rollback()  # as the views do: a refusal may come after the row was locked
    client.submit(path + "/active", {"active": "yes"}, form_path=path)
    db.session.refresh(volunteer)
    assert volunteer.active is True
    assert audit_actions()[-2:] == ["volunteer.marked_inactive", "volunteer.marked_active"]


def test_cvec_deletes_a_volunteer_on_request(client, make):
    volunteer = data.volunteer(name="Eve Erased")
    volunteers.deploy(volunteer, data.incident(), task="Drive")
    db.session.commit()
    vid = volunteer.id
    signed_in(client, make)
    page = client.get_page(f"/emergency/volunteers/{vid}/delete")
    assert "Eve Erased" in page.get_text()
    response = client.submit(f"/emergency/volunteers/{vid}/delete", {})
    assert response.status_code == 302 and response.location == "/emergency/volunteers"
    db.session.expire_all()
    assert db.session.get(Volunteer, vid) is None
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.deleted"))
    assert event.target_id == str(vid) and event.details == {"deployments": 1, "by": "cvec"}
    assert (
        f"Volunteer V{vid}'s details have been deleted."
        in client.get_page("/emergency/volunteers").get_text()
    )


def test_unknown_or_mismatched_records_are_not_found(client, make):
    one, two = data.volunteer(), data.volunteer()
    deployment = volunteers.deploy(one, data.incident(), task="Drive")
    db.session.commit()
    signed_in(client, make)
    for path in (
        "/emergency/volunteers/999999",
        "/emergency/volunteers/99999999999999999999",
        "/emergency/volunteers/999999/delete",
        "/emergency/volunteers/abc",
    ):
        client.get_page(path, status=404)
    form = f"/emergency/volunteers/{one.id}"
    for path in (
        f"/emergency/volunteers/{two.id}/deployments/{deployment.id}/check-in",
        f"/emergency/volunteers/{one.id}/deployments/99999999999999/check-out",
        "/emergency/volunteers/99999999999/deploy",
        "/emergency/volunteers/99999999999/active",
    ):
        assert client.submit(path, {}, form_path=form).status_code == 404, path


# --- retention, and what other pages read -----------------------------------------------------


def test_purge_deletes_volunteers_past_their_retention(app):
    today = date.today()
    kept = data.volunteer(retain_until=today)
    gone = data.volunteer(retain_until=today - timedelta(days=1))
    volunteers.deploy(gone, data.incident(), task="Drive")
    db.session.commit()
    result = app.test_cli_runner().invoke(purge_volunteers)
    assert result.exit_code == 0, result.output
    assert "Deleted 1 volunteer past their retention date" in result.output
    db.session.expire_all()
    assert [v.id for v in db.session.scalars(select(Volunteer))] == [kept.id]
    assert db.session.scalar(select(func.count(Deployment.id))) == 0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "volunteer.purged"))
    assert event.details["count"] == 1
    assert volunteers.purge(today) == 0
    assert audit_actions().count("volunteer.purged") == 1


def test_counts_by_outcode_counts_active_volunteers_only(app):
    data.volunteer(outcode="SY1")
    data.volunteer(outcode="SY1")
    data.volunteer(outcode="SY8")
    data.volunteer(outcode="SY8", active=False)
    assert volunteers.counts_by_outcode() == {"SY1": 2, "SY8": 1}


# --- who may see what ------------------------------------------------------------------------

PUBLIC = ["/volunteer", "/volunteer/thanks", "/volunteer/privacy", "/volunteer/leave"]
VISITORS = [None, Role.member, Role.frontline, Role.coordinator, Role.cvec, Role.admin]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_role_matrix(client, make, visitor):
    volunteer = data.volunteer()
    deployment = volunteers.deploy(volunteer, data.incident(), task="Drive")
    db.session.commit()
    vid = volunteer.id
    base = f"/emergency/volunteers/{vid}"
    gets = ["/emergency/volunteers", base, base + "/delete"]
    posts = [
        "/emergency/volunteers/find",
        base + "/deploy",
        f"{base}/deployments/{deployment.id}/check-in",
        f"{base}/deployments/{deployment.id}/check-out",
        base + "/active",
        base + "/delete",
    ]
    if visitor is not None:
        signed_in(client, make, visitor)
    for path in PUBLIC:
        client.get_page(path)
    allowed = visitor in (Role.cvec, Role.admin)
    token = client.csrf_token("/volunteer")
    for path in gets:
        if visitor is None:
            response = client.get(path)
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif allowed:
            client.get_page(path)
        else:
            page = client.get_page(path, status=403)
            assert "You do not have permission" in page.h1.get_text()
    for path in posts:
        response = client.post(path, data={"csrf_token": token})
        if visitor is None:
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif not allowed:
            assert response.status_code == 403
    db.session.expire_all()
    assert (db.session.get(Volunteer, vid) is None) == allowed


def test_personal_details_stay_off_public_pages_logs_and_the_audit(client, make, caplog):
    caplog.set_level(logging.DEBUG)
    client.submit("/volunteer", answers())
    client.get_page("/volunteer/thanks")
    volunteer = db.session.scalar(select(Volunteer))
    incident = data.incident()
    hub = data.hub()
    staff = signed_in(client.application.test_client(), make)
    path = f"/emergency/volunteers/{volunteer.id}"
    staff.submit(
        path + "/deploy",
        {"incident": str(incident.id), "hub": str(hub.id)},
        form_path=path,
    )
    deployment = db.session.scalar(select(Deployment))
    staff.submit(f"{path}/deployments/{deployment.id}/check-in", {}, form_path=path)
    staff.submit(f"{path}/deployments/{deployment.id}/check-out", {}, form_path=path)
    staff.submit(path + "/active", {"active": "no"}, form_path=path)
    staff.get_page(f"/emergency/volunteers?place={ANSWERS['postcode']}")
    staff.submit("/emergency/volunteers/find", {"who": "robin"}, form_path="/emergency/volunteers")
    client.submit("/volunteer/leave", {"email": ANSWERS["email"]})
    staff.submit(path + "/delete", {})

    private = ("Robin", "Helper", "robin.helper", "07700 900982", "900982", "SY3 8HQ")
    public = [*PUBLIC, "/volunteer/leave/sent", "/help", "/"]
    texts = [client.get(p).get_data(as_text=True) for p in public]
    audit = [
        f"{e.action} {e.target_id} {e.details}" for e in db.session.scalars(select(AuditEvent))
    ]
    for where, text in [("log", caplog.text), ("audit", " ".join(audit))] + list(
        zip(public, texts, strict=True)
    ):
        for value in private:
            assert value.lower() not in text.lower(), (where, value)
    for line in log_lines():
        assert "Volunteer V" in line
        for value in private:
            assert value.lower() not in line.lower()
