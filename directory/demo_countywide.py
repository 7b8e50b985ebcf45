"""The demo directory's services with no building: online or by phone, or visiting and
delivering to homes in named postcode districts (directory/demo_data.py places them)."""

from __future__ import annotations

from typing import NamedTuple

# The south of the county, where volunteers visit people at home; Shrewsbury and the villages
# around it, where the larder delivers.
SOUTH = ["SY5", "SY6", "SY7", "SY8", "SY9", "WV16", "DY14"]
SHREWSBURY_AREA = ["SY1", "SY2", "SY3", "SY4", "SY5"]


class Countywide(NamedTuple):
    """A service with no building: online or by phone (no areas), or visiting or delivering
    to homes in the areas (postcode districts) named."""

    name: str
    need: str
    kind: str
    description: str
    online: bool
    organisation: str
    areas: list[str]


COUNTYWIDE = [
    Countywide(
        "Shropshire Carers Helpline",
        "carers",
        "carers",
        "Phone and online support for unpaid carers across Shropshire.",
        True,
        "Marches Carers Partnership",
        [],
    ),
    Countywide(
        "Money advice by phone",
        "money-and-debt",
        "advice",
        "Benefits and debt advice by phone and video.",
        True,
        "Shropshire Advice Partnership",
        [],
    ),
    Countywide(
        "Home visits befriending, south Shropshire",
        "loneliness",
        "befriending",
        "Volunteers visit people at home across south Shropshire.",
        False,
        "Shropshire Later Life Trust",
        SOUTH,
    ),
    Countywide(
        "Online counselling",
        "mental-health",
        "mental_health",
        "Six to twelve sessions of counselling by video call or online chat, wherever you live.",
        True,
        "Hill and Vale Wellbeing",
        [],
    ),
    Countywide(
        "Larder on Wheels",
        "food",
        "larder",
        "A low-cost box of food delivered to your door each week, for people who cannot get "
        "to a larder or food bank themselves.",
        False,
        "Severn Valley Community Larder",
        SHREWSBURY_AREA,
    ),
]
