"""Call-outs: whom a call-out goes to, the words it sends, sending it, and each volunteer's
answer by their personal link.

Plain functions; none reads `request`. Callers commit. The incident log and audit events get
counts only: never a volunteer's name, number or address.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from accord import audit, emails, geo, links
from accord.clock import short_date, time_text, to_uk, utcnow
from accord.extensions import db
from accord.models import Channel, OutboxMessage
from accord.outbox import queue_sms
from accord.phones import uk_mobile
from emergency import incidents
from emergency.callouts.models import Answer, Callout, CalloutRecipient
from emergency.models import Hub, Incident
from emergency.volunteers import finding
from emergency.volunteers.models import Volunteer

LOG_KIND = "callout"
KIND = "callout"
# Where the stored message shows each volunteer's own link.
LINK_MARK = "[personal link]"
# A token is 43 characters (32 random bytes); anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 64
# An outbox message in one of these states never reached the volunteer.
FAILED_STATES = {"permanent-failure", "technical-failure", "failed", "held"}


@dataclass
class Plan:
    """A call-out as CVEC described it: what, where, when, how many, and whom to ask."""

    need: str
    hub_id: int | None
    place: str
    starts_at: datetime
    ends_at: datetime
    people_wanted: int
    skills: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    dbs: bool = False
    radius: float | None = None  # None: any distance
    origin: tuple[float, float] | None = None

    def as_dict(self) -> dict:
        kept = asdict(self)
        kept["starts_at"] = self.starts_at.isoformat()
        kept["ends_at"] = self.ends_at.isoformat()
        kept["origin"] = list(self.origin) if self.origin else None
        return kept

    @classmethod
    def from_dict(cls, kept: dict) -> Plan:
        values = dict(kept)
        values["starts_at"] = datetime.fromisoformat(kept["starts_at"])
        values["ends_at"] = datetime.fromisoformat(kept["ends_at"])
        values["origin"] = tuple(kept["origin"]) if kept.get("origin") else None
        return cls(**values)

    @property
    def hub(self) -> Hub | None:
        return db.session.get(Hub, self.hub_id) if self.hub_id else None

    def filters(self) -> finding.Filters:
        origin = geo.Point(*self.origin) if self.origin and self.radius else None
        return finding.Filters(
            skills=list(self.skills),
            availability=list(self.availability),
            dbs=True if self.dbs else None,
            origin=origin,
            radius=self.radius or 10.0,
        )


@dataclass
class Audience:
    volunteers: list[Volunteer]
    matched: int  # before the cap
    by_text: int
    by_email: int
    unreachable: int  # no mobile to text and no working email address
    cap: int


# --- words -----------------------------------------------------------------------------------


def hub_name(hub: Hub) -> str:
    place = hub.location
    return f"{place.name}, {place.town}" if place.town else place.name


def where_words(hub: Hub | None, place: str) -> str:
    return hub_name(hub) if hub is not None else place


def when_words(starts_at: datetime, ends_at: datetime) -> str:
    """ "Sat 5 Dec 2026, 2pm to 6pm"; over midnight, both days."""
    start, end = to_uk(starts_at), to_uk(ends_at)
    day = f"{start:%a} {short_date(start)}"
    if start.date() == end.date():
        return f"{day}, {time_text(start)} to {time_text(end)}"
    return f"{day}, {time_text(start)} to {end:%a} {short_date(end)}, {time_text(end)}"


def text_for(plan: Plan | Callout, link: str) -> str:
    """The call-out's text message, with one volunteer's link."""
    hub = plan.hub
    wanted = plan.people_wanted
    people = f"{wanted} {'person' if wanted == 1 else 'people'} needed"
    return (
        f"CVEC emergency call-out: {plan.need}. "
        f"Where: {where_words(hub, plan.place)}. "
        f"When: {when_words(plan.starts_at, plan.ends_at)}. {people}. "
        f"Can you come? Answer here: {link}"
    )


def link_for(token: str) -> str:
    return links.absolute_url("callouts.answer", token=token)


def new_token() -> str:
    return secrets.token_urlsafe(32)


# --- whom a call-out goes to -----------------------------------------------------------------


def channel_for(volunteer: Volunteer) -> str:
    """How a message reaches them now: a text to a UK mobile unless they stopped texts or the
    number fails; else email unless the address fails; else "" (it cannot)."""
    if (
        not volunteer.texts_stopped
        and not volunteer.phone_failing
        and uk_mobile(volunteer.phone) is not None
    ):
        return Channel.sms
    if volunteer.email and not volunteer.email_failing:
        return Channel.email
    return ""


def audience(plan: Plan) -> Audience:
    """The active volunteers who fit, nearest first when there is a distance, up to
    CALLOUT_MAX_RECIPIENTS of those a message can reach."""
    cap = int(current_app.config["CALLOUT_MAX_RECIPIENTS"])
    found = finding.search(plan.filters(), 1, per_page=max(cap * 2, 1))
    reachable = [r.volunteer for r in found.rows if channel_for(r.volunteer)]
    unreachable = len(found.rows) - len(reachable)
    chosen = reachable[:cap]
    by_text = sum(1 for v in chosen if channel_for(v) == Channel.sms)
    return Audience(chosen, found.total, by_text, len(chosen) - by_text, unreachable, cap)


# --- sending ---------------------------------------------------------------------------------


def send_to(
    volunteer: Volunteer, subject: str, body: str, kind: str, *, incident: Incident
) -> OutboxMessage | None:
    """One message to a volunteer by the channel that reaches them; None when none does.
    About an exercise, its subject and text begin EXERCISE (incidents.marked)."""
    subject, body = incidents.marked(incident, subject), incidents.marked(incident, body)
    channel = channel_for(volunteer)
    if channel == Channel.sms:
        return queue_sms(volunteer.phone, body, kind=kind)
    if channel == Channel.email:
        return emails.queue(
            volunteer.email, "emergency/callout", kind=kind, subject=subject, body=body
        )
    return None


def send(incident: Incident, plan: Plan, by_id: int | None) -> Callout:
    """The call-out, one row and one message per volunteer, logged with counts only."""
    chosen = audience(plan)
    callout = Callout(
        incident_id=incident.id,
        hub_id=plan.hub_id,
        place=plan.place if plan.hub_id is None else "",
        need=plan.need,
        starts_at=plan.starts_at,
        ends_at=plan.ends_at,
        people_wanted=plan.people_wanted,
        message=incidents.marked(incident, text_for(plan, LINK_MARK)),
        created_by_id=by_id,
        created_at=utcnow(),
    )
    db.session.add(callout)
    sent: list[tuple[CalloutRecipient, OutboxMessage]] = []
    for volunteer in chosen.volunteers:
        token = new_token()
        body = text_for(plan, link_for(token))
        subject = f"Can you help? {plan.need}"
        message = send_to(volunteer, subject, body, KIND, incident=incident)
        if message is None:
            continue
        recipient = CalloutRecipient(
            callout=callout, volunteer=volunteer, token=token, channel=message.channel
        )
        db.session.add(recipient)
        sent.append((recipient, message))
    db.session.flush()
    for recipient, message in sent:
        recipient.message_ids = [message.id]
    texts = sum(1 for r, _ in sent if r.channel == Channel.sms)
    said = f"({texts} texts, {len(sent) - texts} emails)"
    incidents.log(
        incident, LOG_KIND, f"Call-out sent to {len(sent)} volunteers {said}: {plan.need}", by_id
    )
    audit.record(
        "callout.sent",
        "callout",
        callout.id,
        actor_id=by_id,
        details={"incident_id": incident.id, "recipients": len(sent), "texts": texts},
    )
    return callout


# --- answering by the personal link ----------------------------------------------------------


def by_token(token: str) -> CalloutRecipient | None:
    """The recipient whose link this is; None for any other string or a purged volunteer."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    recipient = db.session.scalar(
        select(CalloutRecipient)
        .where(CalloutRecipient.token == token)
        .options(selectinload(CalloutRecipient.callout))
    )
    if recipient is None or recipient.volunteer_id is None:
        return None
    return recipient


