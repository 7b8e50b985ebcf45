"""Requests in an incident: raising, changing status, asking volunteers, a mutual-aid network
or a public-sector team to meet one, recording the answer; what CVEC, a hub's managers and the
public each see of them.

Plain functions; none reads `request`. Callers commit. The incident log and the audit name a
request by number and kind ("Request R12 raised: bedding ×20"), never its words: a private
request's detail or place is read by CVEC and its hub only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accord import audit
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Role, User
from emergency import hubs, incidents
from emergency.models import Hub, Incident
from emergency.networks import networks
from emergency.networks.models import MutualAidNetwork
from emergency.requests.models import (
    WAITING,
    AssignedTo,
    HelpRequest,
    HelpRequestAssignment,
    RequestStatus,
)
from emergency.volunteers import deployments
from emergency.volunteers.models import Volunteer

LOG_KIND = "request"
CLOSED = (RequestStatus.met, RequestStatus.cancelled)


class Refused(ValueError):
    """The change cannot be made; the message says why, for a person to read."""


@dataclass
class Details:
    """A request's answers as the form collects them, already checked."""

    kind: str
    detail: str
    quantity: int
    needed_by: datetime | None
    place: str
    public: bool
    hub_id: int | None


# --- words ------------------------------------------------------------------------------------


def name(help_request: HelpRequest) -> str:
    """How logs name a request: "Request R12 (bedding ×20)", its kind and count, no words."""
    return f"Request {help_request.reference} ({_counted(help_request)})"


def _counted(help_request: HelpRequest) -> str:
    return f"{help_request.kind_label.lower()} ×{help_request.quantity}"


def hub_name(hub: Hub | None) -> str:
    if hub is None:
        return ""
    building = hub.location
    return f"{building.name}, {building.town}" if building.town else building.name


def where(help_request: HelpRequest) -> str:
    return hub_name(help_request.hub) or help_request.place or "Not given"


def task_for(help_request: HelpRequest) -> str:
    """The task a volunteer deployed to a request is given. The task shows in the incident
    log, so a private request's words are left out: CVEC tells the volunteer the rest."""
    if not help_request.public:
        return f"request {help_request.reference} ({_counted(help_request)})"
    at = f" at {help_request.place}" if help_request.place and help_request.hub is None else ""
    return f"request {help_request.reference}: {help_request.detail}{at}"


def waited(since: datetime, now: datetime | None = None) -> str:
    """ "waiting 2 hours 5 minutes", "waiting 1 day 3 hours", "waiting less than a minute"."""
    span = max((now or utcnow()) - since, timedelta(0))
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)

    def part(n: int, unit: str) -> str:
        return f"{n} {unit}{'' if n == 1 else 's'}"

    if days:
        parts = [part(days, "day")] + ([part(hours, "hour")] if hours else [])
    elif hours:
        parts = [part(hours, "hour")] + ([part(minutes, "minute")] if minutes else [])
    elif minutes:
        parts = [part(minutes, "minute")]
    else:
        return "waiting less than a minute"
    return "waiting " + " ".join(parts)


# --- who may do what ------------------------------------------------------------------------


def is_cvec(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.cvec)


def hubs_for(user: User, incident: Incident) -> list[Hub]:
    """The hubs a user may raise requests for: every hub for CVEC, their own for a hub's
    managers (by town, then name)."""
    if is_cvec(user):
        found = hubs.by_area(incident)
        return [n.hub for n in found.near] + list(found.elsewhere)
    return hubs.managed_by(user) if user.is_authenticated else []


def may_raise(user: User) -> bool:
    return is_cvec(user) or (user.is_authenticated and bool(hubs.managed_by(user)))


def may_see(user: User, help_request: HelpRequest) -> bool:
    """CVEC sees every request; a hub's managers their own hub's, never another hub's."""
    if is_cvec(user):
        return True
    hub = help_request.hub
    return hub is not None and hubs.can_manage(user, hub)


# --- raising and changing ---------------------------------------------------------------------


def _check_hub(hub_id: int | None) -> Hub | None:
    if hub_id is None:
        return None
    hub = db.session.get(Hub, hub_id)
    if hub is None:
        raise Refused("Choose a hub from the list")
    return hub


def _copy(help_request: HelpRequest, details: Details) -> None:
    hub = _check_hub(details.hub_id)
    if hub is None and not details.place:
        raise Refused("Choose a hub or enter a place")
    if details.quantity < 1:
        raise Refused("Enter how many, 1 or more")
    help_request.kind = details.kind
    help_request.detail = details.detail
    help_request.quantity = details.quantity
    help_request.needed_by = details.needed_by
    help_request.hub = hub
    help_request.place = "" if hub is not None else details.place
    help_request.public = details.public


