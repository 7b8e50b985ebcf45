"""What goes on the emergency maps, as accord.maps layers: hubs by status, mutual-aid
coverage, incident areas, volunteer density (counts only) and flood warnings.

Two audiences: CVEC sees every layer; the public sees open and full hubs and the networks
active in an incident. Labels are plain text from hubs.public_view and networks.public_view
(accord.maps escapes them); no key-holder, volunteer or private contact ever reaches a layer.
"""

from __future__ import annotations

import math
from dataclasses import replace

from accord import geo, maps
from emergency import floods, hubs, incidents
from emergency.models import HUB_STATUS_COLOURS, HubStatus, Incident
from emergency.networks import networks
from emergency.networks.models import MutualAidNetwork
from emergency.volunteers import finding

# Okabe and Ito's colours not taken by hubs; networks active now solid, others dotted.
NETWORK = "#0072b2"  # blue
INCIDENT = "#d55e00"  # vermilion, dashed
VOLUNTEERS = "#cc79a7"  # reddish purple
FLOOD_COLOURS = floods.SEVERITY_COLOURS
HUB_SHAPES = {
    HubStatus.open: maps.CIRCLE,
    HubStatus.full: maps.SQUARE,
    HubStatus.standby: maps.TRIANGLE,
    HubStatus.closed: maps.DIAMOND,
}
DISTRICT_MILES = 2.0  # a postcode district drawn as a circle round its centre
TOWN_MILES = incidents.TOWN_MILES


def hub_layer(listed: list[hubs.Marker], *, public: bool) -> maps.Layer:
    pins = []
    for hub in listed:
        detail = hub.status_label
        if hub.people is not None:
            detail += f" · {hub.people}"
        if hub.needs:
            detail += f" · needs {hub.needs}"
        pins.append(
            maps.Pin(
                hub.point,
                hub.name,
                HUB_STATUS_COLOURS[hub.status],
                detail=detail,
                href=f"/help/map#hub-{hub.id}" if public else f"/emergency/hubs/{hub.id}",
                shape=HUB_SHAPES[hub.status],
            )
        )
    return maps.Layer("Hubs", pins=pins)


def coverage(network: MutualAidNetwork, line: str) -> list[maps.Circle]:
    """A network's area as circles: its own circle, its districts, its towns. Drawn from the
    public view, so a circle round an organiser's home postcode is only roughly placed."""
    view = networks.public_view(network)
    label, detail = view["name"], view["offers"]
    circles = []
    if view["latitude"] is not None and view["longitude"] is not None and view["radius_miles"]:
        point = geo.Point(view["latitude"], view["longitude"])
        circles.append(maps.Circle(point, view["radius_miles"], label, NETWORK, detail, line))
    for outcode in view["outcodes"]:
        if centre := geo.district_point(outcode):
            circles.append(maps.Circle(centre, DISTRICT_MILES, label, NETWORK, detail, line))
    for town in view["towns"]:
        if place := geo.place_named(town):
            circles.append(maps.Circle(place.point, TOWN_MILES, label, NETWORK, detail, line))
    return circles


def network_layer(listed: list[MutualAidNetwork], active_ids: set[int]) -> maps.Layer:
    circles = []
    for network in listed:
        line = maps.SOLID if network.id in active_ids else maps.DOTTED
        circles.extend(coverage(network, line))
    return maps.Layer("Mutual-aid networks", circles=circles)


def incident_layer(active: list[Incident]) -> maps.Layer:
    circles = []
    for incident in active:
        label = f"Incident: {incident.name}"
        if incident.latitude is not None and incident.longitude is not None:
            centre = geo.Point(incident.latitude, incident.longitude)
            miles = incident.radius_miles or 1.0
            circles.append(maps.Circle(centre, miles, label, INCIDENT, line=maps.DASHED))
        for town in incident.towns:
            if place := geo.place_named(town):
                circles.append(
                    maps.Circle(place.point, TOWN_MILES, label, INCIDENT, town, maps.DASHED)
                )
    return maps.Layer("Incident area", circles=circles)


def volunteer_layer() -> maps.Layer:
    """Counts per postcode district: never a volunteer's own point."""
    circles = []
    for outcode, count in sorted(finding.counts_by_outcode().items()):
        point = geo.district_point(outcode)
        if point is None or count <= 0:
            continue
        # Area grows with the count, so the eye reads density, not radius.
        miles = min(0.6 + 0.5 * math.sqrt(count), 4.0)
        noun = "volunteer" if count == 1 else "volunteers"
        circles.append(maps.Circle(point, miles, f"{outcode}: {count} {noun}", VOLUNTEERS))
    return maps.Layer("Volunteers by district", circles=circles, show=False)


def flood_layer(state: floods.FloodState) -> maps.Layer:
    shapes = []
    for warning in state.warnings:
        if warning.geometry:
            shapes.append(
                maps.Shape(
                    warning.geometry,
                    f"{warning.severity_label}: {warning.area_name}",
                    warning.colour,
                    warning.message[:300],
                )
            )
    return maps.Layer("Flood warnings", shapes=shapes)


