"""Accord concerns: plain functions for raising one, moving it through the Accord's dispute
resolution, and the rules on who sees what. The caller commits.

Who may open a case: the person who raised it and the members of their organisation; the
members of the organisation it concerns (unless it was raised as anonymous learning only, when
that organisation is not told); the VCS Assembly coordinator; and the mediator appointed to
it, through their account. To anyone else a case does not exist (`find` gives None; the views
answer 404). Emails carry a link, never the details; the audit log holds ids and stages only.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accord import accounts, audit, outbox
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Membership, Organisation, Role, Sector, User
from accord.references import new_reference
from registry.concerns.models import (
    OUTCOME_LABELS,
    STAGE_LABELS,
    Concern,
    ConcernStep,
    Mediator,
    OpenLetter,
    Outcome,
    Party,
    Permission,
    Stage,
    StepKind,
)
from registry.publish import current_version
from registry.signatories.models import Signatory, SignatoryStatus

# Staffordshire's and Herefordshire's target for the formal stage: six weeks.
TARGET = timedelta(days=42)
OPEN_STAGES = tuple(s for s in Stage if s not in (Stage.outcome_recorded, Stage.closed))
# A case's address under the site's base (emails sent outside a request build it from this).
PATH = "/concerns/"


class WrongState(Exception):
    """The case is not at a stage this step can be taken from (e.g. a replayed POST)."""


class Conflict(Exception):
    """The mediator is linked to one of the parties."""


# --- who sees what ------------------------------------------------------------------------


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


def signatory_organisations(user: User) -> list[Organisation]:
    """The user's organisations that have signed the Accord (they may raise concerns)."""
    orgs = user.organisation_ids(Role.member)
    if not orgs:
        return []
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Signatory, Signatory.organisation_id == Organisation.id)
            .where(Organisation.id.in_(orgs), Signatory.status == SignatoryStatus.published)
            .order_by(Organisation.name)
        )
    )


def concernable_organisations(exclude: set[int]) -> list[Organisation]:
    """Organisations a concern may be about: the published signatories, other than one's own."""
    return [
        org
        for org in db.session.scalars(
            select(Organisation)
            .join(Signatory, Signatory.organisation_id == Organisation.id)
            .where(Signatory.status == SignatoryStatus.published)
            .order_by(Organisation.name)
        )
        if org.id not in exclude
    ]


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


def raise_concern(by: User, answers: Raised, token: str, link_for) -> Concern:
    """A new case; the same form token again gives the case it made (no duplicate).
    `link_for(concern)` gives the case's address for the emails."""
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
    _step(concern, StepKind.raised, Party.raiser, by)
    audit.record(
        "concern.raised",
        "concern",
        concern.id,
        actor_id=by.id,
        details={"permission": concern.permission, "themes": concern.themes},
    )
    link = link_for(concern)
    for email in coordinator_emails():
        outbox.queue_email(
            email,
            f"New Accord concern {concern.reference}",
            "A signatory has raised a concern under the Accord's dispute resolution.\n\n"
            f"Open it here (you will need to sign in):\n{link}\n\n"
            "The details are not in this email.",
            kind="concern",
        )
    outbox.queue_email(
        by.email,
        f"Your Accord concern {concern.reference} has been received",
        f"Thank you. The VCS Assembly coordinator will acknowledge concern "
        f"{concern.reference} and tell you what happens next.\n\n"
        f"Follow it here (you will need to sign in):\n{link}",
        kind="concern",
    )
    return concern


def _step(
    concern: Concern,
    kind: str,
    party: str,
    by: User | None,
    text: str = "",
    on: datetime | None = None,
    token: str | None = None,
) -> ConcernStep:
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


# --- emails -------------------------------------------------------------------------------


def coordinator_emails() -> list[str]:
    return list(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == Role.coordinator, User.active.is_(True))
            .distinct()
        )
    )