def _facts(help_request: HelpRequest) -> dict:
    """What the audit keeps: ids, kind, count, flags; no words."""
    return {
        "incident_id": help_request.incident_id,
        "hub_id": help_request.hub_id,
        "kind": help_request.kind,
        "quantity": help_request.quantity,
        "public": help_request.public,
        "status": help_request.status,
    }


def raise_request(incident: Incident, details: Details, by_id: int | None) -> HelpRequest:
    if not incident.active:
        raise Refused(f"{incident.name} has been stood down.")
    now = utcnow()
    help_request = HelpRequest(
        incident_id=incident.id,
        status=RequestStatus.open,
        raised_by_id=by_id,
        raised_at=now,
        status_at=now,
    )
    _copy(help_request, details)
    db.session.add(help_request)
    db.session.flush()
    seen = "public" if help_request.public else "private"
    text = f"Request {help_request.reference} raised: {_counted(help_request)} ({seen})"
    _record(help_request, "raised", text, by_id, _facts(help_request))
    return help_request


def _record(
    help_request: HelpRequest, action: str, said: str, by_id: int | None, facts: dict
) -> None:
    """A change to a request, in the incident's log (`said`: kinds and counts, never a
    request's words) and the audit (`help_request.<action>`, with `facts`)."""
    incidents.log(help_request.incident_id, LOG_KIND, said, by_id)
    audit.record(
        f"help_request.{action}", "help_request", help_request.id, actor_id=by_id, details=facts
    )


def update(help_request: HelpRequest, details: Details, by_id: int | None) -> None:
    """CVEC changes what a request asks for (its status is changed by `set_status`)."""
    _copy(help_request, details)
    said = f"{name(help_request)} changed"
    _record(help_request, "changed", said, by_id, _facts(help_request))


def set_status(help_request: HelpRequest, status: str, by_id: int | None, cvec: bool) -> None:
    """Open → partly met → met, or cancelled. Met and cancelled requests stay so; CVEC may
    open one again."""
    chosen = RequestStatus(status)
    if chosen == help_request.status:
        raise Refused(f"{name(help_request)} is already {help_request.status_label.lower()}.")
    if help_request.status in CLOSED and not (cvec and chosen == RequestStatus.open):
        raise Refused(f"{name(help_request)} is {help_request.status_label.lower()}.")
    if chosen == RequestStatus.open and not cvec:
        raise Refused("Only CVEC can open a request again.")
    now = utcnow()
    help_request.status = chosen
    help_request.status_at = now
    help_request.met_at = now if chosen == RequestStatus.met else None
    said = f"{name(help_request)} {help_request.status_label.lower()}"
    _record(help_request, "status", said, by_id, _facts(help_request))


# --- asking someone to meet it -----------------------------------------------------------------


def _check_assignable(help_request: HelpRequest) -> None:
    if not help_request.incident.active:
        raise Refused(f"{help_request.incident.name} has been stood down.")
    if help_request.status in CLOSED:
        raise Refused(f"{name(help_request)} is {help_request.status_label.lower()}.")


def _assigned(
    help_request: HelpRequest, row: HelpRequestAssignment, said: str, by_id: int | None
) -> HelpRequestAssignment:
    row.asked_at = utcnow()
    row.by_id = by_id
    help_request.assignments.append(row)
    db.session.flush()
    facts = {
        "assignment_id": row.id,
        "to": row.kind,
        "deployment_id": row.deployment_id,
        "network_id": row.network_id,
    }
    _record(help_request, "assigned", f"{name(help_request)} {said}", by_id, facts)
    return row


def assign_volunteer(
    help_request: HelpRequest, volunteer: Volunteer, by_id: int | None
) -> HelpRequestAssignment:
    """Deploy a volunteer to the request (its hub, the request's summary as the task).

    On Refused the caller rolls back: the volunteer's row may be locked by then."""
    _check_assignable(help_request)
    try:
        deployment = deployments.deploy(
            volunteer,
            help_request.incident,
            hub=help_request.hub,
            task=task_for(help_request),
            by_id=by_id,
        )
    except deployments.Refused as exc:
        raise Refused(str(exc)) from exc
    row = HelpRequestAssignment(kind=AssignedTo.volunteers, deployment=deployment)
    return _assigned(help_request, row, f"assigned to {deployments.number(volunteer)}", by_id)


def assign_network(
    help_request: HelpRequest, network: MutualAidNetwork, by_id: int | None
) -> HelpRequestAssignment:
    """Ask a mutual-aid network active in the incident."""
    _check_assignable(help_request)
    if network.id not in networks.active_ids(help_request.incident):
        raise Refused(f"{network.name} is not active in this incident. Mark it active first.")
    row = HelpRequestAssignment(kind=AssignedTo.network, network=network)
    return _assigned(help_request, row, f"asked of network N{network.id}", by_id)