HUBS_KEY = [
    maps.Key(HUB_STATUS_COLOURS[status], f"Hub {label}", HUB_SHAPES[status])
    for status, label in (
        (HubStatus.open, "open"),
        (HubStatus.full, "full"),
        (HubStatus.standby, "on standby"),
        (HubStatus.closed, "closed"),
    )
]
COORDINATION_KEY = [
    *HUBS_KEY,
    maps.Key(NETWORK, "Mutual-aid network active in the incident", maps.AREA),
    maps.Key(NETWORK, "Mutual-aid network, not active", maps.AREA, maps.DOTTED),
    maps.Key(INCIDENT, "Incident area", maps.AREA, maps.DASHED),
    maps.Key(VOLUNTEERS, "Volunteers (count by district)", maps.AREA),
    maps.Key(FLOOD_COLOURS[1], "Severe flood warning", maps.AREA),
    maps.Key(FLOOD_COLOURS[2], "Flood warning", maps.AREA),
    maps.Key(FLOOD_COLOURS[3], "Flood alert", maps.AREA),
]
PUBLIC_KEY = [*HUBS_KEY[:2], maps.Key(NETWORK, "Mutual-aid network helping now", maps.AREA)]
# The map's own symbol beside each hub in the lists next to the maps.
HUB_SYMBOLS = {
    str(status): maps.swatch(maps.Key(HUB_STATUS_COLOURS[status], "", shape))
    for status, shape in HUB_SHAPES.items()
}
SEARCHED_KEY = maps.Key("#ffffff", "The place you searched for")


def coordination(flood_state: floods.FloodState) -> tuple[list[maps.Layer], list]:
    """CVEC's map: every layer."""
    active = incidents.active()
    active_ids: set[int] = set()
    for incident in active:
        active_ids |= networks.active_ids(incident)
    layers = [
        incident_layer(active),
        flood_layer(flood_state),
        network_layer(networks.published(), active_ids),
        volunteer_layer(),
        hub_layer(hubs.markers(), public=False),
    ]
    return layers, COORDINATION_KEY


def _helping(active: list[Incident]) -> list[MutualAidNetwork]:
    """Networks active in an incident now, A to Z."""
    found: dict[int, MutualAidNetwork] = {}
    for incident in active:
        for network in networks.active_in(incident):
            found[network.id] = network
    return sorted(found.values(), key=lambda network: network.name.lower())


def public_networks() -> list[dict]:
    """The networks the public map shows, as the public may see them (the list beside it)."""
    return [networks.public_view(network) for network in _helping(incidents.real_active())]


def coordination_areas() -> dict[str, list]:
    """The areas CVEC's map draws, for the lists beside it: incidents, networks (and whether
    active now), volunteers counted by district."""
    active = incidents.active()
    active_ids: set[int] = set()
    for incident in active:
        active_ids |= networks.active_ids(incident)
    counts = finding.counts_by_outcode()
    return {
        "incidents": active,
        "networks": [(n, n.id in active_ids) for n in networks.published()],
        # As volunteer_layer draws them: districts we can place, with someone in them.
        "volunteers": sorted(
            (outcode, count)
            for outcode, count in counts.items()
            if count > 0 and geo.district_point(outcode)
        ),
    }


INCIDENT_KEY = [
    *HUBS_KEY,
    maps.Key(INCIDENT, "Incident area", maps.AREA, maps.DASHED),
    maps.Key(NETWORK, "Mutual-aid network active in the incident", maps.AREA),
]


def incident_map(incident: Incident, every: bool = False) -> tuple[list[maps.Layer], list]:
    """One incident's map: its area, the networks it activated and its hubs (those in or near
    the area and those taking part from farther away; every hub in the county with `every`),
    each drawn with its status in this incident; fitted to them."""
    area = hubs.by_area(incident)
    states = area.states
    shown = {nearby.hub.id for nearby in area.near} | {
        hub_id for hub_id, state in states.items() if state.active or state.status in hubs.RECEIVING
    }
    pins = [
        replace(
            marker,
            status=HubStatus(states[marker.id].status),
            people=states[marker.id].people or None,
            needs=states[marker.id].needs,
        )
        for marker in hubs.markers()
        if every or marker.id in shown
    ]
    helping = networks.active_in(incident)
    layers = [
        incident_layer([incident]),
        network_layer(helping, {network.id for network in helping}),
        hub_layer(pins, public=False),
    ]
    return layers, INCIDENT_KEY


def public() -> tuple[list[maps.Layer], list]:
    """The public map: open and full hubs, and networks active in a real incident (residents
    are never told of an exercise)."""
    active = incidents.real_active()
    helping = _helping(active)
    # No hub is shown open to the public while no incident is active (hubs.published).
    layers = [
        network_layer(helping, {network.id for network in helping}),
        hub_layer(hubs.markers(hubs.RECEIVING) if active else [], public=True),
    ]
    return layers, PUBLIC_KEY
