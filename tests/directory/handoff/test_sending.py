"""Sending the signposting list to a resident: what arrives (names, phones, addresses, opening
times, the share link), and that nothing of the resident stays anywhere once it has gone:
not in any table, not in any log line. Only the count of lists sent goes up."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import String, Text, select

from accord.extensions import db
from accord.models import AuditEvent, OutboxMessage, OutboxStatus, Role
from accord.outbox import send_pending
from directory.handoff import handoff
from emergency.callouts import segments
from tests.directory.data import service
from tests.factories import PASSWORD
from tests.fakes.smtp import FakeSMTP
from tests.pages import check_html

SEND = "/directory/list/send"
EMAIL = "resident.ann@example.net"
MOBILE = "07700 900 456"
NUMBER = "+447700900456"  # as Notify takes it, and as the outbox keeps it while sending
# Every form the resident's details could take in a table or a log line.
TRACES = (EMAIL, EMAIL.split("@")[0], MOBILE, NUMBER, "7700900456")


@pytest.fixture
def county(app):
    return {
        "bank": service(
            "Shrewsbury Food Bank",
            "food",
            "shrewsbury",
            description="Emergency food parcels.",
            phone="01743 123456",
            hours=[("MO,WE,FR", "10:00", "12:00")],
        ),
        "club": service(
            "Oswestry Lunch Club",
            "food",
            "oswestry",
            description="Hot lunches.",
            phone="01691 654321",
            hours=[("TU", "12:00", "14:00")],
        ),
    }


def listed(client, *records) -> None:
    for record in records:
        client.submit(
            "/directory/list",
            {"action": "add", "service": record.uuid},
            form_path=f"/directory/services/{record.id}",
        )


def send(client, **answers):
    return client.submit(SEND, answers)


def everything_stored() -> str:
    """Every text column of every table, as one string (the whole database, read back)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        if columns:
            for row in db.session.execute(select(*columns)):
                found.extend(str(value) for value in row if value)
        for row in db.session.execute(select(table)):  # JSON and the rest, as text
            found.append(repr(tuple(row)))
    return "\n".join(found)


def part(message, content_type: str) -> str:
    [found] = [p for p in message.walk() if p.get_content_type() == content_type]
    return found.get_payload(decode=True).decode(found.get_content_charset() or "utf-8")


# The fake SMTP server (aiosmtpd, logging as "mail.log") is the resident's mail provider, not
# the app: what it logs of the message it received is not ours to read.
def ours(record: logging.LogRecord) -> bool:
    return not record.name.startswith("mail.log")


def every_log(caplog) -> None:
    """Everything logged, at DEBUG, and SQLAlchemy's statements too (its loggers start at
    WARN): at INFO, as SQLALCHEMY_ECHO logs them. (At DEBUG it prints every row it reads, the
    outbox's own included: a developer's microscope, never switched on in production.)"""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")


def assert_forgotten(caplog) -> None:
    stored = everything_stored()
    logged = "\n".join(
        f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records if ours(r)
    )
    assert "sqlalchemy.engine" in logged  # the SQL was logged, its values hidden
    for trace in TRACES:
        assert trace not in stored, trace
        assert [line for line in logged.splitlines() if trace in line] == [], trace


def test_a_list_sent_by_email_arrives_with_everything_and_nothing_stays(
    app, client, county, caplog
):
    every_log(caplog)
    listed(client, county["bank"], county["club"])
    share = client.get_page("/directory/list").find("a", id="share-link")["href"]
    page = client.get_page(SEND)
    assert "Shrewsbury Food Bank" in page.main.get_text()
    response = send(client, channel="email", email=EMAIL)
    assert response.status_code == 302 and response.location == "/directory/list/sent"
    assert handoff.total("email") == 1
    with FakeSMTP() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        assert send_pending()["sent"] == 1
    [received] = smtp.inbox.messages
    assert received["To"] == EMAIL
    text, html = part(received, "text/plain"), part(received, "text/html")
    for body in (text, html):
        for words in (
            "Shrewsbury Food Bank",
            "01743 123456",
            "Address: Castlefields Community Centre, Shrewsbury, SY1 1AA",
            "Mondays, Wednesdays and Fridays, 10am to 12 noon",
            "Oswestry Lunch Club",
            "01691 654321",
            "SY11 1AA",
            "Tuesdays, 12 noon to 2pm",
        ):
            assert words in body, words
    assert share in text and share in html
    assert 'href="tel:01743123456"' in html
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.sent and message.transient
    assert (message.to, message.body, message.html) == ("", "", "")
    assert_forgotten(caplog)
    # The audit says a list went, by which channel: ids and statuses only.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "signposting.sent"))
    assert event.details == {"channel": "email"}


