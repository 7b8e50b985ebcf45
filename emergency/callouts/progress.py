"""How a call-out is going: coming, can't, no answer, message failed; each recipient's row for
CVEC's page; and the call-outs an incident page lists.

Plain functions; read only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accord.extensions import db
from accord.models import OutboxMessage
from emergency.callouts.callouts import FAILED_STATES
from emergency.callouts.models import Answer, Callout, CalloutRecipient
from emergency.models import Hub, Incident


@dataclass
class Counts:
    sent: int = 0
    coming: int = 0
    cannot: int = 0
    no_answer: int = 0
    failed: int = 0
    deployed: int = 0


@dataclass
class Row:
    recipient: CalloutRecipient
    state: str  # the call-out message's delivery state (accord.models.OutboxMessage.state)
    status: str  # coming / cannot / no_answer / failed


def _states(recipients: list[CalloutRecipient]) -> dict[int, str]:
    first_ids = [r.message_ids[0] for r in recipients if r.message_ids]
    if not first_ids:
        return {}
    found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(first_ids)))
    return {m.id: m.state for m in found}


def status_of(recipient: CalloutRecipient, state: str) -> str:
    if recipient.answer == Answer.coming:
        return "coming"
    if recipient.answer == Answer.cannot:
        return "cannot"
    return "failed" if state in FAILED_STATES else "no_answer"


def rows(callout: Callout) -> list[Row]:
    recipients = list(
        db.session.scalars(
            select(CalloutRecipient)
            .where(CalloutRecipient.callout_id == callout.id)
            .options(selectinload(CalloutRecipient.volunteer))
            .order_by(CalloutRecipient.id)
        )
    )
    states = _states(recipients)
    made = []
    for recipient in recipients:
        state = states.get(recipient.message_ids[0], "") if recipient.message_ids else ""
        made.append(Row(recipient, state, status_of(recipient, state)))
    return made


def counts(found: list[Row]) -> Counts:
    total = Counts(sent=len(found))
    for row in found:
        setattr(total, row.status, getattr(total, row.status) + 1)
        total.deployed += row.recipient.deployed
    return total


def of_incident(incident: Incident) -> list[tuple[Callout, Counts]]:
    """The incident's call-outs, newest first, each with its counts."""
    callouts = db.session.scalars(
        select(Callout)
        .where(Callout.incident_id == incident.id)
        .options(selectinload(Callout.hub).selectinload(Hub.location))
        .order_by(Callout.created_at.desc(), Callout.id.desc())
    )
    return [(callout, counts(rows(callout))) for callout in callouts]
