"""The role matrix: each protected page, for each kind of visitor."""

import pytest

from accord.models import Role
from tests.factories import PASSWORD

# path -> roles allowed in (admin is always allowed)
PROTECTED = {
    "/account": {Role.member, Role.frontline, Role.coordinator, Role.cvec},
    "/admin/": {Role.coordinator},
    "/admin/users": set(),
    "/admin/outbox": set(),
    "/emergency": {Role.cvec},
}
VISITORS = [None, Role.member, Role.frontline, Role.coordinator, Role.cvec, Role.admin]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
@pytest.mark.parametrize("path", list(PROTECTED))
def test_role_matrix(client, make, path, visitor):
    if visitor is None:
        response = client.get(path)
        assert response.status_code == 302
        assert response.location.startswith("/sign-in")
        return
    make.user(role=visitor, email=f"{visitor}@example.org")
    client.sign_in(f"{visitor}@example.org", PASSWORD)
    allowed = visitor == Role.admin or visitor in PROTECTED[path]
    if allowed:
        client.get_page(path)
    else:
        page = client.get_page(path, status=403)
        assert "You do not have permission" in page.h1.get_text()


def test_retrying_an_outbox_message_is_admin_only(client, make):
    make.user(role=Role.coordinator, email="c@example.org")
    client.sign_in("c@example.org", PASSWORD)
    token = client.csrf_token("/account")
    assert client.post("/admin/outbox/1/retry", data={"csrf_token": token}).status_code == 403