def party_emails(concern: Concern) -> list[str]:
    """Who is told of each step: the person who raised it and, if the raiser allowed the case
    to be taken forward, the members of the organisation it concerns."""
    emails: set[str] = set()
    if concern.raised_by is not None and concern.raised_by.active:
        emails.add(concern.raised_by.email)
    if concern.permission == Permission.named:
        emails.update(accounts.member_emails(concern.concerned_organisation_id))
    return sorted(emails)


def _tell_parties(concern: Concern, what: str, link: str, exclude: User | None = None) -> None:
    for email in party_emails(concern):
        if exclude is not None and email == exclude.email:
            continue
        outbox.queue_email(
            email,
            f"Accord concern {concern.reference}: {what.lower()}",
            f"There is news on Accord concern {concern.reference}: {what.lower()}.\n\n"
            f"See it here (you will need to sign in):\n{link}\n\n"
            "The details are not in this email.",
            kind="concern",
        )


# --- moving a case through its stages -----------------------------------------------------


def _must_be_open(concern: Concern) -> None:
    if concern.stage in (Stage.outcome_recorded, Stage.closed):
        raise WrongState(f"the case is {concern.stage}")


def _must_be_acknowledged(concern: Concern) -> None:
    _must_be_open(concern)
    if concern.acknowledged_at is None:
        raise WrongState("the case has not been acknowledged")


def acknowledge(concern: Concern, by: User, on: datetime, link: str) -> None:
    if concern.stage != Stage.raised:
        raise WrongState(f"the case is {concern.stage}")
    concern.acknowledged_at = on
    _move(concern, Stage.acknowledged, StepKind.acknowledged, by, on, link, "Acknowledged")


STEP_DATES = {
    Stage.statements_requested: "statements_requested_at",
    Stage.meeting_held: "meeting_held_at",
}


def record_stage(
    concern: Concern,
    stage: str,
    by: User,
    on: datetime,
    link: str,
    party: str = Party.coordinator,
) -> None:
    """Statements requested or meeting held, each once, after acknowledgement; by the
    coordinator or the appointed mediator."""
    if stage not in STEP_DATES:
        raise ValueError(f"unknown stage {stage!r}")
    _must_be_acknowledged(concern)
    if getattr(concern, STEP_DATES[stage]) is not None:
        raise WrongState(f"{stage} already recorded")
    if concern.permission != Permission.named:
        raise WrongState("an anonymous concern is not taken forward with the other party")
    setattr(concern, STEP_DATES[stage], on)
    _move(concern, Stage(stage), StepKind(stage), by, on, link, STAGE_LABELS[stage], party)


def _move(concern, stage, kind, by, on, link, what, party=Party.coordinator) -> None:
    concern.stage = stage
    _step(concern, kind, party, by, on=on)
    audit.record(f"concern.{kind}", "concern", concern.id, actor_id=by.id)
    _tell_parties(concern, what, link)


def conflicts(mediator: Mediator, concern: Concern) -> bool:
    """True if the mediator is linked to either party (by the coordinator's list, or as a
    member of either organisation through their account)."""
    parties = {concern.raiser_organisation_id, concerned := concern.concerned_organisation_id}
    if any(org.id in parties for org in mediator.organisations):
        return True
    if mediator.user is not None:
        mine = {m.organisation_id for m in mediator.user.memberships if m.organisation_id}
        if mine & {concern.raiser_organisation_id, concerned}:
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


