"""After signing (registry/signatories/changes.py): re-affirming a revised Accord,
withdrawing, and members editing details."""

import re

from sqlalchemy import select

from accord.extensions import db
from accord.links import absolute_url
from accord.models import AuditEvent, OutboxMessage, Role
from registry.models import AccordVersion
from registry.publish import CONTENT
from registry.signatories import changes, signup
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpStatus
from tests.factories import PASSWORD
from tests.registry.signatories.journey import publish_accord


def signatory(make, **org_fields) -> Signatory:
    version = db.session.scalar(select(AccordVersion)) or publish_accord()
    org = make.organisation(
        **{"name": "Wem Good Neighbours", "slug": "wem-good-neighbours", **org_fields}
    )
    record = Signatory(
        organisation=org,
        accord_version=version,
        status=SignatoryStatus.published,
        signer_email="signer@wem.example.org",
        lead_email="lead@wem.example.org",
        lead_name="Lee Lead",
    )
    db.session.add(record)
    db.session.commit()
    return record


def sign_in_as(client, make, role, organisation=None, email=None):
    email = email or f"{role}-{id(client)}@example.org"
    make.user(role=role, organisation=organisation, email=email)
    client.sign_in(email, PASSWORD)


def test_a_revised_accord_asks_signatories_to_reaffirm(app, client, make):
    record = signatory(make)
    staff = app.test_client()
    sign_in_as(staff, make, Role.coordinator)
    staff.get_page("/admin/registry/accord")
    text = (
        (CONTENT / "accord-2025.md")
        .read_text(encoding="utf-8")
        .replace("version: 2025", "version: 2027")
    )
    response = staff.submit("/admin/registry/accord", {"version": "2027", "text": text})
    assert response.status_code == 302
    assert "Version 2027" in client.get_page("/accord").get_text()
    profile = client.get_page("/signatories/wem-good-neighbours").get_text()
    assert "signed an earlier version" in profile

    staff.submit("/admin/registry/accord/2027/reaffirm", {}, form_path="/admin/registry/accord")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reaffirm"))
    assert message.to == "lead@wem.example.org"
    link = re.search(r"/signatories/\S+/reaffirm/\S+", message.body).group(0)

    lead = app.test_client()
    lead.get_page(link)
    assert lead.submit(link, {}).status_code == 302
    db.session.refresh(record)
    assert record.accord_version.version == "2027" and record.reaffirmed_at is not None
    row = client.get("/signatories.json").json["signatories"][0]
    assert row["accord_version"] == "2027"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signatory.reaffirmed"))


def test_publishing_a_version_twice_or_broken_text_is_explained(app, make):
    signatory(make)
    staff = app.test_client()
    sign_in_as(staff, make, Role.coordinator)
    body = staff.submit("/admin/registry/accord", {"version": "2025", "text": "x"}).get_data(
        as_text=True
    )
    assert "That version is already published" in body
    body = staff.submit(
        "/admin/registry/accord", {"version": "2030", "text": "no front matter"}
    ).get_data(as_text=True)
    assert "The text is not in the Accord format" in body


def test_the_lead_withdraws_by_emailed_link(app, client, make):
    record = signatory(make)
    page = client.get_page("/signatories/wem-good-neighbours/withdraw")
    assert "Only the organisation's Accord lead" in page.get_text()
    wrong = client.submit(
        "/signatories/wem-good-neighbours/withdraw", {"email": "someone@else.example.org"}
    )
    right = client.submit(
        "/signatories/wem-good-neighbours/withdraw", {"email": "Lead@Wem.example.org"}
    )
    # The same page either way: no telling whose address is on record.
    assert (
        wrong.get_data(as_text=True).replace("\n", "") != ""
        and wrong.status_code == right.status_code == 200
    )
    assert "If that is the Accord lead's email address" in wrong.get_data(as_text=True)
    assert "If that is the Accord lead's email address" in right.get_data(as_text=True)
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "withdraw-link")
    ).all()
    assert [m.to for m in messages] == ["lead@wem.example.org"]

    link = re.search(r"/signatories/\S+/withdraw/\S+", messages[0].body).group(0)
    client.get_page(link)
    body = client.submit(link, {"reason": ""}).get_data(as_text=True)
    assert "Enter the reason for withdrawing" in body
    client.submit(link, {"reason": "Merged with another charity"})
    db.session.refresh(record)
    assert record.status == SignatoryStatus.withdrawn
    assert record.withdrawal_reason == "Merged with another charity"
    assert "Wem Good Neighbours" not in client.get_page("/signatories").get_text()
    client.get_page("/signatories/wem-good-neighbours", status=404)
    assert client.get("/signatories.json").json["count"] == 0
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signatory.withdrawn"))


def test_a_member_withdraws_directly(client, make):
    record = signatory(make)
    sign_in_as(client, make, Role.member, organisation=record.organisation)
    page = client.get_page("/signatories/wem-good-neighbours/withdraw")
    assert page.find("textarea", attrs={"name": "reason"}) is not None
    client.submit("/signatories/wem-good-neighbours/withdraw", {"reason": "Closing down"})
    db.session.refresh(record)
    assert record.status == SignatoryStatus.withdrawn


def wem_edit(**answers) -> dict:
    """The edit form for Wem Good Neighbours in Edinburgh House, with `answers` changed."""
    return {
        "name": "Wem Good Neighbours",
        "charity_number": "",
        "company_number": "",
        "sector": "vcs",
        "org_type": "charity",
        "website": "",
        "address": "Edinburgh House",
        "town": "Wem",
        "postcode": "SY4 5AA",
        "description": "",
        **answers,
    }


