"""Referral pages over HTTP: the journey, replays and double clicks, bad input, and the role
matrix (anyone who is not a party gets a 404, as if the referral did not exist)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from directory.models import Capacity
from directory.referrals.models import Referral, ReferralStatus
from tests import factories
from tests.factories import PASSWORD

NAME = "Zofia Kowalczyk-Testperson"
CONTACT = "07700 900456, afternoons"
TODAY = today_uk()
CONSENT = {
    "by": "resident",
    "how": "phone",
    "given_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
    "scope": ["contact", "needs"],
    "agreed": "y",
}
DETAILS = {
    "name": NAME,
    "reason": "Lost her job and has no food for the week",
    "contact": CONTACT,
    "needs": "Food parcel for two adults",
    "postcode": "sy1 1aa",
}


def signed_in(app, email: str):
    client = app.test_client()
    client.sign_in(email, PASSWORD)
    return client


def start(client, service) -> str:
    """Safeguarding page posted: the new draft's address."""
    page = f"/referrals/new/{service.id}"
    token = client.get_page(page).find("input", attrs={"name": "token"})["value"]
    response = client.submit(page, {"token": token, "checked": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location.removesuffix("/consent")


def refer(client, service) -> str:
    """The whole journey through the pages; the sent referral's address."""
    at = start(client, service)
    assert client.submit(f"{at}/consent", CONSENT).location == f"{at}/details"
    assert client.submit(f"{at}/details", DETAILS).location == f"{at}/check"
    check = client.get_page(f"{at}/check").get_text()
    assert NAME in check and CONTACT in check and "SY1 1AA" in check
    assert client.submit(f"{at}/check", {}).location == f"{at}/sent"
    return at


def referral_at(at: str) -> Referral:
    db.session.expire_all()
    return db.session.scalar(select(Referral).where(Referral.uuid == at.rsplit("/", 1)[1]))


def test_a_worker_refers_the_service_accepts_and_the_worker_sees_it(app, larder):
    worker = signed_in(app, "worker@example.org")
    assert "Refer someone" in worker.get_page(f"/directory/services/{larder.id}").get_text()
    at = refer(worker, larder)
    sent = worker.get_page(at).get_text()
    assert "Waiting for the service" in sent and NAME in sent
    emails = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to for m in emails] == ["larder@example.org"]
    assert at in emails[0].body and NAME not in emails[0].body + emails[0].subject

    provider = signed_in(app, "larder@example.org")
    inbox = provider.get_page("/referrals/")
    assert inbox.find(attrs={"data-count": "sent"}).get_text() == "1"
    assert inbox.find("a", href=at) is not None
    shown = provider.get_page(at).get_text()
    assert NAME in shown and CONTACT in shown and "Lost her job" in shown
    assert provider.submit(f"{at}/accept", {}, form_path=at).location == at
    assert referral_at(at).status == ReferralStatus.accepted

    assert "Accepted" in worker.get_page("/referrals/").get_text()
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "worker@example.org")
    ).all()
    assert len(told) == 1 and at in told[0].body and NAME not in told[0].body

    assert provider.submit(f"{at}/complete", {}, form_path=at).location == at
    assert referral_at(at).status == ReferralStatus.completed


def test_the_emailed_link_opens_the_referral(app, larder):
    # It once read http://localhost//referrals/<id>: the base's slash and the path's.
    at = refer(signed_in(app, "worker@example.org"), larder)
    email = db.session.scalar(select(OutboxMessage))
    links = re.findall(r"https?://\S+", email.body)
    assert links == [f"http://localhost{at}"]
    assert "//" not in links[0].removeprefix("http://")
    provider = signed_in(app, "larder@example.org")
    page = provider.get_page(links[0].removeprefix("http://localhost"))
    assert referral_at(at).reference in page.h1.get_text()


def test_referrals_with_no_answer_show_as_overdue_on_both_sides(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = refer(worker, larder)
    assert "overdue" not in worker.get_page("/referrals/").get_text()
    referral = referral_at(at)
    referral.sent_at -= timedelta(days=14)
    db.session.commit()
    assert "No answer yet: overdue" in worker.get_page("/referrals/").get_text()
    provider = signed_in(app, "larder@example.org")
    assert "No answer yet: overdue" in provider.get_page("/referrals/").get_text()


def test_the_service_sees_only_what_the_person_agreed_to_share(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = start(worker, larder)
    worker.submit(f"{at}/consent", {**CONSENT, "scope": ["needs"]})
    form = worker.get_page(f"{at}/details")
    assert form.find("textarea", attrs={"name": "needs"}) is not None
    assert form.find("textarea", attrs={"name": "contact"}) is None  # not agreed: not asked
    worker.submit(f"{at}/details", DETAILS)
    assert "did not agree to share it" in worker.get_page(f"{at}/check").get_text()
    worker.submit(f"{at}/check", {})
    shown = signed_in(app, "larder@example.org").get_page(at).get_text()
    assert NAME in shown and "Food parcel" in shown
    assert CONTACT not in shown and "SY1 1AA" not in shown


def test_each_viewing_and_change_is_audited_without_personal_details(app, larder):
    at = refer(signed_in(app, "worker@example.org"), larder)
    provider = signed_in(app, "larder@example.org")
    provider.get_page(at)
    provider.get_page(at)
    provider.submit(f"{at}/decline", {"reason": "no_capacity"})
    referral = referral_at(at)
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.target_type == "referral", AuditEvent.target_id == str(referral.id)
        )
    ).all()
    # The worker opened the check page; then the provider opened it twice.
    assert actions.count("referral.viewed") >= 3
    assert {
        "referral.started",
        "referral.consent_recorded",
        "referral.details_recorded",
        "referral.sent",
        "referral.declined",
    } <= set(actions)
    everything = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert NAME not in everything and CONTACT not in everything


