"""A service's usual reply time: the median working days to a first answer over the last 12
months, shown from 5 answered referrals; weekends and bank holidays are not counted."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from accord.clock import utcnow
from accord.extensions import db
from directory.referrals.figures import usual_reply_days, working_days_between
from directory.referrals.models import Referral, ReferralStatus

_refs = itertools.count(1)


def answered(service, sent: datetime, after: timedelta) -> Referral:
    referral = Referral(
        reference=f"R-T{next(_refs):06d}",
        service_id=service.id,
        organisation_id=service.organisation_id,
        status=ReferralStatus.accepted,
        sent_at=sent,
        first_response_at=sent + after,
    )
    db.session.add(referral)
    return referral


def test_working_days_leave_out_weekends_and_bank_holidays():
    assert working_days_between(date(2026, 12, 2), date(2026, 12, 2)) == 0  # the same day
    assert working_days_between(date(2026, 12, 2), date(2026, 12, 3)) == 1
    assert working_days_between(date(2026, 12, 4), date(2026, 12, 7)) == 1  # Friday → Monday
    # Maundy Thursday → the Tuesday after Easter: Good Friday, the weekend, Easter Monday.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    # Christmas Eve 2026 → 29 December: Christmas Day, the weekend, Boxing Day's substitute.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert working_days_between(date(2026, 12, 31), date(2027, 1, 4)) == 1  # New Year's Day


def test_four_answered_show_nothing_five_show_the_median(app, larder):
    now = datetime(2026, 12, 4, 12, 0)  # a Friday
    monday = datetime(2026, 11, 2, 10, 0)
    # Answers after 1, 2, 3 and 4 working days (Monday → Tuesday … Friday).
    for days in (1, 2, 3, 4):
        answered(larder, monday, timedelta(days=days))
    db.session.commit()
    assert usual_reply_days(larder.id, now) is None
    answered(larder, monday, timedelta(days=2))  # the fifth: 1, 2, 2, 3, 4
    db.session.commit()
    assert usual_reply_days(larder.id, now) == 2


def test_older_than_twelve_months_and_unanswered_are_left_out(app, larder):
    now = datetime(2026, 12, 4, 12, 0)
    for _ in range(4):
        answered(larder, datetime(2026, 11, 2, 10, 0), timedelta(days=1))
    answered(larder, now - timedelta(days=396), timedelta(days=1))  # 13 months ago
    db.session.add(
        Referral(reference="R-T999999", service_id=larder.id, status="sent", sent_at=now)
    )
    db.session.commit()
    assert usual_reply_days(larder.id, now) is None


def test_weekends_and_a_bank_holiday_are_not_counted(app, larder):
    # Sent on Christmas Eve, answered on 29 December: five calendar days, one working day.
    for _ in range(5):
        answered(larder, datetime(2025, 12, 24, 9, 0), timedelta(days=5))
    db.session.commit()
    assert usual_reply_days(larder.id, datetime(2026, 3, 1)) == 1


def test_same_day_answers_show_as_one_working_day(app, larder):
    for _ in range(5):
        answered(larder, datetime(2026, 11, 2, 9, 0), timedelta(hours=2))
    db.session.commit()
    assert usual_reply_days(larder.id, datetime(2026, 12, 1)) == 1


def test_the_service_page_shows_both_figures(app, client, larder):
    for _ in range(4):
        answered(larder, utcnow() - timedelta(days=30), timedelta(minutes=5))
    larder.referral_response_days = 3
    db.session.commit()
    text = client.get_page(f"/directory/services/{larder.id}").get_text(" ", strip=True)
    assert "Usually replies" not in text
    assert "We aim to reply within 3 working days" in text
    answered(larder, utcnow() - timedelta(days=30), timedelta(minutes=5))
    db.session.commit()
    text = client.get_page(f"/directory/services/{larder.id}").get_text(" ", strip=True)
    assert "Usually replies to referrals within 1 working day " in text


def test_a_service_without_referrals_says_nothing_of_them(app, client, make):
    from tests.directory.data import service

    drop_in = service("Drop-in Cafe", "food", access_routes=["drop_in"])
    db.session.commit()
    text = client.get_page(f"/directory/services/{drop_in.id}").get_text(" ", strip=True)
    assert "working day" not in text
