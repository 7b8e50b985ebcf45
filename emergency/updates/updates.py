"""Whom an incident update reaches and sending it: the organisers of the networks active in
the incident (email, and text where their private contact holds a UK mobile), and the active
members of the organisations running hubs in or near its area (email). Addresses are
deduplicated; the incident log and the audit hold counts only.

Plain functions; none reads `request`. Callers commit."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from accord import audit, emails
from accord.extensions import db
from accord.models import Membership, Organisation, Role, User
from accord.outbox import queue_sms
from accord.phones import uk_mobile
from accord.text import PHONE_RUN
from emergency import hubs, incidents
from emergency.models import Incident
from emergency.networks import networks as network_list
from emergency.networks.models import MutualAidNetwork
from emergency.networks.notices import organiser_email

KIND = "incident-update"
LOG_KIND = "update"
NETWORKS, HUBS = "networks", "hubs"
MAX_LENGTH = 600


@dataclass
class Audience:
    """Whom an update goes to: how many networks and organisations it reaches, and the
    distinct addresses and mobile numbers it is sent to."""

    networks: int = 0
    organisations: int = 0
    unreachable: int = 0  # networks or organisations with no address or number to use
    emails: list[str] = field(default_factory=list)
    mobiles: list[str] = field(default_factory=list)

    def add_email(self, address: str) -> None:
        if address.lower() not in {e.lower() for e in self.emails}:
            self.emails.append(address)

    def add_mobile(self, number: str) -> None:
        if number not in self.mobiles:
            self.mobiles.append(number)

    @property
    def reached(self) -> int:
        return self.networks + self.organisations


def network_mobile(network: MutualAidNetwork) -> str | None:
    """A UK mobile in the network's private contact, if one is written there."""
    for run in PHONE_RUN.findall(network.private_contact or ""):
        if number := uk_mobile(run):
            return number
    return None


def hub_organisations(incident: Incident) -> list[Organisation]:
    """The organisations running the hubs in or near the incident's area, nearest first."""
    found: list[Organisation] = []
    for nearby in hubs.by_area(incident).near:
        organisation = nearby.hub.organisation
        if organisation is not None and organisation not in found:
            found.append(organisation)
    return found


def member_emails(organisation: Organisation) -> list[str]:
    """The addresses of an organisation's active members."""
    return list(
        db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == organisation.id,
                Membership.role == Role.member,
                User.active.is_(True),
            )
            .distinct()
            .order_by(User.email)
        )
    )


def audience(incident: Incident, to: list[str]) -> Audience:
    """Whom an update to `to` (NETWORKS, HUBS or both) reaches."""
    chosen = Audience()
    if NETWORKS in to:
        for network in network_list.active_in(incident):
            address, mobile = organiser_email(network), network_mobile(network)
            if address is None and mobile is None:
                chosen.unreachable += 1
                continue
            chosen.networks += 1
            if address:
                chosen.add_email(address)
            if mobile:
                chosen.add_mobile(mobile)
    if HUBS in to:
        for organisation in hub_organisations(incident):
            addresses = member_emails(organisation)
            if not addresses:
                chosen.unreachable += 1
                continue
            chosen.organisations += 1
            for address in addresses:
                chosen.add_email(address)
    return chosen


def text_for(incident: Incident, message: str) -> str:
    """The text message; an exercise's begins EXERCISE (so does its email, in the template)."""
    return incidents.marked(incident, f"CVEC update on {incident.name}: {message}")


def send(incident: Incident, message: str, to: list[str], by_id: int | None) -> Audience:
    """Send the update to everyone it reaches; log and audit the counts, never who."""
    chosen = audience(incident, to)
    for address in chosen.emails:
        emails.queue(
            address, "emergency/incident_update", kind=KIND, incident=incident, message=message
        )
    for number in chosen.mobiles:
        queue_sms(number, text_for(incident, message), kind=KIND)
    counts = (
        f"{chosen.networks} networks and {chosen.organisations} organisations "
        f"({len(chosen.emails)} emails, {len(chosen.mobiles)} texts)"
    )
    incidents.log(incident, LOG_KIND, f"Update sent to {counts}: {message}", by_id)
    details = {
        "networks": chosen.networks,
        "organisations": chosen.organisations,
        "emails": len(chosen.emails),
        "texts": len(chosen.mobiles),
    }
    audit.record("incident.update_sent", "incident", incident.id, actor_id=by_id, details=details)
    return chosen
