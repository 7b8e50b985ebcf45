"""The directory's pages. Search over services arrives with the directory work; buildings now."""

from flask import Blueprint, abort, render_template
from sqlalchemy import func, select

from accord.extensions import db
from accord.geo import ACCESSIBILITY, ATTRIBUTION, FACILITIES
from accord.models import Location

bp = Blueprint("directory", __name__, url_prefix="/directory")


def building_count() -> int:
    return db.session.scalar(select(func.count(Location.id))) or 0


@bp.get("")
def index():
    buildings = db.session.scalars(select(Location).order_by(Location.town, Location.name)).all()
    return render_template("directory/index.html", buildings=buildings)


@bp.get("/places/<int:place_id>")
def place(place_id: int):
    building = db.session.get(Location, place_id)
    if building is None:
        abort(404)
    return render_template(
        "directory/place.html",
        place=building,
        access=[ACCESSIBILITY.get(key, key) for key in building.accessibility],
        facilities=[FACILITIES.get(key, key) for key in building.facilities],
        attribution=ATTRIBUTION,
    )
