"""Offline geography for Shropshire: postcodes, postcode districts, place names, distances.

The data files in accord/data/geo are loaded once per process (they are small: ~27,000
postcodes). Online geocoding (postcodes.io) lives with the jobs that need it and falls back
to these tables.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path

from geopy.distance import EARTH_RADIUS as EARTH_RADIUS_KM

DATA = Path(__file__).resolve().parent / "data" / "geo"

ATTRIBUTION = (
    "Contains OS data © Crown copyright and database right. Contains Royal Mail data © Royal "
    "Mail copyright and database right. Source: Office for National Statistics licensed under "
    "the Open Government Licence v.3.0. Place names © GeoNames, CC BY 4.0."
)

# The UK postcode shape (BS 7666), with or without the space, any case.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")

# Accessibility features, as UK venues list them (keys are stored; labels are shown).
ACCESSIBILITY = {
    "step_free": "Step-free access",
    "hearing_loop": "Hearing loop",
    "accessible_toilet": "Accessible toilet",
    "parking": "Parking",
    "blue_badge_parking": "Blue Badge parking",
    "guide_dog_friendly": "Guide-dog friendly",
    "dementia_friendly": "Dementia friendly",
    "changing_places": "Changing Places toilet",
}

FACILITIES = {
    "main_hall": "Main hall",
    "meeting_rooms": "Meeting rooms",
    "kitchen": "Kitchen",
    "wifi": "Wi-Fi",
    "showers": "Showers",
    "outdoor_space": "Outdoor space",
    "baby_changing": "Baby changing",
    "stage": "Stage",
}


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Place:
    name: str
    outcode: str
    point: Point


def normalise_postcode(raw: str | None) -> str | None:
    """'sy11aa' → 'SY1 1AA'; None when it is not the shape of a UK postcode."""
    if not raw:
        return None
    match = POSTCODE.match(raw.strip().upper())
    if not match:
        return None
    return f"{match.group(1)} {match.group(2)}"


def outcode_of(raw: str | None) -> str | None:
    """The postcode district of a full postcode or of an outcode on its own."""
    if not raw:
        return None
    cleaned = raw.strip().upper()
    if OUTCODE.match(cleaned):
        return cleaned
    full = normalise_postcode(cleaned)
    return full.split(" ")[0] if full else None


@functools.cache
def _postcodes() -> dict[str, Point]:
    table: dict[str, Point] = {}
    for name in ("nspl-postcodes-SY.csv", "nspl-postcodes-TF.csv"):
        with open(DATA / name, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = normalise_postcode(row["Postcode"])
                if key and row["lat"] and row["long"]:
                    table[key] = Point(float(row["lat"]), float(row["long"]))
    return table


@functools.cache
def _districts() -> dict[str, tuple[Point, str]]:
    table: dict[str, tuple[Point, str]] = {}
    with open(DATA / "postcode-districts-gb.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Latitude"] and row["Longitude"]:
                point = Point(float(row["Latitude"]), float(row["Longitude"]))
                table[row["Postcode"].strip().upper()] = (point, row["Town/Area"].strip())
    return table


@functools.cache
def places() -> tuple[Place, ...]:
    found: dict[str, Place] = {}
    with open(DATA / "shropshire-places-geonames.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = row["place_name"].strip()
            if name and name.lower() not in found:
                point = Point(float(row["latitude"]), float(row["longitude"]))
                found[name.lower()] = Place(name, row["postal_code"].strip().upper(), point)
    return tuple(sorted(found.values(), key=lambda p: p.name))


def postcode_points() -> list[Point]:
    """Every bundled unit postcode's position (the maps weigh places by how many lie near)."""
    return list(_postcodes().values())


def postcode_point(postcode: str) -> Point | None:
    """A unit postcode's position from the bundled ONS table (SY and TF only)."""
    key = normalise_postcode(postcode)
    return _postcodes().get(key) if key else None


def district_point(outcode: str) -> Point | None:
    found = _districts().get(outcode.strip().upper())
    return found[0] if found else None


def district_town(outcode: str) -> str:
    found = _districts().get(outcode.strip().upper())
    return found[1] if found else ""


@functools.cache
def _post_towns() -> dict[str, str]:
    with open(DATA / "postcode-districts-gb.csv", newline="", encoding="utf-8") as handle:
        return {
            row["Postcode"].strip().upper(): row["Post Town"].strip()
            for row in csv.DictReader(handle)
        }


def post_town(outcode: str) -> str:
    """The Royal Mail post town of a district (SY3 → Shrewsbury), or ""."""
    return _post_towns().get(outcode.strip().upper(), "")


def place_named(name: str) -> Place | None:
    wanted = name.strip().lower()
    return next((p for p in places() if p.name.lower() == wanted), None)


def locate(text: str) -> Point | None:
    """A postcode, a postcode district or a Shropshire place name → a point, offline."""
    if not text or not text.strip():
        return None
    if point := postcode_point(text):
        return point
    if (outcode := outcode_of(text)) and (point := district_point(outcode)):
        return point
    full = normalise_postcode(text)
    if full and (point := district_point(full.split(" ")[0])):
        return point
    place = place_named(text)
    return place.point if place else None


@functools.cache
def _by_district() -> dict[str, list[str]]:
    """Every known unit postcode by its district, sorted: one pass over the table, where a
    scan per district cost 18 ms (the demo load asks for 70 districts, in every test that
    loads it)."""
    found: dict[str, list[str]] = {}
    for postcode in sorted(_postcodes()):
        found.setdefault(postcode.split(" ", 1)[0], []).append(postcode)
    return found


def postcodes_in(outcode: str) -> list[str]:
    """Every known unit postcode in a district, sorted (demo data picks real ones)."""
    return list(_by_district().get(outcode.strip().upper(), []))


# geopy's mean Earth radius, so these distances equal geopy.distance.great_circle's.
EARTH_RADIUS_MILES = EARTH_RADIUS_KM / 1.609344


def miles_between(a: Point, b: Point) -> float:
    """Great-circle distance, as geopy's great_circle measures it, without its object overhead
    (searches measure thousands of buildings per request)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))


MILES_PER_DEGREE = EARTH_RADIUS_MILES * math.pi / 180  # of latitude

Box = tuple[float, float, float, float]


def box(origin: Point, miles: float) -> Box:
    """(south, north, west, east): a latitude/longitude box a little larger than the circle
    `miles` round `origin`, for an index on latitude and longitude (directory search, /help)."""
    dlat = miles / MILES_PER_DEGREE * 1.01
    dlon = dlat / max(math.cos(math.radians(origin.latitude)), 0.01)
    return (
        origin.latitude - dlat,
        origin.latitude + dlat,
        origin.longitude - dlon,
        origin.longitude + dlon,
    )
