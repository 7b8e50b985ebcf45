"""Funding notices people can act on (issue 22): the notice records the stream, the end and
decision dates, the reason and an impact assessment link, names the organisations affected,
and their members see what they were told and when."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from registry.notices import affected
from registry.notices.models import FundingNotice
from tests.pages import check_html
from tests.registry.notices.test_notices import as_boxes, client_for, signed


@pytest.fixture
def council(make):
    return signed(make, name="Shropshire Council", slug="shropshire-council")


@pytest.fixture
def charity(make):
    return make.organisation(name="Oswestry Lunch Club", slug="oswestry-lunch", sector="vcs")


def good(council, **changes):
    return {
        "organisation": str(council.id),
        "funding_stream": "Community Lunch Clubs Grant",
        "change": "The grant ends",
        "reason": "The council's budget for 2027 is smaller",
        "affected": "oswestry  lunch club\nOswestry Lunch Club",
        "notice_date": as_boxes(date(2026, 1, 15)),
        "change_date": as_boxes(date(2026, 5, 1)),
        "end_date": as_boxes(date(2026, 4, 30)),
        "decision_date": as_boxes(date(2026, 3, 1)),
        "impact_link": "www.shropshire.example.gov.uk/impact",
        **changes,
    }


def test_names_are_one_a_line_without_repeats():
    assert affected.names(" A  club\n\na club, B ") == ["A club", "B"]
    assert affected.names(None) == []


def test_a_notice_names_the_organisations_affected_who_see_it(app, make, council, charity):
    member = client_for(app, make, Role.member, council)
    make.user(role=Role.member, organisation=charity, email="club@example.org")
    make.user(role=Role.member, organisation=charity, email="gone@example.org", active=False)
    response = member.submit("/accord/notices/new", good(council))
    assert response.status_code == 302, response.get_data(as_text=True)
    notice = db.session.scalar(select(FundingNotice))
    assert [org.name for org in notice.affected] == ["Oswestry Lunch Club"]
    assert notice.end_date == date(2026, 4, 30) and notice.decision_date == date(2026, 3, 1)
    assert notice.impact_link.startswith("https://www.shropshire.example.gov.uk/impact")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "funding_notice.logged")
    )
    assert event.details["affected_ids"] == [charity.id]
    assert event.details["emails_queued"] == 1
    sent = db.session.scalars(select(OutboxMessage)).all()
    assert [m.to for m in sent] == ["club@example.org"]
    assert sent[0].subject == "A funding notice names your organisation"
    assert "Community Lunch Clubs Grant" in sent[0].body and "/accord/notices/ours" in sent[0].body
    assert "budget" not in sent[0].body  # the details stay behind the sign-in

    public = app.test_client().get_page("/accord/consultations")
    row = public.find(attrs={"data-notice": True}).get_text()
    for shown in ("Community Lunch Clubs Grant", "smaller", "Oswestry Lunch Club", "30 April"):
        assert shown in row, shown

    told = client_for(app, make, Role.member, charity).get_page("/accord/notices/ours")
    card = told.find(attrs={"data-notice": str(notice.id)}).get_text()
    for shown in (
        "Community Lunch Clubs Grant",
        "Shropshire Council",
        "The grant ends",
        "budget for 2027",
        "15 January 2026",
        "1 May 2026",
        "1 March 2026",
        "Read the impact assessment",
        "Shorter than 6 months",
        "Meets the 3-month minimum",
    ):
        assert shown in card, shown
    # The organisation that gave notice, and others, are not told of it as affected.
    other = make.organisation(name="Ludlow Advice", slug="ludlow-advice", sector="vcs")
    for client in (member, client_for(app, make, Role.member, other)):
        page = client.get_page("/accord/notices/ours")
        assert page.find(attrs={"data-notice": True}) is None
        assert "No logged notice names your organisation" in page.get_text()


def test_only_members_have_an_own_notices_page(app, make):
    response = app.test_client().get("/accord/notices/ours")
    assert response.status_code in (302, 401)
    assert client_for(app, make, Role.coordinator).get("/accord/notices/ours").status_code == 403


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "Enter why it is changing"),
        ({"funding_stream": ""}, "funding_stream", "Enter the funding stream"),
        ({"affected": "Nobody Club"}, "affected", "No single organisation on the hub"),
        ({"impact_link": "not a link"}, "impact_link", "Enter a website address"),
        ({"end_date": ["31", "2", "2026"]}, "end_date", "The end date must be a real date"),
        ({"decision_date": ["1", "", "2026"]}, "decision_date", "must include a month"),
    ],
)
def test_bad_notices_get_an_error_summary_and_keep_what_was_typed(
    app, make, council, charity, data, field, message
):
    member = client_for(app, make, Role.member, council)
    response = member.submit("/accord/notices/new", good(council, **data))
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    summary = page.find(class_="govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert summary.find("a")["href"].startswith(f"#{field}")
    assert "The grant ends" in page.find("textarea", attrs={"name": "change"}).get_text()
    assert db.session.scalar(select(FundingNotice)) is None


def test_optional_details_may_be_left_out(app, make, council):
    member = client_for(app, make, Role.member, council)
    blank = {"affected": "", "end_date": ["", "", ""], "decision_date": ["", "", ""]}
    response = member.submit("/accord/notices/new", good(council, impact_link="", **blank))
    assert response.status_code == 302, response.get_data(as_text=True)
    notice = db.session.scalar(select(FundingNotice))
    assert notice.affected == [] and notice.end_date is None and notice.impact_link == ""


def test_members_find_their_notices_from_the_list_and_their_account(app, make, charity):
    member = client_for(app, make, Role.member, charity)
    for path in ("/accord/consultations", "/account"):
        assert member.get_page(path).find("a", href="/accord/notices/ours") is not None, path
    public = app.test_client().get_page("/accord/consultations")
    assert public.find("a", href="/accord/notices/ours") is None
    coordinator = client_for(app, make, Role.coordinator)
    assert (
        coordinator.get_page("/accord/consultations").find("a", href="/accord/notices/ours") is None
    )
