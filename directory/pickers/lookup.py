"""Published community buildings matching what someone typed: by name, town or postcode.

Every word typed must appear in the name, begin the town or begin the postcode; a postcode
is also matched whole with its spaces ignored ("sy11aa", "SY1 1AA"). Names that begin with
the words come first, then names that hold them, then the rest (a town's or a postcode's
buildings), each A to Z: at most ten, as a list to choose from should be.

At 20,000 buildings this reads the location table once (a "contains" match can use no
index): 20 to 50 milliseconds on either database on a small machine, asked only when typing
pauses (tests/directory/pickers/test_lookup.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select

from accord.extensions import db
from accord.models import Location, Review
from accord.pickers import Match
from accord.text import LIKE_ESCAPE, like_escaped

MOST = 10
# Fewer than this many characters finds too much to be useful.
SHORTEST = 2
# Enough for any building's name and town; longer is not a search.
LONGEST = 100
# A postcode, or the start of one: an outward code then, maybe, the inward code's start.
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?(\s*\d[A-Z]{0,2})?$")


def label(building: Location) -> str:
    """ "Name, Town POSTCODE": what a person choosing recognises a building by."""
    place = " ".join(part for part in (building.town, building.postcode) if part)
    return f"{building.name}, {place}" if place else building.name


def _squashed(column) -> ColumnElement[str]:
    return func.upper(func.replace(column, " ", ""))


def _word(word: str) -> ColumnElement[bool]:
    pattern = like_escaped(word.lower())
    either = [
        func.lower(Location.name).like(f"%{pattern}%", escape=LIKE_ESCAPE),
        func.lower(Location.town).like(f"{pattern}%", escape=LIKE_ESCAPE),
    ]
    # Every postcode's first part has a digit: a word without one begins none worth finding.
    if any(c.isdigit() for c in word):
        either.append(
            _squashed(Location.postcode).like(f"{like_escaped(word.upper())}%", escape=LIKE_ESCAPE)
        )
    return or_(*either)


def _wanted(text: str) -> ColumnElement[bool]:
    words = text.split()[:6]
    wanted = and_(*(_word(w) for w in words))
    if POSTCODE.match(text.upper()):
        whole = like_escaped("".join(text.upper().split()))
        wanted = or_(wanted, _squashed(Location.postcode).like(f"{whole}%", escape=LIKE_ESCAPE))
    return wanted


# The ids of buildings a form may not choose (a query: emergency's hubs, say), or None.
Exclude = Select[int] | None


def matches(text: str, *, exclude: Exclude = None, most: int = MOST) -> list[Match]:
    """Up to `most` published buildings matching `text`, best first, none of `exclude`."""
    text = " ".join(text.split())[:LONGEST]
    if len(text) < SHORTEST:
        return []
    name = func.lower(Location.name)
    whole = like_escaped(text.lower())
    rank = case(
        (name.like(f"{whole}%", escape=LIKE_ESCAPE), 0),
        (name.like(f"%{whole}%", escape=LIKE_ESCAPE), 1),
        else_=2,
    )
    statement = (
        select(Location)
        .where(Location.review == Review.published, _wanted(text))
        .order_by(rank, name, Location.town, Location.id)
        .limit(most)
    )
    if exclude is not None:
        statement = statement.where(Location.id.not_in(exclude.scalar_subquery()))
    return [Match(b.id, label(b)) for b in db.session.scalars(statement)]


def named(building_id: int, *, exclude: Exclude = None, keep: int | None = None) -> Match | None:
    """The building with this id if it may be chosen: published and not excluded, or `keep`
    (the one already chosen, whatever its state now)."""
    building = db.session.get(Location, building_id)
    if building is None:
        return None
    if building_id != keep:
        if building.review != Review.published:
            return None
        if exclude is not None and building_id in set(db.session.scalars(exclude)):
            return None
    return Match(building.id, label(building))


@dataclass(frozen=True)
class Buildings:
    """The buildings a form may choose from (an accord.pickers.Source)."""

    exclude: Exclude = None
    keep: int | None = None

    def matches(self, text: str) -> list[Match]:
        return matches(text, exclude=self.exclude)

    def named(self, record_id: int) -> Match | None:
        return named(record_id, exclude=self.exclude, keep=self.keep)


def source(exclude: Exclude = None, keep: int | None = None) -> Buildings:
    """What a form's building field searches: published buildings but those `exclude`
    selects, and `keep` (the building already chosen, whatever its state now)."""
    return Buildings(exclude, keep)
