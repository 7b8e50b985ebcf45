"""The debrief of an incident (theme 15: learning after the response): its timeline, the hubs it
opened and for how long with their peak occupancy, volunteers and their hours, call-outs and
how many answered, the flood warnings in force, and what went well and what to change. One
structure, shown as a printable page and written as CSV. Counts only: no volunteer or
resident is named (the log never names them either)."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accord.clock import utcnow
from accord.extensions import db
from accord.text import csv_cell
from emergency import floods, hours
from emergency.callouts import progress
from emergency.hours import Hours
from emergency.hub_states import RECEIVING
from emergency.models import Hub, HubActivation, HubUpdate, Incident, IncidentLog
from emergency.requests import requests
from emergency.requests.models import AssignedTo


@dataclass
class HubOpened:
    """A hub the incident opened: when first, for how many hours in all, the most people."""

    name: str
    town: str
    opened_at: datetime
    hours_open: float
    peak: int


@dataclass
class CalloutAnswers:
    """A call-out's counts: how many it went to and how they answered."""

    sent_at: datetime
    place: str
    sent: int
    coming: int
    cannot: int
    no_answer: int
    failed: int

    @property
    def answered(self) -> int:
        return self.coming + self.cannot

    @property
    def rate(self) -> int:
        """Answered, as a whole percentage of those it reached."""
        reached = self.sent - self.failed
        return round(100 * self.answered / reached) if reached else 0


@dataclass
class Requests:
    """What hubs and CVEC asked for, by count: how many raised, how they ended, how fast the
    met ones were met, and how fast public-sector teams answered."""

    raised: int = 0
    public: int = 0
    by_status: dict[str, int] = field(default_factory=dict)  # status label → count
    by_kind: dict[str, int] = field(default_factory=dict)  # kind label → count
    met_in_hours: float | None = None  # the median time from raised to met
    teams_asked: int = 0
    team_answer_hours: float | None = None  # the median time a team took to answer


@dataclass
class Debrief:
    incident: Incident
    at: datetime
    timeline: list[IncidentLog] = field(default_factory=list)
    hubs: list[HubOpened] = field(default_factory=list)
    hours: Hours = field(default_factory=Hours)
    callouts: list[CalloutAnswers] = field(default_factory=list)
    floods: list[str] = field(default_factory=list)
    requests: Requests = field(default_factory=Requests)

    @property
    def peak(self) -> int:
        """The most people in any one hub."""
        return max((hub.peak for hub in self.hubs), default=0)


def build(incident: Incident, now: datetime | None = None) -> Debrief:
    report = Debrief(incident=incident, at=now or utcnow())
    until = incident.ended_at or report.at
    report.timeline = list(incident.log)
    report.hubs = opened(incident, until)
    report.hours = hours.of_incident(incident, report.at)
    for callout, counts in progress.of_incident(incident):
        report.callouts.append(
            CalloutAnswers(
                callout.created_at,
                callout.hub.location.name if callout.hub else callout.place,
                counts.sent,
                counts.coming,
                counts.cannot,
                counts.no_answer,
                counts.failed,
            )
        )
    report.callouts.reverse()  # oldest first, as the timeline
    report.requests = asked(incident)
    report.floods = [e.text for e in report.timeline if e.kind == "floods"]
    if incident.active and (in_force := floods.in_force_text(floods.cached())):
        report.floods.append(f"Flood warnings in force now: {in_force}")
    return report


def asked(incident: Incident) -> Requests:
    found = Requests()
    met, answered = [], []
    for item in requests.of_incident(incident):
        found.raised += 1
        found.public += item.public
        found.by_status[item.status_label] = found.by_status.get(item.status_label, 0) + 1
        found.by_kind[item.kind_label] = found.by_kind.get(item.kind_label, 0) + 1
        if item.met_at is not None:
            met.append(_hours(item.raised_at, item.met_at))
        for asking in item.assignments:
            if asking.kind == AssignedTo.team:
                found.teams_asked += 1
                if asking.answered_at is not None:
                    answered.append(_hours(asking.asked_at, asking.answered_at))
    found.met_in_hours = statistics.median(met) if met else None
    found.team_answer_hours = statistics.median(answered) if answered else None
    return found


