"""The sweep for community buildings (issue 21): hostile strings through the building form
(new and edit), its check page, the coordinator's decision and revert. Wherever the text shows
— the check page and its map, the member's list, the coordinator's pages, the public page,
its map and the town's list — it is escaped."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select

from accord.extensions import db
from accord.models import Location, Organisation, Review, Role
from directory.places.models import LocationRevision
from tests import hostile
from tests.directory.places.journey import ANSWERS
from tests.security.test_hostile_forms import checked, clean, rounds, sign_in, submit
from tests.security.test_hostile_rest import LONG, ODD

TEXTS = ["name", "description", "address", "town", "opening_hours", "booking"]
CHOICES = ["postcode", "booking_contact", "capacity", "owner", "hub_ready", "bookable"]
CHOICES += ["accessibility", "facilities", "booking_contact_public"]


def test_building_form_check_decision_and_revert(app, make):
    org = make.organisation()
    member = make.user(role=Role.member, organisation=org, email="hall@example.org")
    client = app.test_client()
    client.sign_in(member.email, "correct horse battery staple")
    new = f"/directory/manage/buildings/new/{org.slug}"
    for texts in rounds(TEXTS):
        response = submit(client, new, {**ANSWERS, **texts, "town": "Pontesbury"})
        assert response.status_code == 302, texts
        checked(client, [response.location, response.location.replace("check", "map")])
        assert submit(client, response.location, {}).status_code == 302
    for name in CHOICES:
        for text in ODD:
            clean(submit(client, new, {**ANSWERS, name: text}), f"new {name}")
    for name in TEXTS:
        for text in (LONG, hostile.NUL, hostile.HUGE[:20000]):
            clean(submit(client, new, {**ANSWERS, name: text}), f"new long {name}")
    checked(client, ["/directory/manage/buildings"], shows=("__pwned",))
    for change in ("99999999999", "-1", "abc", hostile.SCRIPTS[0]):
        checked(client, [f"{new}?change={quote(change)}"])

    coordinator = sign_in(app.test_client(), make, Role.coordinator)
    queue = "/admin/directory/buildings"
    checked(coordinator, [queue], shows=("__pwned",))
    places = db.session.scalars(select(Location).order_by(Location.id)).all()
    checked(coordinator, [f"{queue}/{place.id}" for place in places])
    checked(coordinator, [f"{queue}/{places[0].id}"], shows=("__pwned",))
    checked(coordinator, [f"{queue}/{place.id}/map" for place in places])
    for text in ODD:
        clean(submit(coordinator, f"{queue}/{places[0].id}", {"decision": text}), "buildings")
    for place in places:
        submit(coordinator, f"{queue}/{place.id}", {"decision": "publish"})
    db.session.expire_all()
    assert {p.review for p in places} == {Review.published}
    public = app.test_client()
    for place in places:
        checked(public, [f"/directory/places/{place.id}", f"/directory/places/{place.id}/map"])
    assert "__pwned" in public.get(f"/directory/places/{places[0].id}").get_data(as_text=True)
    checked(public, ["/directory", "/directory/buildings?town=Pontesbury"])

    # Edits of a published building, then their revert, with the same strings.
    edit = f"/directory/manage/buildings/{places[0].id}/edit"
    for texts in rounds(TEXTS):
        response = submit(client, edit, {**ANSWERS, **texts})
        assert response.status_code == 302, texts
        assert submit(client, response.location, {"submit": texts["name"]}).status_code == 302
    for text in ODD:
        clean(submit(client, edit, {**ANSWERS, "postcode": text}), "edit")
    checked(coordinator, [queue], shows=("__pwned",))
    revision = db.session.scalars(select(LocationRevision).order_by(LocationRevision.id)).first()
    assert revision is not None
    revert = f"{queue}/revisions/{revision.id}/revert"
    for text in ODD:
        clean(submit(coordinator, revert, {"submit": text}), "revert")
    checked(coordinator, [queue])
    checked(public, [f"/directory/places/{places[0].id}"])
    assert db.session.get(Organisation, org.id) is not None
