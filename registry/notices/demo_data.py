"""Demo data for the Accord in action: a few consultations and funding notices logged by the
public-sector signatories, the three Accord Ambassadors (invented people, role addresses on
example.org), and a council member who can log more."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from accord import accounts, demo
from accord.demo_data import DEMO_PASSWORD
from accord.extensions import db
from accord.models import Organisation, Role, User
from registry.notices.models import Ambassador, Consultation, FundingNotice

COUNCIL_MEMBER = "council@demo.example.org"

# organisation, title, opened, closed
CONSULTATIONS = [
    (
        "Shropshire Council",
        "Library service strategy 2026 to 2030",
        date(2025, 1, 13),
        date(2025, 4, 7),
    ),
    (
        "Shropshire Council",
        "Community transport grants review",
        date(2025, 6, 2),
        date(2025, 7, 14),
    ),
    (
        "NHS Shropshire, Telford and Wrekin Integrated Care Board",
        "Community mental health services",
        date(2025, 9, 1),
        date(2025, 11, 24),
    ),
]

# organisation, what changes, notice given, takes effect
NOTICES = [
    (
        "Shropshire Council",
        "Lunch club grants move to a single county-wide grant",
        date(2024, 10, 1),
        date(2025, 4, 1),
    ),
    (
        "Telford & Wrekin Council",
        "Advice services contract ends and is re-tendered",
        date(2025, 5, 1),
        date(2025, 9, 1),
    ),
    (
        "Shropshire Council",
        "Youth activities funding reduced",
        date(2025, 12, 1),
        date(2026, 1, 31),
    ),
]

# what changes → funding stream, reason, organisations affected (issue 22: notices people can
# act on; the demo member's larder is named, so /accord/notices/ours has something in it)
NOTICE_DETAILS = {
    "Lunch club grants move to a single county-wide grant": (
        "Community Lunch Clubs Grant",
        "One county-wide grant is simpler to apply for and to monitor than twelve local ones.",
        ["Severn Valley Community Larder"],
    ),
    "Youth activities funding reduced": (
        "Youth Activities Fund 2025 to 2026",
        "The council's budget for 2026 is smaller; the fund is reduced by a quarter.",
        ["Severn Valley Community Larder"],
    ),
}

# name, sector, theme, organisation, contact (invented people; role addresses, never personal)
AMBASSADORS = [
    ("Alex Morgan", "vcse", None, "Shropshire VCS Assembly", "accord-vcse@demo.example.org"),
    ("Jordan Price", "local_authority", None, "Shropshire Council", "accord@demo.example.org"),
    (
        "Sam Hughes",
        "health",
        None,
        "NHS Shropshire, Telford and Wrekin Integrated Care Board",
        "accord-health@demo.example.org",
    ),
]


def load() -> list[str]:
    orgs = {org.name: org for org in db.session.scalars(select(Organisation))}
    added = 0
    known = set(db.session.scalars(select(Consultation.title)))
    for org_name, title, start, end in CONSULTATIONS:
        if title not in known and org_name in orgs:
            db.session.add(
                Consultation(
                    organisation=orgs[org_name], title=title, start_date=start, end_date=end
                )
            )
            added += 1
    known = set(db.session.scalars(select(FundingNotice.change)))
    for org_name, change, notice, change_on in NOTICES:
        if change not in known and org_name in orgs:
            stream, reason, named = NOTICE_DETAILS.get(change, ("", "", []))
            db.session.add(
                FundingNotice(
                    organisation=orgs[org_name],
                    change=change,
                    notice_date=notice,
                    change_date=change_on,
                    funding_stream=stream,
                    reason=reason,
                    affected=[orgs[name] for name in named if name in orgs],
                )
            )
            added += 1
    known = set(db.session.scalars(select(Ambassador.name)))
    for name, sector, theme, organisation, contact in AMBASSADORS:
        if name not in known:
            db.session.add(
                Ambassador(
                    name=name,
                    sector=sector,
                    theme_number=theme,
                    organisation=organisation,
                    contact=contact,
                )
            )
            added += 1
    lines = [f"{added} new consultations, funding notices and ambassadors"]
    council = orgs.get("Shropshire Council")
    if council is not None:
        if db.session.scalar(select(User).where(User.email == COUNCIL_MEMBER)) is None:
            user = accounts.create_user(COUNCIL_MEMBER, DEMO_PASSWORD, Role.member, council)
            user.name = "Demo council member"
        lines.append(f"{'member':<12} {COUNCIL_MEMBER}  password: {DEMO_PASSWORD}")
    db.session.commit()
    return lines


demo.register(25, "consultations, notices and ambassadors", load)
