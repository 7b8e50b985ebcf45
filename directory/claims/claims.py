"""Claiming a listing: who may claim which service, making a claim (approved at once when the
member's email domain is the listing's and the coordinator allows it), the coordinator's
decision, and the switch for automatic approval. Functions add and flush; the view commits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accord import accounts, audit, emails
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Organisation, Review, User
from directory.claims.models import ClaimStatus, DecidedBy, ListingClaim, SiteSetting
from directory.models import Service

# A claim the coordinator has not decided in this time lapses; the member may claim again.
CLAIM_DAYS = 30
AUTOMATIC = "claims.domain_approval"  # the SiteSetting key: "on" (the default) or "off"

# Addresses anyone can get: a match on these says nothing about who runs a service. Short on
# purpose (the big UK and global providers); a domain missing here only means the
# coordinator decides, since a match also needs the listing's own email on that domain.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk",
        "live.com", "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "ymail.com",
        "icloud.com", "me.com", "aol.com", "aol.co.uk", "btinternet.com", "btopenworld.com",
        "sky.com", "talktalk.net", "virginmedia.com", "ntlworld.com", "tiscali.co.uk",
        "protonmail.com", "proton.me", "gmx.com", "gmx.co.uk", "mail.com",
    }
)  # fmt: skip


class ClaimError(ValueError):
    """A claim that cannot be made: the message says why, for the page."""


def domain_of(email: str) -> str:
    return email.strip().rpartition("@")[2].lower() if "@" in email else ""


def domains_match(service_email: str, member_email: str) -> bool:
    """The same domain after the @, not a public mail provider's."""
    domain = domain_of(service_email)
    return bool(domain) and domain not in PUBLIC_MAIL_DOMAINS and domain == domain_of(member_email)


def automatic() -> bool:
    setting = db.session.get(SiteSetting, AUTOMATIC)
    return setting is None or setting.value != "off"


def set_automatic(on: bool, by: User) -> None:
    setting = db.session.get(SiteSetting, AUTOMATIC) or SiteSetting(key=AUTOMATIC)
    setting.value = "on" if on else "off"
    setting.updated_by_id = by.id
    db.session.add(setting)
    audit.record("setting.changed", "site_setting", AUTOMATIC, details={"value": setting.value})


def _cutoff():
    return utcnow() - timedelta(days=CLAIM_DAYS)


def is_open(claim: ListingClaim) -> bool:
    """Waiting for the coordinator and not lapsed: its decision page opens, once."""
    return claim.status == ClaimStatus.pending and claim.created_at >= _cutoff()


def pending(service: Service, org_id: int) -> ListingClaim | None:
    """The organisation's claim on the service that is waiting, lapsed or not."""
    return db.session.scalar(
        select(ListingClaim).where(
            ListingClaim.service_id == service.id,
            ListingClaim.organisation_id == org_id,
            ListingClaim.status == ClaimStatus.pending,
        )
    )


def claimable_for(user: User, service: Service) -> list[Organisation]:
    """The user's organisations that may claim the service: neither owning nor managing it.
    (One with a claim waiting is still listed: claiming again finds that claim.)"""
    if not user.is_authenticated or service.review != Review.published:
        return []
    mine = user.organisation_ids() - {service.manager_id}
    if not mine:
        return []
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.id.in_(mine)).order_by(Organisation.name)
        )
    )


def make_claim(service: Service, org: Organisation, user: User) -> ListingClaim:
    """The claim of `org` on `service`, asked by `user`: a waiting one if there is one, else a
    new one, approved at once when the domains match and the coordinator allows it."""
    if org.id not in {mine.id for mine in claimable_for(user, service)}:
        raise ClaimError("Choose one of your organisations that does not already manage it")
    waiting = pending(service, org.id)
    if waiting is not None and is_open(waiting):
        return waiting
    if waiting is not None:  # lapsed: closed, so the new claim is the one waiting
        waiting.status = ClaimStatus.expired
        audit.record("claim.expired", "listing_claim", waiting.id, details={"status": "expired"})
        db.session.flush()
    claim = ListingClaim(service=service, organisation=org, requested_by_id=user.id)
    db.session.add(claim)
    db.session.flush()
    audit.record(
        "claim.requested",
        "listing_claim",
        claim.id,
        details={"service_id": service.id, "organisation_id": org.id},
    )
    # A password set from an emailed link is what makes the member's address verified.
    if user.password_hash and automatic() and domains_match(service.email, user.email):
        _approve(claim, DecidedBy.domain, None)
    return claim


def decide(claim: ListingClaim, approve: bool, by: User) -> None:
    """The coordinator's decision, once: a decided or lapsed claim is refused."""
    if not is_open(claim):
        raise ClaimError("This claim has already been decided or has expired")
    if approve:
        _approve(claim, DecidedBy.coordinator, by)
        return
    claim.status = ClaimStatus.rejected
    claim.decided_by, claim.decided_by_user_id = DecidedBy.coordinator, by.id
    claim.decided_at = utcnow()
    audit.record("claim.rejected", "listing_claim", claim.id, details={"status": claim.status})
    for to in accounts.member_emails(claim.organisation_id):
        emails.queue(to, "directory/claim_decided", kind="listing-claim", claim=claim)


def _approve(claim: ListingClaim, how: DecidedBy, by: User | None) -> None:
    service = claim.service
    before = service.manager_id
    claim.status = ClaimStatus.approved
    claim.decided_by, claim.decided_by_user_id = how, by.id if by else None
    claim.decided_at = utcnow()
    # The owner claiming its own listing back manages it as before: nobody "manages" it.
    own = claim.organisation_id == service.organisation_id
    service.managed_by_id = None if own else claim.organisation_id
    audit.record(
        "claim.approved",
        "listing_claim",
        claim.id,
        details={"decided_by": str(how), "service_id": service.id},
    )
    audit.record(
        "service.managed_by",
        "service",
        service.id,
        details={"from": before, "to": claim.organisation_id},
    )
    for to in accounts.member_emails(claim.organisation_id):
        emails.queue(to, "directory/claim_decided", kind="listing-claim", claim=claim)
    for to in accounts.member_emails(before):
        emails.queue(to, "directory/claim_to_owner", kind="listing-claim", claim=claim)


def queue() -> list[ListingClaim]:
    """Claims waiting for the coordinator, oldest first (lapsed ones leave it)."""
    return list(
        db.session.scalars(
            select(ListingClaim)
            .where(ListingClaim.status == ClaimStatus.pending, ListingClaim.created_at >= _cutoff())
            .order_by(ListingClaim.created_at)
        )
    )


def find(claim_uuid: str) -> ListingClaim | None:
    return db.session.scalar(select(ListingClaim).where(ListingClaim.uuid == claim_uuid))
