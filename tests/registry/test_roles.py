"""The role matrix for every registry route."""

import pytest

from accord.extensions import db
from accord.models import Role
from registry.signatories.models import Signatory, SignatoryStatus, SignUp, SignUpStatus
from tests.factories import PASSWORD
from tests.registry.signatories.journey import publish_accord

VISITORS = [
    None,
    "own-member",
    Role.member,
    Role.frontline,
    Role.coordinator,
    Role.cvec,
    Role.admin,
]
PUBLIC = [
    "/accord",
    "/accord/versions/2025",
    "/accord/sign",
    "/accord/sign/organisation",
    "/signatories",
    "/signatories/wem-good-neighbours",
    "/signatories/wem-good-neighbours/withdraw",
]
COORDINATOR = [
    "/admin/registry/signups",
    "/admin/registry/signups/{signup}",
    "/admin/registry/accord",
]


@pytest.fixture
def world(make):
    version = publish_accord()
    org = make.organisation(name="Wem Good Neighbours", slug="wem-good-neighbours")
    db.session.add(
        Signatory(organisation=org, accord_version=version, status=SignatoryStatus.published)
    )
    pending = SignUp(
        name="Queue Item", status=SignUpStatus.pending, token_nonce="n" * 32, postcode="SY4 5AA"
    )
    db.session.add(pending)
    db.session.commit()
    return {"org": org, "signup": pending.id}


def visit_as(client, make, visitor, org):
    if visitor is None:
        return
    if visitor == "own-member":
        make.user(role=Role.member, organisation=org, email="own@example.org")
        client.sign_in("own@example.org", PASSWORD)
        return
    make.user(role=visitor, email=f"{visitor}@example.org")
    client.sign_in(f"{visitor}@example.org", PASSWORD)


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_public_registry_pages(client, make, world, visitor):
    visit_as(client, make, visitor, world["org"])
    for path in PUBLIC:
        client.get_page(path)
    for path in ("/signatories.csv", "/signatories.json"):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_coordinator_pages(client, make, world, visitor):
    visit_as(client, make, visitor, world["org"])
    for template in COORDINATOR:
        path = template.format(signup=world["signup"])
        if visitor is None:
            assert client.get(path).location.startswith("/sign-in"), path
        elif visitor in (Role.coordinator, Role.admin):
            client.get_page(path)
        else:
            client.get_page(path, status=403)


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_editing_a_signatory(client, make, world, visitor):
    visit_as(client, make, visitor, world["org"])
    path = "/signatories/wem-good-neighbours/edit"
    if visitor is None:
        assert client.get(path).location.startswith("/sign-in")
    elif visitor in ("own-member", Role.admin):
        client.get_page(path)
    else:
        client.get_page(path, status=403)


@pytest.mark.parametrize("visitor", [Role.member, Role.frontline, Role.cvec])
def test_only_coordinators_ask_for_reaffirmation_or_decide(client, make, world, visitor):
    visit_as(client, make, visitor, world["org"])
    token = client.csrf_token("/account")
    assert (
        client.post("/admin/registry/accord/2025/reaffirm", data={"csrf_token": token}).status_code
        == 403
    )
    response = client.post(
        f"/admin/registry/signups/{world['signup']}",
        data={"csrf_token": token, "decision": "approve"},
    )
    assert response.status_code == 403
    assert db.session.get(SignUp, world["signup"]).status == SignUpStatus.pending
