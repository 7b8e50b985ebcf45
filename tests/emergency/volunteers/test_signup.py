"""Signing up to volunteer: the record kept, the words agreed to, and bad input that must
never become a 500."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from accord import clock, geo, limits
from accord.clock import today_uk
from accord.extensions import db
from emergency.volunteers import details
from emergency.volunteers.models import Volunteer
from tests.emergency.volunteers.helpers import (
    answers,
    audit_actions,
    fresh_address,
)
from tests.pages import check_html


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
    assert volunteer.consent == words == details.consent_text(730)
    assert volunteer.consent_at is not None
    assert volunteer.retain_until == today_uk() + timedelta(days=730)
    assert audit_actions() == ["volunteer.signed_up", "volunteer.confirmation_sent"]
    # The thank-you page forgets the name once shown.
    assert "Robin" not in client.get_page("/volunteer/thanks").get_text()


def test_the_consent_says_why_who_how_long_and_how_to_leave():
    words = details.consent_text(730)
    for needed in (
        "CVEC",
        "volunteer in an emergency in Shropshire",
        "Only CVEC coordinators",
        "2 years",
        "deleted",
        "Stop volunteering",
    ):
        assert needed in words
    assert "1 year " in details.consent_text(365)
    assert "13 weeks" in details.consent_text(91)
    assert "100 days" in details.consent_text(100)


def test_the_retention_setting_changes_the_words_and_the_date(app, make_app):
    # `app` too: its teardown empties the tables this test fills.
    other = make_app(VOLUNTEER_RETENTION_DAYS=365)
    client = other.test_client()
    with other.app_context():
        assert "1 year" in client.get_page("/volunteer").get_text()
        client.submit("/volunteer", answers())
        volunteer = db.session.scalar(select(Volunteer))
        assert volunteer.retain_until == today_uk() + timedelta(days=365)
        assert "1 year" in volunteer.consent


def test_retention_counts_from_the_day_in_shropshire(client, monkeypatch):
    # 11:30pm UTC on 30 June is half past midnight on 1 July in Shrewsbury (BST).
    late = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    monkeypatch.setattr(clock, "system_time", lambda: late)
    client.submit("/volunteer", answers())
    volunteer = db.session.scalar(select(Volunteer))
    assert volunteer.retain_until == date(2026, 7, 1) + timedelta(days=730)
    assert volunteer.consent_at == datetime(2026, 6, 30, 23, 30)  # stored as naive UTC


def test_a_dbs_date_after_today_in_shropshire_is_refused(client, monkeypatch):
    # Half past midnight on 1 July in Shrewsbury: 1 July is today, 2 July is not yet.
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    tomorrow = client.submit("/volunteer", answers(dbs_date=["2", "7", "2026"]))
    assert "must be in the past" in tomorrow.get_data(as_text=True)
    fresh_address(client)
    today = client.submit("/volunteer", answers(dbs_date=["1", "7", "2026"]))
    assert today.status_code == 302


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
    ({"phone": "call me"}, "Enter a UK mobile number"),
    ({"phone": "123"}, "Enter a UK mobile number"),
    # A landline takes no text message, and a call-out is a text.
    ({"phone": "01743 123456"}, "Enter a UK mobile number, like 07700 900982"),
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
    done = client.submit(
        "/volunteer", {**unchecked, "email": "unchecked@example.org", "dbs_date": ["x"]}
    )
    assert done.status_code == 302
    assert details.by_email("unchecked@example.org").dbs_date is None


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


def test_mistakes_do_not_count_towards_the_limit_and_a_busy_connection_is_not_refused(app):
    # A community centre signing up a room of people on one connection, with typos.
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    for n in range(limit_of(limits.SIGN_UP_ACCEPTED)):
        wrong = client.submit("/volunteer", answers(email=f"person{n}@example", postcode=""))
        assert wrong.status_code == 200 and "govuk-error-summary" in wrong.text
        right = client.submit("/volunteer", answers(email=f"person{n}@example.org"))
        assert right.status_code == 302, n
    assert db.session.scalar(select(func.count(Volunteer.id))) == limit_of(limits.SIGN_UP_ACCEPTED)


def test_when_limited_the_form_comes_back_with_the_answers_and_an_error_summary(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.20"
    for n in range(limit_of(limits.SIGN_UP_ACCEPTED)):
        assert client.submit("/volunteer", answers(email=f"p{n}@example.org")).status_code == 302
    refused = client.submit("/volunteer", answers(email="one.more@example.org"))
    assert refused.status_code == 429
    page = check_html(refused.text)
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Too many sign-ups have come from your connection" in summary
    assert "wait a minute" in summary
    assert page.select_one("#email")["value"] == "one.more@example.org"
    assert page.select_one("#name")["value"] == "Robin Helper"
    assert page.select_one("#languages")["value"] == "Welsh, Polish"
    assert not page.select_one("input[value=boat]").has_attr("checked")
    assert page.select_one("input[value=four_by_four]").has_attr("checked")
    assert page.select_one("#dbs_date-day")["value"] == "14"
    assert page.select_one("input[name=consent]").has_attr("checked")
    assert details.by_email("one.more@example.org") is None
    # Another connection is not refused.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.21"
    assert other.submit("/volunteer", answers(email="one.more@example.org")).status_code == 302


def test_one_email_address_is_limited_on_any_connection(app):
    allowed = limit_of(limits.SIGN_UP_PER_EMAIL)
    statuses = []
    for _ in range(allowed + 1):
        client = app.test_client()
        fresh_address(client)
        statuses.append(client.submit("/volunteer", answers()).status_code)
    assert statuses == [302] * allowed + [429]
    client = app.test_client()
    fresh_address(client)
    refused = check_html(client.submit("/volunteer", answers(name="Robin Again")).text)
    error = refused.select_one("#email-error").get_text(" ", strip=True)
    assert "This email address has been signed up too many times recently" in error
    assert refused.select_one("#name")["value"] == "Robin Again"
    # Another address from the same connection is not refused.
    assert client.submit("/volunteer", answers(email="kit@example.org")).status_code == 302


def test_a_machine_sending_many_forms_is_still_refused(app):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.30"
    token = client.csrf_token("/volunteer")
    allowed = limit_of(limits.SIGN_UP_ANY)
    statuses = [
        client.post("/volunteer", data={"csrf_token": token, "name": "x"}).status_code
        for _ in range(allowed + 1)
    ]
    assert statuses == [200] * allowed + [429]
    refused = client.post("/volunteer", data={"csrf_token": token, "name": "Kept Name"})
    assert refused.status_code == 429
    assert check_html(refused.text).select_one("#name")["value"] == "Kept Name"


def limit_of(tier: str) -> int:
    """The first (tightest) amount in a tier: "20 per minute; …" → 20."""
    return int(tier.split()[0])
