"""The annual self-assessment (the Implementation Toolkit's checklists, online): a signatory
organisation's members answer each of the Accord's commitments that fit their sector — not
relevant, we already do this well, or we could do this better with a SMART action — once a
year, theme by theme. Coordinators see anonymous counts only (`results_by_theme`).

Plain functions: they take and return plain values and models, never `request`; the caller
commits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from accord import audit
from accord.clock import today_uk, utcnow
from accord.extensions import db
from accord.models import Organisation, Role, User
from registry.commitments import GROUP_LABELS, ThemeCommitments, for_sector, themes_of
from registry.models import AccordSection, AccordVersion
from registry.publish import current_version
from registry.self_assessment.models import Answer, SelfAssessment, SelfAssessmentAnswer
from registry.signatories.models import Signatory, SignatoryStatus

GROUP_ORDER = list(GROUP_LABELS)
# How far ahead an action's "by when" may be.
ACTION_YEARS_AHEAD = 5


def current_year() -> int:
    return today_uk().year


# --- who -------------------------------------------------------------------------------------


def organisations_of(user: User) -> list[Organisation]:
    """The published signatories the user is a member of, by name."""
    ids = user.organisation_ids(Role.member)
    if not ids:
        return []
    query = (
        select(Organisation)
        .join(Signatory, Signatory.organisation_id == Organisation.id)
        .where(Organisation.id.in_(ids), Signatory.status == SignatoryStatus.published)
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(query))


def organisation_for(user: User, slug: str) -> Organisation | None:
    """The organisation if the user may see its self-assessments, else None (a 404)."""
    return next((org for org in organisations_of(user) if org.slug == slug), None)


# --- one organisation's assessment -----------------------------------------------------------


def _of(organisation: Organisation, year: int) -> Select[SelfAssessment]:
    return select(SelfAssessment).where(
        SelfAssessment.organisation_id == organisation.id, SelfAssessment.year == year
    )


def find(organisation: Organisation, year: int) -> SelfAssessment | None:
    return db.session.scalar(_of(organisation, year))


def years_of(organisation: Organisation) -> list[int]:
    query = (
        select(SelfAssessment.year)
        .where(SelfAssessment.organisation_id == organisation.id)
        .order_by(SelfAssessment.year.desc())
    )
    return list(db.session.scalars(query))


def start(organisation: Organisation, year: int, version: AccordVersion) -> SelfAssessment:
    """This year's assessment, made against `version` the first time; the same one after."""
    found = find(organisation, year)
    if found is not None:
        return found
    assessment = SelfAssessment(
        organisation_id=organisation.id, year=year, accord_version_id=version.id
    )
    try:
        with db.session.begin_nested():
            db.session.add(assessment)
    except IntegrityError:  # started at the same moment by someone else
        return db.session.scalars(_of(organisation, year)).one()
    audit.record(
        "self_assessment.started",
        "self_assessment",
        assessment.id,
        details={"organisation_id": organisation.id, "year": year},
    )
    return assessment


def themes_for(version: AccordVersion, sector: str) -> list[ThemeCommitments]:
    """The themes with only the commitments an organisation of this sector answers."""
    groups = for_sector(sector)
    themes = []
    for theme in themes_of(version):
        mine = theme.for_groups(groups)
        if mine:
            themes.append(ThemeCommitments(theme.number, theme.title, mine))
    return themes


def version_for(organisation: Organisation, year: int) -> AccordVersion | None:
    """The version an assessment was (or will be) made against."""
    found = find(organisation, year)
    return found.accord_version if found else current_version()


def answers_of(assessment: SelfAssessment | None) -> dict[str, SelfAssessmentAnswer]:
    return {a.commitment_key: a for a in assessment.answers} if assessment else {}


def _same(text: str) -> str:
    return " ".join(text.lower().split())


def previous_answers(
    organisation: Organisation, year: int, themes: list[ThemeCommitments]
) -> dict[str, SelfAssessmentAnswer]:
    """Last year's answer for each of this year's commitments (by key), matched by the
    commitment's text so a revised Accord still lines up where the words did not change."""
    last = find(organisation, year - 1)
    if last is None:
        return {}
    by_text = {_same(a.commitment): a for a in last.answers}
    return {
        c.key: by_text[_same(c.text)]
        for theme in themes
        for c in theme.commitments
        if _same(c.text) in by_text
    }


@dataclass
class Reply:
    answer: str
    what: str = ""
    who: str = ""
    by: date | None = None


def save_theme(
    assessment: SelfAssessment, theme: ThemeCommitments, replies: dict[str, Reply]
) -> int:
    """Record the replies to one theme's commitments (keys not in the theme are ignored); an
    action is kept only with "we could do this better". Returns how many are answered."""
    saved = answers_of(assessment)
    for commitment in theme.commitments:
        reply = replies.get(commitment.key)
        if reply is None or reply.answer not in set(Answer):
            continue
        better = reply.answer == Answer.do_better
        row = saved.get(commitment.key)
        if row is None:
            row = SelfAssessmentAnswer(commitment_key=commitment.key, theme=theme.number)
            assessment.answers.append(row)
        row.commitment = commitment.text
        row.answer = reply.answer
        row.action_what = reply.what if better else ""
        row.action_who = reply.who if better else ""
        row.action_by = reply.by if better else None
    assessment.updated_at = utcnow()
    db.session.flush()
    answered = sum(1 for c in theme.commitments if c.key in answers_of(assessment))
    audit.record(
        "self_assessment.saved",
        "self_assessment",
        assessment.id,
        details={"theme": theme.number, "answered": answered, "of": len(theme.commitments)},
    )
    return answered


