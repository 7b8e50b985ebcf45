"""The published list of signatories: search, filters, A–Z, and the open-data exports."""

from __future__ import annotations

import csv
import io
import string
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager

from accord import clock
from accord.extensions import db
from accord.links import absolute_url
from accord.models import ORG_TYPE_LABELS, SECTOR_LABELS, Organisation
from accord.text import LIKE_ESCAPE, csv_cell, like_escaped
from registry.models import AccordVersion
from registry.signatories import registers
from registry.signatories.models import Signatory, SignatoryStatus

LICENCE = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
LETTERS = list(string.ascii_uppercase)


@dataclass
class Filters:
    words: str = ""
    sector: str = ""
    area: str = ""
    letter: str = ""

    @classmethod
    def from_args(cls, args) -> Filters:
        sector = args.get("sector") or ""
        letter = (args.get("letter") or "").upper()
        return cls(
            words=(args.get("q") or "").strip()[:100],
            sector=sector if sector in SECTOR_LABELS else "",
            area=(args.get("area") or "").strip()[:100],
            letter=letter if letter in LETTERS else "",
        )

    def as_args(self) -> dict:
        args = {"q": self.words, "sector": self.sector, "area": self.area, "letter": self.letter}
        return {key: value for key, value in args.items() if value}


def published(filters: Filters | None = None) -> Select:
    filters = filters or Filters()
    query = (
        select(Signatory)
        .join(Signatory.organisation)
        .join(Signatory.accord_version)
        .options(contains_eager(Signatory.organisation), contains_eager(Signatory.accord_version))
        .where(Signatory.status == SignatoryStatus.published)
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    if filters.words:
        # Each word must appear somewhere in the name: "larder ludlow" finds "Ludlow Larder".
        for word in filters.words.split()[:8]:
            pattern = f"%{like_escaped(word)}%"
            query = query.where(Organisation.name.ilike(pattern, escape=LIKE_ESCAPE))
    if filters.sector:
        query = query.where(Organisation.sector == filters.sector)
    if filters.area:
        area = filters.area.upper()
        query = query.where(
            (func.upper(Organisation.town) == area) | (Organisation.outcode == area)
        )
    if filters.letter:
        query = query.where(func.upper(func.substr(Organisation.name, 1, 1)) == filters.letter)
    return query


def areas() -> list[str]:
    """Towns with at least one published signatory, for the area filter."""
    query = (
        select(Organisation.town)
        .join(Signatory, Signatory.organisation_id == Organisation.id)
        .where(Signatory.status == SignatoryStatus.published, Organisation.town != "")
        .distinct()
        .order_by(Organisation.town)
    )
    return list(db.session.scalars(query))


def version_counts() -> list[tuple[str, int]]:
    query = (
        select(AccordVersion.version, func.count(Signatory.id))
        .join(Signatory, Signatory.accord_version_id == AccordVersion.id)
        .where(Signatory.status == SignatoryStatus.published)
        .group_by(AccordVersion.version)
        .order_by(AccordVersion.version)
    )
    return [(version, count) for version, count in db.session.execute(query)]


RECORD_FIELDS = (
    "name",
    "url",
    "sector",
    "type",
    "identifier",
    "town",
    "postcode_district",
    "website",
    "accord_version",
    "signed_on",
    "identifier_verified",
    "verified_against",
)


def record(signatory: Signatory, standing: tuple[bool, str] | None = None) -> dict:
    """One signatory as open data: the organisation, never the people. `standing`: its number
    checked against a register extract (registers.standings), or None when not checked."""
    org = signatory.organisation
    verified = "" if standing is None else ("yes" if standing[0] else "no")
    return {
        "name": org.name,
        "url": absolute_url("registry.signatory", slug=org.slug),
        "sector": org.sector,
        "type": org.org_type,
        "identifier": org.identifier or "",
        "town": org.town,
        "postcode_district": org.outcode,
        "website": org.website,
        "accord_version": signatory.accord_version.version,
        "signed_on": signatory.signed_at.date().isoformat(),
        "identifier_verified": verified,
        "verified_against": standing[1] if standing else "",
    }


def export() -> dict:
    found = list(db.session.scalars(published()))
    checked = registers.standings(
        s.organisation.identifier for s in found if s.organisation.identifier
    )
    rows = [record(s, checked.get(s.organisation.identifier or "")) for s in found]
    return {
        "title": "Signatories of the Shropshire Accord",
        "publisher": "Shropshire VCS Assembly",
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "generated_at": clock.system_time().isoformat(timespec="seconds"),
        "count": len(rows),
        # What the codes in "sector" and "type" stand for: one list each, as on the site.
        "vocabularies": {
            "sector": {key.value: label for key, label in SECTOR_LABELS.items()},
            "type": dict(ORG_TYPE_LABELS),
        },
        "signatories": rows,
    }


def export_csv(data: dict) -> str:
    buffer = io.StringIO()
    fields = RECORD_FIELDS
    writer = csv.writer(buffer)
    writer.writerow([*fields, "licence", "generated_at"])
    for row in data["signatories"]:
        writer.writerow(
            [csv_cell(row[f]) for f in fields] + [data["licence"], data["generated_at"]]
        )
    return buffer.getvalue()
