"""Emergency pages: CVEC's coordination page (cvec, admin) and the public help page."""

from flask import Blueprint, render_template

from accord.accounts import role_required
from accord.models import Role

bp = Blueprint("emergency", __name__)


@bp.get("/emergency")
@role_required(Role.cvec)
def index():
    return render_template("emergency/index.html")


@bp.get("/help")
def help_page():
    return render_template("emergency/help.html")
