"""Mutual-aid networks in Chromium: registering one, and axe-core on the public and CVEC pages."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from accord.extensions import db
from accord.models import Review, Role
from emergency.networks.models import MutualAidNetwork
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in
from tests.emergency import data


def test_a_network_registers_and_sees_the_thank_you_page(page, server, console_errors):
    page.goto(server + "/mutual-aid")
    page.get_by_role("link", name="Register your network").click()

    # Sending it empty shows the error summary, and it passes axe too.
    page.get_by_role("button", name="Register the network").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the name of your network")
    expect(summary).to_contain_text("Enter at least one town or village")
    assert scan(page) == []

    page.get_by_label("Name of your network").fill("Wem Good Neighbours 🌻")
    page.get_by_label("Shopping").check()
    page.get_by_label("Phone befriending").check()
    page.get_by_label("Towns and villages (optional)").fill("Wem, Prees")
    page.get_by_label("Postcode districts (optional)").fill("SY4")
    page.get_by_label("The middle of the area (optional)").fill("Wem")
    page.get_by_label("Miles around it").fill("3")
    page.get_by_label("How residents can contact you (optional)").fill("www.example.org/wem")
    page.get_by_label("Yes").check()
    page.get_by_label("Your name").fill("Robin Neighbour")
    page.get_by_label("Phone number or email address").fill("01939 000000")
    page.get_by_role("button", name="Register the network").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you for registering your network"
    )
    assert scan(page) == []
    network = db.session.scalar(select(MutualAidNetwork))
    assert network.name == "Wem Good Neighbours 🌻" and network.review == Review.pending
    assert network.towns == ["Wem", "Prees"] and network.outcodes == ["SY4"]
    assert console_errors == []


def test_the_public_pages_have_no_wcag_violations(axe, page, app):
    network = data.network(name="Castlefields Mutual Aid")
    data.network(name="Quiet Group", show_contact=False)
    data.incident()
    assert axe("/mutual-aid") == []
    assert axe("/mutual-aid?q=Shrewsbury") == []
    assert axe("/mutual-aid?q=Atlantis") == []
    assert axe(f"/mutual-aid/{network.id}") == []
    assert axe("/mutual-aid/register") == []


def test_the_cvec_pages_have_no_wcag_violations(axe, page, server, make):
    make.user(role=Role.cvec, email="cvec@example.org")
    pending = data.network(name="Wem Good Neighbours", review=Review.pending)
    data.network(name="Castlefields Mutual Aid")
    incident = data.incident()
    sign_in(page, server, "cvec@example.org")
    assert axe("/emergency/networks") == []
    assert axe(f"/emergency/networks/{pending.id}") == []
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select a decision")
    assert scan(page) == []
    assert axe(f"/emergency/networks/{pending.id}/edit") == []
    assert axe(f"/emergency/networks/incidents/{incident.id}") == []
    page.get_by_role("button", name=re.compile(r"^Mark active\W+Castlefields")).click()
    expect(page.get_by_text("Castlefields Mutual Aid is marked active")).to_be_visible()
