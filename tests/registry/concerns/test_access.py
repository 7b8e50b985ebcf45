"""Who may see and act on a case: anyone not on it gets a 404, and only the coordinator (or
the appointed mediator, for some steps) moves it on."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from accord.extensions import db
from accord.models import User
from registry.concerns import access
from registry.concerns.models import Mediator, Stage
from tests.registry.concerns.cases import (
    HAPPENED,
    ON,
    SEE,
    VISITORS,
    acknowledged,
    concern_at,
    visitor_client,
    with_mediator,
)


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_concern_role_matrix(app, sides, visitor, caplog):
    caplog.set_level(logging.DEBUG)
    at = with_mediator(app, sides)
    alex = db.session.scalar(select(Mediator.id).where(Mediator.name == "Alex Independent"))
    client = visitor_client(app, sides, visitor)
    posts = {
        "stage": {"stage-stage": "meeting_held", "stage-on": ON},
        "outcome": {"outcome-outcome": "resolved", "outcome-breach": "no",
                    "outcome-summary": "x", "outcome-on": ON},
        "close": {},
        "statement": {"statement-token": "t" * 20, "statement-statement": "y"},
        "mediator": {"mediator-mediator": str(alex), "mediator-on": ON},
    }  # fmt: skip
    guessed = "/concerns/00000000-0000-4000-8000-000000000000"
    if visitor is None:
        for path in [at, "/concerns/", "/concerns/new", "/concerns/mediators"]:
            assert client.get(path).location.startswith("/sign-in"), path
        assert client.post(f"{at}/stage", data=posts["stage"]).status_code == 400
        assert "Short" not in client.get_page("/accord/learning").get_text()
        return
    token = client.csrf_token("/account")
    client.get_page(guessed, status=404)
    listed = client.get_page("/concerns/").get_text()
    assert (concern_at(at).reference in listed) == (visitor in SEE)
    if visitor in SEE:
        assert HAPPENED in client.get_page(at).get_text()
    else:
        assert HAPPENED not in client.get_page(at, status=404).get_text()
        for path, data in posts.items():
            response = client.post(f"{at}/{path}", data={"csrf_token": token, **data})
            assert response.status_code == 404, path
    if visitor in ("raiser", "raiser-colleague", "concerned", "mediator"):
        for path in ("outcome", "close", "mediator"):
            response = client.post(f"{at}/{path}", data={"csrf_token": token, **posts[path]})
            assert response.status_code == 403, path
    if visitor in ("raiser", "raiser-colleague", "concerned"):
        response = client.post(f"{at}/stage", data={"csrf_token": token, **posts["stage"]})
        assert response.status_code == 403
    if visitor == "mediator":  # sees, but is not a party: no statement
        response = client.post(f"{at}/statement", data={"csrf_token": token, **posts["statement"]})
        assert response.status_code == 403
    assert concern_at(at).stage == Stage.mediator_appointed
    assert HAPPENED not in caplog.text


def test_find_gives_a_case_only_to_those_on_it(app, sides):
    at = acknowledged(app, sides, permission="anonymous")
    concern = concern_at(at)
    people = {u.email: u for u in db.session.scalars(select(User))}
    assert access.find(people["raiser@example.org"], concern.uuid) is concern
    assert access.find(people["coordinator@example.org"], concern.uuid) is concern
    # Anonymous learning: the organisation it is about is never told, nor shown it.
    assert access.find(people["council@example.org"], concern.uuid) is None
    assert access.side(people["council@example.org"], concern) is None
    assert access.find(people["mediator@example.org"], concern.uuid) is None
    assert access.find(people["raiser@example.org"], "not-a-case") is None
