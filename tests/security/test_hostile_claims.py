"""The sweep for claiming a listing: hostile strings through "This is our service" (the
organisation chosen), the coordinator's decision and the automatic-approval switch; hostile
names of services and organisations are escaped wherever the claim shows them, and no answer
is a 500."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import Role
from directory.claims.models import ListingClaim
from tests import factories, hostile
from tests.directory.data import service
from tests.security.test_hostile_forms import checked, clean, sign_in, submit
from tests.security.test_hostile_rest import LONG, ODD


def test_claim_decision_and_automatic_switch(app, client, make):
    feed = factories.organisation(name=hostile.SCRIPTS[1])
    listed = service(hostile.SCRIPTS[0], "food", "shrewsbury", email="a@b.example.org")
    listed.organisation = feed
    db.session.commit()
    charity = factories.organisation(name=hostile.SCRIPTS[2])
    member = sign_in(app.test_client(), make, Role.member, organisation=charity)
    claim = f"/directory/services/{listed.id}/claim"
    for text in [*hostile.STORABLE, *ODD, LONG, hostile.NUL]:
        clean(submit(member, claim, {"organisation": text}), "claim organisation")
    assert db.session.scalar(select(ListingClaim)) is None
    checked(member, [claim, f"/directory/services/{listed.id}"], shows=("__pwned",))
    response = submit(member, claim, {"organisation": str(charity.id)})
    assert response.status_code == 302
    checked(member, [response.location], shows=("__pwned",))
    uuid = db.session.scalar(select(ListingClaim.uuid))

    coordinator = sign_in(app.test_client(), make, Role.coordinator)
    claims = "/admin/directory/claims"
    decide = f"{claims}/{uuid}"
    checked(coordinator, [claims, decide], shows=("__pwned",))
    for text in [*hostile.STORABLE, *ODD, LONG, hostile.NUL]:
        clean(submit(coordinator, decide, {"decision": text}), "claim decision")
    automatic = f"{claims}/automatic"
    for text in [*hostile.STORABLE, *ODD, LONG, hostile.NUL]:
        answer = submit(coordinator, automatic, {"automatic": text}, form_path=claims)
        clean(answer, "claims automatic")
    assert db.session.scalar(select(ListingClaim.status)) == "pending"
    assert submit(coordinator, decide, {"decision": "approve"}).status_code == 302
    checked(app.test_client(), [f"/directory/services/{listed.id}"], shows=("__pwned",))