def appoint(concern: Concern, mediator: Mediator, by: User, on: datetime, link: str) -> None:
    _must_be_acknowledged(concern)
    if concern.permission != Permission.named:
        raise WrongState("an anonymous concern is not taken forward with the other party")
    if concern.mediator_id == mediator.id:
        raise WrongState("already appointed")
    if not mediator.active or conflicts(mediator, concern):
        raise Conflict("This mediator is linked to one of the organisations: choose another")
    concern.mediator_id = mediator.id
    concern.mediator = mediator
    concern.mediator_appointed_at = on
    concern.stage = Stage.mediator_appointed
    _step(concern, StepKind.mediator_appointed, Party.coordinator, by, on=on)
    audit.record(
        "concern.mediator_appointed",
        "concern",
        concern.id,
        actor_id=by.id,
        details={"mediator_id": mediator.id},
    )
    _tell_parties(concern, "A mediator has been appointed", link)
    if mediator.contact:
        outbox.queue_email(
            mediator.contact,
            f"You have been asked to mediate Accord concern {concern.reference}",
            "The VCS Assembly coordinator has appointed you as the independent mediator "
            f"for Accord concern {concern.reference}.\n\n"
            f"Open it here (you will need to sign in):\n{link}",
            kind="concern",
        )


def add_statement(
    concern: Concern, by: User, party: str, text: str, token: str, link: str
) -> ConcernStep:
    """A written statement from one side; the same form token again adds nothing."""
    found = db.session.scalar(select(ConcernStep).where(ConcernStep.token == token))
    if found is not None:
        if found.concern_id != concern.id or found.actor_id != by.id:
            raise WrongState("that form was used for something else")
        return found
    if party not in (Party.raiser, Party.concerned):
        raise ValueError(f"not a party: {party!r}")
    _must_be_open(concern)
    step = _step(concern, StepKind.statement, party, by, text=text, token=token)
    db.session.flush()
    audit.record(
        "concern.statement_added",
        "concern",
        concern.id,
        actor_id=by.id,
        details={"party": party, "step_id": step.id},
    )
    _tell_parties(concern, f"A statement from the {_side_name(party)}", link, exclude=by)
    if concern.mediator is not None and concern.mediator.contact:
        outbox.queue_email(
            concern.mediator.contact,
            f"Accord concern {concern.reference}: a new statement",
            f"A new statement has been added to Accord concern {concern.reference}.\n\n"
            f"See it here (you will need to sign in):\n{link}",
            kind="concern",
        )
    return step


def _side_name(party: str) -> str:
    return {
        Party.raiser: "organisation that raised the concern",
        Party.concerned: "organisation the concern is about",
    }[party]


@dataclass
class Result:
    outcome: str
    summary: str
    breach: bool
    lessons: str
    names_agreed: bool


def record_outcome(concern: Concern, by: User, result: Result, on: datetime, link: str) -> None:
    _must_be_open(concern)
    if result.outcome not in set(Outcome):
        raise ValueError(f"unknown outcome {result.outcome!r}")
    concern.outcome = result.outcome
    concern.outcome_summary = result.summary
    concern.breach = result.breach
    concern.lessons = result.lessons
    concern.names_agreed = result.names_agreed and concern.permission == Permission.named
    concern.outcome_recorded_at = on
    concern.stage = Stage.outcome_recorded
    _step(concern, StepKind.outcome_recorded, Party.coordinator, by, on=on)
    audit.record(
        "concern.outcome_recorded",
        "concern",
        concern.id,
        actor_id=by.id,
        details={"outcome": result.outcome, "breach": result.breach},
    )
    _tell_parties(concern, "The outcome has been recorded", link)


def close(concern: Concern, by: User, link: str) -> None:
    """Closed, never deleted: after the outcome is recorded (or, for anonymous learning, once
    the lessons are written)."""
    if concern.stage != Stage.outcome_recorded:
        raise WrongState(f"the case is {concern.stage}")
    concern.closed_at = utcnow()
    concern.stage = Stage.closed
    _step(concern, StepKind.closed, Party.coordinator, by)
    audit.record("concern.closed", "concern", concern.id, actor_id=by.id)
    _tell_parties(concern, "The case is closed", link)


# --- lists and figures --------------------------------------------------------------------


def due_by(concern: Concern) -> datetime | None:
    """Six weeks from acknowledgement."""
    return concern.acknowledged_at + TARGET if concern.acknowledged_at else None


def is_overdue(concern: Concern, now: datetime | None = None) -> bool:
    due = due_by(concern)
    return due is not None and concern.stage in OPEN_STAGES and (now or utcnow()) > due


