"""The Accord's own pages: the current text by theme and its earlier versions.

The `registry` blueprint is defined here; the signatories feature adds its pages (signing up,
the published list) to the same blueprint so their endpoint names stay `registry.…`."""

from flask import Blueprint, abort, render_template

from registry.pages import published_accord
from registry.publish import all_versions, current_version, version_named

bp = Blueprint("registry", __name__)


@bp.get("/accord")
def accord():
    return render_template(
        "registry/accord.html", version=published_accord(), versions=all_versions(), current=True
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
