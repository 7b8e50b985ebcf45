"""Registry demo data: the Accord 2025 text and published signatories."""

from datetime import datetime, timedelta

from sqlalchemy import select

from accord import demo
from accord.extensions import db
from accord.models import Organisation
from registry.models import Signatory, SignatoryStatus
from registry.publish import CONTENT, publish, version_named

# Organisations in the demo that have not signed (yet): the list has gaps, as real ones do.
NOT_SIGNED = {"marches-employment-partnership", "oswestry-community-pantry"}
FIRST_SIGNING = datetime(2025, 3, 6, 10, 0)


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
                signer_name="Demo signer",
                signer_position="Chief Officer",
                signer_email=f"signer@{org.slug}.demo.example.org",
                lead_name="Demo Accord lead",
                lead_email=f"accord-lead@{org.slug}.demo.example.org",
                signed_at=when,
                published_at=when + timedelta(days=2),
            )
        )
        added += 1
    db.session.commit()
    lines.append(f"{added} new published signatories")
    return lines


demo.register(20, "the Accord and its signatories", load)
