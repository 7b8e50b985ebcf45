"""What the signer and the coordinator read on the way: the address as typed, where the
confirmation link went, the confirmation panel."""

from sqlalchemy import select

from accord.extensions import db
from registry.signatories import moderation, signup
from registry.signatories.models import SignUp, SignUpStatus
from tests.registry.signatories.journey import (
    confirm_link,
    coordinator,
    fill_in,
    publish_accord,
    sign_up,
)

TYPED = "Unit 4, Castle Works\r\nCastle Square\r\n\r\n  Ludlow Business Park  "


def address_value(page) -> list[str]:
    """The lines of the Address row of a summary list."""
    for row in page.select(".govuk-summary-list__row"):
        if row.select_one(".govuk-summary-list__key").get_text(strip=True) == "Address":
            value = row.select_one(".govuk-summary-list__value")
            return list(value.stripped_strings)
    raise AssertionError("no Address row")


def test_address_lines_stay_lines_for_the_signer_and_the_coordinator(app, client, make):
    publish_accord()
    fill_in(client, address=TYPED)
    expected = [
        "Unit 4, Castle Works",
        "Castle Square",
        "Ludlow Business Park",
        "Ludlow",
        "SY8 1AA",
    ]
    check = client.get_page("/accord/sign/check")
    assert address_value(check) == expected
    assert len(check.select(".govuk-summary-list__value br")) == len(expected) - 1
    client.submit("/accord/sign/check", {})
    client.get(confirm_link())

    staff = app.test_client()
    coordinator(staff, make)
    record = db.session.scalar(select(SignUp))
    assert address_value(staff.get_page(f"/admin/registry/signups/{record.id}")) == expected


def test_markup_typed_in_the_address_stays_text(client):
    publish_accord()
    fill_in(client, address="<b>Bold</b> House\n<br>Street")
    body = client.get("/accord/sign/check").get_data(as_text=True)
    assert "&lt;b&gt;Bold&lt;/b&gt; House<br>&lt;br&gt;Street" in body


def test_check_your_email_says_where_the_link_went(client):
    publish_accord()
    sign_up(client, signer_email="Pat.Signer@LudlowLarder.example.org")
    page = client.get_page("/accord/sign/sent")
    assert page.h1.get_text(strip=True) == "Check your email"
    assert "We have sent a link to Pat.Signer@LudlowLarder.example.org." in " ".join(
        page.main.get_text().split()
    )


def test_amending_without_a_new_address_says_no_link_was_sent(client):
    publish_accord()
    sign_up(client)
    record = db.session.scalar(select(SignUp))
    record.status = SignUpStatus.pending
    moderation.request_changes(record, "Add the charity number.")
    db.session.commit()
    link = "/accord/sign/amend/" + signup.signup_token(record, "amend")
    assert client.get(link).location == "/accord/sign/check"
    check = client.get_page("/accord/sign/check")
    assert "asked for these changes: Add the charity number." in check.get_text()
    client.submit("/accord/sign/check", {})
    page = client.get_page("/accord/sign/sent")
    assert page.h1.get_text(strip=True) == "Changes sent"


def test_sign_up_confirmed_is_a_confirmation_panel(client):
    publish_accord()
    sign_up(client)
    page = client.get_page(confirm_link())
    panel = page.select_one(".govuk-panel.govuk-panel--confirmation")
    assert panel is not None
    assert panel.select_one("h1.govuk-panel__title").get_text(strip=True) == "Sign-up confirmed"
    assert "Ludlow Community Larder" in panel.get_text()
    assert len(page.find_all("h1")) == 1