def test_double_clicks_and_replayed_posts_make_one_referral(app, larder):
    worker = signed_in(app, "worker@example.org")
    page = f"/referrals/new/{larder.id}"
    token = worker.get_page(page).find("input", attrs={"name": "token"})["value"]
    first = worker.submit(page, {"token": token, "checked": "y"})
    again = worker.submit(page, {"token": token, "checked": "y"})
    assert first.location == again.location
    at = first.location.removesuffix("/consent")
    worker.submit(f"{at}/consent", CONSENT)
    worker.submit(f"{at}/details", DETAILS)
    assert worker.submit(f"{at}/check", {}).location == f"{at}/sent"
    # The back button, then send again; change the consent after sending: nothing happens.
    assert worker.submit(f"{at}/check", {}, form_path=at).location == at
    assert worker.submit(f"{at}/consent", CONSENT, form_path=at).location == at
    replayed = worker.submit(page, {"token": token, "checked": "y"}, form_path=at)
    assert replayed.location == at
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1

    provider = signed_in(app, "larder@example.org")
    provider.submit(f"{at}/accept", {}, form_path=at)
    twice = provider.submit(f"{at}/accept", {}, form_path=at, follow_redirects=True)
    assert twice.status_code == 200 and "Nothing changed" in twice.get_data(as_text=True)
    told = select(func.count()).where(OutboxMessage.to == "worker@example.org")
    assert db.session.scalar(told) == 1


def test_bad_answers_get_a_gov_uk_error_summary(app, larder):
    worker = signed_in(app, "worker@example.org")
    page = f"/referrals/new/{larder.id}"
    token = worker.get_page(page).find("input", attrs={"name": "token"})["value"]
    unchecked = worker.submit(page, {"token": token})
    assert unchecked.status_code == 200 and "govuk-error-summary" in unchecked.get_data(True)
    at = start(worker, larder)
    future = TODAY + timedelta(days=3)
    for answers, message in [
        ({}, "Select who gave consent"),
        ({**CONSENT, "by": "carer"}, "Enter the name of the person who gave consent"),
        ({**CONSENT, "given_on": [str(future.day), str(future.month), str(future.year)]},
         "today or in the past"),
        ({**CONSENT, "given_on": ["31", "2", str(TODAY.year)]}, "real date"),
        ({**CONSENT, "given_on": ["1", "1", str(TODAY.year - 1)]}, "last 90 days"),
        ({**CONSENT, "given_on": ["1", "", ""]}, "must include a month"),
        ({**CONSENT, "by": "nobody"}, "Not a valid choice"),
    ]:  # fmt: skip
        response = worker.submit(f"{at}/consent", answers)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and message in body, message
        assert "govuk-error-summary" in body
    worker.submit(f"{at}/consent", CONSENT)
    for answers, message in [
        ({}, "Enter the person&#39;s full name"),
        ({**DETAILS, "postcode": "not a postcode"}, "Enter a real postcode"),
        ({**DETAILS, "reason": "x" * 2001}, "2,000 characters or fewer"),
        ({**DETAILS, "name": "\x00"}, "Enter the person&#39;s full name"),
    ]:
        response = worker.submit(f"{at}/details", answers)
        assert response.status_code == 200 and message in response.get_data(True), (
            message,
            response.location,
        )
    assert worker.get(f"{at}/check").location == f"{at}/details"  # nothing to check yet
    worker.submit(f"{at}/details", DETAILS)
    worker.submit(f"{at}/check", {})
    provider = signed_in(app, "larder@example.org")
    for reason in ("", "because"):
        response = provider.submit(f"{at}/decline", {"reason": reason})
        assert response.status_code == 200 and "govuk-error-summary" in response.get_data(True)
    assert referral_at(at).status == ReferralStatus.sent
    assert provider.post(f"{at}/accept").status_code == 400  # no CSRF token


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity": Capacity.at_capacity}, "at capacity"),
        ({"capacity": Capacity.closed_to_referrals}, "closed to referrals"),
        ({"access_routes": ["self_referral"]}, "does not take referrals from professionals"),
    ],
)
def test_a_service_that_cannot_take_referrals_says_so_before_anything_is_typed(
    app, larder, change, message
):
    for key, value in change.items():
        setattr(larder, key, value)
    db.session.commit()
    worker = signed_in(app, "worker@example.org")
    page = worker.get_page(f"/referrals/new/{larder.id}")
    assert message in page.get_text() and page.main.find("form", attrs={"method": "post"}) is None
    response = worker.submit(
        f"/referrals/new/{larder.id}", {"token": "abc", "checked": "y"}, form_path="/account"
    )
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0


