"""Verified organisations: the public registers' extracts loaded (`flask registry
import-register`), and a sign-up's charity or company number checked against them.

- The Charity Commission for England and Wales's register extract, `publicextract.charity.txt`:
  tab-separated, a header row, one row a charity and one for each linked charity (only the
  main charities, `linked_charity_number` 0, are kept); `charity_registration_status` is
  "Registered" or "Removed"; `date_of_extract` dates it.
- Companies House's basic company data (`BasicCompanyDataAsOneFile-YYYY-MM-DD.csv`): a CSV
  whose header names have stray spaces (" CompanyNumber"); `CompanyStatus` is "Active",
  "Dissolved", "Liquidation" …; the file's name dates it.

The files are read as a stream and written in batches (the charity extract is about 400,000
rows): an upsert on (register, number), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from accord.clock import today_uk
from accord.extensions import db
from registry.signatories.models import RegisterEntry

CHARITY_COMMISSION = "charity-commission"
COMPANIES_HOUSE = "companies-house"
REGISTERS = (CHARITY_COMMISSION, COMPANIES_HOUSE)
BATCH = 5000
# Which register an org-id's scheme is checked against (Scotland's and Northern Ireland's
# charity regulators publish their own registers, not loaded here).
SCHEMES = {"GB-CHC": CHARITY_COMMISSION, "GB-COH": COMPANIES_HOUSE}


class RegisterError(ValueError):
    """The file is not in the register's published layout; the message says what is wrong."""


@dataclass(frozen=True)
class Row:
    number: str
    name: str
    status: str


def _day(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text[:10], pattern).date()
        except ValueError:
            continue
    return None


def _charities(lines: Iterable[str]) -> tuple[Iterator[Row], list[date]]:
    # The extract quotes nothing: a quote mark in a charity's name is just a character.
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    needed = {"registered_charity_number", "linked_charity_number", "charity_name"}
    if not needed <= set(reader.fieldnames or []):
        raise RegisterError(f"not the Charity Commission's extract: it needs {sorted(needed)}")
    dated: list[date] = []

    def rows() -> Iterator[Row]:
        for raw in reader:
            if (raw.get("linked_charity_number") or "0").strip() != "0":
                continue
            if not dated and (day := _day(raw.get("date_of_extract") or "")):
                dated.append(day)
            registered = (raw.get("charity_registration_status") or "").strip() == "Registered"
            yield Row(
                (raw["registered_charity_number"] or "").strip(),
                (raw["charity_name"] or "").strip(),
                "active" if registered else "removed",
            )

    return rows(), dated


def _companies(lines: Iterable[str]) -> Iterator[Row]:
    reader = csv.reader(lines)
    header = [name.strip() for name in next(reader, [])]
    if not {"CompanyName", "CompanyNumber", "CompanyStatus"} <= set(header):
        raise RegisterError("not Companies House's basic company data: no CompanyNumber column")
    at = {name: n for n, name in enumerate(header)}
    for raw in reader:
        if len(raw) < len(header):
            continue
        status = raw[at["CompanyStatus"]].strip()
        yield Row(
            raw[at["CompanyNumber"]].strip().upper(),
            raw[at["CompanyName"]].strip(),
            "active" if status == "Active" else status.lower() or "unknown",
        )


def _upsert(register: str, batch: list[Row], extract: date) -> None:
    values = [
        {
            "register": register,
            "number": row.number[:20],
            "name": row.name[:300],
            "status": row.status[:40],
            "extract_date": extract,
        }
        for row in batch
        if row.number
    ]
    if values:
        # One statement, its values sent as many (compiled once, not 25,000 parameters a
        # batch: that took three times as long).
        db.session.execute(_upsert_statement(), values)


def _upsert_statement() -> Any:
    insert: Any = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(RegisterEntry.__table__)
    return statement.on_conflict_do_update(
        index_elements=["register", "number"],
        set_={key: statement.excluded[key] for key in ("name", "status", "extract_date")},
    )


def import_file(register: str, path: Path, extract: date | None = None) -> tuple[int, date]:
    """Load a register's extract: (rows written, the extract's date: given, else the file's
    own, else its name's, else today). Committed a batch at a time, so a crash part-way
    leaves what was read, and running it again finishes the job."""
    if register not in REGISTERS:
        raise RegisterError(f"unknown register {register!r}: one of {', '.join(REGISTERS)}")
    named = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)

    def when(dated: list[date]) -> date:
        found = extract or (dated[0] if dated else None)
        return found or (_day(named.group(1)) if named else None) or today_uk()

    dated: list[date] = []
    written = 0
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as lines:
        if register == CHARITY_COMMISSION:
            rows, dated = _charities(lines)
        else:
            rows = _companies(lines)
        batch: list[Row] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                _upsert(register, batch, when(dated))
                db.session.commit()
                written, batch = written + len(batch), []
        _upsert(register, batch, when(dated))
        db.session.commit()
    return written + len(batch), when(dated)


# --- checking a number ----------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    register: str
    state: str  # active | removed | dissolved | … | not_found
    number: str
    name: str = ""  # the register's name for it
    names_match: bool = True
    extract_date: date | None = None

    @property
    def verified(self) -> bool:
        return self.state == "active"


def _simple(name: str) -> str:
    """A name for comparing: case, punctuation, "the" and the usual endings ignored."""
    words = re.findall(r"[a-z0-9]+", name.lower().replace("&", " and "))
    ending = {"ltd", "limited", "cio", "cic", "plc", "the"}
    return " ".join(word for word in words if word not in ending)


def check(identifier: str | None, name: str) -> Verdict | None:
    """The number in an org-id checked against its register; None when there is no number,
    its register is not one we load, or that register has never been loaded."""
    if not identifier:
        return None
    scheme, _, number = identifier.rpartition("-")
    register = SCHEMES.get(scheme)
    if register is None:
        return None
    loaded = db.session.scalar(
        select(func.max(RegisterEntry.extract_date)).where(RegisterEntry.register == register)
    )
    if loaded is None:
        return None
    entry = db.session.scalar(
        select(RegisterEntry).where(
            RegisterEntry.register == register, RegisterEntry.number == number.upper()
        )
    )
    if entry is None:
        return Verdict(register, "not_found", number, extract_date=loaded)
    return Verdict(
        register,
        entry.status,
        number,
        entry.name,
        _simple(entry.name) == _simple(name),
        entry.extract_date,
    )


def standings(identifiers: Iterable[str]) -> dict[str, tuple[bool, str]]:
    """For open data, many at once: org-id → (verified, "<register> <extract date>") for each
    identifier whose register is loaded; the others are left out (not checked)."""
    wanted: dict[str, dict[str, str]] = {}
    for identifier in identifiers:
        scheme, _, number = identifier.rpartition("-")
        if (register := SCHEMES.get(scheme)) is not None:
            wanted.setdefault(register, {})[number.upper()] = identifier
    found: dict[str, tuple[bool, str]] = {}
    for register, numbers in wanted.items():
        loaded = db.session.scalar(
            select(func.max(RegisterEntry.extract_date)).where(RegisterEntry.register == register)
        )
        if loaded is None:
            continue
        entries = db.session.execute(
            select(RegisterEntry.number, RegisterEntry.status, RegisterEntry.extract_date).where(
                RegisterEntry.register == register, RegisterEntry.number.in_(list(numbers))
            )
        )
        seen = {number: (status, day) for number, status, day in entries}
        for number, identifier in numbers.items():
            status, day = seen.get(number, ("not_found", loaded))
            found[identifier] = (status == "active", f"{register} {day.isoformat()}")
    return found
