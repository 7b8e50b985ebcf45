"""Independent mediators: the coordinator's list, who is free of links to a case's parties,
and appointing one to a case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from accord import accounts, audit
from accord.extensions import db
from accord.models import Organisation, User
from registry.concerns.concerns import (
    Conflict,
    WrongState,
    advance,
    must_be_acknowledged,
    must_be_named,
    tell_mediator,
)
from registry.concerns.models import Concern, Mediator, Stage


def conflicts(mediator: Mediator, concern: Concern) -> bool:
    """True if the mediator is linked to either party (by the coordinator's list, or as a
    member of either organisation through their account)."""
    parties = {concern.raiser_organisation_id, concern.concerned_organisation_id}
    if any(org.id in parties for org in mediator.organisations):
        return True
    if mediator.user is not None:
        mine = {m.organisation_id for m in mediator.user.memberships if m.organisation_id}
        if mine & parties:
            return True
        if mediator.user_id == concern.raised_by_id:
            return True
    return False


def mediators_for(concern: Concern) -> list[Mediator]:
    """Active mediators with no link to either party."""
    return [
        m
        for m in db.session.scalars(
            select(Mediator).where(Mediator.active.is_(True)).order_by(Mediator.name)
        )
        if not conflicts(m, concern)
    ]


def appoint(concern: Concern, mediator: Mediator, by: User, on: datetime) -> None:
    must_be_acknowledged(concern)
    must_be_named(concern)
    if concern.mediator_id == mediator.id:
        raise WrongState("already appointed")
    if not mediator.active or conflicts(mediator, concern):
        raise Conflict("This mediator is linked to one of the organisations: choose another")
    concern.mediator_id = mediator.id
    concern.mediator = mediator
    concern.mediator_appointed_at = on
    what = "A mediator has been appointed"
    advance(concern, Stage.mediator_appointed, by, what, on, details={"mediator_id": mediator.id})
    tell_mediator(concern, "registry/concern_mediator")


def mediator_list() -> list[Mediator]:
    return list(db.session.scalars(select(Mediator).order_by(Mediator.name)))


def add_mediator(name: str, contact: str, organisations: list[Organisation], by: User) -> Mediator:
    """A mediator on the coordinator's list; linked to the account with their email if any.
    The same person posted twice (a double click) is added once."""
    same = db.session.scalar(
        select(Mediator).where(
            func.lower(Mediator.contact) == contact.lower(), Mediator.name == name
        )
    )
    if same is not None:
        return same
    account = accounts.find_user(contact) if contact else None
    if account is not None and db.session.scalar(
        select(Mediator.id).where(Mediator.user_id == account.id)
    ):
        account = None
    mediator = Mediator(name=name, contact=contact, user=account, organisations=organisations)
    db.session.add(mediator)
    db.session.flush()
    audit.record("mediator.added", "mediator", mediator.id, actor_id=by.id)
    return mediator
