"""Issue 21's story once in Chromium, end to end: a charity signs the Accord, the coordinator
approves, the signer sets a password from the email, adds a building (published by the
coordinator), claims a listing imported from a feed (approved at once: same email domain),
moves it to the new building with the autocomplete, and a member of the public sends the
signposting list to a resident, whose email arrives naming the service and its new address.

Three browser contexts, as three people: the charity's signer, the coordinator, the public.
Each part has its own, fuller browser test (test_registry, test_buildings, test_claims,
test_pickers, test_send_list); this one checks that they join up."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from accord import accounts
from accord.extensions import db
from accord.models import Location, Organisation, OutboxMessage, Review, Role
from accord.outbox import send_pending
from directory.claims.models import ClaimStatus, DecidedBy, ListingClaim
from directory.handoff import handoff
from directory.models import Service
from directory.oruk import upsert
from registry.signatories.models import SignUp
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.e2e.test_send_list import scan_send
from tests.fakes.smtp import FakeSMTP
from tests.registry.signatories.journey import confirm_link, publish_accord

CHARITY = "Clun Valley Lunch Club"
SIGNER = "sam@clunlunch.example.org"
NEW_PASSWORD = "kettle orchard lantern spoon"
LISTING = "Clun Friday Lunch"
HALL = "Clun Memorial Hall"
RESIDENT = "resident.ann@example.net"


def imported_listing() -> Service:
    """A service as an ORUK feed gives it, run by the feed's organisation at another building,
    its email on the charity's domain (so the charity's claim is approved at once)."""
    upsert.import_services(
        [
            {
                "id": "0f6b2d1e-3c4a-4b5d-9e8f-7a6b5c4d3e2f",
                "name": LISTING,
                "description": "A hot two-course lunch and company, every Friday.",
                "email": "mailto:lunch@clunlunch.example.org",
                "phones": [{"number": "01588 640123"}],
                "status": "active",
                "organization": {"id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "name": "Open Feed"},
                "service_at_locations": [
                    {
                        "location": {
                            "id": "1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a",
                            "name": "Bishop's Castle Town Hall",
                            "latitude": 52.4930,
                            "longitude": -2.9990,
                            "addresses": [
                                {
                                    "address_1": "High Street",
                                    "city": "Bishop's Castle",
                                    "postal_code": "SY9 5BG",
                                }
                            ],
                        }
                    }
                ],
            }
        ],
        "oruk:story",
    )
    db.session.commit()
    return db.session.scalars(select(Service).where(Service.name == LISTING)).one()


def another_person(browser, opened: list, errors: list[str]):
    """A page in a browser context of its own (its own session), its console errors kept
    with the signer's."""
    context = browser.new_context()
    opened.append(context)
    page = context.new_page()

    def seen(msg):
        if msg.type == "error":
            errors.append(f"{msg.text} at {msg.location.get('url')}")

    page.on("console", seen)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def sign_the_accord(page, server: str) -> None:
    page.goto(server + "/accord/sign")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Organisation name").fill(CHARITY)
    page.get_by_label("Voluntary and community sector").check()
    page.get_by_label("Type of organisation").select_option("Registered charity")
    page.get_by_label("Charity number (if you have one)").fill("1098765")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Address").fill("The Square")
    page.get_by_label("Town or village").fill("Clun")
    page.get_by_label("Postcode").fill("SY7 8JA")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Full name", exact=True).fill("Sam Signer")
    page.get_by_label("Position").fill("Secretary")
    page.get_by_label("Work email address").fill(SIGNER)
    page.get_by_label("Accord lead's full name").fill("Alex Lead")
    page.get_by_label("Accord lead's email address").fill("alex@clunlunch.example.org")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The agreement")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before signing")
    assert scan(page) == []
    page.get_by_role("button", name="Sign the Accord").click()
    expect(page.get_by_text(f"We have sent a link to {SIGNER}")).to_be_visible()

    page.goto(server + confirm_link())
    expect(page.locator(".govuk-panel--confirmation h1")).to_have_text("Sign-up confirmed")
    assert scan(page) == []


def approve_the_sign_up(coordinator, server: str) -> None:
    coordinator.goto(server + "/admin/registry/signups")
    coordinator.get_by_role("link", name=CHARITY).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(CHARITY)
    assert scan(coordinator) == []
    coordinator.get_by_label("Approve and publish").check()
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.get_by_text(f"{CHARITY} is approved and published.")).to_be_visible()
    said = coordinator.get_by_text(f"Invited to set a password as a member: {SIGNER}.")
    expect(said).to_be_visible()
    assert db.session.scalar(select(SignUp.status)) == "approved"


