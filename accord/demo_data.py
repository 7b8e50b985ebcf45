"""The shell's demo data: organisations, community buildings and a user for every role.

Public bodies and towns are real; the voluntary groups, their numbers and the buildings'
names are invented for the demo. Postcodes and coordinates are real ONS postcodes.
"""

from sqlalchemy import select

from accord import accounts, demo, geo
from accord.extensions import db
from accord.models import Location, Organisation, Role, User
from accord.text import slugify

DEMO_PASSWORD = "shropshire-demo-2025"  # noqa: S105 - printed for demo users only

# name, sector, type, org-id, town, outcode, website
ORGANISATIONS = [
    (
        "Shropshire Council",
        "public",
        "Local authority",
        "GB-LAE-SHR",
        "Shrewsbury",
        "SY2",
        "https://www.shropshire.gov.uk",
    ),
    (
        "Telford & Wrekin Council",
        "public",
        "Local authority",
        "GB-LAE-TFW",
        "Telford",
        "TF3",
        "https://www.telford.gov.uk",
    ),
    (
        "NHS Shropshire, Telford and Wrekin Integrated Care Board",
        "public",
        "NHS body",
        "GB-NHS-QOC",
        "Shrewsbury",
        "SY3",
        "https://www.shropshiretelfordandwrekin.nhs.uk",
    ),
    (
        "Shropshire Fire and Rescue Service",
        "public",
        "Fire and rescue authority",
        None,
        "Shrewsbury",
        "SY1",
        "https://www.shropshirefire.gov.uk",
    ),
    (
        "West Mercia Police",
        "public",
        "Police force",
        None,
        "Shrewsbury",
        "SY2",
        "https://www.westmercia.police.uk",
    ),
    ("Ludlow Town Council", "parish", "Town council", None, "Ludlow", "SY8", ""),
    ("Oswestry Town Council", "parish", "Town council", None, "Oswestry", "SY11", ""),
    ("Bridgnorth Town Council", "parish", "Town council", None, "Bridgnorth", "WV16", ""),
    ("Church Stretton Town Council", "parish", "Town council", None, "Church Stretton", "SY6", ""),
    ("Much Wenlock Town Council", "parish", "Town council", None, "Much Wenlock", "TF13", ""),
    ("Shropshire VCS Assembly", "vcs", "Unincorporated association", None, "Shrewsbury", "SY1", ""),
    (
        "Severn Valley Community Larder",
        "vcs",
        "Charitable incorporated organisation",
        "GB-CHC-1190001",
        "Shrewsbury",
        "SY1",
        "",
    ),
    ("Oswestry Men's Shed", "vcs", "Unincorporated group", None, "Oswestry", "SY11", ""),
    ("Ludlow Good Neighbours", "vcs", "Charity", "GB-CHC-1190002", "Ludlow", "SY8", ""),
    (
        "Market Drayton Carers Together",
        "vcs",
        "Charity",
        "GB-CHC-1190003",
        "Market Drayton",
        "TF9",
        "",
    ),
    (
        "Whitchurch Youth Space",
        "vcs",
        "Community interest company",
        "GB-COH-13900001",
        "Whitchurch",
        "SY13",
        "",
    ),
    (
        "Bishop's Castle Community Transport",
        "vcs",
        "Charity",
        "GB-CHC-1190004",
        "Bishop's Castle",
        "SY9",
        "",
    ),
    (
        "Wellington Money Advice Network",
        "vcs",
        "Charitable incorporated organisation",
        "GB-CHC-1190005",
        "Wellington",
        "TF1",
        "",
    ),
    ("Craven Arms Warm Welcome", "vcs", "Unincorporated group", None, "Craven Arms", "SY7", ""),
    ("Ellesmere Meres Befriending", "vcs", "Charity", "GB-CHC-1190006", "Ellesmere", "SY12", ""),
    ("Wem Dementia Friends Café", "vcs", "Unincorporated group", None, "Wem", "SY4", ""),
    ("Newport Family Hub Volunteers", "vcs", "Charity", "GB-CHC-1190007", "Newport", "TF10", ""),
    (
        "Shifnal Digital Champions",
        "vcs",
        "Community interest company",
        "GB-COH-13900002",
        "Shifnal",
        "TF11",
        "",
    ),
    (
        "Cleobury Country Flood Wardens",
        "vcs",
        "Unincorporated group",
        None,
        "Cleobury Mortimer",
        "DY14",
        "",
    ),
    ("Broseley Bereavement Support", "vcs", "Charity", "GB-CHC-1190008", "Broseley", "TF12", ""),
    ("Albrighton Mutual Aid", "vcs", "Unincorporated group", None, "Albrighton", "WV7", ""),
    ("Telford Domestic Abuse Outreach", "vcs", "Charity", "GB-CHC-1190009", "Telford", "TF3", ""),
    (
        "Shrewsbury Recovery Café",
        "vcs",
        "Charitable incorporated organisation",
        "GB-CHC-1190010",
        "Shrewsbury",
        "SY3",
        "",
    ),
    (
        "Church Stretton Hills Community Support",
        "vcs",
        "Charity",
        "GB-CHC-1190011",
        "Church Stretton",
        "SY6",
        "",
    ),
    (
        "Severnside Housing Association",
        "private",
        "Registered provider of social housing",
        "GB-COH-13900003",
        "Shrewsbury",
        "SY2",
        "",
    ),
    (
        "Marches Employment Partnership",
        "private",
        "Company limited by guarantee",
        "GB-COH-13900004",
        "Ludlow",
        "SY8",
        "",
    ),
    ("Oswestry Community Pantry", "vcs", "Unincorporated group", None, "Oswestry", "SY11", ""),
]

