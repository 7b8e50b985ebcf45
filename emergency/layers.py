"""What goes on the emergency maps, as accord.maps layers: hubs by status, mutual-aid
coverage, incident areas, volunteer density (counts only) and flood warnings.

Two audiences: CVEC sees every layer; the public sees open and full hubs and the networks
active in an incident. Labels are plain text from hubs.public_view and networks.public_view
(accord.maps escapes them); no key-holder, volunteer or private contact ever reaches a layer.
"""

from __future__ import annotations

import math

from accord import geo, maps
from emergency import floods, hubs, incidents
from emergency.models import HUB_STATUS_COLOURS, HubStatus, Incident
from emergency.networks import networks
from emergency.networks.models import MutualAidNetwork
from emergency.volunteers import finding

ACTIVE_NETWORK = "#00703c"
NETWORK = "#1d70b8"
INCIDENT = "#d4351c"
VOLUNTEERS = "#4c2c92"
FLOOD_COLOURS = floods.SEVERITY_COLOURS
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
                href=f"/help#hub-{hub.id}" if public else f"/emergency/hubs/{hub.id}",
            )
        )
    return maps.Layer("Hubs", pins=pins)


def coverage(network: MutualAidNetwork, colour: str) -> list[maps.Circle]:
    """A network's area as circles: its own circle, its districts, its towns. Drawn from the
    public view, so a circle round an organiser's home postcode is only roughly placed."""
    view = networks.public_view(network)
    label, detail = view["name"], view["offers"]
    circles = []
    if view["latitude"] is not None and view["longitude"] is not None and view["radius_miles"]:
        point = geo.Point(view["latitude"], view["longitude"])
        circles.append(maps.Circle(point, view["radius_miles"], label, colour, detail))
    for outcode in view["outcodes"]:
        if centre := geo.district_point(outcode):
            circles.append(maps.Circle(centre, DISTRICT_MILES, label, colour, detail))
    for town in view["towns"]:
        if place := geo.place_named(town):
            circles.append(maps.Circle(place.point, TOWN_MILES, label, colour, detail))
    return circles


def network_layer(listed: list[MutualAidNetwork], active_ids: set[int]) -> maps.Layer:
    circles = []
    for network in listed:
        colour = ACTIVE_NETWORK if network.id in active_ids else NETWORK
        circles.extend(coverage(network, colour))
    return maps.Layer("Mutual-aid networks", circles=circles)


def incident_layer(active: list[Incident]) -> maps.Layer:
    circles = []
    for incident in active:
        label = f"Incident: {incident.name}"
        if incident.latitude is not None and incident.longitude is not None:
            centre = geo.Point(incident.latitude, incident.longitude)
            circles.append(maps.Circle(centre, incident.radius_miles or 1.0, label, INCIDENT))
        for town in incident.towns:
            if place := geo.place_named(town):
                circles.append(maps.Circle(place.point, TOWN_MILES, label, INCIDENT, town))
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


LEGEND = [
    (HUB_STATUS_COLOURS[HubStatus.open], "Hub open"),
    (HUB_STATUS_COLOURS[HubStatus.full], "Hub full"),
    (HUB_STATUS_COLOURS[HubStatus.closed], "Hub closed"),
    (HUB_STATUS_COLOURS[HubStatus.standby], "Hub on standby"),
]


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
    legend = [
        *LEGEND,
        (ACTIVE_NETWORK, "Mutual-aid network active in the incident"),
        (NETWORK, "Mutual-aid network"),
        (INCIDENT, "Incident area"),
        (VOLUNTEERS, "Volunteers (count by district)"),
        (FLOOD_COLOURS[1], "Severe flood warning"),
        (FLOOD_COLOURS[2], "Flood warning"),
        (FLOOD_COLOURS[3], "Flood alert"),
    ]
    return layers, legend


def public() -> tuple[list[maps.Layer], list]:
    """The public map: open and full hubs, and networks active in an incident."""
    active_networks: dict[int, MutualAidNetwork] = {}
    active = incidents.active()
    for incident in active:
        for network in networks.active_in(incident):
            active_networks[network.id] = network
    # No hub is shown open to the public while no incident is active (hubs.published).
    layers = [
        network_layer(list(active_networks.values()), set(active_networks)),
        hub_layer(hubs.markers(hubs.RECEIVING) if active else [], public=True),
    ]
    legend = [*LEGEND[:2], (ACTIVE_NETWORK, "Mutual-aid network helping now")]
    return layers, legend
