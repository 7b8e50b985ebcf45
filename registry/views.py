"""The Accord's text and the published list of signatories."""

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from accord.extensions import db
from accord.models import SECTOR_LABELS, Organisation
from registry.models import Signatory, SignatoryStatus
from registry.publish import all_versions, current_version, version_named

bp = Blueprint("registry", __name__)

PER_PAGE = 20


@bp.get("/accord")
def accord():
    version = current_version()
    if version is None:
        abort(404)
    return render_template(
        "registry/accord.html", version=version, versions=all_versions(), current=True
    )


@bp.get("/accord/versions/<version>")
def accord_version(version: str):
    record = version_named(version)
    if record is None:
        abort(404)
    latest = current_version()
    return render_template(
        "registry/accord.html",
        version=record,
        versions=all_versions(),
        current=latest is not None and latest.id == record.id,
    )


@bp.get("/signatories")
def signatories():
    words = (request.args.get("q") or "").strip()[:100]
    sector = request.args.get("sector") or ""
    query = (
        select(Signatory)
        .join(Signatory.organisation)
        .options(contains_eager(Signatory.organisation))
        .where(Signatory.status == SignatoryStatus.published)
        .order_by(Organisation.name)
    )
    if words:
        query = query.where(Organisation.name.ilike(f"%{words}%"))
    if sector in SECTOR_LABELS:
        query = query.where(Organisation.sector == sector)
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template(
        "registry/signatories.html", page=page, words=words, sector=sector, sectors=SECTOR_LABELS
    )


@bp.get("/signatories/<slug>")
def signatory(slug: str):
    record = db.session.scalar(
        select(Signatory)
        .join(Signatory.organisation)
        .where(Organisation.slug == slug, Signatory.status == SignatoryStatus.published)
    )
    if record is None:
        abort(404)
    return render_template("registry/signatory.html", signatory=record)
