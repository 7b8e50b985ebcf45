"""The register import at the real extract's size: a Charity Commission register extract of
400,000 charities (and 20,000 linked ones, left out) in the published layout, loaded by
`flask registry import-register` on SQLite and PostgreSQL, twice (the second run is the
idempotent re-import, which updates every row in place). Issue 22 asks for under two minutes.

    PYTHONPATH=. .venv/bin/python -m bench.register_import
    BENCH_POSTGRES_URL=postgresql+psycopg://postgres@127.0.0.1/bench_db \\
        PYTHONPATH=. .venv/bin/python -m bench.register_import      # and PostgreSQL (wiped)
"""

from __future__ import annotations

import os
import random
import resource
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from accord import create_app
from accord.extensions import db

CHARITIES = int(os.environ.get("BENCH_REGISTER_ROWS", "400000"))
COLUMNS = [
    "date_of_extract",
    "organisation_number",
    "registered_charity_number",
    "linked_charity_number",
    "charity_name",
    "charity_type",
    "charity_registration_status",
    "date_of_registration",
    "date_of_removal",
    "charity_reporting_status",
    "latest_acc_fin_period_start_date",
    "latest_acc_fin_period_end_date",
    "latest_income",
    "latest_expenditure",
    "charity_contact_address1",
    "charity_contact_address2",
    "charity_contact_address3",
    "charity_contact_address4",
    "charity_contact_address5",
    "charity_contact_postcode",
    "charity_contact_phone",
    "charity_contact_email",
    "charity_contact_web",
    "charity_company_registration_number",
    "charity_insolvent",
    "charity_in_administration",
    "charity_previously_excepted",
    "charity_is_cdf_or_cif",
    "charity_is_cio",
    "cio_is_dissolved",
    "date_cio_dissolution_notice",
    "charity_activities",
    "charity_gift_aid",
    "charity_has_land",
]
WORDS = [
    "community",
    "trust",
    "friends",
    "of",
    "the",
    "village",
    "hall",
    "parish",
    "church",
    "foundation",
    "relief",
    "in",
    "need",
    "youth",
    "club",
    "scouts",
    "guides",
    "food",
    "bank",
    "larder",
    "carers",
    "support",
    "society",
    "association",
    "memorial",
    "fund",
    "hospice",
    "education",
    "arts",
    "music",
    "heritage",
    "sports",
    "allotment",
    "school",
    "parents",
]


def extract(path: Path, charities: int) -> None:
    """A file shaped like the real one: every column, long activity texts, linked charities
    after one in twenty main ones, a tenth removed."""
    pick = random.Random(17)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        out.write("\t".join(COLUMNS) + "\r\n")
        organisation = 0
        for n in range(charities):
            number = 200000 + n
            links = 1 if n % 20 == 0 else 0
            for linked in range(links + 1):
                organisation += 1
                name = " ".join(pick.choice(WORDS) for _ in range(pick.randint(2, 6))).upper()
                removed = pick.random() < 0.1
                values = dict.fromkeys(COLUMNS, "")
                values.update(
                    date_of_extract="2026-11-30 00:00:00",
                    organisation_number=str(organisation),
                    registered_charity_number=str(number),
                    linked_charity_number=str(linked),
                    charity_name=name,
                    charity_registration_status="Removed" if removed else "Registered",
                    charity_contact_postcode="SY1 1AA",
                    charity_activities=" ".join(pick.choice(WORDS) for _ in range(40)),
                )
                out.write("\t".join(values[c] for c in COLUMNS) + "\r\n")


def one(url: str, path: Path) -> list[tuple[str, float, float, int]]:
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    from registry.signatories import registers
    from registry.signatories.models import RegisterEntry

    rows = []
    with app.app_context():
        upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
        for run in ("first import", "the same file again"):
            wall, cpu = time.perf_counter(), time.process_time()
            written, _ = registers.import_file("charity-commission", path)
            rows.append((run, time.perf_counter() - wall, time.process_time() - cpu, written))
        total = db.session.scalar(select(func.count()).select_from(RegisterEntry))
        assert total == CHARITIES, total
        db.engine.dispose()
    return rows


def run() -> str:
    """The section of `make bench`'s table (BENCH_POSTGRES_URL's database is wiped)."""
    from tests.conftest import reset_postgresql

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "publicextract.charity.txt"
        extract(path, CHARITIES)
        size = path.stat().st_size / 1024 / 1024
        out = f"\n### Register import: {CHARITIES:,} charities, {size:.0f} MB extract\n\n"
        out += "| engine | run | wall s | CPU s (this process) | rows written |\n"
        out += "|---|---|---:|---:|---:|\n"
        engines = [("SQLite", f"sqlite:///{Path(folder) / 'registers.db'}")]
        if postgres := os.environ.get("BENCH_POSTGRES_URL"):
            reset_postgresql(postgres)
            engines.append(("PostgreSQL", postgres))
        for name, url in engines:
            for step, wall, cpu, written in one(url, path):
                out += f"| {name} | {step} | {wall:.1f} | {cpu:.1f} | {written:,} |\n"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out + f"\nPeak memory {peak:.0f} MB; load average {os.getloadavg()[0]:.1f}.\n"


if __name__ == "__main__":
    print(run())
