"""What the demo directory offers and who runs it: service templates, their usual hours, and
the demo organisations that run each kind of service (and where).

A template named after a town ("{town} Food Bank") is placed once in each town that has an
organisation to run it; one named after a building ("Coffee Morning at {building}") at each
building that has. So no town has two services of the same name, and a domestic-abuse
charity never runs a lunch club.
"""

from __future__ import annotations

from typing import NamedTuple

# A session: days (RFC 5545 BYDAY codes), opens, closes.
Session = tuple[str, str, str]
WEEKDAYS = "MO,TU,WE,TH,FR"


class Template(NamedTuple):
    name: str  # with {town}, {building} or {org}
    kind: str  # what kind of organisation runs it: a key of the PROVIDERS' kinds
    description: str
    who: str  # who it is for
    routes: list[str]
    ages: tuple[int | None, int | None]
    # The weekly hours it may keep (one is picked for each place): a lunch club at lunchtime,
    # a youth club in the evening, a helpline in office hours.
    hours: list[list[Session]]


ANYONE = (None, None)
ADULTS = (18, None)

TEMPLATES: dict[str, list[Template]] = {
    "food": [
        Template(
            "{town} Community Larder",
            "larder",
            "Low-cost food shop: pay a small membership and choose your own food each week.",
            "Anyone living locally on a low income.",
            ["drop_in", "professional_referral"],
            ADULTS,
            [[("TU", "10:00", "12:30")], [("TH", "13:00", "15:30")], [("FR", "10:00", "13:00")]],
        ),
        Template(
            "{town} Lunch Club",
            "lunch_club",
            "Hot food, a pudding and good company every week. Closed on bank holidays.",
            "Older people and anyone who would like company over lunch.",
            ["drop_in", "self_referral"],
            (50, None),
            [[("WE", "12:00", "14:00")], [("TU,TH", "12:00", "13:30")], [("FR", "12:30", "14:00")]],
        ),
        Template(
            "{town} Food Bank",
            "food_bank",
            "Emergency food parcels for three days, with advice on what to do next.",
            "People in crisis, with a voucher from a referral agency.",
            ["professional_referral"],
            ANYONE,
            [
                [("TU,FR", "10:00", "12:00")],
                [("MO,TH", "13:00", "15:00")],
                [("WE", "10:30", "13:00"), ("SA", "10:00", "11:30")],
            ],
        ),
        Template(
            "{town} Community Fridge",
            "fridge",
            "Surplus food from local shops and gardens, free to anyone: take what you need.",
            "Everyone welcome; no referral needed.",
            ["drop_in"],
            ANYONE,
            [[("MO,WE,FR", "11:00", "14:00")], [("TU,SA", "10:00", "12:00")]],
        ),
    ],
    "money-and-debt": [
        Template(
            "Benefits and debt advice at {building}",
            "advice",
            "Free, confidential help to check your benefits, sort out debts and deal with letters.",
            "Anyone who lives in Shropshire.",
            ["drop_in", "self_referral", "professional_referral"],
            (16, None),
            [
                [("MO", "09:30", "12:30"), ("MO", "13:30", "16:00")],
                [("TH", "10:00", "15:00")],
                [("WE", "09:30", "12:30")],
            ],
        ),
    ],
    "housing": [
        Template(
            "{town} Housing Help",
            "housing",
            "Advice if you are at risk of losing your home, and support to keep a tenancy.",
            "Adults at risk of homelessness.",
            ["self_referral", "professional_referral"],
            (16, None),
            [[(WEEKDAYS, "09:00", "17:00")], [("MO,WE,FR", "09:30", "16:30")]],
        ),
    ],
    "mental-health": [
        Template(
            "{town} Wellbeing Café",
            "mental_health",
            "A relaxed peer-support café for people living with anxiety or low mood.",
            "Adults who would like to talk with others who understand.",
            ["drop_in"],
            ADULTS,
            [[("TH", "14:00", "16:00")], [("SA", "10:30", "12:30")], [("MO", "18:00", "20:00")]],
        ),
        Template(
            "Talking Space counselling, {town}",
            "mental_health",
            "Six to twelve sessions of counselling with a qualified counsellor.",
            "Adults; referral by a GP, social prescriber or self.",
            ["self_referral", "professional_referral"],
            ADULTS,
            [[("MO,TU,WE,TH", "09:00", "19:00")], [("TU,TH", "10:00", "18:00")]],
        ),
    ],
    "loneliness": [
        Template(
            "{town} Befriending",
            "befriending",
            "A volunteer visits or phones each week for a chat.",
            "People who feel lonely or isolated, often after a bereavement or illness.",
            ["self_referral", "professional_referral"],
            ADULTS,
            [[(WEEKDAYS, "09:00", "16:00")], [("MO,WE,FR", "10:00", "15:00")]],
        ),
        Template(
            "Coffee Morning at {building}",
            "community",
            "Tea, cake and conversation every week. Just turn up.",
            "Everyone welcome.",
            ["drop_in"],
            ANYONE,
            [[("WE", "10:00", "12:00")], [("SA", "10:00", "12:00")], [("TU", "10:30", "12:00")]],
        ),
    ],
    "carers": [
        Template(
            "{town} Carers Group",
            "carers",
            "Meet other unpaid carers, share tips and get information and a break.",
            "Anyone who looks after a family member or friend.",
            ["drop_in", "self_referral"],
            (16, None),
            [[("TH", "10:00", "12:00")], [("MO", "13:30", "15:30")], [("WE", "18:30", "20:00")]],
        ),
        Template(
            "{town} Young Carers Club",
            "carers",
            "Time out, trips and someone to talk to for children who look after someone at home.",
            "Young carers aged 8 to 18.",
            ["self_referral", "professional_referral"],
            (8, 18),
            [[("TU", "16:30", "18:30")], [("TH", "17:00", "19:00")]],
        ),
    ],
    "children-and-families": [
        Template(
            "{town} Stay and Play",
            "families",
            "Play sessions for babies and toddlers with their parents or carers.",
            "Children aged 0 to 4 with an adult.",
            ["drop_in"],
            (0, 4),
            [[("MO,WE", "09:30", "11:30")], [("TU", "10:00", "11:30")], [("FR", "09:30", "11:00")]],
        ),
        Template(
            "{town} Youth Club",
            "youth",
            "Games, music, trips and someone to talk to.",
            "Young people aged 11 to 18.",
            ["drop_in"],
            (11, 18),
            [[("TU,TH", "18:30", "21:00")], [("FR", "18:00", "21:00")], [("WE", "17:30", "20:00")]],
        ),
        Template(
            "{town} Baby Bank",
            "baby_bank",
            "Free clothes, nappies, prams and cots for babies and children up to five, for "
            "families who are struggling. Ask your health visitor, school or food bank to refer "
            "you.",
            "Families with young children on a low income.",
            ["professional_referral"],
            ANYONE,
            [[("WE", "10:00", "12:00")], [("SA", "10:00", "12:00")]],
        ),
    ],
    "older-people": [
        Template(
            "Active Ageing at {building}",
            "older_people",
            "Gentle exercise, talks and day trips.",
            "People aged 60 and over.",
            ["drop_in", "self_referral"],
            (60, None),
            [[("TU", "10:00", "11:30")], [("TH", "14:00", "15:30")], [("MO", "10:30", "12:00")]],
        ),
        Template(
            "{town} Memory Café",
            "older_people",
            "A relaxed afternoon for people living with dementia or memory loss, and whoever "
            "cares for them: music, reminiscence and advice.",
            "People with dementia or worried about their memory, with a family member or carer.",
            ["drop_in", "self_referral"],
            ANYONE,
            [[("WE", "14:00", "16:00")], [("FR", "13:30", "15:30")]],
        ),
    ],
    "disability": [
        Template(
            "{town} Inclusive Social Club",
            "disability",
            "Evening social club with accessible activities.",
            "Adults with learning disabilities and their supporters.",
            ["self_referral", "professional_referral"],
            ADULTS,
            [[("TH", "18:30", "21:00")], [("MO", "18:00", "20:30")]],
        ),
    ],
    "domestic-abuse": [
        Template(
            "Safe Space outreach, {town}",
            "domestic_abuse",
            "Confidential support, safety planning and help with the next steps.",
            "Anyone experiencing domestic abuse. If you are in danger call 999.",
            ["self_referral", "professional_referral"],
            (16, None),
            [[(WEEKDAYS, "09:00", "17:00")], [("TU,TH", "10:00", "16:00")]],
        ),
    ],
    "transport": [
        Template(
            "{town} Community Car Scheme",
            "transport",
            "Volunteer drivers take you to medical appointments and the shops.",
            "People who cannot use public transport.",
            ["self_referral", "professional_referral"],
            ANYONE,
            [[(WEEKDAYS, "09:00", "13:00")], [("MO,WE,FR", "09:30", "12:30")]],
        ),
    ],
    "digital": [
        Template(
            "Digital help drop-in at {building}",
            "digital",
            "Help with phones, tablets, email, online forms and staying safe online.",
            "Anyone who wants help getting online.",
            ["drop_in"],
            ANYONE,
            [[("WE", "14:00", "16:00")], [("SA", "10:00", "12:00")], [("MO", "10:00", "12:00")]],
        ),
    ],
    "employment": [
        Template(
            "{town} Work Club",
            "employment",
            "CV help, job searching and interview practice.",
            "People looking for work or training.",
            ["drop_in", "self_referral"],
            (16, None),
            [[("TU", "10:00", "13:00")], [("TH", "09:30", "12:30")]],
        ),
    ],
    "health": [
        Template(
            "Health walks from {building}",
            "walks",
            "Free, friendly, short walks led by trained volunteers.",
            "Anyone who wants to be more active.",
            ["drop_in"],
            ANYONE,
            [[("WE", "10:30", "11:30")], [("SU", "14:00", "15:00")], [("FR", "11:00", "12:00")]],
        ),
        Template(
            "{town} Walking Football",
            "walks",
            "Football at walking pace: no running, no tackling, all abilities.",
            "Adults over 50, or anyone getting back to fitness.",
            ["drop_in"],
            ADULTS,
            [[("MO", "10:00", "11:00")], [("TH", "19:00", "20:00")]],
        ),
    ],
    "bereavement": [
        Template(
            "{town} Bereavement Support Group",
            "bereavement",
            "A safe place to talk after someone has died.",
            "Adults who have been bereaved.",
            ["drop_in", "self_referral"],
            ADULTS,
            [[("TH", "19:00", "20:30")], [("TU", "14:00", "15:30")]],
        ),
    ],
    "volunteering": [
        Template(
            "Volunteer with {org}",
            "volunteering",
            "Find a volunteering role that suits you, from driving to gardening.",
            "Anyone aged 16 and over.",
            ["self_referral"],
            (16, None),
            [[(WEEKDAYS, "09:30", "16:00")], [("TU,TH", "10:00", "14:00")]],
        ),
    ],
    "warm-spaces": [
        Template(
            "Warm Welcome at {building}",
            "warm_space",
            "A warm, free place to spend time, with hot drinks and Wi-Fi.",
            "Everyone welcome.",
            ["drop_in"],
            ANYONE,
            [[("MO,WE,FR", "10:00", "15:00")], [("TU,TH", "12:00", "16:00")]],
        ),
    ],
    "advice": [
        Template(
            "Advice surgery at {building}",
            "advice",
            "Help with forms, letters and finding the right service.",
            "Anyone who needs advice.",
            ["drop_in"],
            ANYONE,
            [[("FR", "10:00", "12:00")], [("TU", "14:00", "16:00")]],
        ),
    ],
    "substance-use": [
        Template(
            "{town} Recovery Café",
            "recovery",
            "Peer support for people in recovery from drug or alcohol use.",
            "Adults in or seeking recovery.",
            ["drop_in", "self_referral"],
            ADULTS,
            [[("SU", "12:00", "15:00")], [("WE", "17:00", "19:00")]],
        ),
    ],
    "learning": [
        Template(
            "English conversation club, {town}",
            "english",
            "Practise speaking English in a friendly group.",
            "Adults learning English.",
            ["drop_in"],
            (16, None),
            [[("TU", "18:00", "19:30")], [("SA", "10:00", "11:30")]],
        ),
    ],
}

