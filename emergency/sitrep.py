"""The situation report for an incident: hubs by status with occupancy, needs outstanding,
volunteers deployed, networks active, flood warnings and the timeline. One structure, shown as
a printable page and written as CSV. Volunteers appear by number only (V12), never by name."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from accord.clock import to_uk, utcnow
from accord.text import csv_cell
from emergency import floods, hours, hub_states, hubs
from emergency.hours import Hours
from emergency.models import (
    HUB_STATUS_LABELS,
    Hub,
    HubStatus,
    Incident,
    IncidentLog,
    is_overnight,
)
from emergency.networks import networks
from emergency.networks.models import MutualAidNetwork
from emergency.requests import requests
from emergency.requests.models import HelpRequest
from emergency.volunteers import deployments
from emergency.volunteers.models import Deployment


@dataclass(frozen=True)
class HubRow:
    """A hub as the report shows it: its building and profile, and its state in the
    incident."""

    hub: Hub
    state: hub_states.State

    @property
    def location(self):
        return self.hub.location

    @property
    def people(self) -> str:
        return self.state.people

    @property
    def occupancy(self) -> int:
        return self.state.occupancy

    @property
    def needs(self) -> str:
        return self.state.needs


@dataclass
class Sitrep:
    incident: Incident
    at: datetime
    every: bool = False  # every hub in the county, not just the incident's
    by_status: dict[str, list[HubRow]] = field(default_factory=dict)
    people: int = 0  # in open and full hubs
    overnight: bool = False  # which capacity applies at `at`: from 8pm to 8am on UK clocks
    spaces: int = 0  # capacity left in open hubs, for the time of day
    needs: list[tuple[str, str]] = field(default_factory=list)  # (hub, what it needs)
    deployments: list[Deployment] = field(default_factory=list)
    on_duty: int = 0
    networks: list[MutualAidNetwork] = field(default_factory=list)
    floods: floods.FloodState | None = None
    timeline: list[IncidentLog] = field(default_factory=list)
    hours: Hours = field(default_factory=Hours)  # volunteers' hours by hub
    # Requests still open or partly met, oldest first, with how long each has waited.
    waiting: list[tuple[HelpRequest, str]] = field(default_factory=list)


def build(incident: Incident, now: datetime | None = None, every: bool = False) -> Sitrep:
    """The report of the incident's hubs (those with a part in it, and any opened by hand
    that no other incident has taken in), each with its state in this incident; with `every`,
    every hub in the county, in its state in this incident."""
    report = Sitrep(incident=incident, at=now or utcnow(), every=every)
    listed = hubs.all_hubs()
    states = hub_states.states_in(incident, listed)
    rows = [
        HubRow(hub, states[hub.id])
        for hub in listed
        if every or states[hub.id].active or states[hub.id].status in hubs.RECEIVING
    ]
    for status in HubStatus:
        report.by_status[status.value] = [r for r in rows if r.state.status == status]
    receiving = report.by_status[HubStatus.open] + report.by_status[HubStatus.full]
    report.people = sum(r.occupancy for r in receiving)
    report.overnight = is_overnight(to_uk(report.at))
    report.spaces = sum(
        max((_capacity(r.hub, report.overnight) or 0) - r.occupancy, 0)
        for r in report.by_status[HubStatus.open]
    )
    report.needs = [(r.location.name, r.needs) for r in rows if r.needs]
    report.deployments = deployments.deployed(incident)
    report.on_duty = deployments.on_duty(incident)
    report.hours = hours.of_incident(incident, report.at)
    report.waiting = requests.waiting(incident, report.at)
    report.networks = networks.active_in(incident)
    report.floods = floods.current() if incident.active else None
    report.timeline = list(incident.log)
    return report


def to_csv(report: Sitrep) -> str:
    """Sections one after another, each with its own header row, spreadsheet-safe cells."""
    out = io.StringIO()
    rows = csv.writer(out)
    incident = report.incident
    if incident.exercise:  # first, so no one reading a copy takes it for a real incident
        rows.writerow(["EXERCISE", "Not a real incident"])
    rows.writerow(["Situation report", csv_cell(incident.name)])
    rows.writerow(["Generated (UTC)", report.at.isoformat(timespec="minutes")])
    rows.writerow(["Declared (UTC)", incident.started_at.isoformat(timespec="minutes")])
    rows.writerow(
        [
            "Stood down (UTC)",
            incident.ended_at.isoformat(timespec="minutes") if incident.ended_at else "",
        ]
    )
    rows.writerow(["People in hubs", report.people])
    rows.writerow([f"Spaces left in open hubs {_period(report.overnight)}", report.spaces])
    rows.writerow(["Volunteers on duty", report.on_duty])
    rows.writerow(["Volunteer hours", f"{report.hours.total:.1f}"])
    rows.writerow(["Value of the hours", hours.pounds(report.hours.value_pence)])
    rows.writerow([])
    _hub_rows(rows, report)
    rows.writerow([])
    rows.writerow(["Volunteer", "Deployed to", "Deployed (UTC)", "Checked in", "Checked out"])
    for deployment in report.deployments:
        rows.writerow(
            [
                f"V{deployment.volunteer_id}",
                csv_cell(_destination(deployment)),
                deployment.deployed_at.isoformat(timespec="minutes"),
                _time(deployment.checked_in_at),
                _time(deployment.checked_out_at),
            ]
        )
    rows.writerow([])
    rows.writerow(["Volunteer hours at", "Hours"])
    for name, spent in report.hours.by_hub.items():
        rows.writerow([csv_cell(name), f"{spent:.1f}"])
    rows.writerow([])
    _request_rows(rows, report)
    rows.writerow([])
    rows.writerow(["Mutual-aid network active", "Covers", "Offers"])
    for network in report.networks:
        covers = ", ".join([*network.towns, *network.outcodes])
        rows.writerow([csv_cell(network.name), csv_cell(covers), csv_cell(network.offers)])
    rows.writerow([])
    rows.writerow(["Time (UTC)", "Kind", "Log"])
    for entry in report.timeline:
        rows.writerow([entry.at.isoformat(timespec="minutes"), entry.kind, csv_cell(entry.text)])
    return out.getvalue()


def _request_rows(rows, report: Sitrep) -> None:
    """The requests still open, oldest first: kind and count, not a private request's words."""
    rows.writerow(["Request", "What", "How many", "Where", "Status", "Raised (UTC)", "Waiting"])
    for item, waited in report.waiting:
        rows.writerow(
            [
                item.reference,
                csv_cell(item.kind_label),
                item.quantity,
                csv_cell(requests.where(item)),
                item.status_label,
                item.raised_at.isoformat(timespec="minutes"),
                waited,
            ]
        )


