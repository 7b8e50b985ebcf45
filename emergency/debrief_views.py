"""The debrief page and CSV, and the hourly value of volunteers' time (on the emergency
blueprint, which views.py defines)."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from accord import audit
from accord.accounts import role_required
from accord.extensions import db
from accord.models import Role
from emergency import debrief, hours, incidents
from emergency.forms import RateForm
from emergency.views import bp, incident_or_404


@bp.get("/emergency/incidents/<int:incident_id>/debrief")
@role_required(Role.cvec)
def debrief_page(incident_id: int):
    record = incident_or_404(incident_id)
    pence = record.hour_rate_pence
    rate = None if pence is None else Decimal(pence) / 100
    return _page(record, RateForm(formdata=None, rate=rate))


def _page(record, form: RateForm, status: int = 200):
    report = debrief.build(record)
    page = render_template("emergency/debrief.html", report=report, form=form, pounds=hours.pounds)
    return page, status


@bp.get("/emergency/incidents/<int:incident_id>/debrief.csv")
@role_required(Role.cvec)
def debrief_csv(incident_id: int):
    record = incident_or_404(incident_id)
    report = debrief.build(record)
    name = f"debrief-incident-{record.id}-{report.at:%Y%m%d-%H%M}.csv"
    return Response(
        debrief.to_csv(report),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/emergency/incidents/<int:incident_id>/hour-rate")
@role_required(Role.cvec)
def hour_rate(incident_id: int):
    record = incident_or_404(incident_id)
    form = RateForm()
    if not form.validate_on_submit() or form.rate.data is None:
        return _page(record, form, 400)
    record.hour_rate_pence = round(form.rate.data * 100)
    value = hours.pounds(record.hour_rate_pence)
    incidents.log(record, "note", f"Volunteers' hours valued at {value} an hour", current_user.id)
    audit.record("incident.hour_rate", "incident", record.id, actor_id=current_user.id)
    db.session.commit()
    flash(f"Volunteers' hours are now valued at {value} an hour.")
    return redirect(url_for("emergency.debrief_page", incident_id=record.id))