# building, town, outcode, operator (organisation name or None), capacity, access, facilities
BUILDINGS = [
    (
        "Castlefields Community Centre",
        "Shrewsbury",
        "SY1",
        "Severn Valley Community Larder",
        120,
        ["step_free", "accessible_toilet", "hearing_loop"],
        ["main_hall", "kitchen", "meeting_rooms", "wifi"],
    ),
    (
        "Meole Brace Methodist Hall",
        "Shrewsbury",
        "SY3",
        "Shrewsbury Recovery Café",
        80,
        ["step_free", "accessible_toilet", "parking"],
        ["main_hall", "kitchen"],
    ),
    (
        "Harlescott Community Hub",
        "Shrewsbury",
        "SY1",
        None,
        60,
        ["step_free", "dementia_friendly"],
        ["meeting_rooms", "kitchen", "wifi"],
    ),
    (
        "Cambrian Hall",
        "Oswestry",
        "SY11",
        "Oswestry Town Council",
        200,
        ["step_free", "accessible_toilet", "hearing_loop", "parking"],
        ["main_hall", "kitchen", "stage", "wifi"],
    ),
    (
        "Oswestry Shed Workshop",
        "Oswestry",
        "SY11",
        "Oswestry Men's Shed",
        25,
        ["parking"],
        ["kitchen", "outdoor_space"],
    ),
    (
        "Ludlow Assembly Rooms Studio",
        "Ludlow",
        "SY8",
        "Ludlow Town Council",
        150,
        ["step_free", "accessible_toilet", "hearing_loop", "guide_dog_friendly"],
        ["main_hall", "meeting_rooms", "kitchen", "wifi"],
    ),
    (
        "Rockspring Community Centre",
        "Ludlow",
        "SY8",
        "Ludlow Good Neighbours",
        90,
        ["step_free", "accessible_toilet", "parking", "dementia_friendly"],
        ["main_hall", "kitchen", "showers", "wifi"],
    ),
    (
        "Bridgnorth Low Town Hall",
        "Bridgnorth",
        "WV16",
        "Bridgnorth Town Council",
        110,
        ["step_free", "accessible_toilet"],
        ["main_hall", "kitchen"],
    ),
    (
        "Church Stretton Silvester Horne Institute",
        "Church Stretton",
        "SY6",
        "Church Stretton Hills Community Support",
        100,
        ["step_free", "accessible_toilet", "hearing_loop"],
        ["main_hall", "kitchen", "stage"],
    ),
    (
        "Much Wenlock Memorial Hall",
        "Much Wenlock",
        "TF13",
        "Much Wenlock Town Council",
        120,
        ["step_free", "parking"],
        ["main_hall", "kitchen", "stage"],
    ),
    (
        "Market Drayton Festival Drayton Centre",
        "Market Drayton",
        "TF9",
        "Market Drayton Carers Together",
        140,
        ["step_free", "accessible_toilet", "hearing_loop", "parking"],
        ["main_hall", "meeting_rooms", "kitchen", "wifi"],
    ),
    (
        "Whitchurch Civic Centre",
        "Whitchurch",
        "SY13",
        None,
        180,
        ["step_free", "accessible_toilet", "parking", "blue_badge_parking"],
        ["main_hall", "kitchen", "wifi"],
    ),
    (
        "Bishop's Castle Enterprise Centre",
        "Bishop's Castle",
        "SY9",
        "Bishop's Castle Community Transport",
        40,
        ["step_free"],
        ["meeting_rooms", "wifi"],
    ),
    (
        "Wellington Belmont Hall",
        "Wellington",
        "TF1",
        "Wellington Money Advice Network",
        130,
        ["step_free", "accessible_toilet", "hearing_loop"],
        ["main_hall", "kitchen", "meeting_rooms"],
    ),
    (
        "Craven Arms Community Centre",
        "Craven Arms",
        "SY7",
        "Craven Arms Warm Welcome",
        100,
        ["step_free", "accessible_toilet", "parking"],
        ["main_hall", "kitchen", "showers"],
    ),
    (
        "Ellesmere Town Hall",
        "Ellesmere",
        "SY12",
        None,
        90,
        ["accessible_toilet"],
        ["main_hall", "kitchen"],
    ),
    (
        "Wem Edinburgh House",
        "Wem",
        "SY4",
        "Wem Dementia Friends Café",
        60,
        ["step_free", "dementia_friendly", "accessible_toilet"],
        ["meeting_rooms", "kitchen"],
    ),
    (
        "Newport Cosy Hall",
        "Newport",
        "TF10",
        "Newport Family Hub Volunteers",
        120,
        ["step_free", "accessible_toilet", "parking"],
        ["main_hall", "kitchen", "baby_changing"],
    ),
    (
        "Shifnal Village Hall",
        "Shifnal",
        "TF11",
        "Shifnal Digital Champions",
        110,
        ["step_free", "parking"],
        ["main_hall", "kitchen", "wifi"],
    ),
    (
        "Cleobury Mortimer Market Hall",
        "Cleobury Mortimer",
        "DY14",
        "Cleobury Country Flood Wardens",
        80,
        ["step_free"],
        ["main_hall", "kitchen"],
    ),
    (
        "Broseley Birchmeadow Centre",
        "Broseley",
        "TF12",
        "Broseley Bereavement Support",
        70,
        ["step_free", "accessible_toilet", "parking"],
        ["main_hall", "kitchen", "outdoor_space"],
    ),
    (
        "Albrighton Village Hall",
        "Albrighton",
        "WV7",
        "Albrighton Mutual Aid",
        100,
        ["step_free", "accessible_toilet", "parking"],
        ["main_hall", "kitchen"],
    ),
    (
        "Telford Brookside Community Centre",
        "Telford",
        "TF3",
        "Telford Domestic Abuse Outreach",
        150,
        ["step_free", "accessible_toilet", "hearing_loop", "changing_places"],
        ["main_hall", "meeting_rooms", "kitchen", "wifi", "showers"],
    ),
]

