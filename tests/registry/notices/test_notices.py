"""The Accord in action: the 12-week and notice rules at their boundaries, logging
consultations and notices over HTTP, the ambassadors, the annual review and its CSV, and the
role matrix (only public-sector signatories log; only coordinators keep ambassadors)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, Role
from registry.models import AccordVersion
from registry.notices import notices, review
from registry.notices.models import Ambassador, Consultation, FundingNotice
from registry.signatories.models import Signatory, SignatoryStatus
from tests.factories import PASSWORD
from tests.pages import check_html
from tests.registry.signatories.journey import publish_accord

THIS_YEAR = today_uk().year
LAST_YEAR = THIS_YEAR - 1

# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "met"),
    [
        (date(2026, 1, 5), date(2026, 3, 30), True),  # exactly 12 weeks (84 days)
        (date(2026, 1, 5), date(2026, 3, 29), False),  # 12 weeks less a day
        (date(2026, 1, 5), date(2026, 6, 1), True),
        (date(2024, 2, 1), date(2024, 4, 25), True),  # 84 days across 29 February
        (date(2024, 2, 1), date(2024, 4, 24), False),
        (date(2023, 2, 1), date(2023, 4, 26), True),  # the same dates, no leap day: 84 days
        (date(2023, 2, 1), date(2023, 4, 25), False),
        (date(2025, 12, 1), date(2026, 2, 23), True),  # across a new year
        (date(2026, 3, 1), date(2026, 3, 1), False),  # a one-day consultation
        (date(2026, 3, 30), date(2026, 1, 5), False),  # closing before opening never counts
    ],
)
def test_twelve_weeks(start, end, met):
    assert notices.meets_consultation_weeks(start, end) is met


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 6, date(2026, 7, 15)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),  # no 31 February: leap year's last day
        (date(2024, 8, 31), 6, date(2025, 2, 28)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 10, 1), 3, date(2027, 1, 1)),
    ],
)
def test_adding_months(day, months, expected):
    assert notices.add_months(day, months) == expected


@pytest.mark.parametrize(
    ("notice", "change", "six", "three"),
    [
        (date(2026, 1, 15), date(2026, 7, 15), True, True),  # exactly 6 months
        (date(2026, 1, 15), date(2026, 7, 14), False, True),  # 6 months less a day
        (date(2026, 1, 15), date(2026, 4, 15), False, True),  # exactly 3 months
        (date(2026, 1, 15), date(2026, 4, 14), False, False),  # 3 months less a day
        (date(2023, 8, 31), date(2024, 2, 29), True, True),  # leap year: end of February
        (date(2023, 8, 31), date(2024, 2, 28), False, True),
        (date(2023, 11, 30), date(2024, 2, 29), False, True),  # 3 months to a leap day
        (date(2023, 11, 30), date(2024, 2, 28), False, False),
        (date(2026, 1, 15), date(2026, 1, 15), False, False),
    ],
)
def test_notice_periods(notice, change, six, three):
    assert notices.notice_verdict(notice, change) == notices.NoticeVerdict(six, three)


# --- test data ------------------------------------------------------------------------------


def signed(make, sector="public", status=SignatoryStatus.published, **org_fields):
    version = db.session.scalar(select(AccordVersion)) or publish_accord()
    org = make.organisation(sector=sector, **org_fields)
    db.session.add(Signatory(organisation=org, accord_version=version, status=status))
    db.session.commit()
    return org


def client_for(app, make, role, organisation=None):
    user = make.user(role=role, organisation=organisation)
    client = app.test_client()
    client.sign_in(user.email, PASSWORD)
    return client


def as_boxes(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


@pytest.fixture
def council(make):
    return signed(make, name="Shropshire Council", slug="shropshire-council")


# --- logging --------------------------------------------------------------------------------


def test_a_council_member_logs_a_consultation_and_the_public_sees_it(app, make, council):
    member = client_for(app, make, Role.member, council)
    page = member.get_page("/accord/consultations/new")
    assert page.find("select", attrs={"name": "organisation"}) is not None
    response = member.submit(
        "/accord/consultations/new",
        {
            "organisation": str(council.id),
            "title": "Libraries strategy",
            "start": as_boxes(date(2026, 1, 5)),
            "end": as_boxes(date(2026, 3, 29)),
            "link": "www.shropshire.example.gov.uk/libraries",
            "short_reason": "The library contracts end in April.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = member.get_page("/accord/consultations")
    assert "shorter than 12 weeks" in shown.get_text()  # the flash
    public = app.test_client().get_page("/accord/consultations/closed")
    row = public.find(attrs={"data-consultation": True})
    assert "Libraries strategy" in row.get_text() and "Shropshire Council" in row.get_text()
    assert "Shorter than 12 weeks" in row.get_text()
    assert "Why: The library contracts end in April." in row.get_text()
    assert row.find("a")["href"] == "https://www.shropshire.example.gov.uk/libraries"
    assert "Log a consultation" not in public.get_text()
    assert "@" not in public.get_text()  # who logged it is in the audit log only
    logged = db.session.scalar(select(Consultation))
    assert logged.end_date == date(2026, 3, 29)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "consultation.logged"))
    assert event.details == {"organisation_id": council.id, "meets_12_weeks": False}


def test_a_notice_shows_whether_it_met_six_and_three_months(app, make, council):
    member = client_for(app, make, Role.member, council)
    for change, notice_on, change_on in [
        ("Lunch club grant ends", date(2026, 1, 15), date(2026, 7, 15)),
        ("Advice contract shortened", date(2026, 1, 15), date(2026, 5, 1)),
        ("Transport grant cut", date(2026, 1, 15), date(2026, 2, 1)),
    ]:
        data = {
            "organisation": str(council.id),
            "change": change,
            "funding_stream": "Community grants",
            "reason": "Budget",
            "notice_date": as_boxes(notice_on),
            "change_date": as_boxes(change_on),
        }
        assert member.submit("/accord/notices/new", data).status_code == 302
    rows = {
        str(r.find("th").contents[0]).strip(): r.get_text()
        for r in app.test_client()
        .get_page("/accord/consultations")
        .find_all(attrs={"data-notice": True})
    }
    assert "Meets the 6-month commitment" in rows["Lunch club grant ends"]
    assert "Shorter than 6 months" in rows["Advice contract shortened"]
    assert "Meets the 3-month minimum" in rows["Advice contract shortened"]
    assert "Shorter than 3 months" in rows["Transport grant cut"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"start": ["30", "3", "2026"], "end": ["5", "1", "2026"]},
            "end",
            "The closing date must be the same as or after the opening date",
        ),
        ({"start": ["31", "2", "2026"]}, "start", "The opening date must be a real date"),
        ({"start": ["1", "", "2026"]}, "start", "The opening date must include a month"),
        ({"start": ["a", "b", "c"]}, "start", "Enter the date as numbers"),
        ({"start": ["1", "1", "0001"]}, "start", "The opening date must be between"),
        ({"start": ["", "", ""]}, "start", "Enter the date the consultation opened"),
        ({"title": ""}, "title", "Enter the title of the consultation"),
        ({"end": ["1", "2", "2026"]}, "short_reason", "Say why the consultation allows less"),
        ({"link": "not a link"}, "link", "Enter a website address"),
        ({"organisation": "999999"}, "organisation", "Not a valid choice"),
    ],
)
def test_bad_consultations_get_an_error_summary(app, make, council, data, field, message):
    member = client_for(app, make, Role.member, council)
    good = {
        "organisation": str(council.id),
        "title": "Libraries",
        "start": ["5", "1", "2026"],
        "end": ["30", "3", "2026"],
    }
    response = member.submit("/accord/consultations/new", {**good, **data})
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    summary = page.find(class_="govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert summary.find("a")["href"].startswith(f"#{field}")
    assert page.title.get_text().startswith("Error:")
    assert db.session.scalar(select(Consultation)) is None


def test_a_notice_posted_without_its_date_boxes_is_an_error_not_a_500(app, make, council):
    member = client_for(app, make, Role.member, council)
    response = member.submit(
        "/accord/notices/new", {"organisation": str(council.id), "change": "Grant ends"}
    )
    assert response.status_code == 200
    assert "Enter the date notice was given" in response.get_data(as_text=True)
    response = member.submit(
        "/accord/notices/new",
        {
            "organisation": str(council.id),
            "change": "Grant ends",
            "notice_date": ["1", "6", "2026"],
            "change_date": ["1", "1", "2026"],
        },
    )
    assert "The change date must be the same as or after the notice date" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(FundingNotice)) is None


def test_every_post_needs_its_csrf_token(app, make, council):
    app.config["WTF_CSRF_ENABLED"] = True
    member = client_for(app, make, Role.member, council)
    data = {
        "organisation": str(council.id),
        "title": "Libraries",
        "start": ["5", "1", "2026"],
        "end": ["30", "3", "2026"],
    }
    assert member.post("/accord/consultations/new", data=data).status_code == 400
    assert member.post("/accord/notices/new", data=data).status_code == 400
    ambassador = Ambassador(name="Ann", sector="vcse", contact="vcs@example.org")
    db.session.add(ambassador)
    db.session.commit()
    coordinator = client_for(app, make, Role.coordinator)
    for path in (
        "/admin/ambassadors/new",
        f"/admin/ambassadors/{ambassador.id}/edit",
        f"/admin/ambassadors/{ambassador.id}/retire",
    ):
        assert coordinator.post(path, data={"name": "X"}).status_code == 400, path
    assert db.session.scalar(select(Consultation)) is None
    db.session.refresh(ambassador)
    assert ambassador.retired_at is None and ambassador.name == "Ann"


# --- the role matrix ------------------------------------------------------------------------


def test_who_may_log_and_who_may_keep_ambassadors(app, make, council):
    vcs = signed(make, sector="vcs")
    unsigned_council = make.organisation(sector="public")
    withdrawn = signed(make, status=SignatoryStatus.withdrawn)
    logging_pages = ["/accord/consultations/new", "/accord/notices/new"]
    keeping_pages = ["/admin/ambassadors", "/admin/ambassadors/new"]
    cases = [
        (client_for(app, make, Role.member, council), 200, 403),
        (client_for(app, make, Role.member, vcs), 403, 403),
        (client_for(app, make, Role.member, unsigned_council), 403, 403),
        (client_for(app, make, Role.member, withdrawn), 403, 403),
        (client_for(app, make, Role.frontline), 403, 403),
        (client_for(app, make, Role.cvec), 403, 403),
        (client_for(app, make, Role.coordinator), 403, 200),
        (client_for(app, make, Role.admin), 403, 200),
    ]
    for client, can_log, can_keep in cases:
        for path in logging_pages:
            assert client.get(path).status_code == can_log, path
        for path in keeping_pages:
            assert client.get(path).status_code == can_keep, path
    anonymous = app.test_client()
    for path in logging_pages + keeping_pages:
        assert anonymous.get(path).status_code == 302  # to sign in
    for path in ["/accord/consultations", "/accord/ambassadors", f"/accord/review/{LAST_YEAR}"]:
        anonymous.get_page(path)


def test_a_member_cannot_log_for_an_organisation_not_theirs(app, make, council):
    other = signed(make, name="Telford Council")
    member = client_for(app, make, Role.member, council)
    response = member.submit(
        "/accord/consultations/new",
        {
            "organisation": str(other.id),
            "title": "Not ours",
            "start": ["5", "1", "2026"],
            "end": ["30", "3", "2026"],
        },
    )
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert db.session.scalar(select(Consultation)) is None


# --- ambassadors ----------------------------------------------------------------------------


def test_the_coordinator_adds_edits_and_retires_ambassadors(app, make):
    coordinator = client_for(app, make, Role.coordinator)
    coordinator.get_page("/admin/ambassadors/new")
    response = coordinator.submit(
        "/admin/ambassadors/new",
        {
            "name": "Priya Shah",
            "sector": "theme",
            "theme_number": "14",
            "organisation": "Shropshire Council",
            "contact": "accord@shropshire.example.gov.uk",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    coordinator.submit(
        "/admin/ambassadors/new",
        {
            "name": "Sam Okafor",
            "sector": "vcse",
            "theme_number": "",
            "organisation": "VCS Assembly",
            "contact": "https://vcsassembly.example.org/contact",
        },
    )
    public = app.test_client().get_page("/accord/ambassadors")
    text = public.get_text()
    assert "Priya Shah" in text and "Theme 14" in text and "first contact on a concern" in text
    assert public.find("a", href="mailto:accord@shropshire.example.gov.uk") is not None
    assert public.find("a", href="https://vcsassembly.example.org/contact") is not None

    priya = db.session.scalar(select(Ambassador).where(Ambassador.name == "Priya Shah"))
    edit = f"/admin/ambassadors/{priya.id}/edit"
    page = coordinator.get_page(edit)
    assert page.find("select", attrs={"name": "theme_number"}).find(selected=True)["value"] == "14"
    response = coordinator.submit(
        edit,
        {
            "name": "Priya Shah",
            "sector": "local_authority",
            "theme_number": "14",
            "organisation": "Shropshire Council",
            "contact": "accord@shropshire.example.gov.uk",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert priya.sector == "local_authority" and priya.theme_number is None
    assert "Local authority" in app.test_client().get_page("/accord/ambassadors").get_text()

    retire = f"/admin/ambassadors/{priya.id}/retire"
    assert coordinator.submit(retire, {}, form_path="/admin/ambassadors").status_code == 302
    assert "Priya Shah" not in app.test_client().get_page("/accord/ambassadors").get_text()
    assert "Retired" in coordinator.get_page("/admin/ambassadors").get_text()
    assert coordinator.get(edit).status_code == 404
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.target_type == "ambassador")
    ).all()
    assert sorted(actions) == [
        "ambassador.added",
        "ambassador.added",
        "ambassador.changed",
        "ambassador.retired",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact": "priya.shah@shropshire.example.gov.uk"}, "not the ambassador's personal"),
        ({"contact": "pshah@shropshire.example.gov.uk"}, "not the ambassador's personal"),
        ({"contact": "phone me"}, "Enter a role email address"),
        ({"contact": "javascript:alert(1)"}, "Enter a role email address"),
        ({"sector": "theme", "theme_number": ""}, "Select the theme"),
        ({"sector": "nonsense"}, "Not a valid choice"),
        ({"name": ""}, "Enter the ambassador's name"),
    ],
)
def test_bad_ambassadors_get_an_error_summary(app, make, data, message):
    coordinator = client_for(app, make, Role.coordinator)
    good = {"name": "Priya Shah", "sector": "vcse", "contact": "accord@example.org"}
    response = coordinator.submit("/admin/ambassadors/new", {**good, **data})
    assert response.status_code == 200
    summary = check_html(response.get_data(as_text=True)).find(class_="govuk-error-summary")
    assert summary is not None and message in summary.get_text()
    assert db.session.scalar(select(Ambassador)) is None


def test_ambassador_pages_for_missing_ones_are_404(app, make):
    coordinator = client_for(app, make, Role.coordinator)
    assert coordinator.get("/admin/ambassadors/999/edit").status_code == 404
    assert (
        coordinator.submit(
            "/admin/ambassadors/999/retire", {}, form_path="/admin/ambassadors/new"
        ).status_code
        == 404
    )


def test_the_dashboard_links_to_the_ambassadors_and_the_review(app, make):
    page = client_for(app, make, Role.coordinator).get_page("/admin/")
    assert page.find("a", href="/admin/ambassadors") is not None
    assert page.find("a", href="/accord/review") is not None


# --- the annual review ----------------------------------------------------------------------


def figures(page, name: str) -> dict[str, str]:
    section = page.find(attrs={"data-section": name})
    return {
        row.find("th").get_text(): row.find("td").get_text()
        for row in section.find("tbody").find_all("tr")
    }


def test_the_annual_review_counts_the_year(app, make, council):
    in_year = datetime(LAST_YEAR, 6, 1)
    joined = signed(make)
    record = db.session.scalar(select(Signatory).where(Signatory.organisation_id == joined.id))
    record.signed_at = in_year
    record.reaffirmed_at = in_year
    gone = signed(make, status=SignatoryStatus.withdrawn)
    gone_record = db.session.scalar(select(Signatory).where(Signatory.organisation_id == gone.id))
    gone_record.signed_at = datetime(LAST_YEAR - 3, 1, 1)
    gone_record.withdrawn_at = in_year
    y = LAST_YEAR
    db.session.add_all(
        [
            Consultation(organisation=council, title="A", start_date=date(y, 1, 1),
                         end_date=date(y, 1, 1) + timedelta(weeks=12)),
            Consultation(organisation=council, title="B", start_date=date(y, 5, 1),
                         end_date=date(y, 5, 20)),
            Consultation(organisation=council, title="Other year", start_date=date(y - 1, 1, 1),
                         end_date=date(y - 1, 6, 1)),
            FundingNotice(organisation=council, change="six", notice_date=date(y - 1, 12, 1),
                          change_date=date(y, 6, 1)),
            FundingNotice(organisation=council, change="three", notice_date=date(y, 1, 1),
                          change_date=date(y, 4, 1)),
            FundingNotice(organisation=council, change="short", notice_date=date(y, 1, 1),
                          change_date=date(y, 2, 1)),
        ]
    )  # fmt: skip
    db.session.commit()
    page = app.test_client().get_page(f"/accord/review/{LAST_YEAR}")
    people = figures(page, "signatories")
    assert people["Organisations that signed the Accord"] == "1"
    assert people["Signatories that re-affirmed a revised Accord"] == "1"
    assert people["Signatories that withdrew"] == "1"
    assert figures(page, "consultations") == {
        "Consultations logged (closing this year)": "2",
        "Allowed 12 weeks or more": "1",
        "Shorter than 12 weeks": "1",
    }
    assert figures(page, "notices") == {
        "Changes logged (taking effect this year)": "3",
        "Given 6 months' notice or more": "1",
        "Given 3 months' notice or more": "2",
        "Given less than 3 months' notice": "1",
    }
    assert figures(page, "referrals")["Referrals sent"] == "0"
    assert [s["data-section"] for s in page.find_all(attrs={"data-section": True})] == [
        "signatories",
        "consultations",
        "notices",
        "concerns",
        "referrals",
        "self_assessment",
        "emergencies",
    ]

    body = app.test_client().get(f"/accord/review/{LAST_YEAR}.csv")
    assert body.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(body.get_data(as_text=True))))
    assert rows[0] == ["year", "section", "measure", "value"]
    assert [str(LAST_YEAR), "Consultations", "Allowed 12 weeks or more", "1"] in rows


def test_the_review_counts_referrals_sent_that_year(app, make):
    from directory.referrals.models import Referral, ReferralStatus

    org = make.organisation()
    for year, reason in [(LAST_YEAR, "no_capacity"), (LAST_YEAR, ""), (LAST_YEAR - 1, "")]:
        db.session.add(
            Referral(
                uuid=f"u-{year}-{reason}",
                reference=f"R{year}{reason[:2]}",
                organisation_id=org.id,
                status=ReferralStatus.declined if reason else ReferralStatus.accepted,
                decline_reason=reason,
                need_codes=["food"],
                outcode="SY1",
                sealed="",
                subject_key="k",
                sent_at=datetime(year, 3, 1),
            )
        )
    db.session.commit()
    page = app.test_client().get_page(f"/accord/review/{LAST_YEAR}")
    shown = figures(page, "referrals")
    assert shown["Referrals sent"] == "2"
    # One declined referral for food in SY1: counted, but not by need and district.
    assert not any("SY1" in label for label in shown)
    assert shown["Unmet need: other needs and districts, each fewer than 5"] == "1"


def test_another_job_adds_a_section_to_the_review(app):
    calls = []

    def concerns(year):
        calls.append(year)
        return review.ReviewSection("Concerns", [("=cmd|' /C calc'!A0", "+1"), ("Resolved", 3)])

    review.register_review_section("test-concerns", concerns)
    try:
        page = app.test_client().get_page(f"/accord/review/{LAST_YEAR}")
        assert figures(page, "test-concerns")["Resolved"] == "3"
        rows = list(
            csv.reader(io.StringIO(app.test_client().get(f"/accord/review/{LAST_YEAR}.csv").text))
        )
        assert [str(LAST_YEAR), "Concerns", "'=cmd|' /C calc'!A0", "'+1"] in rows
        assert calls == [LAST_YEAR, LAST_YEAR]
    finally:
        review._SECTIONS.pop("test-concerns")


def test_csv_cells_from_users_cannot_run_as_formulas(app, make, council):
    db.session.add(
        Consultation(organisation=council, title="x", start_date=date(LAST_YEAR, 1, 1),
                     end_date=date(LAST_YEAR, 2, 1))
    )  # fmt: skip
    db.session.commit()
    sections = [("x", review.ReviewSection("@SUM(A1)", [("-2+3", "=1")]))]
    rows = list(csv.reader(io.StringIO(review.to_csv(2025, sections))))
    assert rows[1] == ["2025", "'@SUM(A1)", "'-2+3", "'=1"]


@pytest.mark.parametrize("year", ["1999", str(THIS_YEAR + 1), "99999"])
def test_review_years_out_of_range_are_404(app, year):
    assert app.test_client().get(f"/accord/review/{year}").status_code == 404
    assert app.test_client().get(f"/accord/review/{year}.csv").status_code == 404


def test_the_review_address_goes_to_last_year(app):
    response = app.test_client().get("/accord/review")
    assert response.status_code == 302 and response.location.endswith(f"/review/{LAST_YEAR}")
    app.test_client().get_page(f"/accord/review/{THIS_YEAR}")


def test_the_demo_has_consultations_notices_ambassadors_and_a_council_member(app, client):
    def run(*args):
        return app.test_cli_runner().invoke(args=list(args))

    assert run("demo", "load").exit_code == 0
    counts = [len(notices.consultations()), len(notices.notices()), len(notices.ambassadors())]
    assert counts == [3, 3, 3]
    assert "council@demo.example.org" in run("demo", "load").output
    assert [len(notices.consultations()), len(notices.notices())] == [3, 3]
    client.sign_in("council@demo.example.org", "shropshire-demo-2025")
    page = client.get_page("/accord/consultations")
    assert page.find("a", href="/accord/consultations/new") is not None
    assert "Jordan Price" in client.get_page("/accord/ambassadors").get_text()
    client.get_page("/accord/review/2025")


def test_the_accord_page_links_to_the_accord_in_action(app, client):
    publish_accord()
    page = client.get_page("/accord")
    for path in (
        "/accord/ambassadors",
        "/accord/consultations",
        "/accord/review",
        "/accord/funding",
    ):
        assert page.find("a", href=path) is not None, path
