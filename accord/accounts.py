"""Accounts and roles: password hashing, sign-in with lockout, users, invitations, role checks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app, has_request_context, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from accord import audit, emails, links, passwords
from accord.extensions import db
from accord.models import Membership, Organisation, Role, User

# RFC 9106 low-memory argon2id in service; the cheapest argon2id parameters in the test suite
# (ARGON2_CHEAP), where hundreds of hashes would otherwise take most of the run.
_HASHERS = {
    False: PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY),
    True: PasswordHasher.from_parameters(profiles.CHEAPEST),
}
# Verified when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASHES = {cheap: h.hash("not-a-real-password") for cheap, h in _HASHERS.items()}


def hasher() -> PasswordHasher:
    return _HASHERS[bool(current_app.config.get("ARGON2_CHEAP"))]


MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return hasher().hash(password)


def password_matches(stored: str, password: str) -> bool:
    dummy = _DUMMY_HASHES[bool(current_app.config.get("ARGON2_CHEAP"))]
    try:
        return hasher().verify(stored or dummy, password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def load_user(user_id: str) -> User | None:
    """flask-login loader: the id carries the session version, so old cookies stop working."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        user = db.session.get(User, int(raw_id))
        version = int(raw_version)
    except ValueError:
        return None
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def end_sessions(user: User) -> None:
    """Invalidate every session cookie this user holds (sign-out, password change)."""
    user.session_version += 1


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit.record("user.password_set", "user", user.id)


def organisation_by_slug(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


class AccountError(ValueError):
    """A user could not be created or changed; the message says why, for a person to read."""


def grant(user: User, role: str, organisation: Organisation | None = None) -> Membership:
    if role not in Role.__members__:
        raise AccountError(f"Unknown role {role!r}; choose one of {', '.join(Role)}")
    if role == Role.member and organisation is None:
        raise AccountError("A member belongs to an organisation: give its slug")
    if has_request_context() and current_user.is_authenticated and current_user.id == user.id:
        # Nobody gives themselves a role or an organisation's referrals: another person must.
        raise AccountError("You cannot change your own roles")
    for membership in user.memberships:
        org_id = organisation.id if organisation else None
        if membership.role == role and membership.organisation_id == org_id:
            return membership
    membership = Membership(user=user, role=role, organisation=organisation)
    db.session.add(membership)
    audit.record(
        "user.role_granted",
        "user",
        user.id if user.id else user.email,
        details={"role": role, "organisation_id": organisation.id if organisation else None},
    )
    return membership


def create_user(
    email: str,
    password: str | None,
    role: str,
    organisation: Organisation | None = None,
    name: str = "",
) -> User:
    """Create a user with a role; with no password the user is invited to set one."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(f"A user with the email {email} already exists")
    if password is not None and (problem := passwords.problem(password, email)):
        raise AccountError(problem)
    user = User(email=email, name=name, password_hash=hash_password(password) if password else "")
    db.session.add(user)
    db.session.flush()
    grant(user, role, organisation)
    audit.record("user.created", "user", user.id, details={"role": role})
    return user


# The signing purpose of invitation links (the salt they have always had, so links already
# sent still open).
INVITE = "accord-invite"


def invite_token(user: User) -> str:
    """Opaque (encrypted as well as signed: the address shows nobody the account's id), and
    single use: the hash fragment stops matching once a password is set."""
    return links.sign_opaque(INVITE, {"u": user.id, "h": user.password_hash[-16:]})


def user_for_invite(token: str) -> User | None:
    age = current_app.config["INVITE_MAX_AGE_S"]
    # Links emailed before invitations were encrypted were signed only: they open for the
    # rest of their days (the same salt, the same age).
    data = links.read_opaque(INVITE, token, age) or links.read(INVITE, token, age)
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u"))
    if user is None or user.password_hash[-16:] != data.get("h"):
        return None
    return user


def same_mailbox(one: str, other: str) -> bool:
    """Whether two addresses reach one person: equal, or equal once a "+tag" is dropped."""

    def box(email: str) -> str:
        local, _, domain = normalise_email(email).partition("@")
        return f"{local.split('+', 1)[0]}@{domain}"

    return box(one) == box(other)


def invite(
    email: str, role: str, organisation: Organisation | None, by: User | None = None
) -> User:
    """Create a user without a password and email them a link to set one.

    `by` is the administrator inviting (None from the command line). Nobody invites themselves
    (that would give them an organisation's referrals), and a new person in an organisation
    is announced to its existing members and audited against the organisation."""
    if by is not None and same_mailbox(email, by.email):
        raise AccountError("You cannot invite yourself: ask another administrator")
    told = member_emails(organisation.id) if organisation is not None else []
    user = create_user(email, None, role, organisation)
    emails.queue(user.email, "accord/invite", kind="invite", token=invite_token(user))
    audit.record("user.invited", "user", user.id, details={"role": role})
    if organisation is not None:
        audit.record(
            "organisation.member_added",
            "organisation",
            organisation.id,
            actor_id=by.id if by is not None else None,
            details={"user_id": user.id, "role": role},
        )
        for address in told:
            emails.queue(
                address,
                "accord/member_added",
                kind="member-added",
                organisation=organisation,
                email=user.email,
                role=Role(role).label,
            )
    return user


def member_emails(organisation_id: int | None) -> list[str]:
    """The addresses of an organisation's active members: who is told about its referrals,
    concerns and listings."""
    if organisation_id is None:
        return []
    return list(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation_id,
                Membership.role == Role.member,
                User.active.is_(True),
            )
            .distinct()
        )
    )


View = Callable[..., ResponseReturnValue]


def role_required(*roles: str) -> Callable[[View], View]:
    """Signed-out visitors go to sign in; signed-in users without the role get a 403."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            if not current_user.is_authenticated:
                return redirect(url_for("core.sign_in", next=request.full_path.rstrip("?")))
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        # Read by the access-rule test, which fails for any route with no rule at all. (Set
        # through __dict__, as functools.wraps sets its own: typed functions take no new names.)
        wrapped.__dict__["required_roles"] = roles
        return wrapped

    return decorator


def emails_with_role(role: str) -> list[str]:
    """The addresses of the active users who hold `role` (whom a job's notices go to)."""
    return list(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == role, User.active.is_(True))
            .distinct()
            .order_by(User.email)
        )
    )