def overdue_unflagged(now: datetime | None = None) -> list[Concern]:
    """Open cases past their six-week target that nobody has been told about yet. Locked on
    PostgreSQL (SKIP LOCKED), so two runners of the command never email about one twice."""
    query = (
        select(Concern)
        .where(
            Concern.stage.in_(OPEN_STAGES),
            Concern.acknowledged_at < (now or utcnow()) - TARGET,
            Concern.overdue_flagged_at.is_(None),
        )
        .order_by(Concern.id)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(db.session.scalars(query))


def flag_overdue(link_for, now: datetime | None = None) -> int:
    """Tell the coordinators and the appointed mediator once about each case past its
    six-week target; the count told. Only the reference, dates and `link_for(concern)`
    (its address): the details stay behind sign-in."""
    told = 0
    for concern in overdue_unflagged(now):
        concern.overdue_flagged_at = utcnow()
        emails = set(coordinator_emails())
        if concern.mediator is not None and concern.mediator.contact:
            emails.add(concern.mediator.contact)
        for email in sorted(emails):
            outbox.queue_email(
                email,
                f"Accord concern {concern.reference} is past its six-week target",
                f"Accord concern {concern.reference} was acknowledged on "
                f"{concern.acknowledged_at:%d %B %Y}. Its six-week target passed on "
                f"{due_by(concern):%d %B %Y} and it is still open.\n\n"
                f"See it here (you will need to sign in):\n{link_for(concern)}\n\n"
                "The details are not in this email.",
                kind="concern",
            )
        audit.record("concern.overdue", "concern", concern.id)
        told += 1
    return told


def all_concerns() -> list[Concern]:
    return list(db.session.scalars(select(Concern).order_by(Concern.raised_at.desc())))


def concerns_of(user: User) -> list[Concern]:
    """The cases this user is a party to or mediating, newest first."""
    return [c for c in all_concerns() if side(user, c) or is_mediator(user, c)]


def figures() -> dict[str, dict[str, int]]:
    """Counts by stage and by outcome: nothing in them picks out a case."""
    rows = db.session.execute(select(Concern.stage, Concern.outcome)).all()
    by_stage = Counter(stage for stage, _ in rows)
    by_outcome = Counter(outcome for _, outcome in rows if outcome)
    return {
        "total": {"all": len(rows)},
        "by_stage": {key: by_stage.get(key, 0) for key in STAGE_LABELS},
        "by_outcome": {key: by_outcome.get(key, 0) for key in OUTCOME_LABELS},
    }


def year_figures(year: int) -> dict:
    """For the annual review: concerns raised in the year by stage and outcome, how many met
    the six-week target, and the median days from acknowledgement to an outcome."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    rows = db.session.execute(
        select(
            Concern.stage, Concern.outcome, Concern.acknowledged_at, Concern.outcome_recorded_at
        ).where(Concern.raised_at >= start, Concern.raised_at < end)
    ).all()
    days = sorted(
        (answered - acknowledged).days
        for _, _, acknowledged, answered in rows
        if acknowledged is not None and answered is not None
    )
    return {
        "total": len(rows),
        "by_stage": Counter(stage for stage, *_ in rows),
        "by_outcome": Counter(outcome for _, outcome, *_ in rows if outcome),
        "within_target": sum(1 for d in days if d <= TARGET.days),
        "median_days": days[len(days) // 2] if days else None,
    }


@dataclass
class Lesson:
    when: str
    themes: list[str]
    outcome: str
    breach: bool | None
    lessons: str
    organisations: str  # empty unless both parties agreed to be named


def learning() -> list[Lesson]:
    """Lessons from cases with an outcome, for the public page: no names or details unless
    both parties agreed."""
    titles = dict(accord_themes())
    found = []
    for concern in db.session.scalars(
        select(Concern)
        .where(Concern.stage.in_([Stage.outcome_recorded, Stage.closed]), Concern.lessons != "")
        .order_by(Concern.outcome_recorded_at.desc())
    ):
        named = concern.names_agreed and concern.permission == Permission.named
        found.append(
            Lesson(
                when=f"{concern.outcome_recorded_at:%B %Y}" if concern.outcome_recorded_at else "",
                themes=[
                    f"{n}. {titles[n]}" if n in titles else f"Theme {n}" for n in concern.themes
                ],
                outcome=OUTCOME_LABELS.get(concern.outcome, ""),
                breach=concern.breach,
                lessons=concern.lessons,
                organisations=(
                    f"{concern.raiser_organisation.name} and {concern.concerned_organisation.name}"
                    if named
                    else ""
                ),
            )
        )
    return found


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


# --- repeated breaches and the open letter (the Accord's step 7) ---------------------------

BREACH_WINDOW = timedelta(days=365)
REPEATED = 2


@dataclass
class Repeated:
    organisation: Organisation
    breaches: int

    @property
    def may_publish(self) -> bool:
        """Step 7 is about public-sector signatories only."""
        return self.organisation.sector == Sector.public


def repeated_breaches(now: datetime | None = None) -> list[Repeated]:
    """Organisations with REPEATED or more cases whose outcome found a breach of the Accord in
    the last twelve months, most first. Anonymous learning is left out: its raiser did not
    allow it to be taken forward with the organisation, let alone publicly."""
    count = func.count(Concern.id)
    rows = db.session.execute(
        select(Concern.concerned_organisation_id, count)
        .where(
            Concern.breach.is_(True),
            Concern.permission == Permission.named,
            Concern.outcome_recorded_at >= (now or utcnow()) - BREACH_WINDOW,
        )
        .group_by(Concern.concerned_organisation_id)
        .having(count >= REPEATED)
    ).all()
    found = [Repeated(db.session.get(Organisation, org_id), n) for org_id, n in rows]
    return sorted(found, key=lambda r: (-r.breaches, r.organisation.name))


def open_letter_candidate(organisation_id: int) -> Repeated | None:
    """The organisation if an open letter about it may be recorded now: public sector, with
    repeated breaches. None otherwise."""
    for repeated in repeated_breaches():
        if repeated.organisation.id == organisation_id and repeated.may_publish:
            return repeated
    return None


def open_letters() -> list[OpenLetter]:
    return list(
        db.session.scalars(
            select(OpenLetter).order_by(OpenLetter.published_on.desc(), OpenLetter.id.desc())
        )
    )


def is_public_address(url: str) -> bool:
    """An https address with a real host name and nothing that could break out of a link."""
    if len(url) > 500 or any(c.isspace() or c in "<>\"'\\`" for c in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # an impossible port raises here
    except ValueError:
        return False
    host = parts.hostname or ""
    return (
        parts.scheme == "https"
        and "." in host
        and not parts.username
        and not parts.password
        and port in (None, 443)
        and all(label and len(label) <= 63 for label in host.split("."))
    )


def record_open_letter(
    organisation: Organisation, published_on: date, url: str, by: User
) -> tuple[OpenLetter, bool]:
    """Record a published open letter; (the letter, whether it is new). The same organisation
    and address again, a double click or two coordinators at once, gives the first row."""
    if not is_public_address(url):
        raise ValueError("an open letter's address is an https web address")
    same = select(OpenLetter).where(
        OpenLetter.organisation_id == organisation.id, OpenLetter.url == url
    )
    found = db.session.scalar(same)
    if found is not None:
        return found, False
    letter = OpenLetter(
        organisation_id=organisation.id,
        published_on=published_on,
        url=url,
        recorded_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(letter)
    except IntegrityError:  # recorded at the same moment by someone else
        return db.session.scalar(same), False
    audit.record(
        "open_letter.recorded",
        "open_letter",
        letter.id,
        actor_id=by.id,
        details={"organisation_id": organisation.id},
    )
    return letter, True
