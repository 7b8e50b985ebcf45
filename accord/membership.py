"""An organisation's members looking after its membership: who they are, adding someone (a new
address is invited to set a password, an existing account is added), and leaving.

The coordinator's approval of a sign-up (registry/signatories/moderation.py) and a member
inviting a colleague both come through `add_member`, so a membership is never made twice and
every addition is audited against the organisation and told to its other members.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import select

from accord import audit, emails
from accord.accounts import (
    AccountError,
    create_user,
    find_user,
    grant,
    invite_token,
    member_emails,
    normalise_email,
    same_mailbox,
)
from accord.extensions import db
from accord.models import Membership, Organisation, Role, User


class Outcome(enum.StrEnum):
    invited = "invited"  # emailed a link to set a password (a new address, or none set yet)
    added = "added"  # an account that signs in already, now a member too
    already = "already"  # a member already: nothing changed, nobody emailed
    yourself = "yourself"  # the person acting: nobody changes their own roles (accounts.grant)


@dataclass(frozen=True)
class Added:
    email: str
    outcome: Outcome


def members(org: Organisation) -> list[User]:
    """The organisation's members, by email (shown to its members only, never publicly)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id, Membership.role == Role.member)
            .order_by(User.email)
        )
    )


def is_member(user: User, org: Organisation) -> bool:
    return org.id in user.organisation_ids()


def add_member(
    email: str,
    org: Organisation,
    *,
    by: User | None,
    name: str = "",
    signed: bool = False,
) -> Added:
    """Make the person at `email` a member of `org`, once.

    `signed` is true when the organisation's sign-up to the Accord was just approved (the
    emails say so); otherwise a member (`by`) is inviting a colleague. The caller commits."""
    email = normalise_email(email)
    if by is not None and same_mailbox(email, by.email):
        return Added(email, Outcome.yourself)
    user = find_user(email)
    if user is not None and is_member(user, org):
        return Added(email, Outcome.already)
    # The members before this one, but not whoever is adding them (they see it done).
    told = [m for m in member_emails(org.id) if by is None or m != by.email]
    if user is None:
        user = create_user(email, None, Role.member, org, name=name)
    else:
        grant(user, Role.member, org)
    # Someone invited before who never set a password gets a fresh link, not "sign in".
    outcome = Outcome.added if user.password_hash else Outcome.invited
    if outcome is Outcome.invited:
        template = "accord/invite_signed" if signed else "accord/invite_colleague"
        emails.queue(
            user.email, template, kind="invite", organisation=org, by=by, token=invite_token(user)
        )
        audit.record("user.invited", "user", user.id, details={"role": Role.member})
    else:
        emails.queue(
            user.email,
            "accord/member_added_you",
            kind="member-added",
            organisation=org,
            by=by,
            signed=signed,
        )
    audit.record(
        "organisation.member_added",
        "organisation",
        org.id,
        details={"user_id": user.id, "role": Role.member, "via": "signup" if signed else "member"},
    )
    who = "The VCS Assembly coordinator" if signed or by is None else (by.name or by.email)
    for address in told:
        emails.queue(
            address,
            "accord/member_added",
            kind="member-added",
            organisation=org,
            email=user.email,
            role=Role.member.label,
            who=who,
        )
    return Added(email, outcome)


def invite_colleague(email: str, org: Organisation, by: User) -> Added:
    """A member adds a colleague to their own organisation; refused (AccountError, its message
    for the form) for themselves or someone who is a member already."""
    added = add_member(email, org, by=by)
    if added.outcome is Outcome.yourself:
        raise AccountError("You cannot invite yourself: you are a member already")
    if added.outcome is Outcome.already:
        raise AccountError(f"{added.email} is already a member of {org.name}")
    return added


def replacements(user: User, org: Organisation) -> list[User]:
    """The other members who could look after the organisation: active, with a password set
    (someone invited but not yet signed in is not a replacement yet)."""
    return [
        other
        for other in members(org)
        if other.id != user.id and other.active and other.password_hash
    ]


def leave(user: User, org: Organisation) -> None:
    """The user stops being a member; the last member who can sign in cannot (the organisation
    would have nobody to keep its listings and read its referrals). The caller commits."""
    if not replacements(user, org):
        raise AccountError("Invite a replacement and wait until they have set a password")
    told = [other.email for other in members(org) if other.id != user.id and other.active]
    for held in [m for m in user.memberships if m.role == Role.member]:
        if held.organisation_id == org.id:
            user.memberships.remove(held)
    audit.record("organisation.member_left", "organisation", org.id, details={"user_id": user.id})
    for address in told:
        emails.queue(
            address, "accord/member_left", kind="member-left", organisation=org, email=user.email
        )
