"""Yearly renewals: a month's notice and a reminder on the day, each once; the profile and
the list say when it is due and when it has lapsed; re-affirming starts the next year."""

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import OutboxMessage
from registry.notices.review import signatories_section
from registry.signatories import renewals
from registry.signatories.renewals import Standing
from tests.registry.signatories.test_signatory_pages import make_signatory


def _signed(make, day: date, **fields):
    record = make_signatory(make, name="Wem Good Neighbours", slug="wem", **fields)
    record.signed_at = datetime(day.year, day.month, day.day, 12)
    db.session.commit()
    return record


def _sent() -> list[OutboxMessage]:
    found = select(OutboxMessage).where(OutboxMessage.kind == "renewal")
    return list(db.session.scalars(found.order_by(OutboxMessage.id)))


def test_the_renewal_falls_due_a_year_after_signing_and_then_lapses(app, make):
    record = _signed(make, date(2025, 12, 3))
    assert renewals.due_on(record) == date(2026, 12, 3)
    for today, standing in (
        (date(2026, 11, 2), Standing.current),
        (date(2026, 11, 3), Standing.due),
        (date(2026, 12, 3), Standing.due),
        (date(2026, 12, 4), Standing.lapsed),
    ):
        assert renewals.renewal(record, today).standing == standing, today
    app.config["ACCORD_RENEWAL_MONTHS"] = 6
    assert renewals.due_on(record) == date(2026, 6, 3)


def test_the_lead_is_told_a_month_before_and_on_the_day_once_each(app, make):
    _signed(make, date(2025, 12, 3))
    assert renewals.send_reminders(date(2026, 11, 2)) == 0
    assert renewals.send_reminders(date(2026, 11, 3)) == 1
    assert renewals.send_reminders(date(2026, 11, 20)) == 0  # not twice
    assert renewals.send_reminders(date(2026, 12, 3)) == 1
    assert renewals.send_reminders(date(2026, 12, 10)) == 0
    db.session.commit()
    soon, today = _sent()
    assert soon.to == today.to == "lee.lead@example.org"
    assert soon.subject == "Re-affirm the Shropshire Accord by 3 December 2026"
    assert today.subject == "Your Shropshire Accord renewal is due today"
    assert "/signatories/wem/reaffirm/" in soon.body and "Lapsed" in today.body


def test_a_lapsed_signatory_re_affirms_from_the_emailed_link(app, client, make):
    record = _signed(make, today_uk() - timedelta(days=400))
    profile = client.get_page("/signatories/wem").get_text()
    assert "Lapsed" in profile and "renewal was due on" in profile
    listed = client.get_page("/signatories")
    assert "Wem Good Neighbours" in listed.get_text() and "Lapsed" in listed.get_text()
    renewals.send_reminders()
    db.session.commit()
    (message,) = _sent()  # long past: the reminder on the day, once
    link = re.search(r"/signatories/wem/reaffirm/\S+", message.body).group(0)
    page = client.get_page(link).get_text()
    assert "once a year" in page
    assert client.submit(link, {}).status_code == 302
    db.session.refresh(record)
    assert renewals.renewal(record).standing == Standing.current
    assert "Lapsed" not in client.get_page("/signatories/wem").get_text()
    # The same link does nothing more now the year has started again.
    assert "once a year" not in client.get_page(link).get_text()
    rows = dict(signatories_section(today_uk().year).rows)
    assert rows["Yearly renewals (re-affirmations of the Accord)"] == 1


def test_due_soon_shows_on_the_profile_and_lapses_count_in_the_review(app, client, make):
    _signed(make, today_uk() - timedelta(days=350))
    assert "Re-affirmation due" in client.get_page("/signatories/wem").get_text()
    lapsed = make_signatory(make, name="Old Group", slug="old")
    due = today_uk() - timedelta(days=2)
    lapsed.signed_at = datetime(due.year - 1, due.month, min(due.day, 28), 12)
    db.session.commit()
    rows = dict(signatories_section(renewals.due_on(lapsed).year).rows)
    assert rows["Signatories whose yearly renewal fell due this year and has lapsed"] == 1


def test_the_command_sends_and_says_how_many(app, make):
    _signed(make, today_uk() - timedelta(days=340))
    result = app.test_cli_runner().invoke(args=["registry", "renewals"])
    assert result.exit_code == 0 and "renewal reminders queued: 1" in result.output
    assert len(_sent()) == 1
