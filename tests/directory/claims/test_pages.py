"""The claim pages: "This is our service" on a listing, the confirmation page and its panel,
the coordinator's queue, decision page (once) and switch; who sees what."""

from __future__ import annotations

import re

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, Membership, Role
from directory.claims import claims
from directory.claims.models import ClaimStatus, ListingClaim
from tests import factories
from tests.factories import PASSWORD

BUTTON = "This is our service"


def signed_in(app, email: str):
    client = app.test_client()
    client.sign_in(email, PASSWORD)
    return client


def page_text(client, path: str, status: int = 200) -> str:
    return client.get_page(path, status=status).get_text(" ", strip=True)


def test_a_member_claims_and_the_coordinator_approves(app, listing, charity, member):
    page = f"/directory/services/{listing.id}"
    assert BUTTON not in page_text(app.test_client(), page)  # signed out
    staff = factories.user(Role.coordinator, email="co@example.org")
    assert BUTTON not in page_text(signed_in(app, staff.email), page)

    client = signed_in(app, member.email)
    assert BUTTON in page_text(client, page)
    form = f"/directory/services/{listing.id}/claim"
    text = page_text(client, form)
    assert "Ask to manage this listing" in text and "Riverside Friends" in text
    response = client.submit(form, {"organisation": str(charity.id)})
    assert response.status_code == 302
    claim = db.session.scalar(select(ListingClaim))
    assert response.location == f"/directory/claims/{claim.uuid}"
    panel = client.get_page(response.location)
    assert panel.select_one(".govuk-panel__title").get_text(strip=True) == "Request sent"
    assert "waiting for the coordinator" in page_text(client, form)

    coordinator = signed_in(app, staff.email)
    queue = page_text(coordinator, "/admin/directory/claims")
    assert "Riverside Lunch Club" in queue and "Riverside Friends" in queue
    decide = f"/admin/directory/claims/{claim.uuid}"
    assert "volunteer@friends.example.org" in page_text(coordinator, decide)
    response = coordinator.submit(decide, {"decision": "approve"})
    assert response.status_code == 302
    # The decision page is single use: once decided it is gone.
    coordinator.get_page(decide, status=404)
    db.session.refresh(listing)
    assert listing.managed_by_id == charity.id
    public = app.test_client().get_page(page)
    assert public.select_one("#managed-by").get_text(strip=True) == "Managed by Riverside Friends"

    # The charity's members keep it now: in their listings, and they may edit it.
    manage = page_text(client, "/directory/manage")
    assert "Riverside Lunch Club" in manage
    assert "Listed by Open Feed Listings; Riverside Friends manages it." in manage
    assert BUTTON not in page_text(client, page)
    client.get_page(f"/directory/services/{listing.id}/edit")
    client.get_page(form, status=404)


def test_a_matching_domain_shows_the_panel_at_once(app, listing, charity):
    factories.user(Role.member, charity, email="jo@riverside.org.uk")
    client = signed_in(app, "jo@riverside.org.uk")
    response = client.submit(
        f"/directory/services/{listing.id}/claim", {"organisation": str(charity.id)}
    )
    panel = client.get_page(response.location)
    assert panel.select_one(".govuk-panel__title").get_text(strip=True) == (
        "You now manage this listing"
    )
    assert db.session.scalar(select(ListingClaim.status)) == ClaimStatus.approved


def test_the_former_owner_can_no_longer_edit(app, listing, charity, member):
    owner = factories.user(Role.member, listing.organisation, email="feed@example.org")
    client = signed_in(app, owner.email)
    edit = f"/directory/services/{listing.id}/edit"
    client.get_page(edit)
    claims.decide(
        claims.make_claim(listing, charity, member), True, factories.user(Role.coordinator)
    )
    db.session.commit()
    client.get_page(edit, status=403)
    assert "Riverside Lunch Club" not in page_text(client, "/directory/manage")


