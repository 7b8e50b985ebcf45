"""The Accord in action in Chromium: a council member logs a consultation (with its error
summary on the way), a coordinator names an ambassador, and axe-core on the public pages:
consultations and notices, the ambassadors, the annual review."""

from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from accord.extensions import db
from accord.models import Role
from registry.models import AccordVersion
from registry.notices.models import FundingNotice
from registry.signatories.models import Signatory, SignatoryStatus
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in, sign_out
from tests.registry.signatories.journey import publish_accord


def fill_date(page, legend: str, day: date) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_log_a_consultation_name_an_ambassador_and_read_the_review(
    page, server, make, console_errors
):
    version = db.session.scalar(select(AccordVersion)) or publish_accord()
    council = make.organisation(name="Shropshire Council", sector="public")
    db.session.add(
        Signatory(organisation=council, accord_version=version, status=SignatoryStatus.published)
    )
    db.session.add(
        FundingNotice(
            organisation=council,
            change="Lunch club grant ends",
            notice_date=date(2026, 1, 15),
            change_date=date(2026, 5, 1),
        )
    )
    db.session.commit()
    make.user(role=Role.member, organisation=council, email="council@example.org")
    make.user(role=Role.coordinator, email="coordinator@example.org")

    sign_in(page, server, "council@example.org")
    page.goto(server + "/accord/consultations")
    page.get_by_role("link", name="Log a consultation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a consultation")
    assert scan(page) == []
    page.get_by_label("Title of the consultation").fill("Libraries strategy")
    fill_date(page, "When does it open?", date(2026, 3, 30))
    fill_date(page, "When does it close?", date(2026, 1, 5))
    page.get_by_role("button", name="Log the consultation").click()
    expect(
        page.get_by_role("link", name="The closing date must be the same as or after")
    ).to_be_visible()
    assert scan(page) == []  # the error summary too
    fill_date(page, "When does it open?", date(2026, 1, 5))
    fill_date(page, "When does it close?", date(2026, 3, 30))
    page.get_by_role("button", name="Log the consultation").click()
    expect(page.get_by_text("it meets the 12-week commitment")).to_be_visible()
    sign_out(page, server)

    page.goto(server + "/accord/consultations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultations and funding notices")
    expect(page.get_by_text("Meets the 3-month minimum")).to_be_visible()
    assert scan(page) == []
    page.get_by_role("link", name="Closed consultations and the responses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Closed consultations")
    expect(page.get_by_text("Meets the 12-week commitment")).to_be_visible()
    assert scan(page) == []

    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/admin/")
    page.get_by_role("link", name="Accord Ambassadors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Keep the Accord Ambassadors")
    assert scan(page) == []
    page.get_by_role("link", name="Add an ambassador").click()
    page.get_by_label("Name").fill("Sam Okafor")
    page.get_by_label("Voluntary, community and social enterprise sector").check()
    page.get_by_label("Contact route").fill("sam.okafor@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="not the ambassador's personal")).to_be_visible()
    assert scan(page) == []
    page.get_by_label("Contact route").fill("vcs-ambassador@example.org")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Ambassador saved.")).to_be_visible()
    assert scan(page) == []
    sign_out(page, server)

    page.goto(server + "/accord/ambassadors")
    expect(page.get_by_role("link", name="vcs-ambassador@example.org")).to_be_visible()
    assert scan(page) == []

    page.goto(server + "/accord/review/2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accord annual review 2026")
    assert scan(page) == []
    assert console_errors == []


def test_empty_public_pages_have_no_wcag_violations(axe):
    for path in ["/accord/consultations", "/accord/ambassadors", "/accord/review/2025"]:
        assert axe(path) == [], path
