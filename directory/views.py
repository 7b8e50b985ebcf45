"""The directory's pages: search, services, community buildings and the signposting list."""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from accord.extensions import db, limiter
from accord.geo import ACCESSIBILITY, ATTRIBUTION, FACILITIES
from accord.models import Location
from directory import query as query_form
from directory import schedules, search, signposting, taxonomy
from directory.models import (
    ACCESS_ROUTES,
    CAPACITY_LABELS,
    Review,
    Service,
    ServiceAtLocation,
)

bp = Blueprint("directory", __name__, url_prefix="/directory")

LIST_KEY = "signposting"
STALE_AFTER = timedelta(days=365)


def service_count() -> int:
    query = select(func.count(Service.id)).where(Service.review == Review.published)
    return db.session.scalar(query) or 0


def building_count() -> int:
    return db.session.scalar(select(func.count(Location.id))) or 0


@functools.lru_cache(maxsize=4)
def closures(year: int) -> frozenset[date]:
    return schedules.bank_holidays([year, year + 1])


def _list() -> list[str]:
    return list(session.get(LIST_KEY, []))


def _common() -> dict:
    return {
        "capacity_labels": CAPACITY_LABELS,
        "routes": ACCESS_ROUTES,
        "stale_before": date.today() - STALE_AFTER,
        "in_list": set(_list()),
        "attribution": ATTRIBUTION,
    }


@bp.get("")
def index():
    needs = taxonomy.needs()
    query, errors, page = query_form.parse(request.args, {t.code for t in needs})
    searched = any(
        request.args.get(key) for key in ("q", "need", "where", "when", "free", "age", "access")
    )
    results = search.run(query) if searched else None
    hits = results.hits if results else []
    pages = max(1, -(-len(hits) // search.PER_PAGE))
    if page > pages:
        errors.setdefault("page", "That page does not exist; showing the first page")
        page = 1
    shown = hits[(page - 1) * search.PER_PAGE : page * search.PER_PAGE]
    args = {key: request.args.getlist(key) for key in request.args if key != "page"}
    return render_template(
        "directory/index.html",
        query=query,
        errors=errors,
        needs=needs,
        radii=search.RADII,
        days=schedules.DAYS,
        access_features=ACCESSIBILITY,
        results=results,
        shown=shown,
        page=page,
        pages=pages,
        args=args,
        buildings=None if searched else _buildings(),
        **_common(),
    )


def _buildings() -> list[Location]:
    return list(
        db.session.scalars(
            select(Location)
            .where(Location.review == "published")
            .order_by(Location.town, Location.name)
        )
    )


@bp.get("/services/<int:service_id>")
def service(service_id: int):
    record = db.session.get(Service, service_id)
    if record is None or record.review != Review.published:
        abort(404)
    now = datetime.now()
    rules = search.rules_of(record)
    return render_template(
        "directory/service.html",
        service=record,
        week=schedules.week_for(rules, now.date(), closures(now.year)),
        hours=schedules.describe(rules),
        unreadable=[s.description for s in record.schedules if s.description],
        open_now=schedules.is_open(rules, now, closures(now.year)) if rules else None,
        access=ACCESSIBILITY,
        **_common(),
    )


@bp.get("/places/<int:place_id>")
def place(place_id: int):
    building = db.session.get(Location, place_id)
    if building is None:
        abort(404)
    delivered = db.session.scalars(
        select(Service)
        .join(ServiceAtLocation)
        .where(ServiceAtLocation.location_id == building.id, Service.review == Review.published)
        .order_by(Service.name)
    ).all()
    return render_template(
        "directory/place.html",
        place=building,
        services=delivered,
        access=[ACCESSIBILITY.get(key, key) for key in building.accessibility],
        facilities=[FACILITIES.get(key, key) for key in building.facilities],
        **_common(),
    )


# --- the signposting list -------------------------------------------------------------------


@bp.get("/list")
def signposting_list():
    items = signposting.services(_list())
    share = url_for("directory.shared_list", token=signposting.share_token(_list()), _external=True)
    return render_template(
        "directory/list.html",
        items=items,
        share=share if items else None,
        qr=signposting.qr_data_uri(share) if items else None,
        **_common(),
    )


@bp.post("/list")
@limiter.limit("120 per minute")
def change_list():
    action, item = request.form.get("action", ""), request.form.get("service", "")
    items = _list()
    if action == "add":
        if not signposting.services([item]):
            abort(404)
        if len(items) >= signposting.MAX_ITEMS:
            flash(f"A list can hold {signposting.MAX_ITEMS} services. Remove one to add another.")
        items = signposting.add(items, item)
    elif action == "remove":
        items = signposting.remove(items, item)
    elif action in ("up", "down"):
        items = signposting.move(items, item, -1 if action == "up" else 1)
    elif action == "clear":
        items = []
    else:
        abort(400)
    session[LIST_KEY] = items
    target = request.form.get("back") or ""
    if target.startswith("/directory") and "//" not in target:
        return redirect(target)
    return redirect(url_for("directory.signposting_list"))


@bp.get("/list/print")
def print_list():
    return render_template(
        "directory/list_print.html", items=signposting.services(_list()), **_common()
    )


@bp.get("/list/shared/<token>")
def shared_list(token: str):
    items = signposting.from_token(token)
    if items is None:
        abort(404)
    return render_template(
        "directory/list_print.html", items=signposting.services(items), shared=True, **_common()
    )
