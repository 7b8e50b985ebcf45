"""The six-week target: cases past it are shown to the coordinator and emailed about once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from accord.clock import date_text, utcnow
from accord.extensions import db
from accord.links import absolute_url
from accord.models import AuditEvent, OutboxMessage
from registry.concerns import overdue
from registry.concerns.models import Concern, Stage
from tests.registry.concerns.cases import (
    HAPPENED,
    acknowledged,
    concern_at,
    raise_one,
    signed_in,
    with_mediator,
)


def test_overdue_cases_are_flagged_for_the_coordinator(app, sides):
    at = acknowledged(app, sides)
    coordinator = signed_in(app, "coordinator@example.org")
    assert "six-week target." not in coordinator.get_page("/concerns/").get_text()
    concern = concern_at(at)
    concern.acknowledged_at -= timedelta(days=43)
    db.session.commit()
    page = coordinator.get_page("/concerns/")
    assert page.find(attrs={"data-count": "overdue"}).get_text() == "1"
    assert "Over six weeks" in page.get_text()
    assert "Over six weeks" in coordinator.get_page(at).get_text()


def flag(app) -> str:
    result = app.test_cli_runner().invoke(args=["concerns", "flag-overdue"])
    assert result.exit_code == 0, result.output
    return result.output


def late_emails() -> list[OutboxMessage]:
    return db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.subject.contains("six-week target"))
        .order_by(OutboxMessage.to)
    ).all()


def test_an_overdue_concern_is_emailed_once_with_no_details(app, sides):
    at = with_mediator(app, sides)
    assert flag(app).strip() == "overdue concerns flagged: 0"  # within six weeks
    concern = concern_at(at)
    concern.acknowledged_at -= timedelta(days=43)
    db.session.commit()

    assert flag(app).strip() == "overdue concerns flagged: 1"
    told = late_emails()
    assert [m.to for m in told] == ["coordinator@example.org", "mediator@example.org"]
    due = date_text(concern.acknowledged_at + overdue.TARGET)  # "5 March 2026"
    link = absolute_url("concerns.show", uuid=concern.uuid)
    for message in told:
        assert concern.reference in message.subject
        assert f"target passed on {due}" in message.body
        assert f"\n{link}\n" in message.body and link.endswith(at)
        for detail in (HAPPENED, "Borderland", "Oswestry", "12 weeks' notice", "commissioning"):
            assert detail not in message.subject + message.body
    assert concern_at(at).overdue_flagged_at is not None
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "concern.overdue"))
    assert event.target_id == str(concern.id) and event.details == {}

    assert flag(app).strip() == "overdue concerns flagged: 0"  # twice: still one email each
    assert len(late_emails()) == 2


def test_only_open_acknowledged_cases_past_six_weeks_are_flagged(app, sides):
    raiser = signed_in(app, "raiser@example.org")
    never, closed, late, fresh = (concern_at(raise_one(raiser, sides)) for _ in range(4))
    now = utcnow()
    never.raised_at = now - timedelta(days=100)  # not acknowledged: no target yet
    closed.acknowledged_at = now - timedelta(days=60)
    closed.stage = Stage.outcome_recorded
    late.acknowledged_at = now - timedelta(days=50)
    late.stage = Stage.meeting_held
    fresh.acknowledged_at = now - timedelta(days=41)
    fresh.stage = Stage.acknowledged
    db.session.commit()
    assert overdue.flag_overdue(now=now) == 1
    db.session.commit()
    assert {m.subject.split()[2] for m in late_emails()} == {late.reference}
    assert [c.reference for c in db.session.scalars(select(Concern)) if c.overdue_flagged_at] == [
        late.reference
    ]
    later = now + timedelta(days=2)  # fresh passes its target now; late is not told again
    assert overdue.flag_overdue(now=later) == 1
    assert fresh.overdue_flagged_at is not None