def test_the_confirmation_says_how_not_to_whom(client, county):
    listed(client, county["bank"])
    send(client, channel="email", email=EMAIL)
    page = client.get_page("/directory/list/sent")
    panel = page.select_one(".govuk-panel")
    assert panel.h1.get_text(strip=True) == "List sent"
    assert "by email" in panel.get_text()
    assert EMAIL not in str(page) and "resident" not in str(page)
    assert client.get("/directory/list/sent").location == "/directory/list"  # said once


def test_a_list_sent_by_text_message_goes_through_notify_and_is_forgotten(
    app, client, county, notify, caplog
):
    every_log(caplog)
    listed(client, county["bank"], county["club"])
    assert send(client, channel="sms", mobile=MOBILE).status_code == 302
    assert (
        "by text message"
        in client.get_page("/directory/list/sent").select_one(".govuk-panel").get_text()
    )
    assert send_pending()["sent"] == 1
    [sent] = notify.sent
    assert (sent["type"], sent["to"]) == ("sms", NUMBER)
    body = sent["personalisation"]["body"]
    assert "1. Shrewsbury Food Bank, 01743 123456" in body
    assert "2. Oswestry Lunch Club, 01691 654321" in body
    # The link is short (service ids, signed) and opens the whole list.
    link = body.rsplit(": ", 1)[1]
    assert link.startswith("http://localhost/directory/list/shared/") and len(link) < 100
    shared = client.get_page(link.removeprefix("http://localhost")).main.get_text()
    assert "Shrewsbury Food Bank" in shared and "Oswestry Lunch Club" in shared
    assert handoff.total("sms") == 1 and handoff.total() == 1
    message = db.session.scalar(select(OutboxMessage))
    assert (message.to, message.body) == ("", "") and message.provider_id == sent["id"]
    assert_forgotten(caplog)


def test_a_list_that_fails_for_good_is_forgotten_too(app, client, county, notify, caplog):
    every_log(caplog)
    notify.bad_numbers.add(NUMBER)
    listed(client, county["bank"])
    send(client, channel="sms", mobile=MOBILE)
    assert send_pending()["failed"] == 1
    message = db.session.scalar(select(OutboxMessage))
    assert message.status == OutboxStatus.failed and message.to == ""
    assert_forgotten(caplog)


def test_a_long_list_texts_the_first_names_and_links_to_the_rest(app, county):
    many = [county["bank"], county["club"]] + [
        service(f"Community Larder number {n} in the Shropshire Hills", "food", phone="01588 1")
        for n in range(12)
    ]
    items = [record.uuid for record in many]
    text = handoff.text_message(items)
    assert segments.count(text).count <= handoff.MAX_SMS_PARTS
    assert text.startswith(handoff.HEAD) and "1. Shrewsbury Food Bank" in text
    assert "more, with addresses and opening times: http" in text