# email local part, role, organisation name (members and frontline workers belong to one)
USERS = [
    ("admin", Role.admin, None),
    ("coordinator", Role.coordinator, None),
    ("cvec", Role.cvec, None),
    ("frontline", Role.frontline, "Shropshire Council"),
    ("member", Role.member, "Severn Valley Community Larder"),
]


def demo_postcode(outcode: str, seed: str) -> str:
    """A real unit postcode in the district, picked the same way on every run."""
    candidates = geo.postcodes_in(outcode)
    if not candidates:
        return outcode
    return candidates[sum(map(ord, seed)) % len(candidates)]


def _organisations() -> dict[str, Organisation]:
    found = {o.slug: o for o in db.session.scalars(select(Organisation))}
    by_name: dict[str, Organisation] = {}
    for name, sector, org_type, identifier, town, outcode, website in ORGANISATIONS:
        slug = slugify(name)
        org = found.get(slug)
        if org is None:
            postcode = demo_postcode(outcode, name)
            point = geo.postcode_point(postcode) or geo.district_point(outcode)
            org = Organisation(
                slug=slug,
                name=name,
                sector=sector,
                org_type=org_type,
                identifier=identifier,
                website=website,
                town=town,
                postcode=postcode,
                outcode=outcode,
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                address=f"{town}, Shropshire",
            )
            db.session.add(org)
        by_name[name] = org
    return by_name


def _buildings(orgs: dict[str, Organisation]) -> int:
    existing = set(db.session.scalars(select(Location.name)))
    added = 0
    for name, town, outcode, operator, capacity, access, facilities in BUILDINGS:
        if name in existing:
            continue
        postcode = demo_postcode(outcode, name)
        point = geo.postcode_point(postcode) or geo.district_point(outcode)
        db.session.add(
            Location(
                name=name,
                town=town,
                postcode=postcode,
                address=f"{name}, {town}",
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                capacity=capacity,
                accessibility=access,
                facilities=facilities,
                bookable=True,
                operator=orgs.get(operator) if operator else None,
                description=f"A community building in {town} available for hire and local groups.",
            )
        )
        added += 1
    return added


def _users(orgs: dict[str, Organisation]) -> list[str]:
    lines = []
    for local, role, org_name in USERS:
        email = f"{local}@demo.example.org"
        org = orgs.get(org_name) if org_name else None
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = accounts.create_user(email, DEMO_PASSWORD, role, org)
            user.name = f"Demo {role.value}"
        lines.append(f"{role.value:<12} {email}  password: {DEMO_PASSWORD}")
    return lines


def load() -> list[str]:
    orgs = _organisations()
    db.session.flush()
    added = _buildings(orgs)
    lines = _users(orgs)
    db.session.commit()
    return [f"{len(orgs)} organisations, {added} new community buildings", *lines]


demo.register(10, "organisations, buildings and users", load)
