"""The funding opportunities board (issue 22): members of any signatory post open grants and
contracts; the public sees the open ones, closing soonest first, with the 12-week principle
flagged on major changes; closed ones drop off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, Role
from registry.funding import board
from registry.funding.models import FundingOpportunity
from registry.signatories.models import SignatoryStatus
from tests.pages import check_html
from tests.registry.notices.test_notices import as_boxes, client_for, signed

TODAY = today_uk()


@pytest.fixture
def trust(make):
    return signed(make, sector="vcs", name="Shropshire Community Trust", slug="sct")


def good(org, **changes):
    return {
        "organisation": str(org.id),
        "title": "Warm spaces grant",
        "kind": "grant",
        "amount_from": "£1,000",
        "amount_to": "5,000",
        "closing": as_boxes(TODAY + timedelta(days=30)),
        "link": "www.sct.example.org/warm",
        **changes,
    }


def test_amounts_read_as_a_range():
    shown = FundingOpportunity(amount_from=1000, amount_to=5000).amount
    assert shown == "£1,000 to £5,000"
    assert FundingOpportunity(amount_from=None, amount_to=500).amount == "Up to £500"
    assert FundingOpportunity(amount_from=500, amount_to=None).amount == "From £500"
    assert FundingOpportunity(amount_from=None, amount_to=None).amount == "Not stated"


def test_a_signatory_member_posts_and_the_public_sees_it(app, make, trust):
    member = client_for(app, make, Role.member, trust)
    assert "Post a funding opportunity" in member.get_page("/accord/funding").get_text()
    response = member.submit("/accord/funding/new", good(trust, major_change="y"))
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    assert page.find(class_="govuk-panel") is not None
    record = db.session.scalar(select(FundingOpportunity))
    assert record.amount_from == 1000 and record.amount_to == 5000 and record.major_change
    assert record.link == "https://www.sct.example.org/warm"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "funding_opportunity.posted")
    )
    assert event.details == {"organisation_id": trust.id, "major_change": True}

    public = app.test_client().get_page("/accord/funding")
    row = public.find(attrs={"data-opportunity": str(record.id)}).get_text()
    for shown in ("Warm spaces grant", "Shropshire Community Trust", "£1,000 to £5,000", "Grant"):
        assert shown in row, shown
    assert "12-week principle" in row
    assert "Post a funding opportunity" not in public.get_text()


def test_closed_ones_drop_off_and_the_soonest_comes_first(app, make, trust):
    for title, days in (("Later", 40), ("Sooner", 2), ("Closed", -1), ("Today", 0)):
        db.session.add(
            FundingOpportunity(
                organisation=trust,
                title=title,
                closing_date=TODAY + timedelta(days=days),
                link="https://example.org",
            )
        )
    db.session.commit()
    assert [o.title for o in board.open_now()] == ["Today", "Sooner", "Later"]
    page = app.test_client().get_page("/accord/funding")
    titles = [r.find("a").get_text() for r in page.find_all(attrs={"data-opportunity": True})]
    assert titles == ["Today", "Sooner", "Later"]
    assert "12-week principle applies" not in page.find("table").get_text()


def test_who_may_post(app, make, trust):
    assert app.test_client().get("/accord/funding/new").status_code in (302, 401)
    unsigned = make.organisation(sector="vcs", name="Not Signed", slug="not-signed")
    withdrawn = signed(make, sector="vcs", status=SignatoryStatus.withdrawn, slug="withdrawn")
    for org in (unsigned, withdrawn):
        assert client_for(app, make, Role.member, org).get("/accord/funding/new").status_code == 403
    assert client_for(app, make, Role.coordinator).get("/accord/funding/new").status_code == 403
    council = signed(make, sector="public", name="A Council", slug="a-council")
    assert client_for(app, make, Role.member, council).get("/accord/funding/new").status_code == 200


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the title of the grant or contract"),
        ({"kind": ""}, "kind", "Select whether it is a grant or a contract"),
        ({"amount_from": "lots"}, "amount_from", "Smallest amount must be a whole number"),
        ({"amount_to": "12.50"}, "amount_to", "Largest amount must be a whole number"),
        ({"amount_to": "500"}, "amount_to", "must be the same as or more than the smallest"),
        ({"closing": ["", "", ""]}, "closing", "Enter the date it closes"),
        ({"closing": ["31", "2", "2030"]}, "closing", "The closing date must be a real date"),
        ({"closing": as_boxes(TODAY - timedelta(days=1))}, "closing", "today or in the future"),
        ({"link": ""}, "link", "Enter the web address"),
        ({"link": "not a link"}, "link", "Enter a website address"),
        ({"organisation": "999999"}, "organisation", "Not a valid choice"),
    ],
)
def test_bad_posts_get_an_error_summary_and_keep_what_was_typed(
    app, make, trust, data, field, message
):
    member = client_for(app, make, Role.member, trust)
    response = member.submit("/accord/funding/new", good(trust, **data))
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    summary = page.find(class_="govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert summary.find("a")["href"].startswith(f"#{field}")
    if field != "title":
        assert page.find("input", attrs={"name": "title"})["value"] == "Warm spaces grant"
    assert db.session.scalar(select(FundingOpportunity)) is None


def test_posting_needs_its_csrf_token(app, make, trust):
    app.config["WTF_CSRF_ENABLED"] = True
    member = client_for(app, make, Role.member, trust)
    assert member.post("/accord/funding/new", data=good(trust)).status_code == 400


def test_the_demo_has_open_opportunities_and_a_notice_naming_the_demo_larder(app, client):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0  # no repeats
    assert len(board.open_now()) == 3
    assert any(o.major_change for o in board.open_now())
    client.sign_in("member@demo.example.org", "shropshire-demo-2025")
    page = client.get_page("/accord/notices/ours")
    assert "Community Lunch Clubs Grant" in page.get_text()