def set_a_password(page, server: str) -> None:
    """From the email the signer was sent on approval: the link, the form, signed in."""
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "invite", OutboxMessage.to == SIGNER)
    ).one()
    assert CHARITY in message.subject
    page.goto(server + re.search(r"/account/invite/\S+", message.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert scan(page) == []
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_text("Your password has been set and you are signed in.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    signer = accounts.find_user(SIGNER)
    org = db.session.scalars(select(Organisation).where(Organisation.name == CHARITY)).one()
    assert signer.organisation_ids() == {org.id} and signer.password_hash
    # The link worked once.
    page.goto(server + re.search(r"/account/invite/\S+", message.body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("This invitation link does not work")


def add_a_building(page, server: str) -> None:
    page.goto(server + "/directory/manage")
    page.get_by_role("link", name="Your community buildings").click()
    page.get_by_role("link", name=f"Add a building for {CHARITY}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a community building")
    assert scan(page) == []
    page.get_by_label("Name of the building").fill(HALL)
    page.get_by_label("Address").fill("Church Street")
    page.get_by_label("Town or village").fill("Clun")
    page.get_by_label("Postcode").fill("SY7 8JB")
    page.get_by_label("Step-free access").check()
    page.get_by_label("Kitchen").check()
    page.get_by_role("group", name="Can people book or hire it?").get_by_label("Yes").check()
    page.get_by_label("A charity or community group").check()
    hub = page.get_by_role("group", name="Could it serve as an emergency hub?")
    hub.get_by_label("No").check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the building’s details")
    frame = page.frame_locator("iframe.app-map")
    expect(frame.locator(".leaflet-container")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("button", name="Send for checking").click()
    expect(page.locator(".govuk-panel")).to_contain_text("Building sent for checking")
    assert scan(page) == []
    hall = db.session.scalars(select(Location).where(Location.name == HALL)).one()
    assert (hall.review, hall.postcode) == (Review.pending, "SY7 8JB")
    assert hall.latitude is not None  # placed from its postcode


def publish_the_building(coordinator, server: str) -> None:
    coordinator.goto(server + "/admin/directory/buildings")
    coordinator.get_by_role("link", name=HALL).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(HALL)
    assert scan(coordinator) == []
    coordinator.get_by_label("Publish it", exact=True).check()
    coordinator.get_by_role("button", name="Save decision").click()
    expect(coordinator.get_by_text(f"{HALL}: published.")).to_be_visible()
    db.session.expire_all()
    hall = db.session.scalars(select(Location).where(Location.name == HALL)).one()
    assert hall.review == Review.published


def claim_the_listing(page, server: str, listing: Service) -> None:
    """“This is our service” as the signer, approved at once: their address (verified by
    setting a password from the emailed link) is on the listing's email domain."""
    page.goto(server + f"/directory/services/{listing.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(LISTING)
    expect(page.locator("#managed-by")).to_have_count(0)
    page.get_by_role("link", name="This is our service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask to manage this listing")
    assert scan(page) == []
    page.get_by_role("button", name="Ask to manage this listing").click()
    expect(page.locator(".govuk-panel h1")).to_have_text("You now manage this listing")
    assert scan(page) == []
    claim = db.session.scalars(select(ListingClaim)).one()
    assert (claim.status, claim.decided_by) == (ClaimStatus.approved, DecidedBy.domain)


def move_to_the_new_building(page, server: str, listing: Service) -> None:
    """The edit form's building picker, by keyboard: clear the feed's building, type, choose."""
    page.get_by_role("link", name="Check and edit the listing").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(LISTING)
    # Once the script has put the autocomplete in the text box's place, holding its value.
    expect(page.locator(".autocomplete__wrapper")).to_be_visible()
    field = page.get_by_label("Building (name, town or postcode)")
    expect(field).to_have_value(re.compile("Bishop's Castle Town Hall"))
    field.focus()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.press("Backspace")
    field.press_sequentially("clun mem", delay=30)
    options = page.locator(".autocomplete__menu").get_by_role("option")
    expect(options).to_have_text([f"{HALL}, Clun SY7 8JB"])
    assert scan(page) == []  # with the suggestion open
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(field).to_have_value(f"{HALL}, Clun SY7 8JB")
    # What the feed did not say, the charity now does: this site's need and how to get help.
    page.get_by_label("Food", exact=True).check()
    page.get_by_label("Drop in").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your listings")
    expect(page.get_by_text("Your changes are saved.")).to_be_visible()
    expect(page.get_by_text(f"Listed by Open Feed; {CHARITY} manages it.")).to_be_visible()
    db.session.expire_all()
    assert [place.name for place in db.session.get(Service, listing.id).locations] == [HALL]


def send_the_list(public, server: str) -> None:
    """Someone finds the lunch near Clun, adds it to the list and sends it to a resident."""
    public.goto(server + "/directory")
    public.get_by_label("What are you looking for?").fill("lunch")
    public.get_by_label("Postcode or town").fill("SY7 8JA")
    # Within a mile of Clun: found at its new building (the feed's was six miles away).
    public.get_by_label("Within").select_option("1")
    public.get_by_role("button", name="Search").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Search results")
    assert scan(public) == []
    public.get_by_role("link", name=LISTING).click()
    expect(public.get_by_text(f"Managed by {CHARITY}")).to_be_visible()
    expect(public.get_by_text(HALL).first).to_be_visible()
    assert scan(public) == []
    public.get_by_role("button", name="Add to list").click()
    expect(public.get_by_role("button", name="Remove from list")).to_be_visible()
    public.goto(server + "/directory/list")
    public.get_by_role("link", name="Send this list to someone").click()
    public.get_by_label("By email").check()
    public.get_by_label("Email address").fill(RESIDENT)
    assert scan_send(public) == []
    public.get_by_role("button", name="Send the list").click()
    expect(public.locator(".govuk-panel")).to_contain_text("List sent")
    assert RESIDENT not in public.content()
    assert scan(public) == []


def delivered_to_the_resident(app) -> str:
    """Every email of the story goes out through the fake SMTP server; the resident's text."""
    with FakeSMTP() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        outcome = send_pending()
    assert outcome["sent"] == len(smtp.inbox.messages) > 1
    [received] = [m for m in smtp.inbox.messages if m["To"] == RESIDENT]
    # The address was used once to send, then not kept; only the count of lists sent.
    db.session.expire_all()
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == RESIDENT)) is None
    assert handoff.total("email") == 1
    [text] = [
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in received.walk()
        if part.get_content_type() == "text/plain"
    ]
    return text


def resident_opens_the_link(resident, text: str) -> None:
    """The list online, from the email, in a browser that has never seen the hub."""
    resident.goto(re.search(r"http://\S+/directory/list/shared/\S+", text).group(0))
    entry = resident.get_by_role("region", name=f"1. {LISTING}")
    expect(entry.get_by_role("heading", level=2)).to_have_text(f"1. {LISTING}")
    expect(entry).to_contain_text(f"{HALL}, Church Street")
    assert scan(resident) == []


def test_a_charity_signs_and_its_service_reaches_a_resident(
    app, browser, page, server, make, console_errors
):
    publish_accord()
    make.user(role=Role.coordinator, email="coordinator@example.org")
    listing = imported_listing()
    opened: list = []
    coordinator = another_person(browser, opened, console_errors)
    public = another_person(browser, opened, console_errors)
    try:
        sign_the_accord(page, server)
        sign_in(coordinator, server, "coordinator@example.org")
        approve_the_sign_up(coordinator, server)
        set_a_password(page, server)
        add_a_building(page, server)
        publish_the_building(coordinator, server)
        claim_the_listing(page, server, listing)
        move_to_the_new_building(page, server, listing)
        send_the_list(public, server)
        text = delivered_to_the_resident(app)
        resident_opens_the_link(another_person(browser, opened, console_errors), text)
    finally:
        for context in opened:
            context.close()

    assert LISTING in text
    # The town named too, though the building form keeps it apart from the street; and the
    # charity that manages the listing, not the feed it came from, as the one running it.
    assert re.search(rf"^Address: {HALL}, Church Street, Clun, SY7 8JB\r?$", text, re.M)
    assert f"Run by: {CHARITY}" in text and "Open Feed" not in text
    assert "Bishop's Castle" not in text
    assert "01588 640123" in text
    assert console_errors == []
