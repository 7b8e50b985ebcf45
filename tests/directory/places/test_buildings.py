"""Organisations add and edit their community buildings (issue 21): a new one waits for the
coordinator; an edit to a published one is live at once, audited, and can be reverted."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Review, Role
from directory.places.models import LocationDraft, LocationRevision
from tests.directory.places.journey import (
    ANSWERS,
    BASE,
    add,
    edit,
    fill,
    member_of,
    newest,
    signed_in,
)
from tests.fakes.postcodes import FakePostcodes


def actions(target_id: int) -> list[tuple[str, dict]]:
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_type == "location").order_by(AuditEvent.id)
    )
    return [(e.action, e.details) for e in events if e.target_id == str(target_id)]


def publish(app, make, location) -> None:
    coordinator = app.test_client()
    signed_in(coordinator, make, Role.coordinator)
    path = f"/admin/directory/buildings/{location.id}"
    assert coordinator.submit(path, {"decision": "publish"}).status_code == 302


def test_a_new_building_is_checked_on_a_map_then_waits_for_the_coordinator(client, make):
    _, org = member_of(client, make)
    response = fill(client, f"{BASE}/new/{org.slug}")
    assert response.status_code == 302
    check = response.location
    page = client.get_page(check)
    rows = {
        " ".join(row.dt.get_text().split()): " ".join(row.dd.get_text().split())
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows["Postcode"] == "SY1 1AA"
    assert rows["Accessibility"] == "Step-free access, Accessible toilet"
    assert rows["Who owns the building?"] == "A town or parish council"
    assert rows["Booking contact"] == "01743 123456 (shown to the public)"
    change = page.select_one(".govuk-summary-list__actions a")["href"]
    assert change.startswith(f"{BASE}/new/{org.slug}?change=") and change.endswith("#name")
    frame = page.find("iframe")["src"]
    assert client.get(frame).status_code == 200
    assert "52.71315" in client.get(frame).get_data(as_text=True)

    saved = client.submit(check, {})
    assert saved.status_code == 302
    panel = client.get_page(saved.location).select_one(".govuk-panel")
    assert "Building sent for checking" in panel.get_text()
    location = newest()
    assert (location.review, location.operator_id, location.town) == (
        Review.pending,
        org.id,
        "Pontesbury",
    )
    assert (location.latitude, location.longitude) == (52.71315, -2.74911)
    assert location.owner == "parish" and location.hub_ready and location.booking_contact_public
    assert db.session.scalars(select(LocationDraft)).all() == []
    assert actions(location.id) == [("location.created", {"review": "pending"})]
    # Not public: not its page, its map, the town's list, the towns or the search.
    public = client.application.test_client()
    assert public.get(f"/directory/places/{location.id}").status_code == 404
    assert public.get(f"/directory/places/{location.id}/map").status_code == 404
    assert public.get("/directory/buildings?town=Pontesbury").status_code == 404
    assert "Pontesbury" not in public.get("/directory").get_data(as_text=True)
    assert "Pontesbury" not in public.get("/directory?q=village+hall").get_data(as_text=True)
    assert "0 community buildings listed" in " ".join(public.get_page("/").get_text().split())
    listed = client.get_page(BASE).select_one("#buildings").get_text()
    assert "Pontesbury Village Hall" in listed and "Waiting for the coordinator" in listed


def test_the_coordinator_publishes_it_and_the_members_are_told(app, client, make):
    _, org = member_of(client, make)
    location = add(client, org)
    coordinator = app.test_client()
    signed_in(coordinator, make, Role.coordinator)
    assert "Community buildings" in coordinator.get_page("/admin/").get_text()
    queue = coordinator.get_page("/admin/directory/buildings").select_one("#waiting")
    assert "Pontesbury Village Hall" in queue.get_text()
    decide = f"/admin/directory/buildings/{location.id}"
    coordinator.get_page(decide)
    assert coordinator.submit(decide, {"decision": "publish"}).status_code == 302
    db.session.expire_all()
    assert location.review == Review.published
    assert actions(location.id)[-1] == ("location.reviewed", {"published": True})
    sent = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to for m in sent] == [f"m{org.id}@example.org"]
    assert "is published" in sent[0].subject
    assert coordinator.get(decide).status_code == 404  # decided: no longer waiting

    page = client.application.test_client().get_page(f"/directory/places/{location.id}")
    found = page.select(".govuk-summary-list__row")
    rows = {" ".join(row.dt.get_text().split()): row.dd for row in found}
    assert rows["Opening or booking hours"].get_text(strip=True) == ANSWERS["opening_hours"]
    assert "week ahead" in rows["How to book or hire it"].get_text()
    assert rows["Owned by"].get_text(strip=True) == "A town or parish council"
    assert rows["To book"].a["href"] == "tel:01743123456"
    assert "could serve as an emergency hub" in rows["In an emergency"].get_text()
    text = client.application.test_client().get("/directory/buildings?town=Pontesbury")
    assert "Pontesbury Village Hall" in text.get_data(as_text=True)


def test_a_refused_building_stays_hidden_and_an_edit_sends_it_back(app, client, make):
    _, org = member_of(client, make)
    location = add(client, org)
    coordinator = app.test_client()
    signed_in(coordinator, make, Role.coordinator)
    path = f"/admin/directory/buildings/{location.id}"
    assert coordinator.submit(path, {"decision": "reject"}).status_code == 302
    db.session.expire_all()
    assert location.review == Review.rejected
    sent = db.session.scalars(select(OutboxMessage)).one()
    assert "was not published" in sent.subject
    assert client.get(f"/directory/places/{location.id}").status_code == 404
    edit(client, location, name="Pontesbury Hall")
    db.session.expire_all()
    assert location.review == Review.pending
    assert db.session.scalars(select(LocationRevision)).all() == []


def test_a_private_booking_contact_is_never_on_the_public_page(app, client, make):
    _, org = member_of(client, make)
    location = add(
        client,
        org,
        booking_contact="bookings@pontesbury.example",
        **{"booking_contact_public": None},
    )
    publish(app, make, location)
    body = app.test_client().get(f"/directory/places/{location.id}").get_data(as_text=True)
    assert "bookings@pontesbury.example" not in body
    assert "To book" not in body
    edit(client, location, booking_contact="bookings@pontesbury.example", booking="One\n<b>Two")
    body = app.test_client().get(f"/directory/places/{location.id}").get_data(as_text=True)
    assert 'href="mailto:bookings@pontesbury.example"' in body
    assert "One<br>&lt;b&gt;Two" in body  # line breaks kept, the rest escaped


def test_an_edit_to_a_published_building_is_live_audited_and_revertable(app, client, make):
    member, org = member_of(client, make)
    location = add(client, org)
    publish(app, make, location)
    saved = edit(client, location, name="Pontesbury Public Hall", postcode="SY3 8JY")
    assert "Building saved" in client.get_page(saved.location).get_text()
    db.session.expire_all()
    assert (location.name, location.review) == ("Pontesbury Public Hall", Review.published)
    assert location.latitude == 52.71091
    revision = db.session.scalars(select(LocationRevision)).one()
    assert revision.before["name"] == "Pontesbury Village Hall"
    assert revision.before["latitude"] == 52.71315
    assert set(revision.changed) == {"name", "postcode", "latitude", "longitude"}
    assert revision.edited_by_id == member.id
    action, details = actions(location.id)[-1]
    assert action == "location.edited"
    assert details["review"] == "published" and details["revision_id"] == revision.id
    public = app.test_client().get_page(f"/directory/places/{location.id}")
    assert public.h1.get_text() == "Pontesbury Public Hall"

    coordinator = app.test_client()
    signed_in(coordinator, make, Role.coordinator)
    edits = coordinator.get_page("/admin/directory/buildings").select_one("#edits").get_text()
    assert "Pontesbury Public Hall" in edits and "Name, Postcode, Place on the map" in edits
    revert = f"/admin/directory/buildings/revisions/{revision.id}/revert"
    assert coordinator.submit(revert, {}, form_path="/admin/directory/buildings").status_code == 302
    db.session.expire_all()
    assert (location.name, location.postcode, location.latitude) == (
        "Pontesbury Village Hall",
        "SY1 1AA",
        52.71315,
    )
    assert revision.reverted_at is not None
    action, details = actions(location.id)[-1]
    assert action == "location.reverted" and details["revision_id"] == revision.id
    # What the edit made is kept too, so the revert can itself be undone; an edit is
    # reverted once.
    undo = db.session.scalars(select(LocationRevision).where(LocationRevision.kind == "revert"))
    assert undo.one().before["name"] == "Pontesbury Public Hall"
    coordinator.submit(revert, {}, form_path="/admin/directory/buildings")
    db.session.expire_all()
    assert location.name == "Pontesbury Village Hall"
    assert len(actions(location.id)) == 4  # the second revert is refused, not recorded


def test_change_shows_the_answers_given_and_keeps_one_draft(client, make):
    _, org = member_of(client, make)
    check = fill(client, f"{BASE}/new/{org.slug}", name="First Name Hall").location
    change = client.get_page(check).select_one(".govuk-summary-list__actions a")["href"]
    form = client.get_page(change.split("#")[0])
    assert form.find("input", attrs={"name": "name"})["value"] == "First Name Hall"
    assert form.find("input", attrs={"name": "hub_ready", "value": "yes"}).has_attr("checked")
    ticked = form.select("input[name=facilities][checked]")
    assert [t["value"] for t in ticked] == ["main_hall", "kitchen"]
    again = fill(client, change.split("#")[0], name="Second Name Hall")
    assert again.location == check
    assert len(db.session.scalars(select(LocationDraft)).all()) == 1
    assert "Second Name Hall" in client.get_page(check).get_text()


def test_mistakes_get_an_error_summary_and_keep_what_was_typed(client, make):
    _, org = member_of(client, make)
    path = f"/directory/manage/buildings/new/{org.slug}"
    response = fill(
        client,
        path,
        name="",
        postcode="NOTAPCODE",
        booking_contact="ring Pat",
        owner=None,
        capacity="lots",
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body
    summary = [a.get_text() for a in client.get_page(path).select("a")]  # the page still works
    assert summary
    for message in (
        "Enter the name of the building",
        "Enter a real postcode, like SY1 1AA",
        "Enter a phone number, like 01743 123456, or an email address",
        "Select who owns the building",
        "How many people it holds must be a whole number",
    ):
        assert message in body, message
    assert "Main Road" in body and "ring Pat" in body and "NOTAPCODE" in body
    assert db.session.scalars(select(LocationDraft)).all() == []


def test_a_postcode_the_geocoder_cannot_find_is_an_error_on_its_field(app, make_app, make):
    with FakePostcodes() as fake:
        other = make_app(POSTCODES_API_URL=fake.url)
        with other.app_context():
            client = other.test_client()
            _, org = member_of(client, make)
            response = fill(client, f"{BASE}/new/{org.slug}", postcode="SY1 0AA")
            assert response.status_code == 400
            body = response.get_data(as_text=True)
            assert "We could not find that postcode" in body
            assert 'href="#postcode"' in body
            assert db.session.scalars(select(LocationDraft)).all() == []
