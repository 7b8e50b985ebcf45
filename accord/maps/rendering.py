"""A whole map document from layers: each layer a toggled group of GeoJSON features, fit to
what is shown, with the response's CSP nonce on every inline script and style."""

from __future__ import annotations

import html
import re

import folium
from folium import plugins

from accord.geo import Point
from accord.maps.basemap import (
    Legend,
    PinsOnTop,
    SearchedPlace,
    Vault,
    base_map,
    configure,
    fit,
    page,
)
from accord.maps.county import County
from accord.maps.layers import (
    AREA,
    AREA_LABELS,
    AREA_STYLE,
    PIN,
    PIN_LABELS,
    SHROPSHIRE,
    Box,
    Drawn,
    Layer,
    Pin,
    draw,
    json_text,
)

_VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def render_layers(
    layers: list[Layer],
    tile_url: str,
    nonce: str,
    attribution: str,
    centre: Point | None = None,
    zoom: int | None = None,
    legend: list | None = None,
    title: str = "Map",
    fit_to: Box | None = None,
) -> str:
    """A whole HTML document: each layer toggled in a layer control (when there are two or
    more), fit to what is shown (or to `fit_to`, or opened at `centre`/`zoom`), a legend
    (legend.Key or (colour, text) entries), and `title` as the document's title (plain text).

    Works without tiles: with `tile_url` empty the layers are drawn on a plain background
    and the document loads nothing from any host but ours.
    """
    configure()
    vault = Vault()
    drawn = [draw(layer) for layer in layers]
    extent = fit_to or _extent(drawn)
    opening = centre or (extent.middle() if extent else SHROPSHIRE)
    opening_zoom = zoom if zoom is not None else 12 if extent else 9
    fmap = base_map(opening, opening_zoom, tile_url, attribution, vault)
    page(fmap).title = vault.hold(html.escape(title))
    County(vault).add_to(fmap)  # the county's outlines and names, on every map

    names = _unique([html.escape(layer.name) for layer in layers])
    pin_groups = [
        _add_layer(fmap, one, name, vault) for one, name in zip(drawn, names, strict=True)
    ]
    if len(layers) > 1:
        folium.LayerControl(collapsed=False).add_to(fmap)
        if on_top := [group for group in pin_groups if group is not None]:
            PinsOnTop(on_top).add_to(fmap)
    if legend:
        Legend(legend, vault).add_to(fmap)
    if centre is None and zoom is None and extent:
        fit(fmap, extent)
    SearchedPlace().add_to(fmap)  # last: it moves the map from where it was fitted
    return _document(fmap, nonce, vault)


def render(
    pins: list[Pin], tile_url: str, nonce: str, attribution: str, title: str = "Map of places"
) -> str:
    """One layer of places (the directory's maps); many pins are clustered."""
    layer = Layer("Places", pins=list(pins), cluster=len(pins) > 50)
    return render_layers([layer], tile_url, nonce, attribution, title=title)


def _extent(drawn: list[Drawn]) -> Box:
    """What the map fits: the layers shown at first, or if none is, all there is."""
    everything, shown = Box(), Box()
    for one in drawn:
        everything.grow(one.box)
        if one.layer.show:
            shown.grow(one.box)
    return shown or everything


def _unique(names: list[str]) -> list[str]:
    # The layer control is keyed by name: a repeated name would hide a layer from it.
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def _add_layer(fmap: folium.Map, drawn: Drawn, name: str, vault: Vault) -> folium.GeoJson | None:
    """The layer's group in the control: areas first, so that pins are drawn over them.
    Returns its unclustered pins, which are kept above other layers' areas."""
    layer = drawn.layer
    group = folium.FeatureGroup(name=vault.hold(json_text(name)), show=layer.show)
    group.add_to(fmap)
    if drawn.areas:
        areas = folium.GeoJson(
            _collection(drawn.areas, vault),
            control=False,
            point_to_layer=AREA,
            style=AREA_STYLE,
            on_each_feature=AREA_LABELS,
        )
        areas.add_to(group)
    if not drawn.pins:
        return None
    parent = plugins.MarkerCluster(control=False).add_to(group) if layer.cluster else group
    pins = folium.GeoJson(
        _collection(drawn.pins, vault),
        control=False,
        point_to_layer=PIN,
        on_each_feature=PIN_LABELS,
    )
    pins.add_to(parent)
    return None if layer.cluster else pins


def _collection(features: list[str], vault: Vault) -> dict:
    # The features are JSON text already: folium gets a stand-in for the list.
    return {"type": "FeatureCollection", "features": vault.hold(f"[{','.join(features)}]")}


def _document(fmap: folium.Map, nonce: str, vault: Vault) -> str:
    document = fmap.get_root().render()
    document = document.replace("<html>", '<html lang="en">', 1)
    # Folium's viewport forbids pinch-zoom of the page (WCAG 1.4.4); Leaflet handles pinches
    # on the map itself either way.
    document = re.sub(r'<meta name="viewport"[^>]*>', _VIEWPORT, document, count=1)
    # Our CSP allows inline scripts and styles only with this response's nonce.
    document = re.sub(r"<script(?![^>]*\bsrc=)", f'<script nonce="{nonce}"', document)
    document = re.sub(r"<style", f'<style nonce="{nonce}"', document)
    return vault.open(document)  # last: nothing above ever runs over user text
