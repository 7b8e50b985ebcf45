"""The judged set: searches a frontline worker would type for a resident at a real place of the
demo county (directory/demo_services.py, demo_countywide.py), each with the services they
would expect to see in the first five, judged by reading the demo county's services, not by
running the search.

`expected` names the services that must be among the first five (the nearest right one, or
two); `relevant` names the kinds of service that are also a right answer wherever they are
(the same kind in the next town, the county's phone line): a result is judged relevant when
its name is expected or contains one of those kinds. Everything else is judged not relevant:
a lunch club for "food bank", a volunteering role for "dementia", counselling for "walking".

Places are unit postcodes near the town's centre (ONS, in accord's offline tables), postcode
districts and town names, as people type them.
"""

from __future__ import annotations

from typing import NamedTuple


class Judged(NamedTuple):
    words: str
    place: str
    radius: int
    expected: tuple[str, ...]
    relevant: tuple[str, ...]

    def judge(self, name: str) -> bool:
        return name in self.expected or any(kind in name for kind in self.relevant)


COUNSELLING = ("Talking Space counselling", "Online counselling")
CARERS = ("Carers Group", "Carers Helpline", "Young Carers Club")
WALKS = ("Health walks", "Walking Football")

SET = [
    # Food: a food bank is a food bank, not every service of the food need, not a lunch club
    # that is "closed on bank holidays" and serves "hot food".
    Judged("food bank", "SY1 1UJ", 10, ("Shrewsbury Food Bank",), ("Food Bank",)),
    Judged("food parcels", "TF1 1SW", 10, ("Wellington Food Bank",), ("Food Bank",)),
    Judged(
        "free food",
        "SY8 1RY",
        10,
        ("Ludlow Community Fridge",),
        ("Community Fridge", "Food Bank"),
    ),
    Judged("lunch club", "SY6 7BG", 10, ("Church Stretton Lunch Club",), ("Lunch Club",)),
    Judged("hot food", "WV16", 10, ("Bridgnorth Lunch Club",), ("Lunch Club",)),
    # Walking is walking (not "talking" therapies).
    Judged(
        "walking",
        "SY8 1RY",
        10,
        ("Health walks from Rockspring Community Centre", "Ludlow Walking Football"),
        WALKS,
    ),
    Judged(
        "walking football", "SY1 1UJ", 10, ("Shrewsbury Walking Football",), ("Walking Football",)
    ),
    Judged(
        "gentle exercise",
        "TF13 6AU",
        10,
        ("Active Ageing at Much Wenlock Memorial Hall",),
        ("Active Ageing", *WALKS),
    ),
    # Mental health.
    Judged("counselling", "Ludlow", 10, ("Talking Space counselling, Ludlow",), COUNSELLING),
    Judged("councelling", "SY8 1RY", 10, ("Talking Space counselling, Ludlow",), COUNSELLING),
    Judged(
        "anxiety",
        "SY11 1JY",
        10,
        ("Oswestry Wellbeing Café",),
        ("Wellbeing Café", *COUNSELLING),
    ),
    Judged(
        "mental health",
        "Oswestry",
        10,
        ("Oswestry Wellbeing Café", "Talking Space counselling, Oswestry"),
        ("Wellbeing Café", *COUNSELLING),
    ),
    # Carers: stop words make no difference ("help for carers" = "carers help").
    Judged("help for carers", "Shrewsbury", 10, ("Shrewsbury Carers Group",), CARERS),
    Judged("carers help", "Shrewsbury", 10, ("Shrewsbury Carers Group",), CARERS),
    Judged(
        "young carers", "SY12 0LY", 10, ("Ellesmere Young Carers Club",), ("Young Carers Club",)
    ),
    # Older people, loneliness.
    Judged(
        "dementia",
        "SY4 5BQ",
        10,
        ("Wem Memory Café",),
        # The dementia charity's own coffee morning and exercise group welcome people with
        # dementia; its volunteering role is not for the resident.
        ("Memory Café", "Coffee Morning at Wem", "Active Ageing at Wem"),
    ),
    Judged("memory cafe", "SY13 1DS", 10, ("Whitchurch Memory Café",), ("Memory Café",)),
    Judged(
        "befriending",
        "SY9 5AN",
        10,
        ("Bishop's Castle Befriending", "Home visits befriending, south Shropshire"),
        ("Befriending", "befriending"),
    ),
    Judged(
        "lonely",
        "Ellesmere",
        10,
        ("Ellesmere Befriending",),
        ("Befriending", "befriending", "Coffee Morning"),
    ),
    Judged(
        "coffee morning",
        "SY6 7BG",
        10,
        ("Coffee Morning at Church Stretton Silvester Horne Institute",),
        ("Coffee Morning",),
    ),
    # Money, housing, work, advice.
    Judged(
        "debt advice",
        "TF1 1SW",
        10,
        ("Benefits and debt advice at Wellington Belmont Hall",),
        ("Benefits and debt advice", "Money advice by phone"),
    ),
    Judged(
        "benefits",
        "DY14",
        10,
        ("Benefits and debt advice at Cleobury Mortimer Market Hall",),
        ("Benefits and debt advice", "Money advice by phone"),
    ),
    Judged("homeless", "SY13 1DS", 10, ("Whitchurch Housing Help",), ("Housing Help",)),
    Judged("job search", "TF9 3AD", 10, ("Market Drayton Work Club",), ("Work Club",)),
    Judged(
        "getting online",
        "TF11 8GU",
        10,
        ("Digital help drop-in at Shifnal Village Hall",),
        ("Digital help drop-in",),
    ),
    # Warm spaces, families, young people.
    Judged(
        "warm space",
        "SY11 1JY",
        5,
        ("Warm Welcome at Cambrian Hall", "Warm Welcome at Oswestry Shed Workshop"),
        ("Warm Welcome",),
    ),
    Judged("youth club", "WV16", 10, ("Bridgnorth Youth Club",), ("Youth Club",)),
    Judged("stay and play", "TF10 8AA", 10, ("Newport Stay and Play",), ("Stay and Play",)),
    Judged("toddlers", "TF13 6AU", 10, ("Much Wenlock Stay and Play",), ("Stay and Play",)),
    Judged("nappies", "TF10 8AA", 10, ("Newport Baby Bank",), ("Baby Bank",)),
    # Words run together are split when both parts are known.
    Judged(
        "mentalhealth",
        "SY11 1JY",
        10,
        ("Oswestry Wellbeing Café", "Talking Space counselling, Oswestry"),
        ("Wellbeing Café", *COUNSELLING),
    ),
    Judged("lunchclub", "SY6 7BG", 10, ("Church Stretton Lunch Club",), ("Lunch Club",)),
    # Safety, recovery, disability, bereavement, transport, learning.
    Judged(
        "domestic abuse", "TF3 3BJ", 10, ("Safe Space outreach, Telford",), ("Safe Space outreach",)
    ),
    Judged("alcohol", "SY11 1JY", 10, ("Oswestry Recovery Café",), ("Recovery Café",)),
    Judged(
        "learning disabilities",
        "TF9 3AD",
        10,
        ("Market Drayton Inclusive Social Club",),
        ("Inclusive Social Club",),
    ),
    Judged(
        "bereavement",
        "TF12 5HA",
        10,
        ("Broseley Bereavement Support Group",),
        ("Bereavement Support Group",),
    ),
    Judged(
        "community transport",
        "SY9 5AN",
        10,
        ("Bishop's Castle Community Car Scheme",),
        ("Community Car Scheme",),
    ),
    Judged(
        "learn english",
        "TF1 1SW",
        10,
        ("English conversation club, Wellington",),
        ("English conversation club",),
    ),
]
