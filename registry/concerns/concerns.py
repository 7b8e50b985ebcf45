"""Accord concerns: raising one, and what every step of a case shares (its log, the guards on
its stage, who is told). The caller commits.

Who may open a case: the person who raised it and the members of their organisation; the
members of the organisation it concerns (unless it was raised as anonymous learning only, when
that organisation is not told); the VCS Assembly coordinator; and the mediator appointed to
it, through their account. To anyone else a case does not exist (`access.find` gives None; the
views answer 404). Emails carry a link, never the details; the audit log holds ids and stages
only.

The rest of the feature: access.py (who sees and acts), stages.py (acknowledged to closed),
mediation.py, overdue.py (the six-week target), figures.py (counts and published lessons) and
open_letters.py (repeated breaches, the Accord's step 7).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from accord import accounts, audit, emails
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Organisation, Role, User
from accord.references import new_reference
from registry.concerns.models import Concern, ConcernStep, Party, Permission, Stage, StepKind
from registry.publish import current_version


class WrongState(Exception):
    """The case is not at a stage this step can be taken from (e.g. a replayed POST)."""


class Conflict(Exception):
    """The mediator is linked to one of the parties."""


def accord_themes() -> list[tuple[int, str]]:
    """(number, title) of the themes of the Accord as published now."""
    version = current_version()
    if version is None:
        return []
    return [(s.number, s.title) for s in version.themes if s.number is not None]


# --- raising one --------------------------------------------------------------------------


@dataclass
class Raised:
    raiser_organisation: Organisation
    concerned_organisation: Organisation
    themes: list[int]
    commitments: str
    what_happened: str
    tried: str
    good_outcome: str
    permission: str


def raise_concern(by: User, answers: Raised, token: str) -> Concern:
    """A new case; the same form token again gives the case it made (no duplicate)."""
    found = db.session.scalar(select(Concern).where(Concern.start_token == token))
    if found is not None and found.raised_by_id == by.id:
        return found
    if answers.permission not in set(Permission):
        raise ValueError(f"unknown permission {answers.permission!r}")
    if answers.raiser_organisation.id == answers.concerned_organisation.id:
        raise ValueError("a concern is about another organisation")
    version = current_version()
    concern = Concern(
        reference=new_reference("C", Concern.reference),
        start_token=token if found is None else None,
        raised_by_id=by.id,
        raiser_organisation_id=answers.raiser_organisation.id,
        concerned_organisation_id=answers.concerned_organisation.id,
        accord_version_id=version.id if version else None,
        themes=sorted(set(answers.themes)),
        commitments=answers.commitments,
        what_happened=answers.what_happened,
        tried=answers.tried,
        good_outcome=answers.good_outcome,
        permission=answers.permission,
        stage=Stage.raised,
        raised_at=utcnow(),
    )
    db.session.add(concern)
    db.session.flush()
    record_step(concern, StepKind.raised, Party.raiser, by)
    audit.record(
        "concern.raised",
        "concern",
        concern.id,
        actor_id=by.id,
        details={"permission": concern.permission, "themes": concern.themes},
    )
    for email in coordinator_emails():
        emails.queue(email, "registry/concern_raised", kind="concern", concern=concern)
    emails.queue(by.email, "registry/concern_received", kind="concern", concern=concern)
    return concern


# --- what every step shares ---------------------------------------------------------------


def record_step(
    concern: Concern,
    kind: str,
    party: str,
    by: User | None,
    text: str = "",
    on: datetime | None = None,
    token: str | None = None,
) -> ConcernStep:
    """A line in the case's timeline."""
    step = ConcernStep(
        concern=concern,
        kind=kind,
        party=party,
        actor_id=by.id if by else None,
        happened_on=on or utcnow(),
        text=text,
        token=token,
    )
    db.session.add(step)
    return step


def advance(
    concern: Concern,
    stage: Stage,
    by: User,
    what: str,
    on: datetime | None = None,
    party: str = Party.coordinator,
    details: dict | None = None,
) -> None:
    """Move a case to `stage`: its timeline, the audit log (`concern.<stage>`, ids only) and
    an email to both parties that there is news (`what`)."""
    concern.stage = stage
    record_step(concern, StepKind(stage), party, by, on=on)
    audit.record(f"concern.{stage}", "concern", concern.id, actor_id=by.id, details=details)
    tell_parties(concern, what)


def must_be_open(concern: Concern) -> None:
    if concern.stage in (Stage.outcome_recorded, Stage.closed):
        raise WrongState(f"the case is {concern.stage}")


def must_be_acknowledged(concern: Concern) -> None:
    must_be_open(concern)
    if concern.acknowledged_at is None:
        raise WrongState("the case has not been acknowledged")


def must_be_named(concern: Concern) -> None:
    """Anonymous learning is never taken to the organisation it is about."""
    if concern.permission != Permission.named:
        raise WrongState("an anonymous concern is not taken forward with the other party")


def coordinator_emails() -> list[str]:
    return accounts.emails_with_role(Role.coordinator)


def party_emails(concern: Concern) -> list[str]:
    """Who is told of each step: the person who raised it and, if the raiser allowed the case
    to be taken forward, the members of the organisation it concerns."""
    found: set[str] = set()
    if concern.raised_by is not None and concern.raised_by.active:
        found.add(concern.raised_by.email)
    if concern.permission == Permission.named:
        found.update(accounts.member_emails(concern.concerned_organisation_id))
    return sorted(found)


def tell_parties(concern: Concern, what: str, exclude: User | None = None) -> None:
    """An email to each party that there is news (`what`), with the case's link only."""
    for email in party_emails(concern):
        if exclude is not None and email == exclude.email:
            continue
        emails.queue(email, "registry/concern_news", kind="concern", concern=concern, what=what)


def tell_mediator(concern: Concern, template: str) -> None:
    """The appointed mediator, at the contact on the coordinator's list (if any)."""
    if concern.mediator is not None and concern.mediator.contact:
        emails.queue(concern.mediator.contact, template, kind="concern", concern=concern)