def test_providers_say_what_referrers_must_tell_them(app, larder):
    provider = signed_in(app, "larder@example.org")
    edit = f"/directory/services/{larder.id}/edit"
    page = provider.get_page(edit)
    assert page.find("input", attrs={"name": "referral_fields", "value": "needs"}).has_attr(
        "checked"
    )
    form = {
        "name": "Community Larder",
        "description": "Food for people who need it",
        "needs": ["food"],
        "cost": "free",
        "access_routes": ["professional_referral"],
        "referral_fields": ["access"],
        "referral_response_days": "2",
        "location": "",
    }
    assert provider.submit(edit, form).status_code == 302
    db.session.expire_all()
    assert larder.referral_fields == ["access"] and larder.referral_response_days == 2
    response = provider.submit(edit, {**form, "referral_response_days": "99"})
    assert "between 1 and 30" in response.get_data(as_text=True)


# --- who may see what -----------------------------------------------------------------------

VISITORS = [
    None,
    "referrer",
    "receiver",
    "other-frontline",
    "other-member",
    Role.coordinator,
    Role.cvec,
    Role.admin,
]
PARTIES = {"referrer", "receiver"}


def visitor_client(app, visitor):
    if visitor is None:
        return app.test_client()
    email = {"referrer": "worker@example.org", "receiver": "larder@example.org"}.get(visitor)
    if email is None:
        email = f"{visitor}@example.org"
        role = {"other-frontline": Role.frontline, "other-member": Role.member}.get(
            visitor, visitor
        )
        factories.user(role, email=email)
    return signed_in(app, email)


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_referral_role_matrix(app, larder, visitor, caplog):
    caplog.set_level(logging.DEBUG)
    at = refer(signed_in(app, "worker@example.org"), larder)
    client = visitor_client(app, visitor)
    pages = [at, f"{at}/consent", f"{at}/details", f"{at}/check", f"{at}/sent", f"{at}/decline"]
    posts = [f"{at}/accept", f"{at}/withdraw", f"{at}/decline", f"{at}/complete", f"{at}/delete"]
    guessed = "/referrals/00000000-0000-4000-8000-000000000000"
    if visitor is None:
        for path in [*pages, "/referrals/", "/referrals/statistics"]:
            assert client.get(path).location.startswith("/sign-in"), path
        return
    token = client.csrf_token("/account")
    if visitor in PARTIES or visitor == Role.admin:
        index = client.get_page("/referrals/").get_text()
        assert (at.rsplit("/", 1)[1] in client.get("/referrals/").get_data(True)) == (
            visitor in PARTIES
        )
        assert NAME not in index
    elif visitor == "other-frontline" or visitor == "other-member":
        assert at not in client.get("/referrals/").get_data(as_text=True)
    else:
        client.get_page("/referrals/", status=403)
    client.get_page(guessed, status=403 if visitor in (Role.coordinator, Role.cvec) else 404)
    if visitor in PARTIES:
        assert NAME in client.get_page(at).get_text()
        if visitor == "receiver":
            client.get_page(f"{at}/decline")
    elif visitor in (Role.coordinator, Role.cvec):
        for path in pages:
            client.get_page(path, status=403)
        for path in posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 403
    else:  # another organisation's member, another worker, an administrator
        for path in pages:
            page = client.get_page(path, status=404)
            assert NAME not in page.get_text()
        for path in posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 404
    statistics = client.get("/referrals/statistics")
    if visitor in (Role.coordinator, Role.admin):
        check = client.get_page("/referrals/statistics").get_text()
        assert "Community Larder" in check and NAME not in check
    else:
        assert statistics.status_code == 403
    assert referral_at(at).status == ReferralStatus.sent
    assert NAME not in caplog.text and CONTACT not in caplog.text


def test_the_coordinator_sees_counts_and_unmet_need_only(app, larder):
    worker = signed_in(app, "worker@example.org")
    provider = signed_in(app, "larder@example.org")
    for reason in ("no_capacity", "not_eligible", "could_not_contact"):
        at = refer(worker, larder)
        provider.submit(f"{at}/decline", {"reason": reason})
    factories.user(Role.coordinator, email="coordinator@example.org")
    coordinator = signed_in(app, "coordinator@example.org")
    assert "Referrals: anonymous figures" in coordinator.get_page("/admin/").get_text()
    page = coordinator.get_page("/referrals/statistics")
    unmet = page.find("caption", string=lambda s: s and "not eligible" in s).find_parent("table")
    cells = [td.get_text(strip=True) for td in unmet.find_all("td")]
    # Two declined for food in SY1: too few to show by need and district.
    assert cells == ["Other needs and districts, each fewer than 5", "2"]
    assert "SY1" not in unmet.get_text()
    assert page.find(attrs={"data-figure": "total"}).get_text() == "3"
    assert NAME not in page.get_text() and "R-" not in page.get_text()
