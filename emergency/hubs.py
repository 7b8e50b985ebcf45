"""Emergency hubs: profiles on community buildings, status changes with history, who may
change them, the nearest open ones, and the public view of a hub (the only one serialised)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from accord import audit, geo
from accord.clock import now_uk, utcnow
from accord.extensions import db
from accord.models import Location, Organisation, Role, User
from emergency import hub_states, incidents
from emergency.models import (
    HUB_FACILITIES,
    HUB_KIND_LABELS,
    HUB_STATUS_LABELS,
    Hub,
    HubActivation,
    HubKind,
    HubStatus,
    HubUpdate,
    Incident,
    is_overnight,
    people_text,
)

RECEIVING = hub_states.RECEIVING
KIND_VALUES = {kind.value for kind in HubKind}


@dataclass(frozen=True)
class Nearby:
    hub: Hub
    miles: float


def all_hubs() -> list[Hub]:
    statement = select(Hub).options(selectinload(Hub.location), selectinload(Hub.organisation))
    return sorted(db.session.scalars(statement), key=lambda h: h.location.name.lower())


def receiving() -> list[Hub]:
    """Hubs open or full right now, with their buildings and operators (public_view names
    the operator: loading it per hub was a query a hub on the public map)."""
    statement = (
        select(Hub)
        .where(Hub.status.in_([s.value for s in RECEIVING]))
        .options(selectinload(Hub.location), selectinload(Hub.organisation))
    )
    return list(db.session.scalars(statement))


@dataclass(frozen=True)
class Marker:
    """What a map pin shows of a hub: public_view's name, status, people and needs, read as
    columns (no key-holders) so a county's thousands of hubs cost one query."""

    id: int
    point: geo.Point
    name: str
    status: HubStatus
    people: str | None  # only while open or full, as in public_view
    needs: str

    @property
    def status_label(self) -> str:
        return HUB_STATUS_LABELS[self.status]


def markers(statuses: tuple[HubStatus, ...] | None = None) -> list[Marker]:
    """Every placed hub (or those with these statuses) as map pins, in id order."""
    statement = (
        select(
            Hub.id,
            Hub.status,
            Hub.occupancy,
            Hub.day_capacity,
            Hub.night_capacity,
            Hub.needs,
            Location.name,
            Location.latitude,
            Location.longitude,
        )
        .join(Location, Location.id == Hub.location_id)
        .where(Location.latitude.is_not(None), Location.longitude.is_not(None))
        .order_by(Hub.id)
    )
    if statuses is not None:
        statement = statement.where(Hub.status.in_([s.value for s in statuses]))
    overnight = is_overnight(now_uk())
    found = []
    for hub_id, status, occupancy, day, night, needs, name, lat, lon in db.session.execute(
        statement
    ):
        if lat is None or lon is None:  # never: the query reads placed hubs only
            continue
        now = HubStatus(status)
        people = people_text(occupancy, day, night, overnight) if now in RECEIVING else None
        found.append(Marker(hub_id, geo.Point(lat, lon), name, now, people, needs))
    return found


def can_manage(user: User, hub: Hub) -> bool:
    """CVEC and admins manage every hub; a member manages the hubs its organisation runs."""
    if not user.is_authenticated:
        return False
    if user.has_role(Role.cvec):
        return True
    return hub.organisation_id is not None and hub.organisation_id in user.organisation_ids()


def managed_by(user: User) -> list[Hub]:
    if user.has_role(Role.cvec):
        return all_hubs()
    mine = user.organisation_ids()
    return [hub for hub in all_hubs() if hub.organisation_id in mine]


def set_status(
    hub: Hub,
    status: str,
    occupancy: int | None,
    needs: str | None,
    by_id: int | None,
    incident: Incident | None = None,
) -> HubUpdate:
    """Change what a hub is doing in `incident` (default: the newest incident under way; with
    none, the hub's own standing), kept as history and written to that incident's log. `None`
    for occupancy or needs keeps the current value. Commits."""
    if incident is None:
        under_way = incidents.active()
        incident = under_way[0] if under_way else None
    update = change_status(hub, status, occupancy, needs, by_id, incident)
    db.session.commit()
    return update