def answer(recipient: CalloutRecipient, said: str) -> str:
    """Record "coming" or "cannot"; returns what happened: "closed" (refused: the call-out has
    closed), "deployed" (refused: already sent somewhere) or the answer."""
    if said not in (Answer.coming, Answer.cannot):
        raise ValueError(said)
    if not recipient.callout.open:
        return "closed"
    if recipient.deployed:
        return "deployed"
    recipient.answer = said
    recipient.answered_at = utcnow()
    audit.record(
        "callout.answered",
        "callout",
        recipient.callout_id,
        details={"recipient_id": recipient.id, "answer": said},
    )
    return said


def forget(volunteer_ids: list[int]) -> None:
    """Volunteers being deleted: their answers stay, no longer linked to them (the foreign
    key says so on PostgreSQL; SQLite here does not enforce foreign keys)."""
    if volunteer_ids:
        db.session.execute(
            update(CalloutRecipient)
            .where(CalloutRecipient.volunteer_id.in_(volunteer_ids))
            .values(volunteer_id=None)
            .execution_options(synchronize_session=False)
        )


def stop_texts(recipient: CalloutRecipient) -> None:
    volunteer = recipient.volunteer
    if volunteer is None or volunteer.texts_stopped:
        return
    volunteer.texts_stopped = True
    audit.record("volunteer.texts_stopped", "volunteer", volunteer.id)
