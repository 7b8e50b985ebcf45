"""The whole sign-up journey in the test client, and what goes wrong on the way."""

import csv
import io

from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from accord import geo
from accord.extensions import db
from accord.links import absolute_url
from accord.models import AuditEvent, OutboxMessage
from registry.signatories import signup
from registry.signatories.models import Signatory, SignUp, SignUpStatus
from tests.fakes.postcodes import FakePostcodes
from tests.registry.signatories.journey import (
    ANSWERS,
    answer,
    confirm_link,
    coordinator,
    fill_in,
    publish_accord,
    sign_up,
)


def test_the_whole_journey(app, client, make):
    publish_accord()
    client.get_page("/accord/sign")
    for step in ANSWERS:
        client.get_page(f"/accord/sign/{step}")
    fill_in(client)
    check = client.get_page("/accord/sign/check")
    text = check.get_text()
    assert "Ludlow Community Larder" in text and "GB-CHC-1123456" in text and "SY8 1AA" in text
    client.submit("/accord/sign/check", {})
    client.get_page("/accord/sign/sent")

    record = db.session.scalar(select(SignUp))
    assert record.status == SignUpStatus.unconfirmed
    assert record.website == "https://www.ludlowlarder.example.org"
    assert record.location_status == "found"  # offline tables: the test geocoder is unreachable
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "signup-confirm"))
    assert message.to == "pat.signer@ludlowlarder.example.org"

    link = confirm_link()
    assert "Sign-up confirmed" in client.get_page(link).get_text()
    db.session.refresh(record)
    assert record.status == SignUpStatus.pending
    # A mail scanner opening it again is harmless.
    client.get_page(link)
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "signup.confirmed")
        )
        == 1
    )

    staff = app.test_client()
    coordinator(staff, make)
    queue = staff.get_page("/admin/registry/signups")
    assert "Ludlow Community Larder" in queue.get_text()
    staff.get_page(f"/admin/registry/signups/{record.id}")
    response = staff.submit(f"/admin/registry/signups/{record.id}", {"decision": "approve"})
    assert response.status_code == 302

    page = client.get_page("/signatories")
    assert "Ludlow Community Larder" in page.get_text()
    profile = client.get_page("/signatories/ludlow-community-larder")
    assert "GB-CHC-1123456" in profile.get_text()
    for private in ("Pat Signer", "pat.signer@", "Lee Lead", "lee.lead@", "1 Castle Square"):
        assert private not in profile.get_text()

    data = client.get("/signatories.json").json
    [row] = [r for r in data["signatories"] if r["name"] == "Ludlow Community Larder"]
    assert row["identifier"] == "GB-CHC-1123456" and row["postcode_district"] == "SY8"
    assert data["licence"].startswith("Open Government Licence") and data["generated_at"]
    body = client.get("/signatories.csv").get_data(as_text=True)
    assert "Ludlow Community Larder" in body and "pat.signer" not in body

    outcome = db.session.scalars(
        select(OutboxMessage.to).where(OutboxMessage.kind == "signup-outcome")
    ).all()
    assert set(outcome) == {
        "pat.signer@ludlowlarder.example.org",
        "lee.lead@ludlowlarder.example.org",
    }
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"signup.submitted", "signup.confirmed", "signup.approved"} <= actions
    # After approval the confirmation link still says so, and does nothing else.
    assert "published list" in client.get_page(link).get_text()


def test_check_page_without_answers_goes_back_to_the_first_step(client):
    publish_accord()
    assert client.get("/accord/sign/check").location == "/accord/sign/organisation"


def test_a_forged_or_other_token_does_not_confirm(client, make):
    publish_accord()
    sign_up(client)
    link = confirm_link()
    client.get_page(link[:-3] + "abc", status=404)
    client.get_page("/accord/sign/confirm/not-a-token", status=404)
    assert db.session.scalar(select(SignUp.status)) == SignUpStatus.unconfirmed


def test_a_link_only_confirms_its_own_sign_up(app, client):
    publish_accord()
    sign_up(client, name="First Group")
    first = confirm_link()
    sign_up(client, name="Second Group")
    client.get_page(first)
    statuses = dict(db.session.execute(select(SignUp.name, SignUp.status)).all())
    assert statuses == {"First Group": "pending", "Second Group": "unconfirmed"}