def test_texts_need_notify(client, county):
    listed(client, county["bank"])
    assert "Not available on this site" in client.get_page(SEND).main.get_text()
    response = send(client, channel="sms", mobile=MOBILE)
    assert response.status_code == 200
    assert "Text messages cannot be sent from this site" in response.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None and handoff.total() == 0


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        ({}, "channel", "Select how to send the list"),
        ({"channel": "email"}, "email", "Enter the email address to send the list to"),
        ({"channel": "email", "email": "ann@"}, "email", "Enter an email address in the correct"),
        ({"channel": "email", "email": "a" * 250 + "@x.org"}, "email", "254 characters"),
        ({"channel": "sms"}, "mobile", "Enter the mobile number to send the list to"),
        ({"channel": "sms", "mobile": "01743 123456"}, "mobile", "Enter a UK mobile number"),
        ({"channel": "post"}, "channel", "Not a valid choice"),
    ],
)
def test_wrong_answers_are_named_in_an_error_summary_and_kept(
    client, county, notify, answers, field, message
):
    listed(client, county["bank"])
    response = send(client, **answers)
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one(".govuk-error-summary")
    link = summary.find("a", string=lambda s: s and message in s)
    assert link is not None, summary.get_text()
    assert link["href"].startswith(f"#{field}")
    for name, value in answers.items():
        if name in ("email", "mobile"):
            assert page.find("input", attrs={"name": name})["value"] == value
    assert handoff.total() == 0 and db.session.scalar(select(OutboxMessage)) is None


def test_an_empty_list_is_not_sent(client, county):
    assert client.get(SEND).location == "/directory/list"
    answers = {"channel": "email", "email": EMAIL}
    response = client.submit(SEND, answers, form_path=f"/directory/services/{county['bank'].id}")
    assert response.location == "/directory/list"
    assert handoff.total() == 0
    assert client.get("/directory/list/sent").location == "/directory/list"


def test_the_list_page_offers_to_send_it(client, county):
    listed(client, county["bank"])
    link = client.get_page("/directory/list").find("a", string="Send this list to someone")
    assert link["href"] == SEND


def test_a_frontline_worker_sends_it_too(app, client, county, make):
    make.user(role=Role.frontline, email="worker@example.org")
    client.sign_in("worker@example.org", PASSWORD)
    listed(client, county["bank"])
    assert send(client, channel="email", email=EMAIL).status_code == 302
    assert handoff.total() == 1


def test_one_address_is_sent_a_few_lists_then_refused_with_what_was_typed(client, county):
    listed(client, county["bank"])
    for _ in range(3):
        assert send(client, channel="email", email=EMAIL).status_code == 302
    refused = send(client, channel="email", email=EMAIL.upper())
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "sent there too many times recently" in body and f'value="{EMAIL.upper()}"' in body
    # Another address is not held up, and the store keys the limit by a hash, not the address.
    assert send(client, channel="email", email="someone@example.net").status_code == 302
    assert handoff.total() == 4


def test_the_admin_outbox_shows_nothing_of_a_list_sent(app, client, county, make):
    listed(client, county["bank"])
    send(client, channel="email", email=EMAIL)
    make.user(role=Role.admin, email="admin@example.org")
    admin = app.test_client()
    admin.sign_in("admin@example.org", PASSWORD)
    # Before it goes: masked, as every address is.
    before = admin.get_page("/admin/outbox").find("tbody").get_text()
    assert EMAIL not in before and "r•••@example.net" in before
    send_pending()  # to the log: no mail server here
    after = admin.get_page("/admin/outbox").find("tbody").get_text()
    assert "example.net" not in after and "Not kept" in after


def test_a_connection_sending_without_end_is_refused_with_what_was_typed(client, county):
    listed(client, county["bank"])
    for n in range(20):
        assert send(client, channel="email", email=f"ann{n}@").status_code == 200
    refused = send(client, channel="email", email="ann@")
    assert refused.status_code == 429
    body = refused.get_data(as_text=True)
    assert "Too many lists have been sent from your connection" in body
    assert 'value="ann@"' in body and "There is a problem" in body


def test_the_coordinator_sees_how_many_lists_were_sent_and_nothing_else(app, client, make):
    county = {"bank": service("Shrewsbury Food Bank", "food", "shrewsbury", phone="01743 1")}
    listed(client, county["bank"])
    send(client, channel="email", email=EMAIL)
    send(client, channel="email", email="someone@example.net")
    make.user(role=Role.coordinator, email="coordinator@example.org")
    coordinator = app.test_client()
    coordinator.sign_in("coordinator@example.org", PASSWORD)
    page = coordinator.get_page("/referrals/statistics")
    figure = page.find(attrs={"data-figure": "lists-sent"}).get_text(" ", strip=True)
    assert figure == "2 (2 by email, 0 by text message)"
    assert "example.net" not in str(page)
