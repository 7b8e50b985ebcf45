"""A call-out, the whole story, in Chromium with a fake GOV.UK Notify: CVEC asks three
volunteers; the fake receives three texts; one says "I can come", one "I can't", one never
answers; the call-out page shows 1 / 1 / 1; CVEC deploys the one coming, who is texted where
to go; delivery receipts mark one text delivered and one failed. axe checks each new page,
and none scrolls sideways on a 375 px phone."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from accord import outbox
from accord.clock import today_uk
from accord.extensions import db
from accord.models import Role
from tests.conftest import NOTIFY_CALLBACK_TOKEN
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.emergency import data

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1024, "height": 768}


def checked(page) -> None:
    """No axe violations, and no sideways scrolling on a phone."""
    assert scan(page) == []
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    page.set_viewport_size(DESKTOP)


def start_call_out(page, server, incident) -> None:
    page.goto(f"{server}/emergency/incidents/{incident.id}")
    page.get_by_role("link", name="Start a call-out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a call-out")
    checked(page)
    page.get_by_label("What is needed").fill("Drivers with 4x4s to move sandbags")
    page.get_by_label("Hub").select_option(label="Frankwell Hall, Shrewsbury (On standby)")
    day = today_uk() + timedelta(days=1)
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))
    page.get_by_label("From", exact=True).fill("2pm")
    page.get_by_label("To", exact=True).fill("6pm")
    page.get_by_label("How many people are needed").fill("2")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check the call-out before sending it"
    )
    expect(page.locator("#recipient-count")).to_contain_text(
        "It goes to 3 volunteers: 3 by text message, 0 by email only"
    )
    checked(page)
    page.get_by_role("button", name="Send call-out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call-out sent")
    checked(page)


def answer(page, body: str, button: str, said: str) -> None:
    link = body.split("Answer here: ", 1)[1].split()[0]
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Can you help?")
    checked(page)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(said)
    checked(page)


def counts(page) -> list[str]:
    return [
        page.locator(f"#count-{n}").inner_text()
        for n in ("coming", "cannot", "no-answer", "failed")
    ]


def test_a_call_out_from_sending_to_deploying(page, server, make, notify, console_errors):
    make.user(role=Role.cvec, email="cvec@example.org")
    incident = data.incident()
    organisation = make.organisation(name="Frankwell Community Trust")
    data.hub(
        location=make.location(name="Frankwell Hall", address="1 Frankwell Quay"),
        organisation=organisation,
    )
    for n in range(3):
        data.volunteer(name=f"Demo Volunteer {n}", phone=f"07700 90020{n}")
    sign_in(page, server, "cvec@example.org")
    start_call_out(page, server, incident)

    assert outbox.send_pending()["sent"] == 3
    # Sent five at once: in the order Notify took them, which is any order.
    texts = sorted(notify.sent, key=lambda text: text["to"])
    assert [(t["type"], t["to"]) for t in texts] == [
        ("sms", "+447700900200"),
        ("sms", "+447700900201"),
        ("sms", "+447700900202"),
    ]
    bodies = [t["personalisation"]["body"] for t in texts]
    answer(page, bodies[0], "I can come", "Thank you: you said you can come")
    answer(page, bodies[1], "I can't this time", "Thank you for letting us know")

    page.goto(f"{server}/emergency/incidents/{incident.id}")
    page.get_by_role("link", name="Drivers with 4x4s to move sandbags").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Call-out: Drivers with 4x4s")
    assert counts(page) == ["1", "1", "1", "0"]
    checked(page)
    page.get_by_role("button", name="Deploy everyone coming to Frankwell Hall, Shrewsbury").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 volunteer deployed and sent where to go"
    )
    assert outbox.send_pending()["sent"] == 1
    deployed = notify.sent[-1]
    assert deployed["to"] == "+447700900200"
    assert (
        "Go to Frankwell Hall, Shrewsbury (1 Frankwell Quay" in deployed["personalisation"]["body"]
    )
    assert (
        "Ask for the person in charge from Frankwell Community Trust"
        in (deployed["personalisation"]["body"])
    )

    receipts = server + "/notify/callback"
    assert notify.callback(receipts, NOTIFY_CALLBACK_TOKEN, texts[0]["id"], "delivered").ok
    assert notify.callback(receipts, NOTIFY_CALLBACK_TOKEN, texts[2]["id"], "permanent-failure").ok
    page.reload()
    assert counts(page) == ["1", "1", "0", "1"]
    rows = page.locator("table tbody tr")
    expect(rows.nth(0)).to_contain_text("delivered")
    expect(rows.nth(2)).to_contain_text("permanent-failure")
    expect(rows.nth(2)).to_contain_text("Message failed")
    db.session.expire_all()
    assert console_errors == []


def test_stop_texts_and_a_closed_call_out_on_a_phone(page, server, make, notify):
    make.user(role=Role.cvec, email="cvec@example.org")
    incident = data.incident()
    data.hub(location=make.location(name="Frankwell Hall"))
    data.volunteer(phone="07700 900300")
    sign_in(page, server, "cvec@example.org")
    start_call_out_for_one(page, server, incident)
    outbox.send_pending()
    link = notify.sent[0]["personalisation"]["body"].split("Answer here: ", 1)[1].split()[0]
    page.goto(link)
    page.get_by_role("button", name="Stop texts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("We will not text you again")
    checked(page)
    page.goto(f"{server}/emergency/incidents/{incident.id}")
    page.get_by_role("link", name="Drivers with 4x4s to move sandbags").click()
    page.get_by_role("button", name="Close the call-out").click()
    expect(page.locator("#actions")).to_contain_text("This call-out is closed")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("This call-out has closed")
    checked(page)
    page.goto(server + "/volunteer/callouts/" + "x" * 43)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert scan(page) == []


def start_call_out_for_one(page, server, incident) -> None:
    page.goto(f"{server}/emergency/incidents/{incident.id}/callouts/new")
    page.get_by_label("What is needed").fill("Drivers with 4x4s to move sandbags")
    page.get_by_label("Or a place").fill("Shrewsbury")
    page.get_by_label("Hub").select_option(value="")
    day = today_uk() + timedelta(days=1)
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))
    page.get_by_label("From", exact=True).fill("20:00")
    page.get_by_label("To", exact=True).fill("8am")
    page.get_by_label("How many people are needed").fill("1")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#message-text")).to_contain_text("8pm to")
    page.get_by_role("button", name="Send call-out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call-out sent")
