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


def test_post_a_funding_opportunity_and_read_a_notice_that_names_us(
    page, server, make, console_errors
):
    version = db.session.scalar(select(AccordVersion)) or publish_accord()
    council = make.organisation(name="Shropshire Council", sector="public")
    charity = make.organisation(name="Oswestry Lunch Club", sector="vcs")
    for org in (council, charity):
        db.session.add(
            Signatory(organisation=org, accord_version=version, status=SignatoryStatus.published)
        )
    db.session.add(
        FundingNotice(
            organisation=council,
            funding_stream="Community Lunch Clubs Grant",
            change="The grant ends",
            reason="A smaller budget",
            notice_date=date(2026, 1, 15),
            change_date=date(2026, 5, 1),
            decision_date=date(2026, 3, 1),
            impact_link="https://example.gov.uk/impact",
            affected=[charity],
        )
    )
    db.session.commit()
    make.user(role=Role.member, organisation=charity, email="club@example.org")

    sign_in(page, server, "club@example.org")
    page.goto(server + "/accord/notices/ours")
    expect(page.get_by_role("heading", name="Community Lunch Clubs Grant")).to_be_visible()
    expect(page.get_by_text("A smaller budget")).to_be_visible()
    assert scan(page) == []
    page.goto(server + "/accord/funding")
    page.get_by_role("link", name="Post a funding opportunity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post a funding opportunity")
    assert scan(page) == []
    page.get_by_label("Title").fill("Warm spaces grant")
    page.get_by_label("Grant", exact=True).check()
    page.get_by_label("Largest amount (optional)").fill("5,000")
    page.get_by_label("Web address for details").fill("www.example.org/warm")
    page.get_by_label("This is a major change").check()
    page.get_by_role("button", name="Post the opportunity").click()
    expect(page.get_by_role("link", name="Enter the date it closes")).to_be_visible()
    assert scan(page) == []  # the error summary too
    fill_date(page, "When does it close?", date(date.today().year + 1, 6, 30))
    page.get_by_role("button", name="Post the opportunity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opportunity posted")
    assert scan(page) == []
    sign_out(page, server)

    page.goto(server + "/accord/funding")
    expect(page.get_by_role("link", name="Warm spaces grant")).to_be_visible()
    expect(page.get_by_text("Major change: the 12-week principle applies")).to_be_visible()
    assert scan(page) == []
    assert console_errors == []


def test_empty_public_pages_have_no_wcag_violations(axe):
    for path in [
        "/accord/consultations",
        "/accord/consultations/closed",
        "/accord/ambassadors",
        "/accord/review/2025",
        "/accord/review/how",
        "/accord/funding",
    ]:
        assert axe(path) == [], path


def test_a_signatory_s_record_and_badge_link_have_no_wcag_violations(axe, make):
    version = db.session.scalar(select(AccordVersion)) or publish_accord()
    council = make.organisation(name="Shropshire Council", slug="council", sector="public")
    db.session.add(
        Signatory(organisation=council, accord_version=version, status=SignatoryStatus.published)
    )
    db.session.add(
        FundingNotice(
            organisation=council,
            funding_stream="Lunch Clubs Grant",
            change="The grant ends",
            reason="A smaller budget",
            notice_date=date.today(),
            change_date=date.today(),
        )
    )
    db.session.commit()
    assert axe("/signatories/council") == []
    assert axe("/signatories") == []
