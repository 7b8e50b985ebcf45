"""Postcodes and addresses to points: postcodes.io and Nominatim online, accord.geo offline.

Every caller goes through here, so an outage of either service degrades to the bundled tables
(a unit postcode, else its district's centre) instead of failing a sign-up or a search.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from urllib.parse import quote, urlsplit

from cachetools import TTLCache
from flask import current_app
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

from accord import geo, http
from accord.extensions import db
from accord.geo import Point
from accord.models import Outcode

log = logging.getLogger(__name__)

POSTCODES_IO = "postcodes.io"
OFFLINE_POSTCODE = "offline-postcode"
OFFLINE_DISTRICT = "offline-district"
OFFLINE_PLACE = "offline-place"
NOMINATIM = "nominatim"

# A postcode somewhere inside free text ("1 Castle St, Shrewsbury SY1 2AZ").
POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b")


@dataclass(frozen=True)
class Geocoded:
    postcode: str | None
    outcode: str | None
    point: Point | None
    district: str
    source: str


class GeocoderUnavailable(Exception):
    """The online service failed (down, slow, garbage) and no offline answer exists."""


# Postcodes rarely move, so a day is safe; keyed by API URL so apps with different
# settings (tests) never see each other's answers.
_cache: TTLCache = TTLCache(maxsize=10_000, ttl=24 * 3600)
_cache_lock = threading.Lock()
_MISSING = object()


# After a failure the service is left alone for a while (per API URL), so during an outage
# each page answers from the offline tables at once instead of waiting out the timeout.
BREAK_S = 30.0
_down_until: dict[str, float] = {}


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
        _down_until.clear()


def lookup_postcode(raw: str) -> Geocoded | None:
    postcode = geo.normalise_postcode(raw)
    if postcode is None:
        return None
    base = current_app.config["POSTCODES_API_URL"]
    key = (base, postcode)
    with _cache_lock:
        cached = _cache.get(key, _MISSING)
    if cached is not _MISSING:
        return cached
    if _down_until.get(base, 0.0) > time.monotonic():
        # The failure that began the break was logged; an offline answer for each search
        # during it would be a line a search for as long as the outage lasts.
        return _without_service(postcode, "failed recently, not asked", quiet=True)
    try:
        found = _ask_postcodes_io(postcode)
    except http.ServiceError as exc:
        _down_until[base] = time.monotonic() + BREAK_S
        # Not cached: the next lookup after the break should try the service again.
        return _without_service(postcode, str(exc))
    with _cache_lock:
        _cache[key] = found
    return found


def _without_service(postcode: str, reason: str, quiet: bool = False) -> Geocoded:
    """The offline answer when postcodes.io failed; `reason` holds no postcode (it is logged).
    `quiet`: an offline answer is not logged (a person who gets no answer always is)."""
    outcode = postcode.split(" ")[0]
    offline = _offline(postcode)
    if offline is None:
        log.error("postcodes.io failed (%s) for a postcode in %s, none offline", reason, outcode)
        raise GeocoderUnavailable(f"postcodes.io failed: {reason}")
    if not quiet:
        log.warning("postcodes.io failed (%s) for a postcode in %s, used offline", reason, outcode)
    return offline


def lookup_outcode(raw: str) -> Geocoded | None:
    outcode = geo.outcode_of(raw)
    if outcode is None:
        return None
    point, town = _district(outcode)
    return Geocoded(None, outcode, point, town, OFFLINE_DISTRICT) if point else None


def geocode_address(text: str) -> Geocoded | None:
    if not text or not text.strip():
        return None
    match = POSTCODE_IN_TEXT.search(text.upper())
    # A postcode postcodes.io has never heard of may be a typo in an otherwise good address.
    if match and (found := lookup_postcode(match.group(0))):
        return found
    if place := geo.place_named(text):
        return Geocoded(None, place.outcode, place.point, place.name, OFFLINE_PLACE)
    return _ask_nominatim(text)


def place_point(place: str) -> tuple[Point | None, str]:
    """What a person typed (a postcode, district or Shropshire town) → a point and, when there
    is none, a note to show them. Never raises: a geocoder outage becomes the note."""
    place = place.strip()
    if not place:
        return None, ""
    try:
        if geo.normalise_postcode(place):
            found = lookup_postcode(place)
        elif geo.outcode_of(place):
            found = lookup_outcode(place)
        else:
            point = geo.locate(place)
            return point, "" if point else f"We could not find “{place}”. Try a postcode or a town."
    except GeocoderUnavailable:
        return None, "Postcode search is unavailable at the moment. Try a town name."
    if found is None or found.point is None:
        return None, f"We could not find “{place}”. Check the postcode or try a town."
    return found.point, ""


# --- postcodes.io ---------------------------------------------------------------------------


def _ask_postcodes_io(postcode: str) -> Geocoded | None:
    config = current_app.config
    base = config["POSTCODES_API_URL"].rstrip("/")
    quoted = quote(postcode, safe="")
    outcode = postcode.split(" ")[0]
    with http.Client(user_agent=config["GEOCODER_USER_AGENT"]) as client:
        result = _fetch(client, f"{base}/postcodes/{quoted}")
        if result is not None:
            point = _coordinates(result)
            if point is None:  # known but unplaced (new, non-geographic)
                return _offline(postcode) or Geocoded(postcode, outcode, None, "", POSTCODES_IO)
            district = result.get("admin_district")
            if not isinstance(district, str):
                district = _district(outcode)[1]
            return Geocoded(postcode, outcode, point, district, POSTCODES_IO)
        result = _fetch(client, f"{base}/terminated_postcodes/{quoted}")
        if result is not None and (point := _coordinates(result)):
            return Geocoded(postcode, outcode, point, _district(outcode)[1], POSTCODES_IO)
    # The service says no such postcode: only an exact offline match overrules it, since a
    # district centre would turn every typo into a place.
    point = geo.postcode_point(postcode)
    if point is None:
        return None
    return Geocoded(postcode, outcode, point, _district(outcode)[1], OFFLINE_POSTCODE)


def _fetch(client: http.Client, url: str) -> dict | None:
    """The `result` of a 200, None for postcodes.io's own 404; http.ServiceError otherwise."""
    timeout = current_app.config["GEOCODER_TIMEOUT_S"]
    # The whole answer within the timeout: a page never waits longer on postcodes.io.
    answer = client.get(url, timeout=timeout, total_s=timeout, accept=(404,))
    body = answer.body
    if not isinstance(body, dict):
        raise http.unexpected(url)
    if answer.status == 404:
        # A 404 page from something else (a proxy, a wrong URL) is a failure, not an answer.
        if isinstance(body.get("error"), str):
            return None
        raise http.unexpected(url, "unexpected 404")
    result = body.get("result")
    if not isinstance(result, dict):
        raise http.unexpected(url)
    return result


