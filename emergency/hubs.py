"""Emergency hubs: profiles on community buildings, status changes with history, who may
change them, the nearest open ones, and the public view of a hub (the only one serialised)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from accord import audit, geo
from accord.extensions import db
from accord.models import Role, User, utcnow
from emergency import incidents
from emergency.models import (
    HUB_FACILITIES,
    HUB_KIND_LABELS,
    Hub,
    HubKind,
    HubStatus,
    HubUpdate,
)

# Where a resident can go: open first, then full ones (so they know to try elsewhere).
RECEIVING = (HubStatus.open, HubStatus.full)
KIND_VALUES = {kind.value for kind in HubKind}


@dataclass(frozen=True)
class Nearby:
    hub: Hub
    miles: float


def all_hubs() -> list[Hub]:
    statement = select(Hub).options(selectinload(Hub.location), selectinload(Hub.organisation))
    return sorted(db.session.scalars(statement), key=lambda h: h.location.name.lower())


def receiving() -> list[Hub]:
    """Hubs open or full right now, with their buildings."""
    statement = (
        select(Hub)
        .where(Hub.status.in_([s.value for s in RECEIVING]))
        .options(selectinload(Hub.location))
    )
    return list(db.session.scalars(statement))


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
) -> HubUpdate:
    """Change what a hub is doing now; kept as history and written to every active
    incident's log. `None` for occupancy or needs keeps the current value."""
    hub.status = HubStatus(status)
    if occupancy is not None:
        hub.occupancy = occupancy
    if hub.status in (HubStatus.closed, HubStatus.standby):
        hub.occupancy = 0
    if needs is not None:
        hub.needs = needs
    hub.status_at = utcnow()
    current = incidents.active()
    update = HubUpdate(
        hub=hub,
        incident_id=current[0].id if current else None,
        status=hub.status,
        occupancy=hub.occupancy,
        needs=hub.needs,
        by_id=by_id,
        at=hub.status_at,
    )
    db.session.add(update)
    line = f"{hub.location.name}: {hub.status_label}"
    if hub.status in RECEIVING:
        line += f", {hub.occupancy} people" + (f" of {hub.capacity}" if hub.capacity else "")
    if hub.needs:
        line += f"; needs {hub.needs}"
    for incident in current:
        incidents.log(incident, "hub", line, by_id)
    audit.record("hub.status", "hub", hub.id, actor_id=by_id, details={"status": str(hub.status)})
    db.session.commit()
    return update


def save_profile(hub: Hub, by_id: int | None) -> Hub:
    created = hub.id is None
    db.session.add(hub)
    db.session.flush()
    audit.record("hub.created" if created else "hub.edited", "hub", hub.id, actor_id=by_id)
    db.session.commit()
    return hub


def nearest_receiving(origin: geo.Point, limit: int = 10) -> list[Nearby]:
    """Open hubs nearest first, then full ones nearest first."""
    found = []
    for hub in receiving():
        building = hub.location
        if building.latitude is None or building.longitude is None:
            continue
        miles = geo.miles_between(origin, geo.Point(building.latitude, building.longitude))
        found.append(Nearby(hub, miles))
    found.sort(key=lambda n: (n.hub.status != HubStatus.open, n.miles))
    return found[:limit]


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
        "capacity": hub.capacity,
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