@dataclass
class ThemeProgress:
    number: int
    title: str
    answered: int
    total: int
    counts: Counter = field(default_factory=Counter)
    last_year: Counter = field(default_factory=Counter)

    @property
    def done(self) -> bool:
        return self.answered == self.total


def progress(
    themes: list[ThemeCommitments],
    answers: dict[str, SelfAssessmentAnswer],
    previous: dict[str, SelfAssessmentAnswer] | None = None,
) -> list[ThemeProgress]:
    previous = previous or {}
    rows = []
    for theme in themes:
        mine = [answers[c.key].answer for c in theme.commitments if c.key in answers]
        before = [previous[c.key].answer for c in theme.commitments if c.key in previous]
        rows.append(
            ThemeProgress(
                theme.number,
                theme.title,
                len(mine),
                len(theme.commitments),
                Counter(mine),
                Counter(before),
            )
        )
    return rows


def actions(assessment: SelfAssessment | None) -> list[SelfAssessmentAnswer]:
    """The SMART actions, soonest first."""
    if assessment is None:
        return []
    chosen = [a for a in assessment.answers if a.answer == Answer.do_better]
    return sorted(chosen, key=lambda a: (a.action_by or date.max, a.theme, a.commitment_key))


def complete(assessment: SelfAssessment, themes: list[ThemeCommitments]) -> list[int]:
    """Send the assessment (it then counts in the county results). Returns the numbers of the
    themes still to answer; nothing changes unless that is empty. Sending twice is harmless."""
    missing = [p.number for p in progress(themes, answers_of(assessment)) if not p.done]
    if missing or assessment.completed_at is not None:
        return missing
    assessment.completed_at = utcnow()
    audit.record(
        "self_assessment.completed",
        "self_assessment",
        assessment.id,
        details={"organisation_id": assessment.organisation_id, "year": assessment.year},
    )
    return []


# --- county results (anonymous) --------------------------------------------------------------


# A commitment only some sectors answer (the public sector's, say) may have one or two
# answers: those would be one organisation's own. Such a commitment's counts are not shown,
# nor added into its theme's totals, where subtraction would give them back.
MIN_ANSWERS = 3


@dataclass
class CommitmentResult:
    key: str
    group: str
    text: str
    counts: Counter = field(default_factory=Counter)

    @property
    def hidden(self) -> bool:
        return sum(self.counts.values()) < MIN_ANSWERS


@dataclass
class ThemeResult:
    number: int
    title: str
    commitments: list[CommitmentResult] = field(default_factory=list)

    @property
    def counts(self) -> Counter:
        """Over the commitments shown only."""
        total: Counter = Counter()
        for commitment in self.commitments:
            if not commitment.hidden:
                total.update(commitment.counts)
        return total

    @property
    def hidden(self) -> int:
        return sum(commitment.hidden for commitment in self.commitments)


def _order(key: str) -> tuple:
    theme, group, position = key.split("-")
    return (int(theme), GROUP_ORDER.index(group) if group in GROUP_ORDER else 9, int(position))


def results_by_theme(year: int) -> list[ThemeResult]:
    """How many organisations gave each answer to each commitment, by theme, over the year's
    sent self-assessments: counts only, never which organisation said what."""
    rows = db.session.execute(
        select(SelfAssessmentAnswer, SelfAssessment.accord_version_id)
        .join(SelfAssessment)
        .where(SelfAssessment.year == year, SelfAssessment.completed_at.is_not(None))
    ).all()
    titles = {
        (section.version_id, section.number): section.title
        for section in db.session.scalars(
            select(AccordSection).where(
                AccordSection.version_id.in_({version_id for _, version_id in rows})
            )
        )
    }
    themes: dict[int, ThemeResult] = {}
    commitments: dict[tuple[int, str], CommitmentResult] = {}
    for answer, version_id in rows:
        theme = themes.setdefault(
            answer.theme,
            ThemeResult(answer.theme, titles.get((version_id, answer.theme), "")),
        )
        key = (answer.theme, _same(answer.commitment))
        if key not in commitments:
            group = answer.commitment_key.split("-")[1]
            commitments[key] = CommitmentResult(answer.commitment_key, group, answer.commitment)
            theme.commitments.append(commitments[key])
        commitments[key].counts[answer.answer] += 1
    for theme in themes.values():
        theme.commitments.sort(key=lambda c: _order(c.key))
    return [themes[n] for n in sorted(themes)]


def assessment_counts(year: int) -> dict[str, int]:
    """How many organisations have sent, or started but not sent, the year's assessment."""
    found = db.session.execute(
        select(SelfAssessment.completed_at).where(SelfAssessment.year == year)
    ).all()
    sent = sum(1 for (at,) in found if at is not None)
    return {"sent": sent, "in_progress": len(found) - sent}


def result_years() -> list[int]:
    query = select(SelfAssessment.year).distinct().order_by(SelfAssessment.year.desc())
    return list(db.session.scalars(query))


def grouped(theme: ThemeCommitments) -> list[tuple[str, list]]:
    """A theme's commitments under their group headings, in the Accord's order."""
    groups: dict[str, list] = defaultdict(list)
    for commitment in theme.commitments:
        groups[commitment.group].append(commitment)
    return [(GROUP_LABELS[g], groups[g]) for g in GROUP_ORDER if groups.get(g)]
