"""Keeping listings current, on the `directory` blueprint (directory/views.py): the emailed
"still correct" link's pages, and the coordinator's dashboard of the oldest listings."""

from __future__ import annotations

from flask import abort, render_template, request

from accord import limits
from accord.accounts import role_required
from accord.clock import today_uk
from accord.extensions import db, limiter
from accord.models import Organisation, Role
from accord.security import token_page
from directory import buildings, freshness
from directory.freshness import checks, dashboard
from directory.freshness.forms import StillCorrectForm
from directory.views import bp


@bp.route("/check/<token>", methods=["GET", "POST"])
@limiter.limit(limits.EMAILED_LINK)
def check_listing(token: str):
    """Opening the link shows the listing and a button; only the button's POST changes it."""
    service = checks.service_for_token(token)
    if service is None:
        return token_page(render_template("directory/freshness/link_invalid.html"), 404)
    form = StillCorrectForm()
    if form.validate_on_submit():
        checks.confirm(service)
        db.session.commit()
        return token_page(
            render_template(
                "directory/freshness/checked.html",
                service=service,
                remind_months=freshness.REMIND_MONTHS,
            )
        )
    return token_page(render_template("directory/freshness/check.html", service=service, form=form))


@bp.get("/admin/upkeep")
@role_required(Role.coordinator)
def upkeep_dashboard():
    number = buildings.page_number(request.args.get("page"))
    found = dashboard.oldest_first(number, today_uk(), dashboard.PER_PAGE) if number else None
    if found is None:
        abort(404)
    return render_template(
        "directory/freshness/dashboard.html",
        found=found,
        remind_months=freshness.REMIND_MONTHS,
        stale_months=freshness.STALE_MONTHS,
    )


@bp.get("/admin/upkeep/<slug>")
@role_required(Role.coordinator)
def upkeep_organisation(slug: str):
    if "\x00" in slug or len(slug) > 200:
        abort(404)  # PostgreSQL refuses a NUL in a parameter: no such organisation
    org = db.first_or_404(db.select(Organisation).where(Organisation.slug == slug))
    return render_template(
        "directory/freshness/organisation.html",
        org=org,
        services=dashboard.listings_of(org),
        stale_before=freshness.stale_before(),
        remind_by=freshness.remind_by(),
        stale_months=freshness.STALE_MONTHS,
    )