def _destination(deployment: Deployment) -> str:
    """The hub, the task, or a task at a hub."""
    if deployment.hub is None:
        return deployment.task
    task = f" (task: {deployment.task})" if deployment.task else ""
    return deployment.hub.location.name + task


def _hub_rows(rows, report: Sitrep) -> None:
    """Each hub with its capacity for the report's time of day, and both."""
    rows.writerow(
        [
            "Hub",
            "Town",
            "Status",
            "People",
            f"Capacity {_period(report.overnight)}",
            "Capacity by day",
            "Capacity overnight",
            "Needs",
            "Status changed (UTC)",
        ]
    )
    for status, listed in report.by_status.items():
        for row in listed:
            hub, changed = row.hub, row.state.status_at
            rows.writerow(
                [
                    csv_cell(hub.location.name),
                    csv_cell(hub.location.town),
                    HUB_STATUS_LABELS[HubStatus(status)],
                    row.occupancy,
                    _capacity(hub, report.overnight) or "",
                    hub.day_capacity or "",
                    hub.night_capacity or "",
                    csv_cell(row.needs),
                    changed.isoformat(timespec="minutes") if changed else "",
                ]
            )


def _capacity(hub: Hub, overnight: bool) -> int | None:
    return hub.night_capacity if overnight else hub.day_capacity


def _period(overnight: bool) -> str:
    return "overnight" if overnight else "by day"


def _time(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""
