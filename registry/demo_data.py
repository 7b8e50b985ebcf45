"""Registry demo data: the Accord 2025 text and published signatories."""

import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from accord import demo, geo
from accord.extensions import db
from accord.models import Organisation, OrgType
from accord.text import slugify
from registry.publish import CONTENT, publish, version_named
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpStatus

# Organisations in the demo that have not signed (yet): the list has gaps, as real ones do.
NOT_SIGNED = {
    "marches-employment-partnership",
    "oswestry-community-pantry",
    "hill-and-vale-wellbeing",
    "shropshire-youth-collective",
    "open-doors-shropshire",
    "marches-community-transport",
    "get-online-shropshire",
    "marches-bereavement-care",
    "shropshire-recovery-network",
    "shropshire-english-together",
}
FIRST_SIGNING = datetime(2025, 3, 6, 10, 0)
# Invented people who signed for their organisations and lead on the Accord there.
FIRST = ["Anne", "Rajesh", "Claire", "Huw", "Julie", "Martin", "Nadia", "Owain", "Pauline"]
FIRST += ["Steve", "Tessa", "Vikram"]
LAST = ["Ashby", "Bennett", "Cartwright", "Dodd", "Ellis", "Farmer", "Griffiths", "Hale"]
LAST += ["Ingram", "Jenkins", "Kaur", "Lowe", "Meredith"]
POSITIONS = {
    "public": "Chief Executive",
    "parish": "Town Clerk",
    "private": "Managing Director",
    "vcs": "Chair of Trustees",
}


def person(n: int) -> str:
    """The n-th invented person: no two of the first 156 share a name."""
    return f"{FIRST[n % len(FIRST)]} {LAST[n % len(LAST)]}"


def load() -> list[str]:
    version = version_named("2025")
    lines = []
    if version is None:
        version = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
        lines.append(f"published Accord 2025: {len(version.themes)} themes")
    signed = set(db.session.scalars(select(Signatory.organisation_id)))
    orgs = db.session.scalars(select(Organisation).order_by(Organisation.id)).all()
    added = 0
    for index, org in enumerate(orgs):
        if org.id in signed or org.slug in NOT_SIGNED:
            continue
        when = FIRST_SIGNING + timedelta(days=9 * index)
        db.session.add(
            Signatory(
                organisation=org,
                accord_version=version,
                status=SignatoryStatus.published,
                signer_name=person(2 * index),
                signer_position=POSITIONS.get(org.sector, "Chief Officer"),
                signer_email=f"signer@{org.slug}.demo.example.org",
                lead_name=person(2 * index + 1),
                lead_email=f"accord-lead@{org.slug}.demo.example.org",
                signed_at=when,
                published_at=when + timedelta(days=2),
            )
        )
        added += 1
    lines.append(f"{added} new published signatories")
    lines.append(f"{_queue(version)} new sign-ups waiting in the coordinator's queue")
    lines.append(f"{_mediators()} new independent mediators for Accord concerns")
    db.session.commit()
    return lines


# Sign-ups confirmed by email and waiting for the coordinator, so the queue has work in it.
WAITING = [
    ("Clun Valley Lunch Club", "vcs", OrgType.charity, "GB-CHC-1098765", "Clun", "SY7"),
    (
        "Oswestry Community Pantry",
        "vcs",
        OrgType.unincorporated,
        None,
        "Oswestry",
        "SY11",
    ),
]


def _queue(version) -> int:
    from accord.demo_data import demo_postcode
    from registry.signatories.forms import STATEMENTS

    existing = set(db.session.scalars(select(SignUp.name)))
    added = 0
    for n, (name, sector, org_type, identifier, town, outcode) in enumerate(WAITING):
        if name in existing:
            continue
        postcode = demo_postcode(outcode, name)
        point = geo.postcode_point(postcode)
        slug = slugify(name)
        db.session.add(
            SignUp(
                name=name,
                sector=sector,
                org_type=org_type,
                identifier=identifier,
                town=town,
                postcode=postcode,
                address=f"{town}, Shropshire",
                latitude=point.latitude if point else None,
                longitude=point.longitude if point else None,
                location_status="found" if point else "not_found",
                status=SignUpStatus.pending,
                token_nonce=secrets.token_hex(16),
                accord_version=version,
                statements=list(STATEMENTS),
                signer_name=person(120 + 2 * n),
                signer_position="Secretary",
                signer_email=f"signer@{slug}.demo.example.org",
                lead_name=person(121 + 2 * n),
                lead_email=f"lead@{slug}.demo.example.org",
                confirmed_at=datetime(2025, 11, 1, 9, 30),
            )
        )
        added += 1
    return added


demo.register(20, "the Accord and its signatories", load)


# Independent people the coordinator can appoint to mediate an Accord concern.
MEDIATORS = [
    ("Morgan Ellis", "mediator.ellis@demo.example.org"),
    ("Priya Raman", "mediator.raman@demo.example.org"),
]


def _mediators() -> int:
    from registry.concerns.models import Mediator

    existing = set(db.session.scalars(select(Mediator.name)))
    added = 0
    for name, contact in MEDIATORS:
        if name not in existing:
            db.session.add(Mediator(name=name, contact=contact))
            added += 1
    return added
