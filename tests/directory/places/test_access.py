"""Who reaches the building pages: signed-out visitors sign in; a member manages only their own
organisation's buildings and drafts; frontline workers none; the coordinator edits any
building and decides new ones, but adds none (they have no organisation's list)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from accord.extensions import db
from accord.models import Role
from directory.places.models import LocationDraft
from tests.directory.places.journey import BASE, add, fill, member_of, signed_in

VISITORS = ["anonymous", "other member", "frontline", "coordinator", "own member"]
# path template → who gets a 200 (everyone else signed in gets 403, or 404 for a draft that
# is not theirs)
ROUTES = {
    BASE: {"other member", "own member"},
    BASE + "/new/{slug}": {"own member"},
    BASE + "/{pending}/edit": {"coordinator", "own member"},
    BASE + "/{published}/edit": {"coordinator", "own member"},
    BASE + "/{published}/saved": {"coordinator", "own member"},
    BASE + "/drafts/{draft}/check": set(),
    BASE + "/drafts/{draft}/map": set(),
    "/admin/directory/buildings": {"coordinator"},
    "/admin/directory/buildings/{pending}": {"coordinator"},
    "/admin/directory/buildings/{pending}/map": {"coordinator"},
}
DRAFTS = "/drafts/"


@pytest.fixture
def county(app, make):
    """An organisation with a pending and a published building and a member's draft."""
    owner = app.test_client()
    _, org = member_of(owner, make, email="owner@example.org")
    published = add(owner, org, name="Published Hall")
    published.review = "published"
    db.session.commit()
    pending = add(owner, org, name="Pending Hall")
    fill(owner, f"{BASE}/new/{org.slug}")
    draft = db.session.scalars(select(LocationDraft)).one()
    return {
        "slug": org.slug,
        "pending": pending.id,
        "published": published.id,
        "draft": draft.id,
        "org": org,
    }


@pytest.mark.parametrize("visitor", VISITORS)
def test_role_matrix(client, make, county, visitor):
    if visitor == "own member":
        member_of(client, make, county["org"], email="second@example.org")
    elif visitor == "other member":
        member_of(client, make)
    elif visitor != "anonymous":
        signed_in(client, make, Role.coordinator if visitor == "coordinator" else Role.frontline)
    for template, allowed in ROUTES.items():
        path = template.format(**county)
        status = client.get(path).status_code
        if visitor == "anonymous":
            expected = 302
        elif visitor in allowed:
            expected = 200
        elif DRAFTS in path and visitor in ("coordinator", "own member", "other member"):
            expected = 404  # a draft is its author's alone
        else:
            expected = 403
        if visitor == "own member" and DRAFTS in path:
            expected = 404  # another member of the same organisation: still not theirs
        assert status == expected, (path, visitor, status)


def test_the_drafts_author_reaches_it(app, make, county):
    owner = app.test_client()
    owner.sign_in("owner@example.org", "correct horse battery staple")
    assert owner.get(f"{BASE}/drafts/{county['draft']}/check").status_code == 200
    assert owner.get(f"{BASE}/drafts/{county['draft']}/map").status_code == 200


def test_a_coordinators_edit_of_a_published_building_is_live(app, client, make, county):
    signed_in(client, make, Role.coordinator)
    response = fill(client, f"{BASE}/{county['published']}/edit", name="Renamed Hall")
    assert client.submit(response.location, {}).status_code == 302
    public = app.test_client().get_page(f"/directory/places/{county['published']}")
    assert public.h1.get_text() == "Renamed Hall"