def _coordinates(result: dict) -> Point | None:
    lat, lon = result.get("latitude"), result.get("longitude")
    if lat is None or lon is None:
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lat, lon)):
        raise http.unexpected("postcodes.io")
    return Point(float(lat), float(lon))


# --- offline --------------------------------------------------------------------------------


def _offline(postcode: str) -> Geocoded | None:
    outcode = postcode.split(" ")[0]
    if point := geo.postcode_point(postcode):
        return Geocoded(postcode, outcode, point, _district(outcode)[1], OFFLINE_POSTCODE)
    district = lookup_outcode(outcode)
    return replace(district, postcode=postcode) if district else None


def _district(outcode: str) -> tuple[Point | None, str]:
    """The imported Outcode table wins, so an operator can correct the bundled centroids."""
    row = db.session.get(Outcode, outcode)
    if row is not None:
        return Point(row.latitude, row.longitude), row.town
    return geo.district_point(outcode), geo.district_town(outcode)


# --- Nominatim ------------------------------------------------------------------------------


def _ask_nominatim(text: str) -> Geocoded | None:
    config = current_app.config
    if not config["NOMINATIM_URL"]:
        return None
    url = urlsplit(config["NOMINATIM_URL"])
    try:
        with Nominatim(
            user_agent=config["GEOCODER_USER_AGENT"],
            domain=url.netloc + url.path.rstrip("/"),
            scheme=url.scheme or "https",
            timeout=config["GEOCODER_TIMEOUT_S"],
        ) as nominatim:
            location = nominatim.geocode(text, country_codes="gb", addressdetails=True)
    except GeopyError as exc:
        # The address itself may be personal data, so it is not logged.
        log.error("Nominatim failed (%s)", type(exc).__name__)
        raise GeocoderUnavailable(f"Nominatim failed: {type(exc).__name__}") from exc
    if location is None:
        return None
    address = location.raw.get("address") or {}
    postcode = geo.normalise_postcode(address.get("postcode"))
    return Geocoded(
        postcode,
        postcode.split(" ")[0] if postcode else None,
        Point(location.latitude, location.longitude),
        address.get("county") or "",
        NOMINATIM,
    )
