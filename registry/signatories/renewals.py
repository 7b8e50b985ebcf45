"""Re-affirming the Accord every year: when each signatory's renewal falls due, the emails to
its Accord lead a month before and on the day, and where it stands (current, due, lapsed).

The period is a setting (`ACCORD_RENEWAL_MONTHS`, 12 unless set), counted from the signature
or the last re-affirmation. A lapsed signatory stays on the published list, marked, until it
re-affirms or withdraws: lapsing is a prompt to renew, not a withdrawal.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from accord import audit, emails
from accord.clock import to_uk, today_uk
from accord.extensions import db
from registry.notices.notices import add_months
from registry.publish import current_version
from registry.signatories.models import Signatory, SignatoryStatus
from registry.signatories.signup import signatory_token

NOTICE_MONTHS = 1  # the first reminder: a month before the day


class Standing(enum.StrEnum):
    current = "current"
    due = "due"  # within the month before the day
    lapsed = "lapsed"  # the day has passed without a re-affirmation


@dataclass(frozen=True)
class Renewal:
    standing: Standing
    due_on: date


def months() -> int:
    return max(1, int(current_app.config["ACCORD_RENEWAL_MONTHS"]))


def due_on(signatory: Signatory) -> date:
    """The day the signatory's next re-affirmation falls due (on UK clocks)."""
    since = signatory.reaffirmed_at or signatory.signed_at
    return add_months(to_uk(since).date(), months())


def renewal(signatory: Signatory, today: date | None = None) -> Renewal:
    today = today or today_uk()
    due = due_on(signatory)
    if today > due:
        return Renewal(Standing.lapsed, due)
    if today >= add_months(due, -NOTICE_MONTHS):
        return Renewal(Standing.due, due)
    return Renewal(Standing.current, due)


def may_reaffirm(signatory: Signatory) -> bool:
    """Whether the signatory may re-affirm the version it holds (a yearly renewal)."""
    return renewal(signatory).standing != Standing.current


def send_reminders(today: date | None = None) -> int:
    """Email the Accord lead of each published signatory whose renewal is a month away, and
    again on the day; each once for each due date. The number of emails queued; the caller
    commits."""
    today = today or today_uk()
    version = current_version()
    if version is None:
        return 0
    sent = 0
    published = select(Signatory).where(Signatory.status == SignatoryStatus.published)
    for signatory in db.session.scalars(published.with_for_update(skip_locked=True)):
        due = due_on(signatory)
        if today >= due and signatory.renewal_due_told != due:
            stage = "today"
            signatory.renewal_due_told = signatory.renewal_soon_told = due
        elif today >= add_months(due, -NOTICE_MONTHS) and signatory.renewal_soon_told != due:
            stage = "soon"
            signatory.renewal_soon_told = due
        else:
            continue
        emails.queue(
            signatory.lead_email or signatory.signer_email,
            f"registry/renewal_{stage}",
            kind="renewal",
            signatory=signatory,
            version=version,
            due=due,
            token=signatory_token(signatory, "reaffirm", version.id),
        )
        audit.record(
            "signatory.renewal_reminded", "signatory", signatory.id, details={"stage": stage}
        )
        sent += 1
    return sent


def lapsed_in(year: int, today: date | None = None) -> int:
    """Published signatories whose renewal fell due in `year` and which have not re-affirmed
    since (for the annual review)."""
    today = today or today_uk()
    published = select(Signatory).where(Signatory.status == SignatoryStatus.published)
    return sum(
        1
        for signatory in db.session.scalars(published)
        if (found := renewal(signatory, today)).standing == Standing.lapsed
        and found.due_on.year == year
    )
