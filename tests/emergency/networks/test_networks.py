"""Mutual-aid networks: registering, CVEC's review and activation, the public list, privacy."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from accord import clock, geo, geocoding, limits
from accord.clock import utcnow
from accord.extensions import db
from accord.models import AuditEvent, Review, Role
from emergency.models import IncidentLog
from emergency.networks import networks
from emergency.networks.models import MutualAidNetwork
from tests.emergency import data
from tests.factories import PASSWORD
from tests.fakes.postcodes import FakePostcodes

_addresses = itertools.count(1)

VALID = {
    "name": "Castlefields Mutual Aid",
    "offers": ["shopping", "prescriptions"],
    "offers_other": "Lifts to the surgery on weekdays",
    "towns": "shrewsbury, Croesoswallt",
    "outcodes": "sy1, TF9",
    "place": "Shrewsbury",
    "radius": "2",
    "public_contact": "www.facebook.com/groups/castlefieldsaid",
    "show_contact": "yes",
    "contact_name": "Sam Organiser",
    "contact_details": "sam.private@example.org",
}
SHREWSBURY = geo.Point(52.7077, -2.7541)


def register(client, **changes):
    """POST the registration form from its own address, so the rate limit is not what fails."""
    form = {**VALID, **changes}
    address = f"10.1.{next(_addresses) // 250}.{next(_addresses) % 250}"
    return client.submit("/mutual-aid/register", form, environ_base={"REMOTE_ADDR": address})


def sign_in(client, make, role: str = Role.cvec):
    make.user(role=role, email=f"{role}@example.org")
    client.sign_in(f"{role}@example.org", PASSWORD)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- registering ----------------------------------------------------------------------------


def test_a_network_registers_and_is_pending_until_cvec_approves(client, make):
    page = client.get_page("/mutual-aid/register")
    assert "check your network before it appears" in page.get_text()
    response = register(client)
    assert response.status_code == 302 and "/mutual-aid/register/done" in response.location
    thanks = client.get_page(response.location)
    assert "Thank you for registering" in thanks.h1.get_text()
    assert "draw your area" not in thanks.get_text()

    network = db.session.scalar(select(MutualAidNetwork))
    assert network.review == Review.pending
    assert network.towns == ["Shrewsbury", "Oswestry"]  # Croesoswallt is Oswestry in Welsh
    assert network.outcodes == ["SY1", "TF9"]
    assert network.offers == (
        "Shopping and collecting prescriptions. Lifts to the surgery on weekdays"
    )
    assert network.radius_miles == 2 and network.latitude is not None
    assert network.private_contact == "Sam Organiser, sam.private@example.org"
    assert network.show_contact is True
    assert actions() == ["network.registered"]
    assert "Castlefields" not in client.get_page("/mutual-aid").get_text()

    sign_in(client, make)
    queue = client.get_page("/emergency/networks")
    assert "Waiting for review (1)" in queue.get_text()
    review = client.get_page(f"/emergency/networks/{network.id}")
    assert "sam.private@example.org" in review.get_text()
    client.submit(f"/emergency/networks/{network.id}", {"decision": "approve"})
    db.session.expire_all()
    assert network.review == Review.published
    assert actions()[-1] == "network.approved"

    client.post("/sign-out", data={"csrf_token": client.csrf_token("/account")})
    listing = client.get_page("/mutual-aid").get_text()
    assert "Castlefields Mutual Aid" in listing
    assert "www.facebook.com/groups/castlefieldsaid" in listing
    assert "sam.private" not in listing and "Sam Organiser" not in listing


def test_missing_answers_get_an_error_summary_naming_each_field(client):
    response = client.submit("/mutual-aid/register", {})
    assert response.status_code == 200
    from tests.pages import check_html

    page = check_html(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: Register a mutual-aid network")
    summary = page.select_one(".govuk-error-summary")
    links = [a["href"] for a in summary.select("a")]
    assert links == ["#name", "#offers", "#towns", "#contact_name", "#contact_details"]
    assert "Enter at least one town or village" in summary.get_text()
    assert db.session.scalar(select(MutualAidNetwork)) is None


BAD_ANSWERS = [
    ({"name": "x" * 5000}, "#name", "200 characters or fewer"),
    ({"name": "   "}, "#name", "Enter the name of your network"),
    ({"towns": "Atlantis, Wem"}, "#towns", "We do not know “Atlantis”"),
    ({"towns": "Llanymynech"}, "#towns", "We do not know “Llanymynech”"),
    ({"outcodes": "SY1, B1"}, "#outcodes", "“B1” is not a Shropshire postcode district"),
    ({"radius": "-5"}, "#radius", "between 0.1 and 30 miles"),
    ({"radius": str(10**9)}, "#radius", "between 0.1 and 30 miles"),
    ({"radius": "nan"}, "#radius", "between 0.1 and 30 miles"),
    ({"radius": "two"}, "#radius", "between 0.1 and 30 miles"),
    ({"radius": ""}, "#radius", "Enter how many miles"),
    ({"place": "", "radius": "3"}, "#place", "Enter the town, village or postcode"),
    ({"place": "Atlantis"}, "#place", "We could not find “Atlantis”"),
    ({"place": "B1 1AA"}, "#place", "not in Shropshire"),
    ({"show_contact": ""}, "#show_contact", "Select yes if we can show"),
    ({"show_contact": "maybe"}, "#show_contact", "Select yes or no"),
    ({"offers": [], "offers_other": ""}, "#offers", "Select what your network offers"),
    ({"contact_details": "not a contact"}, "#contact_details", "Enter a phone number"),
    ({"contact_details": "sam@"}, "#contact_details", "email address in the correct format"),
]


def test_bad_answers_are_named_in_the_error_summary(client):
    # One app for the whole table: each answer is posted from its own address.
    for changes, anchor, message in BAD_ANSWERS:
        response = register(client, **changes)
        assert response.status_code == 200, changes
        body = response.get_data(as_text=True)
        assert f'href="{anchor}"' in body and message in body, changes
    assert db.session.scalar(select(MutualAidNetwork)) is None


def test_html_emoji_and_welsh_are_kept_and_shown_escaped_everywhere(client, make):
    script = "<script>alert(1)</script>"
    response = register(
        client,
        name=f"Llanymynech & Pant\x00 🌊 {script}",
        offers_other=f"Help {script}",
        towns="Amwythig",
        place="Croesoswallt",
        public_contact=f"Ring us {script}",
        contact_name=f"Sam {script}",
    )
    assert response.status_code == 302
    network = db.session.scalar(select(MutualAidNetwork))
    assert network.name == f"Llanymynech & Pant 🌊 {script}"
    assert network.towns == ["Shrewsbury"]
    sign_in(client, make)
    pages = [
        "/emergency/networks",
        f"/emergency/networks/{network.id}",
        f"/emergency/networks/{network.id}/edit",
    ]
    client.submit(f"/emergency/networks/{network.id}", {"decision": "approve"})
    pages += ["/mutual-aid", f"/mutual-aid/{network.id}", "/mutual-aid?q=Shrewsbury"]
    for path in pages:
        body = client.get(path).get_data(as_text=True)
        client.get_page(path)
        assert script not in body, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, path
        assert "🌊" in body


def test_html_in_a_rejected_answer_is_echoed_escaped(client):
    body = register(client, towns="<b>Wem</b>", outcodes="<i>").get_data(as_text=True)
    assert "<b>Wem</b>" not in body and "&lt;b&gt;Wem&lt;/b&gt;" in body


def test_a_post_without_its_csrf_token_is_refused(client):
    response = client.post("/mutual-aid/register", data={k: v for k, v in VALID.items()})
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(MutualAidNetwork)) is None


def test_registrations_with_mistakes_do_not_count_and_a_limit_keeps_the_answers(client):
    accepted = int(limits.SIGN_UP_ACCEPTED.split()[0])
    for n in range(accepted):
        wrong = client.submit("/mutual-aid/register", {"name": "x"})
        assert wrong.status_code == 200 and "govuk-error-summary" in wrong.text
        right = client.submit("/mutual-aid/register", {**VALID, "name": f"Aid {n}"})
        assert right.status_code == 302, n
    refused = client.submit("/mutual-aid/register", {**VALID, "name": "One More Aid"})
    assert refused.status_code == 429
    page = BeautifulSoup(refused.text, "html.parser")
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Too many networks have been registered from your connection" in summary
    assert page.select_one("#name")["value"] == "One More Aid"
    assert page.select_one("#contact_details")["value"] == "sam.private@example.org"
    assert (
        db.session.scalar(select(MutualAidNetwork).where(MutualAidNetwork.name == "One More Aid"))
        is None
    )


def test_a_machine_sending_many_registrations_is_still_refused(client):
    allowed = int(limits.SIGN_UP_ANY.split()[0])
    token = client.csrf_token("/mutual-aid/register")
    statuses = [
        client.post("/mutual-aid/register", data={"csrf_token": token, "name": "x"}).status_code
        for _ in range(allowed + 1)
    ]
    assert statuses == [200] * allowed + [429]


def test_when_the_geocoder_is_down_the_place_is_kept_and_the_circle_drawn_later(
    client, make, monkeypatch
):
    real = geocoding.lookup_postcode

    def down(raw):
        raise geocoding.GeocoderUnavailable("postcodes.io failed: ConnectTimeout")

    monkeypatch.setattr(geocoding, "lookup_postcode", down)
    response = register(client, place="SY1 1AA", radius="1.5")
    assert response.status_code == 302
    assert "draw your area on the map later" in client.get_page(response.location).get_text()
    network = db.session.scalar(select(MutualAidNetwork))
    assert network.place == "SY1 1AA" and network.radius_miles == 1.5
    assert network.latitude is None and networks.circle_pending(network)

    sign_in(client, make)
    page = client.get_page(f"/emergency/networks/{network.id}")
    assert "could not be looked up" in page.get_text()
    client.submit(f"/emergency/networks/{network.id}/circle", {}, form_path=page_path(network))
    db.session.expire_all()
    assert network.latitude is None  # still down

    monkeypatch.setattr(geocoding, "lookup_postcode", real)  # back up (offline table answers)
    client.submit(f"/emergency/networks/{network.id}/circle", {}, form_path=page_path(network))
    db.session.expire_all()
    assert network.latitude == pytest.approx(52.71315)
    assert "network.circle_drawn" in actions()


def page_path(network) -> str:
    return f"/emergency/networks/{network.id}"


def test_a_postcode_postcodes_io_does_not_know_is_a_clear_error(app, make_app):
    with FakePostcodes() as fake:
        app = make_app(POSTCODES_API_URL=fake.url)
        with app.app_context():
            client = app.test_client()
            body = register(client, place="SY1 0AA").get_data(as_text=True)
            assert "We could not find the postcode SY1 0AA" in body
            response = register(client, place="SY4 5AA")
            assert response.status_code == 302
            assert any("/postcodes/SY4" in p for p in fake.paths)


# --- CVEC's review --------------------------------------------------------------------------


def test_cvec_sees_pending_first_then_published_and_rejected(client, make):
    data.network(name="Wem Good Neighbours", review=Review.pending)
    data.network(name="Ludlow Helpers", review=Review.published)
    data.network(name="Not Real", review=Review.rejected, review_note="Could not verify")
    sign_in(client, make)
    text = client.get_page("/emergency/networks").get_text()
    assert text.index("Waiting for review (1)") < text.index("Wem Good Neighbours")
    assert text.index("Wem Good Neighbours") < text.index("Published (1)")
    assert text.index("Ludlow Helpers") < text.index("Rejected (1)") < text.index("Not Real")


def test_cvec_sees_when_each_network_registered_on_uk_clocks(client, make, monkeypatch):
    # Half past midnight on 1 July in Shrewsbury is still 30 June in UTC.
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    network = data.network(name="Wem Good Neighbours", review=Review.pending)
    sign_in(client, make)
    queue = client.get_page("/emergency/networks").select_one("tbody").get_text(" ", strip=True)
    assert "Wem Good Neighbours" in queue and "1 Jul 2026" in queue
    review = client.get_page(f"/emergency/networks/{network.id}").get_text(" ", strip=True)
    assert "Registered 1 July 2026 at 12:30am" in review


def test_cvec_rejects_with_a_reason(client, make):
    network = data.network(review=Review.pending)
    sign_in(client, make)
    path = f"/emergency/networks/{network.id}"
    body = client.submit(path, {"decision": "reject"}).get_data(as_text=True)
    assert "Enter the reason for rejecting" in body
    client.submit(path, {"decision": "reject", "note": "No such group in Castlefields"})
    db.session.expire_all()
    assert network.review == Review.rejected
    assert network.review_note == "No such group in Castlefields"
    assert actions()[-1] == "network.rejected"
    assert "No such group in Castlefields" in client.get_page(path).get_text()
    assert client.get(f"/mutual-aid/{network.id}").status_code == 404


def test_cvec_edits_the_details(client, make):
    network = data.network(name="Old Name", place="", radius_miles=None)
    sign_in(client, make)
    path = f"/emergency/networks/{network.id}/edit"
    page = client.get_page(path)
    assert page.select_one("#towns").get_text() == "Shrewsbury"
    form = {
        "name": "New Name",
        "offers": "Meals",
        "towns": "Wem",
        "outcodes": "",
        "place": "Wem",
        "radius": "3",
        "public_contact": "01939 000000",
        "show_contact": "no",
        "private_contact": "Pat, 07700 900000",
    }
    bad = client.submit(path, {**form, "place": "Atlantis"}).get_data(as_text=True)
    assert "We could not find “Atlantis”" in bad
    response = client.submit(path, form)
    assert response.status_code == 302
    db.session.expire_all()
    assert (network.name, network.towns, network.outcodes) == ("New Name", ["Wem"], [])
    assert network.latitude == pytest.approx(geo.place_named("Wem").point.latitude)
    assert network.show_contact is False
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "network.updated"))
    assert "name" in event.details["fields"] and "Pat" not in str(event.details)
    assert "New Name" in client.get_page(path).get_text()
    nothing = client.submit(path, {**form, "towns": "", "outcodes": "", "place": ""})
    assert "Enter at least one town or village" in nothing.get_data(as_text=True)


def test_unknown_ids_are_not_found(client, make):
    sign_in(client, make)
    for path in [
        "/mutual-aid/999",
        "/emergency/networks/999",
        "/emergency/networks/999/edit",
        "/emergency/networks/incidents/999",
    ]:
        client.get_page(path, status=404)
    token = client.csrf_token("/mutual-aid/register")
    for path in ["/emergency/networks/999/circle", "/emergency/networks/incidents/999/999"]:
        assert client.post(path, data={"csrf_token": token, "active": "yes"}).status_code == 404


# --- active in an incident ------------------------------------------------------------------


def test_cvec_marks_networks_active_in_the_incident_they_choose(client, make):
    flood = data.incident(name="Severn flooding")
    snow = data.incident(name="Snow on the Long Mynd", place="Church Stretton", towns=[])
    near = data.network(name="Castlefields Mutual Aid")
    far = data.network(name="Ludlow Helpers", towns=["Ludlow"], outcodes=["SY8"])
    data.network(name="Pending Group", review=Review.pending)
    sign_in(client, make)
    queue = client.get_page("/emergency/networks")
    assert "Networks in Severn flooding" in queue.get_text()
    assert "Networks in Snow on the Long Mynd" in queue.get_text()

    page = client.get_page(f"/emergency/networks/incidents/{flood.id}")
    text = page.get_text()
    assert "In the incident's area (1)" in text and "Pending Group" not in text
    assert text.index("Castlefields") < text.index("Elsewhere") < text.index("Ludlow Helpers")

    path = f"/emergency/networks/incidents/{flood.id}/{near.id}"
    form_path = f"/emergency/networks/incidents/{flood.id}"
    client.submit(path, {"active": "yes"}, form_path=form_path)
    client.submit(path, {"active": "yes"}, form_path=form_path)  # twice: one change
    assert networks.active_ids(flood) == {near.id}
    assert networks.active_in(snow) == []
    log = db.session.scalars(select(IncidentLog).where(IncidentLog.kind == "network")).all()
    assert [entry.text for entry in log] == [
        "Mutual-aid network Castlefields Mutual Aid marked active"
    ]
    assert log[0].incident_id == flood.id and log[0].by_id is not None
    assert "Helping in the current emergency" in client.get_page("/mutual-aid").get_text()

    client.submit(path, {"active": "no"}, form_path=form_path)
    assert networks.active_ids(flood) == set()
    assert actions()[-2:] == ["network.activated", "network.deactivated"]
    assert client.submit(path, {"active": "perhaps"}, form_path=form_path).status_code == 400
    assert far.id not in networks.active_ids(flood)


def test_a_stood_down_incident_or_unpublished_network_cannot_change(app):
    over = data.incident(ended_at=utcnow())
    live = data.incident()
    pending = data.network(review=Review.pending)
    published = data.network()
    with pytest.raises(networks.ActivationError):
        networks.set_active(published, over, True)
    with pytest.raises(networks.ActivationError):
        networks.set_active(pending, live, True)
    assert networks.set_active(published, live, True) is True
    db.session.commit()
    published.review = Review.rejected
    db.session.commit()
    assert networks.active_in(live) == []  # rejected later: no longer shown as active


# --- who covers a place ---------------------------------------------------------------------


def test_covering_by_circle_outcode_and_town_nearest_first(app):
    wem = geo.place_named("Wem").point
    circle = data.network(
        name="Circle",
        towns=[],
        outcodes=[],
        place="Wem",
        radius_miles=2.0,
        latitude=wem.latitude,
        longitude=wem.longitude,
    )
    district = data.network(name="District", towns=[], outcodes=["SY4"])
    town = data.network(name="Town", towns=["Wem"], outcodes=[])
    county = data.network(name="Broad", towns=["Wem", "Shrewsbury", "Ludlow"], outcodes=["SY4"])
    data.network(name="Pending", towns=["Wem"], review=Review.pending)
    data.network(name="Rejected", towns=["Wem"], review=Review.rejected)
    data.network(name="Elsewhere", towns=["Ludlow"], outcodes=["SY8"])

    assert networks.covering(wem) == [circle]
    assert networks.covering(None, outcode="sy4") == [district, county]
    assert networks.covering(None, town="WEM") == [circle, town, county]
    found = networks.covering(wem, outcode="SY4", town="Wem")
    assert set(found) == {circle, district, town, county}
    # A circle round the point, then naming the town, then the district; less ground first.
    assert found == [circle, town, county, district]
    assert networks.covering(geo.Point(52.0, -1.0)) == []
    assert networks.covering(None) == []


def test_covering_knows_welsh_names(app):
    oswestry = data.network(towns=["Oswestry"], outcodes=[])
    assert networks.covering(None, town="Croesoswallt") == [oswestry]
    assert networks.covering(None, town="croesoswallt ") == [oswestry]


# --- the public -----------------------------------------------------------------------------


PUBLIC_FIELDS = (
    "id name offers towns outcodes place radius_miles latitude longitude contact contact_url"
)


def test_public_view_holds_only_public_fields(app):
    shown = data.network(public_contact="https://example.org/aid", show_contact=True)
    hidden = data.network(public_contact="07700 900111", show_contact=False)
    postcode = data.network(
        place="SY1 1AA", radius_miles=1.0, latitude=52.71315, longitude=-2.74911
    )
    view = networks.public_view(shown)
    assert set(view) == set(PUBLIC_FIELDS.split())
    assert view["contact"] == view["contact_url"] == "https://example.org/aid"
    assert networks.public_view(hidden)["contact"] == ""
    near = networks.public_view(postcode)
    assert near["place"] == "SY1" and (near["latitude"], near["longitude"]) == (52.71, -2.75)
    assert "sam@example.org" not in str(view)
    with pytest.raises(ValueError):
        networks.public_view(data.network(review=Review.pending))


@pytest.mark.parametrize(
    ("contact", "url"),
    [
        ("javascript:alert(1)", ""),
        ("https://x.example.org/a b", ""),
        ("www.example.org/group", "https://www.example.org/group"),
        ("Facebook: Wem Helpers", ""),
    ],
)
def test_only_web_addresses_become_links(contact, url):
    assert networks._contact_url(contact) == url


SECRETS = ["Secret Sam", "900999", "Quiet Quinn", "hidden-contact", "Pending", "Rejected"]


def test_private_and_unshown_contacts_and_unpublished_networks_never_appear(client):
    shown = data.network(
        name="Shown Network",
        public_contact="https://public.example.org",
        private_contact="Secret Sam 07700 900999",
    )
    data.network(
        name="Quiet Network",
        public_contact="hidden-contact.example.org",
        show_contact=False,
        private_contact="Quiet Quinn quinn@private.example.org",
    )
    pending = data.network(name="Pending Network", review=Review.pending)
    rejected = data.network(name="Rejected Network", review=Review.rejected)
    paths = [
        "/mutual-aid",
        "/mutual-aid?q=Shrewsbury",
        "/mutual-aid?q=SY1",
        "/mutual-aid?q=SY1+1AA",
        f"/mutual-aid/{shown.id}",
        "/mutual-aid/register",
        "/help",
        "/",
    ]
    for path in paths:
        text = client.get_page(path).get_text()
        for secret in SECRETS:
            assert secret not in text, (path, secret)
    assert "Quiet Network" in client.get_page("/mutual-aid").get_text()
    for network in (pending, rejected):
        client.get_page(f"/mutual-aid/{network.id}", status=404)


SEARCHES = [
    ("Shrewsbury", True),
    ("amwythig", True),
    ("SY1 1AA", True),
    ("sy1", True),
    ("Ludlow", False),
]


def test_search_by_place_or_postcode(client):
    data.network(name="Castlefields Mutual Aid")
    for q, found in SEARCHES:
        text = client.get_page(f"/mutual-aid?q={q}").get_text()
        assert ("Castlefields Mutual Aid" in text) is found, q
        assert ("1 network covering" in text) is found, q


def test_a_search_for_somewhere_unknown_says_so(client):
    data.network()
    for q in ["Atlantis", "B1", "<script>", "x" * 5000, "🌊"]:
        page = client.get_page(f"/mutual-aid?q={q}")
        assert page.title.get_text().startswith("Error:"), q
        assert page.select_one(".govuk-error-summary a")["href"] == "#q"
    for odd in ["/mutual-aid?page=abc", "/mutual-aid?page=999", "/mutual-aid?q="]:
        client.get_page(odd)


# --- who may see what -----------------------------------------------------------------------

VISITORS = [None, Role.member, Role.frontline, Role.coordinator, Role.cvec, Role.admin]


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_role_matrix(client, make, visitor):
    network = data.network()
    incident = data.incident()
    public = ["/mutual-aid", "/mutual-aid/register", f"/mutual-aid/{network.id}"]
    cvec = [
        "/emergency/networks",
        f"/emergency/networks/{network.id}",
        f"/emergency/networks/{network.id}/edit",
        f"/emergency/networks/incidents/{incident.id}",
    ]
    posts = [
        f"/emergency/networks/{network.id}",
        f"/emergency/networks/{network.id}/edit",
        f"/emergency/networks/{network.id}/circle",
        f"/emergency/networks/incidents/{incident.id}/{network.id}",
    ]
    if visitor is not None:
        sign_in(client, make, visitor)
    for path in public:
        client.get_page(path)
    token = client.csrf_token("/mutual-aid/register")
    for path in cvec:
        if visitor is None:
            response = client.get(path)
            assert response.status_code == 302 and response.location.startswith("/sign-in")
        elif visitor in (Role.cvec, Role.admin):
            client.get_page(path)
        else:
            page = client.get_page(path, status=403)
            assert "You do not have permission" in page.h1.get_text()
    for path in posts:
        status = client.post(path, data={"csrf_token": token}).status_code
        if visitor is None:
            assert status == 302
        elif visitor not in (Role.cvec, Role.admin):
            assert status == 403
    assert networks.active_ids(incident) == set()


def test_the_queue_is_on_the_admin_dashboard(client, make):
    sign_in(client, make, Role.admin)
    page = client.get_page("/admin/")
    link = page.find("a", string="Mutual-aid networks to review")
    assert link is not None and link["href"] == "/emergency/networks"


def test_phone_numbers_on_network_pages_are_tel_links(client, make):
    shown = data.network(public_contact="Call 01939 000000", show_contact=True)
    shown.private_contact = "Pat, 07700 900000"
    db.session.commit()
    public = client.get_page(f"/mutual-aid/{shown.id}")
    assert public.find("a", href="tel:01939000000").get_text() == "01939 000000"
    listed = client.get_page("/mutual-aid")
    assert listed.find("a", href="tel:01939000000")
    sign_in(client, make)
    review = client.get_page(f"/emergency/networks/{shown.id}")
    assert review.find("a", href="tel:01939000000")
    assert review.find("a", href="tel:07700900000").get_text() == "07700 900000"