def opened(incident: Incident, until: datetime) -> list[HubOpened]:
    """The hubs open or full at some time in the incident, from their history in it: the
    hours they were open or full in all (until it ended, or now), first opening first."""
    changes = db.session.scalars(
        select(HubUpdate)
        .where(HubUpdate.incident_id == incident.id)
        .order_by(HubUpdate.at, HubUpdate.id)
        .options(selectinload(HubUpdate.hub).selectinload(Hub.location))
    )
    first: dict[int, datetime] = {}
    since: dict[int, datetime | None] = {}
    spent: dict[int, float] = {}
    peak: dict[int, int] = {}
    hubs: dict[int, Hub] = {}
    for change in changes:
        hub_id = change.hub_id
        hubs[hub_id] = change.hub
        receiving = change.status in RECEIVING
        if receiving:
            first.setdefault(hub_id, change.at)
            peak[hub_id] = max(peak.get(hub_id, 0), change.occupancy)
            since[hub_id] = since.get(hub_id) or change.at
        elif since.get(hub_id) is not None:
            spent[hub_id] = spent.get(hub_id, 0.0) + _hours(since[hub_id], change.at)
            since[hub_id] = None
    for hub_id, start in since.items():
        if start is not None:
            spent[hub_id] = spent.get(hub_id, 0.0) + _hours(start, until)
    for activation in db.session.scalars(
        select(HubActivation).where(HubActivation.incident_id == incident.id)
    ):
        if activation.hub_id in peak:
            peak[activation.hub_id] = max(peak[activation.hub_id], activation.peak)
    found = [
        HubOpened(
            hubs[h].location.name, hubs[h].location.town, first[h], spent.get(h, 0.0), peak[h]
        )
        for h in first
    ]
    return sorted(found, key=lambda hub: (hub.opened_at, hub.name.lower()))


def _hours(start: datetime | None, end: datetime) -> float:
    return max((end - start).total_seconds(), 0.0) / 3600 if start else 0.0


def to_csv(report: Debrief) -> str:
    """Sections one after another, each with its own header row, spreadsheet-safe cells."""
    out = io.StringIO()
    rows = csv.writer(out)
    incident = report.incident
    if incident.exercise:
        rows.writerow(["EXERCISE", "Not a real incident"])
    rows.writerow(["Debrief", csv_cell(incident.name)])
    rows.writerow(["Declared (UTC)", _time(incident.started_at)])
    rows.writerow(["Stood down (UTC)", _time(incident.ended_at)])
    rows.writerow(["What went well", csv_cell(incident.debrief)])
    rows.writerow(["What to change", csv_cell(incident.to_change)])
    rows.writerow(["Hubs opened", len(report.hubs)])
    rows.writerow(["Most people in one hub", report.peak])
    rows.writerow(["Volunteers who worked", report.hours.volunteers])
    rows.writerow(["Volunteer hours", f"{report.hours.total:.1f}"])
    rows.writerow(["Value of the hours", hours.pounds(report.hours.value_pence)])
    asks = report.requests
    rows.writerow(["Requests raised", asks.raised])
    rows.writerow(["Requests public", asks.public])
    for label, n in asks.by_status.items():
        rows.writerow([f"Requests {label.lower()}", n])
    rows.writerow(["Median hours to meet a request", _median(asks.met_in_hours)])
    rows.writerow(["Public-sector teams asked", asks.teams_asked])
    rows.writerow(["Median hours for a team to answer", _median(asks.team_answer_hours)])
    rows.writerow([])
    rows.writerow(["Hub", "Town", "First opened (UTC)", "Hours open or full", "Most people"])
    for hub in report.hubs:
        rows.writerow(
            [
                csv_cell(hub.name),
                csv_cell(hub.town),
                _time(hub.opened_at),
                f"{hub.hours_open:.1f}",
                hub.peak,
            ]
        )
    rows.writerow([])
    rows.writerow(["Volunteer hours at", "Hours"])
    for name, spent in report.hours.by_hub.items():
        rows.writerow([csv_cell(name), f"{spent:.1f}"])
    rows.writerow([])
    rows.writerow(["Call-out sent (UTC)", "To", "Sent", "Coming", "Can't", "No answer", "Failed"])
    for c in report.callouts:
        rows.writerow(
            [_time(c.sent_at), csv_cell(c.place), c.sent, c.coming, c.cannot, c.no_answer, c.failed]
        )
    rows.writerow([])
    rows.writerow(["Flood warnings"])
    for line in report.floods:
        rows.writerow([csv_cell(line)])
    rows.writerow([])
    rows.writerow(["Time (UTC)", "Kind", "Log"])
    for entry in report.timeline:
        rows.writerow([_time(entry.at), entry.kind, csv_cell(entry.text)])
    return out.getvalue()


def _median(spent: float | None) -> str:
    return "" if spent is None else f"{spent:.1f}"


def _time(moment: datetime | None) -> str:
    return moment.isoformat(timespec="minutes") if moment else ""
