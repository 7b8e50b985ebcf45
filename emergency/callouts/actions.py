"""What CVEC does with a call-out's answers: deploy everyone coming to its hub (each told where
to go and whom to ask for), follow up those who have not answered, close it (thanking those
who offered but were not needed).

Plain functions; none reads `request`. Callers commit. The incident log gets counts only.
"""

from __future__ import annotations

from dataclasses import dataclass

from accord import audit
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Channel, OutboxMessage
from emergency import incidents
from emergency.callouts.callouts import (
    LOG_KIND,
    hub_name,
    link_for,
    send_to,
    text_for,
    when_words,
)
from emergency.callouts.models import Answer, Callout, CalloutRecipient
from emergency.models import Hub, Incident
from emergency.volunteers import deployments
from emergency.volunteers.models import Volunteer

DEPLOYED_KIND = "callout-deployed"
FOLLOW_UP_KIND = "callout-follow-up"
CLOSED_KIND = "callout-closed"


class Refused(ValueError):
    """The action cannot be taken; the message says why, for a person to read."""


@dataclass
class Done:
    count: int = 0  # people it was done for
    texts: int = 0
    emails: int = 0
    skipped: int = 0  # could not be deployed (already deployed elsewhere, marked inactive)


def _sent(done: Done, recipient: CalloutRecipient, message: OutboxMessage | None) -> None:
    if message is None:
        return
    db.session.flush()
    recipient.message_ids = [*recipient.message_ids, message.id]
    if message.channel == Channel.sms:
        done.texts += 1
    else:
        done.emails += 1


def _check_open(callout: Callout) -> None:
    if not callout.open:
        raise Refused("This call-out has been closed.")


def ask_for(hub: Hub) -> str:
    """Whom a volunteer asks for at a hub: its public details only (the running organisation),
    never a key-holder's name or number."""
    if hub.organisation is not None:
        return f"the person in charge from {hub.organisation.name}"
    return "the person in charge of the hub"


def deployed_text(callout: Callout) -> str:
    when = when_words(callout.starts_at, callout.ends_at)
    hub = callout.hub
    if hub is None:
        return (
            f"CVEC: thank you, you are deployed for {callout.need}. Go to {callout.place}, "
            f"{when}. Ask for the CVEC coordinator there."
        )
    place = hub.location
    address = ", ".join(p for p in (place.address, place.town, place.postcode) if p)
    return (
        f"CVEC: thank you, you are deployed for {callout.need}. Go to {hub_name(hub)} "
        f"({address}), {when}. Ask for {ask_for(hub)}."
    )


def tell_deployed(
    volunteer: Volunteer, incident: Incident, hub: Hub | None, task: str
) -> OutboxMessage | None:
    """A volunteer CVEC deployed one by one (from their page): where to go and whom to ask
    for, by the channel that reaches them."""
    what = f" for {task}" if task else ""
    if hub is None:
        body = f"CVEC: thank you, you are deployed{what}. The coordinator will tell you where."
    else:
        place = hub.location
        address = ", ".join(p for p in (place.address, place.town, place.postcode) if p)
        body = (
            f"CVEC: thank you, you are deployed{what}. Go to {hub_name(hub)} ({address}). "
            f"Ask for {ask_for(hub)}."
        )
    return send_to(volunteer, "Where to go", body, DEPLOYED_KIND, incident=incident)


def deploy_coming(callout: Callout, by_id: int | None) -> Done:
    """Deploy everyone who said they are coming and is not deployed yet, to the call-out's hub
    (or its place, as a task), and send each where to go."""
    _check_open(callout)
    incident = callout.incident
    if not incident.active:
        raise Refused(f"{incident.name} has been stood down.")
    task = callout.need if callout.hub is not None else f"{callout.need} ({callout.place})"
    done = Done()
    for recipient in callout.recipients:
        volunteer = recipient.volunteer
        if recipient.answer != Answer.coming or recipient.deployed or volunteer is None:
            continue
        try:
            deployments.deploy(volunteer, incident, hub=callout.hub, task=task, by_id=by_id)
        except deployments.Refused:
            done.skipped += 1
            continue
        recipient.deployed = True
        done.count += 1
        message = send_to(
            volunteer, "Where to go", deployed_text(callout), DEPLOYED_KIND, incident=incident
        )
        _sent(done, recipient, message)
    if done.count or done.skipped:
        not_deployed = f"; {done.skipped} could not be deployed" if done.skipped else ""
        _log(callout, f"{done.count} volunteers deployed{not_deployed}", by_id)
        _audit("callout.deployed", callout, done, by_id)
    return done


def follow_up(callout: Callout, by_id: int | None) -> Done:
    """Ask again those who have not answered, with the same personal link."""
    _check_open(callout)
    done = Done()
    for recipient in callout.recipients:
        if recipient.answer or recipient.volunteer is None:
            continue
        body = "Reminder: " + text_for(callout, link_for(recipient.token))
        message = send_to(
            recipient.volunteer,
            "Reminder: can you help?",
            body,
            FOLLOW_UP_KIND,
            incident=callout.incident,
        )
        if message is not None:
            done.count += 1
            _sent(done, recipient, message)
    if done.count:
        by = f"({done.texts} texts, {done.emails} emails)"
        said = f"follow-up sent to {done.count} volunteers {by}"
        _log(callout, said, by_id)
        _audit("callout.followed_up", callout, done, by_id)
    return done


def close(callout: Callout, by_id: int | None) -> Done:
    """Close the call-out: answers are refused from now on, and those who offered but were not
    deployed are thanked."""
    _check_open(callout)
    callout.closed_at = utcnow()
    done = Done()
    body = (
        f"CVEC: thank you for offering to help with {callout.need}. We have enough people, "
        "thank you: you are not needed this time."
    )
    for recipient in callout.recipients:
        if recipient.answer != Answer.coming or recipient.deployed or recipient.volunteer is None:
            continue
        subject = "We have enough people, thank you"
        message = send_to(
            recipient.volunteer, subject, body, CLOSED_KIND, incident=callout.incident
        )
        if message is not None:
            done.count += 1
            _sent(done, recipient, message)
    _log(callout, f"closed; {done.count} volunteers told they are not needed", by_id)
    _audit("callout.closed", callout, done, by_id)
    return done


def _log(callout: Callout, said: str, by_id: int | None) -> None:
    text = f"Call-out {callout.id} ({callout.need}): {said}"
    incidents.log(callout.incident_id, LOG_KIND, text, by_id)


def _audit(action: str, callout: Callout, done: Done, by_id: int | None) -> None:
    details = {"count": done.count, "texts": done.texts, "emails": done.emails}
    audit.record(action, "callout", callout.id, actor_id=by_id, details=details)