def test_a_member_edits_details_and_a_new_name_goes_to_moderation(app, client, make):
    record = signatory(make, town="Wem", postcode="SY4 5AA")
    sign_in_as(client, make, Role.member, organisation=record.organisation)
    page = client.get_page("/signatories/wem-good-neighbours/edit")
    form = wem_edit(
        name="Wem and District Good Neighbours",
        website="https://wem.example.org",
        description="<b>Friendly</b> help",
    )
    assert page.find("input", attrs={"name": "name"})["value"] == "Wem Good Neighbours"
    response = client.submit("/signatories/wem-good-neighbours/edit", form)
    assert response.status_code == 302
    org = record.organisation
    db.session.refresh(org)
    assert org.website == "https://wem.example.org" and org.name == "Wem Good Neighbours"
    change = db.session.scalar(select(SignUp).where(SignUp.kind == "change"))
    assert (
        change.status == SignUpStatus.pending and change.name == "Wem and District Good Neighbours"
    )
    profile = client.get("/signatories/wem-good-neighbours").get_data(as_text=True)
    assert "&lt;b&gt;Friendly&lt;/b&gt;" in profile

    staff = app.test_client()
    sign_in_as(staff, make, Role.coordinator)
    assert (
        "Change of name, number or sector" in staff.get_page("/admin/registry/signups").get_text()
    )
    staff.submit(f"/admin/registry/signups/{change.id}", {"decision": "approve"})
    db.session.refresh(org)
    assert org.name == "Wem and District Good Neighbours"


def test_members_of_other_organisations_cannot_edit(client, make):
    signatory(make)
    other = make.organisation(name="Someone Else")
    sign_in_as(client, make, Role.member, organisation=other)
    client.get_page("/signatories/wem-good-neighbours/edit", status=403)
    token = client.csrf_token("/account")
    response = client.post(
        "/signatories/wem-good-neighbours/edit", data={"csrf_token": token, "name": "Hijacked"}
    )
    assert response.status_code == 403


def test_the_reaffirm_and_withdraw_emails_carry_their_links(app, make, still_clock):
    record = signatory(make, name="Wem\nGood   Neighbours")
    newer = publish_accord("2027")
    assert changes.request_reaffirmation(newer) == 1
    changes.send_withdraw_link(record, "lead@wem.example.org")
    db.session.commit()
    asked, withdraw = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    reaffirm = absolute_url(
        "registry.reaffirm",
        slug="wem-good-neighbours",
        token=signup.signatory_token(record, "reaffirm", newer.id),
    )
    assert asked.subject == (
        "The Shropshire Accord has been revised: please re-affirm (version 2027)"
    )
    assert asked.body == (
        "A new version of the Shropshire Accord (2027) has been published.\n\n"
        "Wem Good Neighbours signed version 2025. Read the new version and re-affirm your "
        f"signature here:\n{reaffirm}\n"
    )
    assert withdraw.subject == "Withdrawing from the Shropshire Accord"
    link = withdraw.body.split("\n\n")[1].split("\n")[1]
    assert link.startswith(absolute_url("registry.signatory", slug="wem-good-neighbours"))
    assert signup.signatory_from_token(link.rsplit("/", 1)[1], "withdraw", 60) == (record, 0)
    assert withdraw.body.startswith(
        "You asked to withdraw Wem Good Neighbours from the Shropshire Accord.\n\n"
        "Use this link within 3 days to confirm and give a reason:\n"
    )


def test_a_new_sector_waits_for_the_coordinator(app, client, make):
    record = signatory(make, town="Wem", postcode="SY4 5AA", sector="vcs")
    org = record.organisation
    sign_in_as(client, make, Role.member, organisation=org)
    form = wem_edit(name=org.name, sector="public")
    response = client.submit("/signatories/wem-good-neighbours/edit", form)
    assert response.status_code == 302
    db.session.refresh(org)
    assert org.sector == "vcs"  # the list, the counts and the commitments keep the old sector
    assert (
        "Voluntary and community sector"
        in client.get_page("/signatories/wem-good-neighbours").get_text()
    )
    change = db.session.scalar(select(SignUp).where(SignUp.kind == "change"))
    assert (change.status, change.sector, change.name) == ("pending", "public", org.name)
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "signup.change_proposed")
    )

    staff = app.test_client()
    sign_in_as(staff, make, Role.coordinator)
    page = staff.get_page(f"/admin/registry/signups/{change.id}").get_text()
    assert "Public sector" in page and "Voluntary and community sector" in page
    staff.submit(f"/admin/registry/signups/{change.id}", {"decision": "approve"})
    db.session.refresh(org)
    assert org.sector == "public"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "organisation.renamed"))
    assert event.details["before"]["sector"] == "vcs"


def test_other_edits_alone_make_no_change_to_moderate(client, make):
    record = signatory(make, town="Wem", postcode="SY4 5AA", sector="vcs")
    org = record.organisation
    sign_in_as(client, make, Role.member, organisation=org)
    form = wem_edit(name=org.name, org_type="cio")
    assert client.submit("/signatories/wem-good-neighbours/edit", form).status_code == 302
    db.session.refresh(org)
    assert org.org_type == "cio"
    assert db.session.scalar(select(SignUp).where(SignUp.kind == "change")) is None