# Where an organisation runs its services: LOCAL (its own town), COUNTY (any town) or a list of
# towns. In a town, a building's own operator is asked first, then local organisations, then
# those covering the town.
LOCAL = "local"
COUNTY = "county"
TELFORD_AND_WREKIN = ["Telford", "Wellington", "Newport"]
LARGER_TOWNS = ["Shrewsbury", "Telford", "Oswestry", "Ludlow", "Bridgnorth", "Market Drayton"]
SHROPSHIRE = [
    "Shrewsbury",
    "Oswestry",
    "Ludlow",
    "Bridgnorth",
    "Church Stretton",
    "Much Wenlock",
    "Market Drayton",
    "Whitchurch",
    "Bishop's Castle",
    "Craven Arms",
    "Ellesmere",
    "Wem",
    "Shifnal",
    "Cleobury Mortimer",
    "Broseley",
    "Albrighton",
]

# organisation → (where, the kinds of service it runs). Organisations not named here (the
# police, the fire service, the NHS board) run no demo service.
PROVIDERS: dict[str, tuple[str | list[str], set[str]]] = {
    "Shropshire Council": (SHROPSHIRE, {"families", "walks"}),
    "Telford & Wrekin Council": (TELFORD_AND_WREKIN, {"families", "walks"}),
    "Ludlow Town Council": (LOCAL, {"warm_space"}),
    "Oswestry Town Council": (LOCAL, {"warm_space"}),
    "Bridgnorth Town Council": (LOCAL, {"warm_space"}),
    "Church Stretton Town Council": (LOCAL, {"warm_space"}),
    "Much Wenlock Town Council": (LOCAL, {"warm_space"}),
    "Severn Valley Community Larder": (
        LOCAL,
        {"larder", "fridge", "baby_bank", "volunteering"},
    ),
    "Oswestry Men's Shed": (LOCAL, {"volunteering"}),
    "Ludlow Good Neighbours": (
        LOCAL,
        {
            "befriending",
            "lunch_club",
            "community",
            "transport",
            "fridge",
            "baby_bank",
            "volunteering",
        },
    ),
    "Market Drayton Carers Together": (LOCAL, {"carers", "volunteering"}),
    "Whitchurch Youth Space": (LOCAL, {"youth", "volunteering"}),
    "Bishop's Castle Community Transport": (LOCAL, {"transport", "volunteering"}),
    "Wellington Money Advice Network": (TELFORD_AND_WREKIN, {"advice", "volunteering"}),
    "Craven Arms Warm Welcome": (LOCAL, {"warm_space", "community", "fridge", "volunteering"}),
    "Ellesmere Meres Befriending": (LOCAL, {"befriending", "community", "volunteering"}),
    "Wem Dementia Friends Café": (LOCAL, {"community", "older_people", "volunteering"}),
    "Newport Family Hub Volunteers": (LOCAL, {"families", "baby_bank", "volunteering"}),
    "Shifnal Digital Champions": (LOCAL, {"digital", "volunteering"}),
    "Cleobury Country Flood Wardens": (LOCAL, {"volunteering"}),
    "Broseley Bereavement Support": (LOCAL, {"bereavement", "volunteering"}),
    "Albrighton Mutual Aid": (
        LOCAL,
        {"befriending", "community", "warm_space", "fridge", "volunteering"},
    ),
    "Telford Domestic Abuse Outreach": (TELFORD_AND_WREKIN, {"domestic_abuse"}),
    "Shrewsbury Recovery Café": (LOCAL, {"recovery", "volunteering"}),
    "Church Stretton Hills Community Support": (
        LOCAL,
        {
            "befriending",
            "lunch_club",
            "community",
            "transport",
            "warm_space",
            "fridge",
            "volunteering",
        },
    ),
    "Severnside Housing Association": (COUNTY, {"housing"}),
    "Marches Employment Partnership": (COUNTY, {"employment"}),
    "Oswestry Community Pantry": (LOCAL, {"larder", "fridge", "baby_bank"}),
    "Marches Food Bank Trust": (COUNTY, {"food_bank"}),
    "Shropshire Later Life Trust": (COUNTY, {"lunch_club", "befriending", "older_people"}),
    "Shropshire Advice Partnership": (SHROPSHIRE, {"advice"}),
    "Hill and Vale Wellbeing": (COUNTY, {"mental_health"}),
    "Marches Carers Partnership": (COUNTY, {"carers"}),
    "Shropshire Youth Collective": (
        [*LARGER_TOWNS, "Wellington", "Newport", "Wem", "Ellesmere", "Shifnal"],
        {"youth"},
    ),
    "Open Doors Shropshire": (LARGER_TOWNS, {"disability"}),
    "Shropshire Safe Space Trust": (SHROPSHIRE, {"domestic_abuse"}),
    "Marches Community Transport": (COUNTY, {"transport"}),
    "Get Online Shropshire": (COUNTY, {"digital"}),
    "Marches Bereavement Care": (
        ["Bridgnorth", "Ludlow", "Much Wenlock", "Cleobury Mortimer", "Church Stretton"],
        {"bereavement"},
    ),
    "Shropshire Recovery Network": (LARGER_TOWNS, {"recovery"}),
    "Shropshire English Together": (
        ["Shrewsbury", "Telford", "Wellington", "Oswestry", "Market Drayton"],
        {"english"},
    ),
}


def covers(name: str, town: str, home_town: str) -> bool:
    """Whether the organisation (based in home_town) runs services in the town."""
    where = PROVIDERS[name][0]
    if where == COUNTY:
        return True
    if where == LOCAL:
        return town == home_town
    return town in where


def runs(name: str, kind: str) -> bool:
    return name in PROVIDERS and kind in PROVIDERS[name][1]
