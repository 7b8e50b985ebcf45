"""The badge's addresses (on the registry blueprint): the page a signatory's members copy it
from, the images partners' websites load, and the link behind them."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_login import current_user

from accord.links import absolute_url
from registry.signatories import badge
from registry.signatories.views import _manages, _signatory
from registry.views import bp

# Partners' pages load the image on every visit: browsers and proxies keep it for an hour,
# so a withdrawal shows within the hour without every visit reaching us.
CACHE = "public, max-age=3600"


def _badge(slug: str) -> badge.Badge:
    found = badge.for_organisation(slug)
    if found is None:
        abort(404)
    return found


@bp.get("/signatories/<slug>/badge")
def badge_page(slug: str):
    """The badge, its alt text, the two images and the snippet: for the organisation's members."""
    if not current_user.is_authenticated:
        return redirect(url_for("core.sign_in", next=request.path))
    record = _signatory(slug)
    if not _manages(record.organisation):
        abort(403)
    found = _badge(slug)
    link = absolute_url("registry.badge_link", slug=slug)
    image = absolute_url("registry.badge_svg", slug=slug)
    return render_template(
        "registry/signatories/badge.html",
        signatory=record,
        badge=found,
        snippet=badge.snippet(link, image, found),
        alt=badge.snippet_alt(found),
        png=absolute_url("registry.badge_png", slug=slug),
        svg=image,
    )


@bp.get("/signatories/<slug>/badge.svg")
def badge_svg(slug: str):
    response = Response(badge.svg(_badge(slug)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = CACHE
    # Loaded by other sites' pages. The app's policy (accord/security.py) applies: opened as a
    # document, the SVG runs nothing; it holds no script anyway, and every word is escaped.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/signatories/<slug>/badge.png")
def badge_png(slug: str):
    response = Response(badge.png(_badge(slug)), mimetype="image/png")
    response.headers["Cache-Control"] = CACHE
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@bp.get("/signatories/<slug>/badge-link")
def badge_link(slug: str):
    """Where the badge's link leads: the signatory's profile while it is one; the Accord
    itself once it has withdrawn."""
    if _badge(slug).signed:
        return redirect(url_for("registry.signatory", slug=slug))
    return redirect(url_for("registry.accord"))
