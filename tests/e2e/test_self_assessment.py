"""The self-assessment in Chromium: a member completes a theme (with a SMART action revealed
below "We could do this better"), and the pages and county results are axe-core clean."""

from datetime import date

from playwright.sync_api import expect

from accord.clock import today_uk
from accord.extensions import db
from accord.models import Role
from registry.publish import CONTENT, publish
from registry.self_assessment import self_assessment as work
from registry.self_assessment.models import Answer
from registry.signatories.models import Signatory, SignatoryStatus
from tests.e2e.conftest import scan
from tests.e2e.people import sign_in

YEAR = today_uk().year


def test_a_member_completes_a_theme_and_the_coordinator_sees_counts(
    page, server, make, console_errors
):
    version = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
    org = make.organisation(name="Wem Friends", slug="wem-friends", sector="vcs")
    db.session.add(
        Signatory(organisation=org, accord_version=version, status=SignatoryStatus.published)
    )
    db.session.commit()
    make.user(role=Role.member, organisation=org, email="member@example.org")
    make.user(role=Role.coordinator, email="coordinator@example.org")
    theme = work.themes_for(version, "vcs")[0]

    sign_in(page, server, "member@example.org")
    page.goto(server + "/self-assessment/")
    assert scan(page) == []
    page.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Self-assessment {YEAR}")
    assert scan(page) == []
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Theme 1: Independence (and political neutrality)"
    )
    assert scan(page) == []

    groups = page.locator("div.govuk-radios")
    # "We could do this better" on the first, its action opened but left empty: an error summary.
    groups.nth(0).get_by_label("We could do this better").check()
    page.get_by_text("Action for commitment 1, if you could do this better").click()
    expect(page.get_by_label("What will you do?").first).to_be_visible()
    for n in range(1, len(theme.commitments)):
        groups.nth(n).get_by_label("We already do this well").check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Commitment 1: enter what you will do"
    )
    assert scan(page) == []

    expect(page.locator("details[data-action='1']")).to_have_attribute("open", "")
    page.get_by_label("What will you do?").first.fill("Brief our trustees on the Accord")
    page.get_by_label("Who is responsible?").first.fill("Chair of trustees")
    page.get_by_label("Day").first.fill("31")
    page.get_by_label("Month").first.fill("3")
    page.get_by_label("Year", exact=True).first.fill(str(YEAR + 1))
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Self-assessment {YEAR}")
    expect(page.get_by_text("Brief our trustees on the Accord")).to_be_visible()
    assert scan(page) == []

    db.session.expire_all()
    assessment = work.find(org, YEAR)
    answers = work.answers_of(assessment)
    assert len(answers) == len(theme.commitments)
    assert answers[theme.commitments[0].key].answer == Answer.do_better
    assert answers[theme.commitments[0].key].action_by == date(YEAR + 1, 3, 31)

    page.context.clear_cookies()
    sign_in(page, server, "coordinator@example.org")
    page.goto(server + "/self-assessment/results")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Self-assessment: county results {YEAR}"
    )
    assert "Wem Friends" not in page.content()
    assert scan(page) == []
    assert console_errors == []
