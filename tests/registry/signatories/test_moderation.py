"""The coordinator's queue: possible duplicates, approving (or linking to an existing
organisation), rejecting with a reason, asking for changes; and the emails each decision sends."""

from sqlalchemy import func, select

from accord.extensions import db
from accord.links import absolute_url
from accord.models import OutboxMessage
from registry.signatories import moderation, signup
from registry.signatories.models import Signatory, SignUp, SignUpKind, SignUpStatus
from tests.registry.signatories.journey import (
    ANSWERS,
    answer,
    confirm_link,
    coordinator,
    publish_accord,
    sign_up,
)


def test_duplicates_are_shown_to_the_coordinator(app, client, make):
    publish_accord()
    make.organisation(
        name="Ludlow Community Larder CIO", postcode="SY8 1AA", identifier="GB-CHC-1123456"
    )
    staff = confirmed_and_coordinator(app, client, make)
    page = staff.get_page(f"/admin/registry/signups/{db.session.scalar(select(SignUp.id))}")
    text = page.get_text()
    assert (
        "same identifier GB-CHC-1123456" in text
        and "similar name" in text
        and "same postcode" in text
    )


def test_approving_can_link_to_the_existing_organisation(app, client, make):
    publish_accord()
    existing = make.organisation(
        name="Ludlow Community Larder", slug="ludlow-larder", postcode="SY8 1AA"
    )
    staff = confirmed_and_coordinator(app, client, make)
    signup_id = db.session.scalar(select(SignUp.id))
    staff.submit(
        f"/admin/registry/signups/{signup_id}", {"decision": "approve", "link_to": str(existing.id)}
    )
    signatory = db.session.scalar(select(Signatory))
    assert signatory.organisation_id == existing.id
    client.get_page("/signatories/ludlow-larder")


def test_reject_with_a_reason(app, client, make):
    publish_accord()
    staff = confirmed_and_coordinator(app, client, make)
    url = f"/admin/registry/signups/{db.session.scalar(select(SignUp.id))}"
    body = staff.submit(url, {"decision": "reject", "note": ""}).get_data(as_text=True)
    assert "Enter the reason, or the changes needed" in body
    staff.submit(url, {"decision": "reject", "note": "Not based in Shropshire"})
    assert db.session.scalar(select(SignUp.status)) == SignUpStatus.rejected
    bodies = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.kind == "signup-outcome")
    ).all()
    assert bodies and all("Not based in Shropshire" in b for b in bodies)
    assert "Ludlow Community Larder" not in client.get_page("/signatories").get_text()


def test_ask_for_changes_then_amend(app, client, make):
    publish_accord()
    staff = confirmed_and_coordinator(app, client, make)
    signup_id = db.session.scalar(select(SignUp.id))
    staff.submit(
        f"/admin/registry/signups/{signup_id}",
        {"decision": "changes", "note": "Add your charity's full name"},
    )
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "signup-changes"))
    link = "/accord/sign/amend/" + message.body.split("/accord/sign/amend/")[1].split()[0]

    applicant = app.test_client()
    assert applicant.get(link).location == "/accord/sign/check"
    answer(
        applicant,
        "organisation",
        {**ANSWERS["organisation"], "name": "Ludlow Community Larder CIO"},
    )
    applicant.submit("/accord/sign/check", {})
    record = db.session.get(SignUp, signup_id)
    db.session.refresh(record)
    assert record.name == "Ludlow Community Larder CIO" and record.status == SignUpStatus.pending
    assert db.session.scalar(select(func.count(SignUp.id))) == 1
    # The amend link is spent.
    assert app.test_client().get(link).status_code == 404


def confirmed_and_coordinator(app, client, make):
    """A sign-up through the pages, confirmed by its link; a client for the coordinator."""
    sign_up(client)
    client.get(confirm_link())
    staff = app.test_client()
    coordinator(staff, make)
    return staff


