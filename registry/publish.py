"""Publish a version of the Accord from its Markdown file into the database."""

from pathlib import Path

from sqlalchemy import func, select

from accord import audit
from accord.extensions import db
from registry.content import parse
from registry.models import AccordSection, AccordVersion
from registry.signatories.models import Signatory, SignatoryStatus

CONTENT = Path(__file__).resolve().parent / "content"


def publish(text: str, version: str | None = None) -> AccordVersion:
    """Create (or refresh, if re-run) the version's sections; the caller commits."""
    accord = parse(text)
    version = version or accord.meta["version"]
    record = db.session.scalar(select(AccordVersion).where(AccordVersion.version == version))
    if record is None:
        record = AccordVersion(version=version, title=accord.meta["title"])
        db.session.add(record)
    record.title = accord.meta["title"]
    record.subtitle = accord.meta.get("subtitle", "")
    record.authors = accord.meta.get("authors", "")
    record.source = accord.meta.get("source", "")
    record.sections.clear()
    db.session.flush()
    for position, section in enumerate(accord.sections):
        record.sections.append(
            AccordSection(
                position=position,
                kind=section.kind,
                number=section.number,
                slug=section.slug,
                title=section.title,
                body_md=section.body_md,
                body_html=section.body_html,
            )
        )
    db.session.flush()
    audit.record("accord.published", "accord_version", record.id, details={"version": version})
    return record


def current_version() -> AccordVersion | None:
    return db.session.scalar(
        select(AccordVersion).order_by(AccordVersion.published_at.desc(), AccordVersion.id.desc())
    )


def all_versions() -> list[AccordVersion]:
    return list(
        db.session.scalars(
            select(AccordVersion).order_by(
                AccordVersion.published_at.desc(), AccordVersion.id.desc()
            )
        )
    )


def version_named(version: str) -> AccordVersion | None:
    return db.session.scalar(select(AccordVersion).where(AccordVersion.version == version))


def published_count() -> int:
    query = select(func.count(Signatory.id)).where(Signatory.status == SignatoryStatus.published)
    return db.session.scalar(query) or 0