def test_bad_input_gets_a_govuk_error_summary(client):
    publish_accord()
    cases = [
        (
            "organisation",
            {**ANSWERS["organisation"], "charity_number": "12AB"},
            "charity number in the correct format",
        ),
        (
            "organisation",
            {**ANSWERS["organisation"], "company_number": "123"},
            "company number in the correct format",
        ),
        (
            "organisation",
            {**ANSWERS["organisation"], "name": "x" * 5000},
            "200 characters or fewer",
        ),
        (
            "organisation",
            {**ANSWERS["organisation"], "name": ""},
            "Enter the name of your organisation",
        ),
        ("organisation", {**ANSWERS["organisation"], "sector": "martian"}, "Not a valid choice"),
        (
            "organisation",
            {**ANSWERS["organisation"], "website": "not a site"},
            "website address in the correct format",
        ),
        ("address", {**ANSWERS["address"], "postcode": "SY1"}, "Enter a full UK postcode"),
        ("address", {**ANSWERS["address"], "postcode": "<b>"}, "Enter a full UK postcode"),
        (
            "people",
            {**ANSWERS["people"], "signer_email": "not-an-email"},
            "email address in the correct format",
        ),
        ("agreement", {"statements": ["principles"]}, "Tick each statement"),
    ]
    for step, data, message in cases:
        response = answer(client, step, data)
        assert response.status_code == 200, (step, message)
        body = response.get_data(as_text=True)
        assert "govuk-error-summary" in body and message in body, (step, message)


def test_script_in_every_field_is_shown_escaped_everywhere(app, client, make):
    publish_accord()
    script = "<script>alert(1)</script>"
    overrides = {
        "name": f"{script} Group",
        "address": script,
        "town": f"{script}town",
        "signer_name": script,
        "signer_position": script,
        "lead_name": script,
    }
    sign_up(client, **overrides)
    bodies = [client.get("/accord/sign/check").get_data(as_text=True)]
    client.get(confirm_link())
    staff = app.test_client()
    coordinator(staff, make)
    record = db.session.scalar(select(SignUp))
    bodies.append(staff.get(f"/admin/registry/signups/{record.id}").get_data(as_text=True))
    staff.submit(f"/admin/registry/signups/{record.id}", {"decision": "approve"})
    slug = db.session.scalar(select(Signatory)).organisation.slug
    bodies.append(client.get("/signatories").get_data(as_text=True))
    bodies.append(client.get(f"/signatories/{slug}").get_data(as_text=True))
    for body in bodies:
        assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Group" in bodies[-1]
    emails = db.session.scalars(select(OutboxMessage.body)).all()
    assert all("\n<script>" not in body for body in emails)


def test_welsh_names_and_emoji_are_kept(client):
    publish_accord()
    sign_up(
        client,
        name="Cymdeithas Gymunedol Llanfair Waterdine 🌿",
        town="Llanfair Waterdine",
        postcode="LD7 1TN",
    )
    record = db.session.scalar(select(SignUp))
    assert record.name == "Cymdeithas Gymunedol Llanfair Waterdine 🌿"
    assert record.location_status in ("found", "not_found", "pending")


def test_a_formula_in_a_name_is_neutralised_in_the_csv(app, client, make):
    publish_accord()
    sign_up(client, name='=HYPERLINK("http://evil.example","x")')
    client.get(confirm_link())
    staff = app.test_client()
    coordinator(staff, make)
    staff.submit(
        f"/admin/registry/signups/{db.session.scalar(select(SignUp.id))}", {"decision": "approve"}
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/signatories.csv").get_data(as_text=True))))
    assert rows[0]["name"].startswith("'=HYPERLINK")
    assert rows[0]["licence"].startswith("Open Government Licence") and rows[0]["generated_at"]


def test_a_post_without_csrf_is_refused(client):
    publish_accord()
    response = client.post("/accord/sign/organisation", data=ANSWERS["organisation"])
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)


def test_submitting_twice_does_not_create_two_sign_ups(client):
    publish_accord()
    fill_in(client)
    token = client.csrf_token("/accord/sign/check")
    first = client.post("/accord/sign/check", data={"csrf_token": token})
    again = client.post("/accord/sign/check", data={"csrf_token": token})  # a double click
    assert first.location == "/accord/sign/sent"
    assert again.location == "/accord/sign/organisation"
    assert db.session.scalar(select(func.count(SignUp.id))) == 1


def test_sign_up_is_rate_limited(client):
    publish_accord()
    statuses = []
    for n in range(11):
        fill_in(client, name=f"Group {n}")
        statuses.append(client.submit("/accord/sign/check", {}).status_code)
    assert statuses[:10] == [302] * 10 and statuses[10] == 429