def pending(name: str = "Ludlow Community Larder") -> SignUp:
    """A confirmed sign-up waiting in the queue, made by the plain functions."""
    answers = {key: value for step in ANSWERS.values() for key, value in step.items()}
    record = signup.submit({**answers, "name": name}, publish_accord())
    record.status = SignUpStatus.pending
    db.session.commit()
    return record


def outcome_emails() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == "signup-outcome")
    return db.session.scalars(query.order_by(OutboxMessage.to)).all()


def test_approval_tells_the_signer_and_the_lead_in_the_same_words(app):
    moderation.approve(pending("Ludlow\nCommunity   Larder"))
    db.session.commit()
    profile = absolute_url("registry.signatory", slug="ludlow-community-larder")
    assert profile.startswith("http") and profile.endswith("/signatories/ludlow-community-larder")
    told = outcome_emails()
    assert [m.to for m in told] == [
        "lee.lead@ludlowlarder.example.org",
        "pat.signer@ludlowlarder.example.org",
    ]
    for message in told:
        assert message.subject == "Your organisation has signed the Shropshire Accord"
        assert message.body == (
            "Ludlow Community Larder is now on the published list of signatories of the "
            "Shropshire Accord. Thank you.\n\n"
            f"See your organisation's page on the list:\n{profile}\n\n"
            "The Accord should be referenced in any contract between two signatories.\n"
        )


def test_a_change_of_name_is_applied_and_announced(app):
    moderation.approve(pending())
    db.session.commit()
    org = db.session.scalar(select(Signatory)).organisation
    change = SignUp(
        kind=SignUpKind.change,
        status=SignUpStatus.pending,
        token_nonce="n",
        organisation=org,
        name="Ludlow Larder CIO",
        identifier="GB-CHC-7654321",
        signer_email="pat.signer@ludlowlarder.example.org",
    )
    db.session.add(change)
    db.session.flush()
    assert moderation.approve(change) is org
    db.session.commit()
    assert (org.name, org.identifier) == ("Ludlow Larder CIO", "GB-CHC-7654321")
    [message] = [m for m in outcome_emails() if "change" in m.subject]
    assert message.subject == "Your change to the Shropshire Accord list has been approved"
    profile = absolute_url("registry.signatory", slug=org.slug)
    assert message.body == (
        f"The change of name, number or sector for Ludlow Larder CIO is now published:\n{profile}\n"
    )


def test_the_reason_for_a_rejection_is_sent_as_written(app):
    record = pending()
    moderation.reject(record, "Not based in Shropshire.\nTalk to Telford's Accord.")
    db.session.commit()
    assert (record.status, record.decision_note) == (
        SignUpStatus.rejected,
        "Not based in Shropshire.\nTalk to Telford's Accord.",
    )
    message = outcome_emails()[0]
    assert message.subject == "Your sign-up to the Shropshire Accord"
    assert message.body == (
        "The VCS Assembly coordinator could not accept the sign-up for Ludlow Community Larder."
        "\n\nReason:\nNot based in Shropshire.\nTalk to Telford's Accord.\n\n"
        "Reply to the VCS Assembly if you would like to talk about it.\n"
    )


def test_asking_for_changes_sends_a_link_to_amend_the_sign_up(app):
    record = pending()
    moderation.request_changes(record, "Add your charity's full name")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "signup-changes"))
    token = message.body.split("/accord/sign/amend/")[1].strip()
    assert f"\n{absolute_url('registry.sign_amend', token=token)}\n" in message.body
    assert signup.signup_from_token(token, "amend", signup.AMEND_MAX_AGE_S) is record
    assert message.body.startswith(
        "The VCS Assembly coordinator has asked for changes to the sign-up for "
        "Ludlow Community Larder:\n\nAdd your charity's full name\n\n"
        "Make the changes using this link (valid for 30 days):\n"
    )
    assert db.session.scalar(select(func.count(SignUp.id))) == 1