def test_a_member_of_several_organisations_chooses_one(app, listing, charity, member):
    second = factories.organisation(name="Second Charity")
    db.session.add(Membership(user_id=member.id, organisation_id=second.id, role=Role.member))
    db.session.commit()
    client = signed_in(app, member.email)
    form = f"/directory/services/{listing.id}/claim"
    soup = client.get_page(form)
    assert len(soup.select("input[name=organisation][type=radio]")) == 2
    response = client.submit(form, {})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "There is a problem" in text and "Choose your organisation" in text
    # Someone else's organisation is not a choice: the form says so, nothing is claimed.
    other = factories.organisation(name="Not Mine")
    response = client.submit(form, {"organisation": str(other.id)})
    assert "There is a problem" in response.get_data(as_text=True)
    assert db.session.scalar(select(ListingClaim)) is None
    response = client.submit(form, {"organisation": str(second.id)})
    assert response.status_code == 302
    assert db.session.scalar(select(ListingClaim.organisation_id)) == second.id


def test_the_panel_is_only_for_the_claiming_organisation(app, listing, charity, member):
    claim = claims.make_claim(listing, charity, member)
    db.session.commit()
    stranger = factories.user(Role.member, email="stranger@example.org")
    signed_in(app, stranger.email).get_page(f"/directory/claims/{claim.uuid}", status=404)
    # The owner's members have nothing to claim: no page.
    owner = factories.user(Role.member, listing.organisation, email="feed@example.org")
    signed_in(app, owner.email).get_page(f"/directory/services/{listing.id}/claim", status=404)
    # The address of a claim says nothing: a random id, not a count.
    assert re.fullmatch(r"[0-9a-f-]{36}", claim.uuid)


def test_a_rejected_claim_leaves_the_listing_as_it_was(app, listing, charity, member):
    claim = claims.make_claim(listing, charity, member)
    factories.user(Role.coordinator, email="co@example.org")
    db.session.commit()
    coordinator = signed_in(app, "co@example.org")
    decide = f"/admin/directory/claims/{claim.uuid}"
    response = coordinator.submit(decide, {"decision": "maybe"})
    assert "There is a problem" in response.get_data(as_text=True)
    coordinator.submit(decide, {"decision": "reject"})
    db.session.refresh(listing)
    assert listing.managed_by_id is None
    assert "Managed by" not in page_text(app.test_client(), f"/directory/services/{listing.id}")
    assert db.session.scalar(select(ListingClaim.status)) == ClaimStatus.rejected


def test_the_coordinator_switches_automatic_approval(app):
    factories.user(Role.coordinator, email="co@example.org")
    coordinator = signed_in(app, "co@example.org")
    queue = "/admin/directory/claims"
    soup = coordinator.get_page(queue)
    assert soup.select_one("input[name=automatic][value=on]").has_attr("checked")
    response = coordinator.submit(
        "/admin/directory/claims/automatic", {"automatic": "off"}, form_path=queue
    )
    assert response.status_code == 302 and claims.automatic() is False
    assert (
        coordinator.get_page(queue)
        .select_one("input[name=automatic][value=off]")
        .has_attr("checked")
    )
    response = coordinator.submit(
        "/admin/directory/claims/automatic", {"automatic": "sometimes"}, form_path=queue
    )
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert claims.automatic() is False
    action = db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("setting%")))
    assert action == "setting.changed"
    assert "Claimed listings" in page_text(coordinator, "/admin/")


def test_role_matrix(app, listing, charity, member):
    claim = claims.make_claim(listing, charity, member)
    db.session.commit()
    member_pages = [f"/directory/services/{listing.id}/claim", f"/directory/claims/{claim.uuid}"]
    coordinator_pages = ["/admin/directory/claims", f"/admin/directory/claims/{claim.uuid}"]
    anonymous = app.test_client()
    for path in member_pages + coordinator_pages:
        assert anonymous.get(path).status_code == 302
    for role in (Role.frontline, Role.cvec):
        other = factories.user(role)
        client = signed_in(app, other.email)
        for path in member_pages + coordinator_pages:
            assert client.get(path).status_code == 403, (role, path)
    coordinator = signed_in(app, factories.user(Role.coordinator).email)
    for path in member_pages:
        assert coordinator.get(path).status_code == 403
    for path in coordinator_pages:
        assert coordinator.get(path).status_code == 200
    claimant = signed_in(app, member.email)
    for path in member_pages:
        assert claimant.get(path).status_code == 200
    for path in coordinator_pages:
        assert claimant.get(path).status_code == 403
