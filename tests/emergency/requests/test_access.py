"""Who may do what with requests: CVEC (and admins) everything; a hub's managers raise
requests for their own hub, see and mark their own hub's, and never see another hub's private
requests; everyone else is turned away."""

from __future__ import annotations

import pytest

from accord.extensions import db
from accord.models import Role
from emergency.requests import requests
from tests.emergency import data
from tests.emergency.requests.helpers import (
    answers,
    cvec,
    latest,
    manager,
    new_path,
    page_of,
    raise_one,
    scene,
)
from tests.factories import PASSWORD

VISITORS = [None, Role.frontline, Role.member, Role.coordinator, Role.cvec, Role.admin, "manager"]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_role_matrix(client, make, visitor):
    incident, hub = scene(make)
    made = requests.raise_request(
        incident, requests.Details("food", "soup", 3, None, "", False, hub.id), None
    )
    asked = requests.ask_team(made, "Highways", "01743 555000", None)
    db.session.commit()
    if visitor == "manager":
        manager(client, make, hub.organisation)
    elif visitor is not None:
        make.user(role=visitor, email=f"{visitor}@example.org")
        client.sign_in(f"{visitor}@example.org", PASSWORD)
    at = page_of(made)
    paths = {
        "new": new_path(incident),
        "index": f"/emergency/incidents/{incident.id}/requests",
        "show": at,
        "edit": f"{at}/edit",
        "answer": f"{at}/asked/{asked.id}",
    }
    cvec_like = visitor in (Role.cvec, Role.admin)
    for name, path in paths.items():
        status = client.get(path).status_code
        if visitor is None:
            expected = 302
        elif cvec_like or (visitor == "manager" and name in ("new", "show")):
            expected = 200
        elif name == "show":
            expected = 404  # not even told the request exists
        else:
            expected = 403
        assert status == expected, (name, visitor, status)


def test_a_hub_manager_raises_for_their_own_hub_only(client, make):
    incident, hub = scene(make)
    other = data.hub(organisation=make.organisation(name="Other Trust"))
    manager(client, make, hub.organisation)
    page = client.get_page(f"{new_path(incident)}?hub={hub.id}")
    offered = [o["value"] for o in page.select("select[name=hub] option")]
    assert offered == [str(hub.id)]
    assert page.select_one("select[name=hub] option[selected]")["value"] == str(hub.id)
    refused = client.submit(new_path(incident), answers(other))
    assert refused.status_code == 400 and "Choose a hub from the list" in refused.get_data(
        as_text=True
    )
    place_only = client.submit(new_path(incident), answers(None, place="Quarry park"))
    assert place_only.status_code == 400
    assert "Choose the hub it is for" in place_only.get_data(as_text=True)
    made = raise_one(client, incident, hub)
    assert made.hub_id == hub.id and made.raised_by_id is not None


def test_a_hub_manager_marks_their_requests_but_cannot_assign_or_reopen(client, make):
    incident, hub = scene(make)
    manager(client, make, hub.organisation)
    made = raise_one(client, incident, hub)
    page = client.get_page(page_of(made))
    assert [b.get_text(strip=True) for b in page.select("#actions button")] == [
        "Mark partly met",
        "Mark met",
        "Mark cancelled",
    ]
    assert "Ask someone to meet it" not in page.get_text()
    assert "Change the request" not in page.get_text()
    assert client.submit(f"{page_of(made)}/status", {"status": "met"}).status_code == 302
    assert latest().status == "met"
    response = client.submit(f"{page_of(made)}/status", {"status": "open"}, form_path="/account")
    assert response.status_code == 409
    token = client.csrf_token("/account")
    post = client.post(f"{page_of(made)}/assign", data={"csrf_token": token, "to": "team"})
    assert post.status_code == 403


def test_a_hub_manager_never_sees_another_hubs_private_requests(app, client, make):
    incident, hub = scene(make)
    other = data.hub(organisation=make.organisation(name="Other Trust"))
    coordinator = cvec(app.test_client(), make)
    hidden = raise_one(
        coordinator, incident, other, kind="transport", detail="dialysis driver", public="no"
    )
    mine = raise_one(coordinator, incident, hub, detail="camp beds")
    manager(client, make, hub.organisation)
    assert client.get(page_of(hidden)).status_code == 404
    token = client.csrf_token("/account")
    status = client.post(f"{page_of(hidden)}/status", data={"csrf_token": token, "status": "met"})
    assert status.status_code == 404
    hub_page = client.get_page(f"/emergency/hubs/{hub.id}")
    listed = hub_page.select_one("#requests").find_next("ul").get_text(" ", strip=True)
    assert "camp beds" in listed and "dialysis" not in hub_page.get_text()
    link = hub_page.select_one("a:-soup-contains('Raise a request')")["href"]
    assert link == f"{new_path(incident)}?hub={hub.id}"
    assert client.get(page_of(mine)).status_code == 200
    assert client.get(f"/emergency/hubs/{other.id}").status_code == 403