def change_status(
    hub: Hub,
    status: str,
    occupancy: int | None,
    needs: str | None,
    by_id: int | None,
    incident: Incident | None,
    at: datetime | None = None,
) -> HubUpdate:
    """set_status's work in `incident` (None: the hub's own standing, with no incident under
    way), dated `at` (default now); the caller commits."""
    at = at or utcnow()
    state: Hub | HubActivation = hub if incident is None else hub_states.activation(hub, incident)
    state.status = HubStatus(status)
    if occupancy is not None:
        state.occupancy = occupancy
    if state.status in (HubStatus.closed, HubStatus.standby):
        state.occupancy = 0
    if needs is not None:
        state.needs = needs
    state.status_at = at
    if isinstance(state, HubActivation):
        if state.status in RECEIVING and state.opened_at is None:
            state.opened_at = at
        state.peak = max(state.peak or 0, state.occupancy)
    hub_states.settle(hub, at)
    update = HubUpdate(
        hub=hub,
        incident_id=incident.id if incident else None,
        status=state.status,
        occupancy=state.occupancy,
        needs=state.needs,
        by_id=by_id,
        at=at,
    )
    db.session.add(update)
    if incident is not None:
        label = HUB_STATUS_LABELS[HubStatus(state.status)]
        line = f"{hub.location.name}: {label}"
        if state.status in RECEIVING:
            line += f", {hub_states.people(hub, state.occupancy)}"
        if state.needs:
            line += f"; needs {state.needs}"
        incidents.log(incident, "hub", line, by_id)
    details = {"status": str(state.status), "incident": incident.id if incident else None}
    audit.record("hub.status", "hub", hub.id, actor_id=by_id, details=details)
    return update


def taken(hub: Hub | None = None) -> Select[int]:
    """The buildings that are a hub already (but for `hub`), as a query of their ids."""
    statement = select(Hub.location_id)
    return statement if hub is None else statement.where(Hub.id != hub.id)


