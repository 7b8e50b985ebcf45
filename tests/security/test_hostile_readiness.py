"""The sweep for readiness and training: hostile strings through a hub's readiness check,
CVEC's reminder button and the training form; wherever the text shows (the readiness page,
the volunteer's record, CVEC's list) it is escaped, and no answer is a 500."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import OutboxMessage, Role
from emergency.readiness.models import HubReadiness, VolunteerTraining
from tests import hostile
from tests.emergency import data
from tests.security.test_hostile_forms import checked, clean, sign_in, submit
from tests.security.test_hostile_rest import LONG, ODD

ALL = ["keyholders", "capacity", "facilities"]


def test_readiness_check_reminders_and_training(app, client, make):
    organisation = make.organisation(name=hostile.SCRIPTS[1])
    hub = data.hub(location=make.location(name=hostile.SCRIPTS[0]), organisation=organisation)
    make.user(role=Role.member, organisation=organisation, email="trust@example.org")
    member = sign_in(app.test_client(), make, Role.member, organisation=organisation)
    at = f"/emergency/hubs/{hub.id}/readiness"
    for text in hostile.STORABLE:
        clean(submit(member, at, {"checks": ALL, "note": text}), "readiness note")
    for text in ODD:
        clean(submit(member, at, {"checks": text, "note": "Fine"}), "readiness checks")
    for text in (LONG, hostile.NUL, hostile.JAVASCRIPT_URL):
        clean(submit(member, at, {"checks": ALL, "note": text}), "readiness long")
    assert db.session.scalar(select(func.count(HubReadiness.id)))
    checked(member, [at], shows=("__pwned",))
    checked(member, [f"/emergency/hubs/{hub.id}"], shows=("__pwned",))  # the hub's name

    # CVEC's list and its one button: nothing it reads but the token; hostile names escaped.
    cvec = sign_in(app.test_client(), make, Role.cvec)
    data.hub(location=make.location(name=hostile.SCRIPTS[2]), organisation=organisation)
    checked(cvec, ["/emergency/readiness"], shows=("__pwned",))
    remind = "/emergency/readiness/remind"
    for text in ODD:
        response = submit(cvec, remind, {"submit": text}, form_path="/emergency/readiness")
        clean(response, "readiness remind")
    assert db.session.scalars(select(OutboxMessage.to)).all()  # plain text: nothing to escape

    volunteer = data.volunteer()
    training = f"/emergency/volunteers/{volunteer.id}/training"
    done = today_uk() - timedelta(days=10)
    day = [str(done.day), str(done.month), str(done.year)]
    for text in hostile.STORABLE:
        answers = {"course": "other", "detail": text, "completed_on": day, "expires_on": ""}
        clean(submit(cvec, training, answers), "training detail")
    for text in ODD:
        clean(submit(cvec, training, {"course": text, "completed_on": day}), "training course")
        answers = {"course": "first_aid", "completed_on": [text, text, text]}
        clean(submit(cvec, training, answers), "training date")
        clean(submit(cvec, training, {"course": "first_aid", "completed_on": text}), "one box")
    for text in (LONG, hostile.NUL):
        answers = {"course": "other", "detail": text, "completed_on": day}
        clean(submit(cvec, training, answers), "training long")
    assert db.session.scalar(select(func.count(VolunteerTraining.id)))
    checked(cvec, [training, f"/emergency/volunteers/{volunteer.id}"], shows=("__pwned",))
