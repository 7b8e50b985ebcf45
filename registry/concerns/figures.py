"""What concerns add up to: counts by stage and outcome, the annual review's figures, and the
lessons published on "What we have learned" (no names unless both parties agreed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from accord.clock import MONTHS, to_uk
from accord.extensions import db
from registry.concerns.concerns import accord_themes
from registry.concerns.models import OUTCOME_LABELS, STAGE_LABELS, Concern, Permission, Stage
from registry.concerns.overdue import TARGET


def figures() -> dict[str, dict[str, int]]:
    """Counts by stage and by outcome: nothing in them picks out a case."""
    rows = db.session.execute(select(Concern.stage, Concern.outcome)).all()
    by_stage = Counter(stage for stage, _ in rows)
    by_outcome = Counter(outcome for _, outcome in rows if outcome)
    return {
        "total": {"all": len(rows)},
        "by_stage": {key: by_stage.get(key, 0) for key in STAGE_LABELS},
        "by_outcome": {key: by_outcome.get(key, 0) for key in OUTCOME_LABELS},
    }


def year_figures(year: int) -> dict[str, Any]:
    """For the annual review: concerns raised in the year by stage and outcome, how many met
    the six-week target, and the median days from acknowledgement to an outcome."""
    start, end = datetime(year, 1, 1), datetime(year + 1, 1, 1)
    rows = db.session.execute(
        select(
            Concern.stage, Concern.outcome, Concern.acknowledged_at, Concern.outcome_recorded_at
        ).where(Concern.raised_at >= start, Concern.raised_at < end)
    ).all()
    raised = db.session.execute(
        select(Concern.themes).where(Concern.raised_at >= start, Concern.raised_at < end)
    ).scalars()
    decided = db.session.execute(
        select(Concern.breach, Concern.public_statement).where(
            Concern.outcome_recorded_at >= start, Concern.outcome_recorded_at < end
        )
    ).all()
    days = sorted(
        (answered - acknowledged).days
        for _, _, acknowledged, answered in rows
        if acknowledged is not None and answered is not None
    )
    return {
        "total": len(rows),
        "by_stage": Counter(stage for stage, *_ in rows),
        "by_outcome": Counter(outcome for _, outcome, *_ in rows if outcome),
        "within_target": sum(1 for d in days if d <= TARGET.days),
        "median_days": days[len(days) // 2] if days else None,
        # Counted once for each theme a concern names (a concern may name several).
        "by_theme": Counter(theme for themes in raised for theme in themes or []),
        # Outcomes recorded in the year: breaches found, and the public statements made.
        "breaches": sum(1 for breach, _ in decided if breach),
        "statements": sum(1 for _, statement in decided if statement),
    }


@dataclass
class Lesson:
    when: str
    themes: list[str]
    outcome: str
    breach: bool | None
    lessons: str
    organisations: str  # empty unless both parties agreed to be named


def month_text(moment: datetime | None) -> str:
    """ "March 2026": when a lesson was learned, no closer (on UK clocks)."""
    if moment is None:
        return ""
    day = to_uk(moment)
    return f"{MONTHS[day.month - 1]} {day.year}"


def learning() -> list[Lesson]:
    """Lessons from cases with an outcome, for the public page: no names or details unless
    both parties agreed."""
    titles = dict(accord_themes())
    found = []
    for concern in db.session.scalars(
        select(Concern)
        .where(Concern.stage.in_([Stage.outcome_recorded, Stage.closed]), Concern.lessons != "")
        .order_by(Concern.outcome_recorded_at.desc())
    ):
        named = concern.names_agreed and concern.permission == Permission.named
        found.append(
            Lesson(
                when=month_text(concern.outcome_recorded_at),
                themes=[
                    f"{n}. {titles[n]}" if n in titles else f"Theme {n}" for n in concern.themes
                ],
                outcome=OUTCOME_LABELS.get(concern.outcome or "", ""),
                breach=concern.breach,
                lessons=concern.lessons,
                organisations=(
                    f"{concern.raiser_organisation.name} and {concern.concerned_organisation.name}"
                    if named
                    else ""
                ),
            )
        )
    return found