def test_geo_retry_places_a_waiting_sign_up_once_the_geocoder_is_back(app, client):
    publish_accord()
    sign_up(client, postcode="ZZ9 9ZZ")  # the test geocoder is unreachable
    client.get(confirm_link())
    record = db.session.scalar(select(SignUp))
    assert (record.status, record.location_status) == (SignUpStatus.pending, "pending")
    refused = app.test_cli_runner().invoke(args=["geo", "retry"])
    assert refused.exit_code == 0 and "0 located" in refused.output
    with FakePostcodes(known={"ZZ9 9ZZ": geo.Point(52.71, -2.75)}) as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        result = app.test_cli_runner().invoke(args=["geo", "retry"])
    assert "1 located" in result.output, result.output
    db.session.refresh(record)
    assert (record.location_status, record.latitude, record.longitude) == ("found", 52.71, -2.75)
    # A decided sign-up is history: its organisation holds the location from then on.
    record.status, record.location_status = SignUpStatus.rejected, "pending"
    db.session.commit()
    with FakePostcodes(known={"ZZ9 9ZZ": geo.Point(52.71, -2.75)}) as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        app.test_cli_runner().invoke(args=["geo", "retry"])
        assert fake.paths == []


def test_geocoder_down_keeps_the_sign_up_with_location_pending(app, client, make):
    publish_accord()
    # The test geocoder is unreachable and no offline table knows the ZZ9 district.
    sign_up(client, postcode="ZZ9 9ZZ")
    record = db.session.scalar(select(SignUp))
    assert record.location_status == "pending"
    assert record.status == SignUpStatus.unconfirmed
    client.get(confirm_link())
    staff = app.test_client()
    coordinator(staff, make)
    staff.submit(f"/admin/registry/signups/{record.id}", {"decision": "approve"})
    org = db.session.scalar(select(Signatory)).organisation
    assert org.location_status == "pending" and org.latitude is None
    # Still down: the retry leaves it pending rather than guessing.
    result = app.test_cli_runner().invoke(args=["geo", "retry"])
    assert result.exit_code == 0, result.output
    db.session.refresh(org)
    assert org.location_status == "pending"
    # Back up: postcodes.io answers (this postcode does not exist), so it is settled.
    with FakePostcodes() as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        app.test_cli_runner().invoke(args=["geo", "retry"])
        assert fake.paths[0].startswith("/postcodes/ZZ9")
    db.session.refresh(org)
    assert org.location_status == "not_found"


def test_a_shropshire_postcode_is_located_through_postcodes_io(app, client):
    publish_accord()
    with FakePostcodes() as fake:
        app.config["POSTCODES_API_URL"] = fake.url
        sign_up(client, postcode="SY1 1AA")
    record = db.session.scalar(select(SignUp))
    assert record.location_status == "found"
    assert abs(record.latitude - 52.71315) < 1e-4 and abs(record.longitude + 2.74911) < 1e-4


def test_the_confirmation_email_names_the_organisation_on_one_line(app, still_clock):
    answers = {key: value for step in ANSWERS.values() for key, value in step.items()}
    record = signup.submit({**answers, "name": "Ludlow\nBcc: x@example.org"}, publish_accord())
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "signup-confirm"))
    link = absolute_url("registry.sign_confirm", token=signup.signup_token(record, "confirm"))
    assert message.subject == "Confirm your organisation's signature of the Shropshire Accord"
    assert message.body == (
        "You asked to sign the Shropshire Accord for Ludlow Bcc: x@example.org.\n\n"
        f"Confirm by opening this link within 7 days:\n{link}\n\n"
        "The VCS Assembly coordinator will then check the sign-up before it is published.\n"
        "If you did not ask for this, ignore this email and nothing will be published.\n"
    )


def test_links_signed_before_accord_links_still_open(app, client):
    """The purposes keep the salts of the serializer signup.py had, so emails already sent
    (signed that way) still work."""
    publish_accord()
    sign_up(client)
    record = db.session.scalar(select(SignUp))
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="accord-confirm")
    token = old.dumps({"id": record.id, "n": record.token_nonce})
    assert signup.signup_from_token(token, "confirm", signup.CONFIRM_MAX_AGE_S) is record
    assert signup.signup_from_token(token, "amend", signup.AMEND_MAX_AGE_S) is None
    client.get_page(f"/accord/sign/confirm/{token}")
    assert db.session.scalar(select(SignUp.status)) == SignUpStatus.pending
