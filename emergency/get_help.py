"""The public "get help now" answer for a place: the open hubs nearest it and the mutual-aid
networks covering it, rendered once per place and kept until something changes."""

from __future__ import annotations

from flask import current_app, render_template
from markupsafe import Markup

from accord import geo
from accord.clock import now_uk
from emergency import hubs, map_cache
from emergency.models import Incident, is_overnight
from emergency.networks import areas, networks


def results(origin: geo.Point, where: str, active: list[Incident]) -> Markup:
    """The hubs and networks near a place, rendered once and kept for that place until a hub,
    network or incident changes (map_cache.py): /help is what the public asks most in an
    incident, often for the same few places."""
    outcode = geo.outcode_of(where)
    # A postcode stands for its post town too: a network covering "Shrewsbury" covers SY3 8HQ.
    town = geo.post_town(outcode).title() if outcode else where
    key = (
        map_cache.revision(map_cache.HELP),
        is_overnight(now_uk()),
        origin,
        outcode,
        areas.town_key(town),
    )

    def build() -> str:
        # No hub is open to the public while no incident is active (hubs.published).
        nearby = hubs.nearest_receiving(origin) if active else []
        return render_template(
            "emergency/_help_results.html",
            nearby=[(n, hubs.public_view(n.hub)) for n in nearby],
            networks=networks_near(origin, outcode, town, active),
        )

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    # Safe: the text is what an autoescaping template rendered.
    return Markup(map_cache.answer(app, "help", key, build))  # noqa: S704


def networks_near(
    origin: geo.Point, outcode: str | None, town: str, active: list[Incident]
) -> list[dict]:
    """Published networks covering the place, those helping in an incident first."""
    helping: set[int] = set()
    for incident in active:
        helping |= networks.active_ids(incident)
    found = networks.covering(origin, outcode, town)
    found.sort(key=lambda n: n.id not in helping)  # stable: keeps covering()'s order
    return [{**networks.public_view(n), "helping": n.id in helping} for n in found]
