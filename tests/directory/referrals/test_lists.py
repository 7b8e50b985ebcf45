"""The referrals list: drafts apart from sent referrals, deleted by their author only; the
provider's list tells referrals apart by date, service and need, never by the person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from accord.extensions import db
from accord.models import AuditEvent, Role
from directory import taxonomy
from directory.referrals.models import Referral, ReferralStatus
from tests import factories
from tests.directory.referrals.test_pages import (
    CONSENT,
    CONTACT,
    DETAILS,
    NAME,
    refer,
    referral_at,
    signed_in,
    start,
)

CARER = "Sam Jones, her son"


def section(page, anchor: str):
    """The text of the list under the heading with this id, up to the next heading."""
    heading = page.find(id=anchor)
    if heading is None:
        return ""
    table = heading.find_next(["table", "h2", "p"])
    while table is not None and table.name == "p":
        table = table.find_next(["table", "h2", "p"])
    return table.get_text(" ", strip=True) if table is not None and table.name == "table" else ""


def drafted(worker, service) -> str:
    """A draft with the person's details typed in, not sent."""
    at = start(worker, service)
    worker.submit(f"{at}/consent", {**CONSENT, "by": "carer", "note_carer": CARER})
    worker.submit(f"{at}/details", DETAILS)
    return at


def test_drafts_are_listed_apart_and_offer_delete_not_withdraw(app, larder):
    worker = signed_in(app, "worker@example.org")
    sent = referral_at(refer(worker, larder)).reference
    at = drafted(worker, larder)
    draft = referral_at(at).reference
    page = worker.get_page("/referrals/")
    drafts, made = section(page, "drafts"), section(page, "sent")
    assert draft in drafts and sent not in drafts and "Delete draft" in drafts
    assert sent in made and draft not in made and "Not sent yet" not in made
    shown = worker.get_page(at)
    buttons = [b.get_text(strip=True) for b in shown.main.find_all("button")]
    assert buttons == ["Delete draft"]
    form = shown.main.find("button").find_parent("form")
    assert form["action"] == f"{at}/delete" and form.find("input", attrs={"name": "csrf_token"})
    # Withdrawing is for sent referrals: a draft is deleted, never "withdrawn".
    response = worker.submit(f"{at}/withdraw", {}, form_path=at, follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert referral_at(at).status == ReferralStatus.draft


def test_only_the_author_deletes_a_draft_and_nothing_of_the_person_stays(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = drafted(worker, larder)
    draft = referral_at(at)
    draft_id, reference = draft.id, draft.reference
    factories.user(Role.frontline, email="other@example.org")
    factories.user(Role.admin, email="admin@example.org")
    db.session.commit()
    for email in ("other@example.org", "larder@example.org", "admin@example.org"):
        other = signed_in(app, email)
        assert other.submit(f"{at}/delete", {}, form_path="/account").status_code == 404, email
    assert worker.post(f"{at}/delete").status_code == 400  # no CSRF token
    assert referral_at(at) is not None

    response = worker.submit(f"{at}/delete", {}, form_path="/referrals/")
    assert response.status_code == 302 and response.location == "/referrals/#drafts"
    assert referral_at(at) is None
    assert db.session.scalar(select(func.count()).select_from(Referral)) == 0
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "referral.draft_deleted")
    )
    assert event.target_id == str(draft_id) and event.actor_id is not None
    everything = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert NAME not in everything and CARER not in everything
    page = worker.get_page("/referrals/")
    assert f"You deleted the draft referral {reference}" in page.get_text()
    assert reference not in section(page, "drafts") + section(page, "sent")
    worker.get_page(at, status=404)
    assert worker.submit(f"{at}/delete", {}, form_path="/referrals/").status_code == 404


def test_a_sent_referral_is_never_deleted(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = refer(worker, larder)
    response = worker.submit(f"{at}/delete", {}, form_path=at, follow_redirects=True)
    assert "Nothing changed: this referral is waiting for the service" in response.get_data(True)
    assert referral_at(at).status == ReferralStatus.sent
    assert "Delete draft" not in worker.get_page(at).get_text()


def test_the_provider_tells_referrals_apart_by_date_service_and_need(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = refer(worker, larder)
    referral = referral_at(at)
    referral.sent_at = datetime(2026, 3, 27, 15, 5)  # 3:05pm on UK clocks (GMT)
    db.session.commit()
    provider = signed_in(app, "larder@example.org")
    page = provider.get_page("/referrals/")
    table = page.find(id="received").find_next("table")
    heads = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    assert heads == ["Reference", "Sent", "Service", "Need", "Status"]
    [row] = table.tbody.find_all("tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
    food = {term.code: term.name for term in taxonomy.needs()}["food"]
    assert cells[:4] == [referral.reference, "27 Mar 2026 3:05pm", "Community Larder", food]
    assert cells[4].startswith("Waiting for the service")
    # No one is named or reachable from the list: only the referral's own page says who.
    text = page.get_text()
    assert NAME not in text and CONTACT not in text and "Lost her job" not in text
    assert "SY1" not in text and "worker@example.org" not in text
