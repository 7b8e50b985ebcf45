"""Open consultations, now: the list of those running today with the days left, the archive
with "You said, we did", the Atom feed and the CSV; town and parish councils log them too."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from xml.etree import ElementTree

from sqlalchemy import select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, Role
from registry.notices import consultations
from registry.notices.models import Consultation
from tests.registry.notices.test_notices import as_boxes, client_for, signed

ATOM = "{http://www.w3.org/2005/Atom}"


def _ran(org, title, start: date, end: date, **fields) -> Consultation:
    record = Consultation(organisation=org, title=title, start_date=start, end_date=end, **fields)
    db.session.add(record)
    db.session.commit()
    return record


def test_open_consultations_close_soonest_first_with_the_days_left(client, make):
    council = signed(make, name="Shropshire Council", slug="shropshire-council")
    today = today_uk()
    _ran(council, "Bus routes", today - timedelta(days=90), today + timedelta(days=10))
    _ran(
        council,
        "Library hours",
        today - timedelta(days=20),
        today,
        short_reason="The contract ends sooner",
    )
    _ran(council, "Old one", today - timedelta(days=200), today - timedelta(days=1))
    _ran(council, "Not yet", today + timedelta(days=3), today + timedelta(days=100))
    page = client.get_page("/accord/consultations")
    rows = page.find_all(attrs={"data-consultation": True})
    assert [row.th.get_text(strip=True) for row in rows] == ["Library hours", "Bus routes"]
    assert "closes today" in rows[0].get_text() and "10 days left" in rows[1].get_text()
    assert "Why: The contract ends sooner" in rows[0].get_text()
    assert "Meets the 12-week commitment" in rows[1].get_text()
    assert page.find("link", type="application/atom+xml")["href"] == "/accord/consultations.atom"


def test_a_parish_council_that_signed_logs_a_consultation(app, make):
    parish = signed(make, sector="parish", name="Wem Town Council", slug="wem-town")
    member = client_for(app, make, Role.member, parish)
    start = today_uk()
    response = member.submit(
        "/accord/consultations/new",
        {
            "organisation": str(parish.id),
            "title": "Play area",
            "start": as_boxes(start),
            "end": as_boxes(start + timedelta(weeks=12)),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    shown = app.test_client().get_page("/accord/consultations").get_text()
    assert "Play area" in shown and "Wem Town Council" in shown


def test_the_body_records_its_response_and_the_archive_shows_how_long_it_took(app, make):
    council = signed(make, name="Shropshire Council", slug="shropshire-council")
    other = signed(make, name="Telford Council", slug="telford")
    record = _ran(council, "Libraries", date(2026, 1, 5), date(2026, 3, 30))
    path = f"/accord/consultations/{record.id}/response"
    outsider = client_for(app, make, Role.member, other)
    assert outsider.get(path).status_code == 403
    member = client_for(app, make, Role.member, council)
    refused = member.submit(path, {"link": "", "summary": "", "published": ["", "", ""]})
    body = refused.get_data(as_text=True)
    assert "Enter the web address of the published response" in body
    assert "Enter a short summary of the response" in body
    answer = {
        "link": "https://shropshire.example.gov.uk/libraries/response",
        "summary": "We kept Sunday opening in Ludlow.",
        "published": as_boxes(date(2026, 4, 29)),
    }
    done = member.submit(path, answer)
    assert done.status_code == 200 and "Response recorded" in done.get_data(as_text=True)
    row = (
        app.test_client()
        .get_page("/accord/consultations/closed")
        .find(attrs={"data-consultation": str(record.id)})
    )
    assert "We kept Sunday opening in Ludlow." in row.get_text()
    assert "Published 29 April 2026, 30 days after closing." in " ".join(row.get_text().split())
    link = row.find("a", href=answer["link"])
    assert link is not None and "Read the response" in link.get_text()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "consultation.response_recorded")
    )
    assert event.details == {"days_after_closing": 30}
    coordinator = client_for(app, make, Role.coordinator)
    assert coordinator.get(path).status_code == 200


def test_the_atom_feed_lists_the_open_ones_and_escapes_what_was_typed(app, client, make):
    council = signed(make, name="Shropshire <Council>", slug="shropshire-council")
    today = today_uk()
    _ran(
        council,
        'Roads & "paths" <script>',
        today - timedelta(days=5),
        today + timedelta(days=5),
        link="https://example.gov.uk/roads",
        short_reason="Winter <b>works</b>",
    )
    _ran(council, "Closed", today - timedelta(days=100), today - timedelta(days=1))
    response = client.get("/accord/consultations.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)  # noqa: S314 - our own feed; well-formed or raises
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    (entry,) = feed.findall(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == 'Roads & "paths" <script>'
    assert entry.find(f"{ATOM}link").get("href") == "https://example.gov.uk/roads"
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Shropshire <Council>"
    assert "less than 12 weeks. Why: Winter <b>works</b>" in entry.find(f"{ATOM}summary").text
    for required in ("id", "updated"):
        assert entry.find(f"{ATOM}{required}").text, required
    assert b"<script>" not in response.data


def test_the_csv_lists_every_consultation_with_formulas_made_harmless(client, make):
    council = signed(make, name="Shropshire Council", slug="shropshire-council")
    today = today_uk()
    _ran(council, "=HYPERLINK(1)", today - timedelta(days=5), today + timedelta(days=90))
    _ran(
        council,
        "Closed one",
        date(2026, 1, 5),
        date(2026, 2, 1),
        short_reason="Statutory deadline",
        response_link="https://example.gov.uk/r",
        response_summary="We changed the plan",
        response_date=date(2026, 2, 11),
    )
    rows = list(csv.DictReader(io.StringIO(client.get("/accord/consultations.csv").text)))
    assert list(rows[0]) == consultations.CSV_COLUMNS
    opened, closed = rows
    assert opened["title"] == "'=HYPERLINK(1)" and opened["status"] == "open"
    assert closed["twelve_weeks"] == "no" and closed["reason_if_shorter"] == "Statutory deadline"
    assert closed["days_to_respond"] == "10" and closed["status"] == "closed"


def test_a_closed_consultation_s_body_is_asked_for_its_response_once(app, make):
    council = signed(make, name="Shropshire Council", slug="shropshire-council")
    make.user(role=Role.member, organisation=council, email="policy@council.example.gov.uk")
    today = today_uk()
    closed = _ran(council, "Libraries", today - timedelta(days=100), today - timedelta(days=2))
    _ran(council, "Still open", today - timedelta(days=10), today + timedelta(days=10))
    _ran(council, "Long ago", date(2020, 1, 1), date(2020, 3, 1))
    _ran(
        council,
        "Answered",
        today - timedelta(days=100),
        today - timedelta(days=3),
        response_link="https://example.gov.uk/r",
        response_summary="Done",
        response_date=today,
    )
    result = app.test_cli_runner().invoke(args=["registry", "consultations"])
    assert "bodies were asked for a response: 1" in result.output
    assert consultations.send_closing() == 0  # once
    db.session.commit()
    (message,) = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "consultation-closed")
    )
    assert message.to == "policy@council.example.gov.uk"
    assert "Libraries" in message.subject and "You said, we did" in message.body
    assert f"/accord/consultations/{closed.id}/response" in message.body