def operators() -> list[Organisation]:
    """The organisations that may run a hub, A to Z."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def save_profile(hub: Hub, by_id: int | None) -> Hub:
    created = hub.id is None
    db.session.add(hub)
    db.session.flush()
    audit.record("hub.created" if created else "hub.edited", "hub", hub.id, actor_id=by_id)
    db.session.commit()
    return hub


# /help looks this far round the place first, then farther only when too few hubs are open.
SEARCH_MILES = (3.0, 10.0, 30.0)


def _receiving_points(origin: geo.Point, miles: float | None) -> list[tuple[bool, float, int]]:
    """(full?, miles, hub id) of the placed open and full hubs within `miles` of the origin
    (all of them for None), the box picked by the latitude/longitude index in SQL."""
    statement = (
        select(Hub.id, Hub.status, Location.latitude, Location.longitude)
        .join(Location, Location.id == Hub.location_id)
        .where(
            Hub.status.in_([s.value for s in RECEIVING]),
            Location.latitude.is_not(None),
            Location.longitude.is_not(None),
        )
    )
    if miles is not None:
        south, north, west, east = geo.box(origin, miles)
        statement = statement.where(
            Location.latitude.between(south, north), Location.longitude.between(west, east)
        )
    found = []
    for hub_id, status, lat, lon in db.session.execute(statement):
        if lat is None or lon is None:  # never: the query reads placed hubs only
            continue
        away = geo.miles_between(origin, geo.Point(lat, lon))
        if miles is None or away <= miles:
            found.append((status != HubStatus.open, away, hub_id))
    return found


def nearest_receiving(origin: geo.Point, limit: int = 10) -> list[Nearby]:
    """Open hubs nearest first, then full ones nearest first.

    A county has thousands of hubs: the database picks those in a box round the place (3
    miles, then 10, then 30, then all), and only the `limit` nearest are loaded whole. A
    circle is enough once it holds `limit` open hubs: any hub outside it is farther than
    each of them, and open ones rank before full ones anyway."""
    ranked: list[tuple[bool, float, int]] = []
    for miles in (*SEARCH_MILES, None):
        ranked = sorted(_receiving_points(origin, miles))
        if sum(1 for full, _, _ in ranked if not full) >= limit:
            break
    ranked = ranked[:limit]
    statement = (
        select(Hub)
        .where(Hub.id.in_([hub_id for _, _, hub_id in ranked]))
        .options(joinedload(Hub.location), joinedload(Hub.organisation))  # one query
    )
    loaded = {hub.id: hub for hub in db.session.scalars(statement)}
    return [Nearby(loaded[hub_id], miles) for _, miles, hub_id in ranked]


def counts_by_status(hubs: list[Hub]) -> dict[str, int]:
    counts = {status.value: 0 for status in HubStatus}
    for hub in hubs:
        counts[hub.status] = counts.get(hub.status, 0) + 1
    return counts


def public_view(hub: Hub) -> dict:
    """What anyone may know about a hub. Key-holders and the managing organisation's users
    are never in it; this is the only shape GeoJSON, the public map and /help use."""
    building = hub.location
    return {
        "id": hub.id,
        "name": building.name,
        "address": building.address,
        "town": building.town,
        "postcode": building.postcode,
        "status": str(hub.status),
        "status_label": hub.status_label,
        "status_at": hub.status_at.isoformat(timespec="minutes") + "Z",
        "kinds": [HUB_KIND_LABELS[HubKind(k)] for k in hub.kinds if k in KIND_VALUES],
        "facilities": [HUB_FACILITIES[f] for f in hub.facilities if f in HUB_FACILITIES],
        "offer": hub.offer,
        "needs": hub.needs,
        "occupancy": hub.occupancy if hub.status in RECEIVING else None,
        # The capacity for the time of day (overnight from 8pm to 8am), and both.
        "capacity": hub.capacity,
        "capacity_period": "overnight" if hub.overnight else "day",
        "day_capacity": hub.day_capacity,
        "night_capacity": hub.night_capacity,
        "people": hub.people if hub.status in RECEIVING else None,
        "run_by": hub.organisation.name if hub.organisation else "",
    }


def geojson(hubs: list[Hub]) -> dict:
    """A FeatureCollection of hubs' public views. Values are data, not HTML: consumers
    escape them where they display them (json.dumps escapes what JSON needs)."""
    features = []
    for hub in hubs:
        building = hub.location
        if building.latitude is None or building.longitude is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": hub.id,
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(building.longitude, 6), round(building.latitude, 6)],
                },
                "properties": public_view(hub),
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- an incident's hubs ----------------------------------------------------------------------


@dataclass(frozen=True)
class ByArea:
    """An incident's hubs: those in or near its area, nearest first, and the rest, A to Z."""

    near: list[Nearby]
    elsewhere: list[Hub]
    states: dict[int, hub_states.State]  # each hub's in the incident (states_in)

    @property
    def counts(self) -> dict[str, int]:
        """Hubs by status in the incident, each building once, and the people in them."""
        return hub_states.counts_of(self.states.values())


def by_area(incident: Incident) -> ByArea:
    near, elsewhere = [], []
    every = all_hubs()
    for hub in every:
        building = hub.location
        point = (
            geo.Point(building.latitude, building.longitude)
            if building.latitude is not None and building.longitude is not None
            else None
        )
        miles = incidents.miles_outside(incident, point, building.town)
        if miles is not None and miles <= incidents.NEAR_MILES:
            near.append(Nearby(hub, miles))
        else:
            elsewhere.append(hub)
    near.sort(key=lambda n: (n.miles, n.hub.location.name.lower()))
    return ByArea(near, elsewhere, hub_states.states_in(incident, every))


def open_for(incident: Incident) -> list[Hub]:
    """The hubs open or full in the incident, which its stand-down decides about, A to Z:
    those open for it, and those opened by hand with no incident that no other incident
    under way has taken in."""
    every = all_hubs()
    states = hub_states.states_in(incident, every)
    return [hub for hub in every if states[hub.id].status in RECEIVING]


def published(every: bool = False) -> list[Hub]:
    """The hubs public data lists: the open and full ones (every hub with `every`). No hub is
    published as open or full while no incident is active: the public is told to go to hubs
    only during one, and standing down closes them."""
    live = bool(incidents.real_active())
    if every:
        return [hub for hub in all_hubs() if live or hub.status not in RECEIVING]
    return receiving() if live else []