def ask_team(
    help_request: HelpRequest, team_name: str, contact: str, by_id: int | None
) -> HelpRequestAssignment:
    """Record asking a public-sector team (its name and contact) to meet the request."""
    _check_assignable(help_request)
    if not team_name or not contact:
        raise Refused("Enter the team's name and how to contact it")
    row = HelpRequestAssignment(kind=AssignedTo.team, team_name=team_name, team_contact=contact)
    return _assigned(help_request, row, "asked of a public-sector team", by_id)


def record_answer(
    row: HelpRequestAssignment, answer: str, answered_at: datetime, by_id: int | None
) -> None:
    """What a team or network answered, and when (not before it was asked, nor in the
    future)."""
    if row.kind == AssignedTo.volunteers:
        raise Refused("A volunteer's deployment is its answer: check them in on their page.")
    if answered_at < row.asked_at.replace(second=0, microsecond=0):
        raise Refused("The time answered must be after the time asked")
    if answered_at > utcnow() + timedelta(minutes=1):
        raise Refused("The time answered must be now or in the past")
    row.answer = answer
    row.answered_at = answered_at
    help_request = row.request
    said = "answered by the team" if row.kind == AssignedTo.team else "answered by the network"
    facts = {"assignment_id": row.id, "to": row.kind}
    _record(help_request, "answered", f"{name(help_request)} {said}", by_id, facts)


# --- lists ------------------------------------------------------------------------------------


def _with_hub():
    return selectinload(HelpRequest.hub).selectinload(Hub.location)


def of_incident(incident: Incident) -> list[HelpRequest]:
    """Every request in an incident, newest first."""
    statement = (
        select(HelpRequest)
        .where(HelpRequest.incident_id == incident.id)
        .options(_with_hub())
        .order_by(HelpRequest.raised_at.desc(), HelpRequest.id.desc())
    )
    return list(db.session.scalars(statement))


def waiting(incident: Incident, now: datetime | None = None) -> list[tuple[HelpRequest, str]]:
    """Open and partly met requests, oldest first, each with how long it has waited."""
    statement = (
        select(HelpRequest)
        .where(HelpRequest.incident_id == incident.id, HelpRequest.status.in_(WAITING))
        .options(_with_hub())
        .order_by(HelpRequest.raised_at, HelpRequest.id)
    )
    moment = now or utcnow()
    return [(r, waited(r.raised_at, moment)) for r in db.session.scalars(statement)]


def for_hub(hub: Hub) -> list[HelpRequest]:
    """A hub's requests in the incidents under way, waiting ones first, oldest first: for its
    managers' page, who may see all of their own hub's."""
    under_way = [i.id for i in incidents.active()]
    if not under_way:
        return []
    statement = (
        select(HelpRequest)
        .where(HelpRequest.hub_id == hub.id, HelpRequest.incident_id.in_(under_way))
        .options(selectinload(HelpRequest.incident))
        .order_by(HelpRequest.raised_at, HelpRequest.id)
    )
    found = list(db.session.scalars(statement))
    return sorted(found, key=lambda r: r.status not in WAITING)


def public_asks(real_active: list[Incident] | None = None) -> list[dict]:
    """Public requests still waiting in real incidents under way (`real_active`, when the
    caller has read them already), soonest needed first: what /help's "Can you help?" lists.
    Never a private request, never an exercise's."""
    under_way = incidents.real_active() if real_active is None else real_active
    real = [i.id for i in under_way if i.active and not i.exercise]
    if not real:
        return []
    statement = (
        select(HelpRequest)
        .where(
            HelpRequest.incident_id.in_(real),
            HelpRequest.public.is_(True),
            HelpRequest.status.in_(WAITING),
        )
        .options(_with_hub())
        .order_by(HelpRequest.raised_at, HelpRequest.id)
    )
    found = sorted(
        db.session.scalars(statement),
        key=lambda r: (r.needed_by is None, r.needed_by or r.raised_at),
    )
    return [public_view(r) for r in found]


def public_view(help_request: HelpRequest) -> dict:
    """What anyone may know of a public request: what, how many, by when, where (a hub's
    building name and town only)."""
    return {
        "hub_id": help_request.hub_id,
        "kind": help_request.kind_label,
        "detail": help_request.detail,
        "quantity": help_request.quantity,
        "needed_by": help_request.needed_by,
        "where": hub_name(help_request.hub) or help_request.place,
        "partly_met": help_request.status == RequestStatus.partly_met,
    }
