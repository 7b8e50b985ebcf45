"""Who sees and acts on an Accord concern, and the cases each person is shown.

A case is shown only to its parties (the raiser's side; the concerned side unless it is
anonymous learning), the VCS Assembly coordinator and its appointed mediator; to anyone else
`find` gives None, so a guessed address does not even say the case exists.
"""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import Organisation, Role, User
from registry.concerns.models import Concern, Party, Permission
from registry.signatories.models import Signatory, SignatoryStatus


def is_coordinator(user: User) -> bool:
    """The VCS Assembly coordinator, by role: administrators run the site, not the cases,
    so they do not see concern details unless they are also coordinators."""
    return Role.coordinator in user.roles


def is_mediator(user: User, concern: Concern) -> bool:
    return concern.mediator is not None and concern.mediator.user_id == user.id


def side(user: User, concern: Concern) -> str | None:
    """Which party this user speaks for: the raiser's side, the concerned side, or neither."""
    orgs = user.organisation_ids(Role.member)
    if concern.raised_by_id == user.id or concern.raiser_organisation_id in orgs:
        return Party.raiser
    if concern.permission == Permission.named and concern.concerned_organisation_id in orgs:
        return Party.concerned
    return None


def may_see(user: User, concern: Concern) -> bool:
    return bool(side(user, concern) or is_coordinator(user) or is_mediator(user, concern))


def find(user: User, concern_uuid: str) -> Concern | None:
    """The case if this user may see it, else None (never say it exists)."""
    concern = db.session.scalar(select(Concern).where(Concern.uuid == concern_uuid))
    if concern is None or not may_see(user, concern):
        return None
    return concern


def all_concerns() -> list[Concern]:
    return list(db.session.scalars(select(Concern).order_by(Concern.raised_at.desc())))


def concerns_of(user: User) -> list[Concern]:
    """The cases this user is a party to or mediating, newest first."""
    return [c for c in all_concerns() if side(user, c) or is_mediator(user, c)]


def _signatories():
    return (
        select(Organisation)
        .join(Signatory, Signatory.organisation_id == Organisation.id)
        .where(Signatory.status == SignatoryStatus.published)
        .order_by(Organisation.name)
    )


def signatory_organisations(user: User) -> list[Organisation]:
    """The user's organisations that have signed the Accord (they may raise concerns)."""
    orgs = user.organisation_ids(Role.member)
    if not orgs:
        return []
    return list(db.session.scalars(_signatories().where(Organisation.id.in_(orgs))))


def concernable_organisations(exclude: set[int]) -> list[Organisation]:
    """Organisations a concern may be about: the published signatories, other than one's own."""
    return [org for org in db.session.scalars(_signatories()) if org.id not in exclude]
