"""Funding notices people can act on (issue 22): the organisations a notice names, typed one
a line and matched to the organisations on the hub, and each organisation's own list of what
it was told and when. Nothing here touches `request`."""

from __future__ import annotations

from sqlalchemy import func, select

from accord import emails
from accord.extensions import db
from accord.models import Membership, Organisation, Role, User
from registry.notices.models import FundingNotice, funding_notice_organisation

# A notice names a handful of providers; a long list is a mistake, not a use.
MOST_AFFECTED = 30


def names(typed: str | None) -> list[str]:
    """The names typed, one a line (commas split too), without blanks or repeats."""
    seen: dict[str, str] = {}
    for part in (typed or "").replace(",", "\n").splitlines():
        name = " ".join(part.split())
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())


def resolve(typed: str | None) -> tuple[list[Organisation], list[str]]:
    """The organisations the names match (exactly, ignoring case and spacing), and the names
    that match none (or more than one, so the user says which)."""
    found: list[Organisation] = []
    unknown: list[str] = []
    for name in names(typed):
        same = func.lower(Organisation.name) == name.casefold()
        matches = list(db.session.scalars(select(Organisation).where(same).limit(2)))
        if len(matches) == 1:
            found.append(matches[0])
        else:
            unknown.append(name)
    return found, unknown


def told(user: User) -> list[FundingNotice]:
    """The notices that name an organisation the user is a member of, latest change first."""
    ids = user.organisation_ids(Role.member)
    if not ids:
        return []
    named = select(funding_notice_organisation.c.notice_id).where(
        funding_notice_organisation.c.organisation_id.in_(ids)
    )
    return list(
        db.session.scalars(
            select(FundingNotice)
            .where(FundingNotice.id.in_(named))
            .order_by(FundingNotice.change_date.desc(), FundingNotice.id.desc())
        )
    )


def tell(record: FundingNotice) -> int:
    """Email the members of each organisation the notice names (once each), pointing to their
    own page: the details stay behind the sign-in. Returns how many were queued."""
    ids = [org.id for org in record.affected]
    if not ids:
        return 0
    found = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.organisation_id.in_(ids),
            Membership.role == Role.member,
            User.active.is_(True),
        )
        .distinct()
    )
    sent = 0
    for user in found:
        emails.queue(user.email, "registry/funding_notice", kind="funding-notice", notice=record)
        sent += 1
    return sent
