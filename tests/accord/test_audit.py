"""The audit helper records who did what to which record."""

from sqlalchemy import select

from accord import audit
from accord.extensions import db
from accord.models import AuditEvent


def test_record_outside_a_request_has_no_actor_unless_given(app, make):
    user = make.user()
    audit.record("thing.done", "thing", 7, details={"why": "test"})
    audit.record("thing.done", "thing", 8, actor_id=user.id)
    db.session.commit()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    done = [e for e in events if e.action == "thing.done"]
    assert [(e.target_id, e.actor_id) for e in done] == [("7", None), ("8", user.id)]
    assert done[0].details == {"why": "test"}
    assert done[0].at is not None


def test_a_request_records_the_signed_in_user(client, make):
    from tests.factories import PASSWORD

    user = make.user(email="w@example.org")
    client.sign_in("w@example.org", PASSWORD)
    client.submit("/sign-out", {}, form_path="/account")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.signed_out"))
    assert event.actor_id == user.id and event.target_id == str(user.id)
