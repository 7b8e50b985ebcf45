"""The annual review: the year's figures, section by section, for the page, print and CSV.

Each section is a function of the year returning a `ReviewSection`. Other jobs add theirs
(concerns by stage and outcome, self-assessment by theme …) from their `init_app`:

    from registry.notices.review import ReviewSection, register_review_section
    register_review_section("concerns", lambda year: ReviewSection("Concerns", [...]))

Sections show in the order they were first registered; registering a name again replaces its
function (create_app runs more than once in tests). Counts only: no personal data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent
from accord.text import csv_cell
from registry.notices import notices
from registry.signatories import record, renewals
from registry.signatories.models import Signatory, SignUp, SignUpKind, SignUpStatus

FIRST_YEAR = 2000


@dataclass
class ReviewSection:
    title: str
    # (what is counted, the figure): figures are numbers or short text, never personal data.
    rows: list[tuple[str, int | str]] = field(default_factory=list)
    note: str = ""


SectionFunction = Callable[[int], ReviewSection]
_SECTIONS: dict[str, SectionFunction] = {}


def register_review_section(name: str, function: SectionFunction) -> None:
    _SECTIONS[name] = function


def section_names() -> list[str]:
    return list(_SECTIONS)


def valid_year(year: int) -> bool:
    return FIRST_YEAR <= year <= today_uk().year


def build(year: int) -> list[tuple[str, ReviewSection]]:
    return [(name, function(year)) for name, function in _SECTIONS.items()]


def to_csv(year: int, sections: list[tuple[str, ReviewSection]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["year", "section", "measure", "value"])
    for _name, section in sections:
        for label, value in section.rows:
            writer.writerow([year, csv_cell(section.title), csv_cell(label), csv_cell(value)])
    return buffer.getvalue()


# --- the registry's own sections ------------------------------------------------------------


def _in_year(column, year: int):
    return (column >= datetime(year, 1, 1)) & (column < datetime(year + 1, 1, 1))


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions)) or 0


def signatories_section(year: int) -> ReviewSection:
    signups = (SignUp.kind == SignUpKind.signup,)
    listed, current = record.listings_current()
    return ReviewSection(
        "Signatories",
        [
            (
                "Organisations that signed the Accord",
                _count(Signatory, _in_year(Signatory.signed_at, year)),
            ),
            (
                "Signatories that re-affirmed a revised Accord",
                _count(Signatory, _in_year(Signatory.reaffirmed_at, year)),
            ),
            (
                "Yearly renewals (re-affirmations of the Accord)",
                _count(
                    AuditEvent,
                    AuditEvent.action == "signatory.reaffirmed",
                    _in_year(AuditEvent.at, year),
                ),
            ),
            (
                "Signatories whose yearly renewal fell due this year and has lapsed",
                renewals.lapsed_in(year),
            ),
            (
                "Signatories that withdrew",
                _count(Signatory, _in_year(Signatory.withdrawn_at, year)),
            ),
            ("Signatories with directory listings (now)", listed),
            ("Of those, every listing checked within 15 months (now)", current),
            ("Sign-ups received", _count(SignUp, *signups, _in_year(SignUp.confirmed_at, year))),
            (
                "Sign-ups turned down",
                _count(
                    SignUp,
                    *signups,
                    SignUp.status == SignUpStatus.rejected,
                    _in_year(SignUp.decided_at, year),
                ),
            ),
        ],
    )


def consultations_section(year: int) -> ReviewSection:
    found = notices.consultations(year)
    met = sum(notices.meets_consultation_weeks(c.start_date, c.end_date) for c in found)
    return ReviewSection(
        "Consultations",
        [
            ("Consultations logged (closing this year)", len(found)),
            ("Allowed 12 weeks or more", met),
            ("Shorter than 12 weeks", len(found) - met),
        ],
        "Logged by public-sector signatories. The Accord asks for 12 weeks for responses.",
    )


def notices_section(year: int) -> ReviewSection:
    found = notices.notices(year)
    verdicts = [notices.notice_verdict(n.notice_date, n.change_date) for n in found]
    six = sum(v.six_months for v in verdicts)
    three = sum(v.three_months for v in verdicts)
    return ReviewSection(
        "Funding and contract changes",
        [
            ("Changes logged (taking effect this year)", len(found)),
            ("Given 6 months' notice or more", six),
            ("Given 3 months' notice or more", three),
            ("Given less than 3 months' notice", len(found) - three),
        ],
        "The Accord asks for 6 months' notice; Herefordshire's compact asks for 3 at least.",
    )


def referrals_section(year: int) -> ReviewSection:
    from directory import taxonomy
    from directory.referrals import figures as referral_figures
    from directory.referrals.models import DECLINE_REASONS, STATUS_LABELS

    figures = referral_figures.statistics(year=year)
    small_count = referral_figures.SMALL_COUNT
    need_names = {term.code: term.name for term in taxonomy.needs()}
    rows: list[tuple[str, int | str]] = [("Referrals sent", figures["total"])]
    for outcome, n in sorted(figures["by_outcome"].items()):
        label = DECLINE_REASONS.get(outcome) or STATUS_LABELS.get(outcome, outcome)
        rows.append((f"Outcome: {label}", n))
    unmet, small = referral_figures.unmet_shown(figures["unmet"])
    for (need, area), n in unmet:
        rows.append((f"Unmet need: {need_names.get(need, need)} in {area}", n))
    if small:
        rows.append(
            (f"Unmet need: other needs and districts, each fewer than {small_count}", small)
        )
    return ReviewSection(
        "Referrals and unmet need",
        rows,
        "Referrals sent through the directory this year. Unmet need counts referrals declined "
        "as not eligible or for lack of capacity, by need and postcode district; a need in a "
        f"district with fewer than {small_count} is counted only in the last row, so no household "
        "can be picked out.",
    )


def self_assessment_section(year: int) -> ReviewSection:
    from registry.self_assessment import self_assessment
    from registry.self_assessment.models import ANSWER_LABELS

    sent = self_assessment.assessment_counts(year)
    rows: list[tuple[str, int | str]] = [
        ("Self-assessments sent", sent["sent"]),
        ("Self-assessments started, not sent", sent["in_progress"]),
    ]
    for theme in self_assessment.results_by_theme(year):
        for answer, label in ANSWER_LABELS.items():
            rows.append((f"Theme {theme.number}, {theme.title}: {label}", theme.counts[answer]))
    return ReviewSection(
        "Self-assessment by theme",
        rows,
        "Answers to the annual checklist, counted over the commitments of each theme in the "
        "self-assessments sent this year. No organisation is named, and a commitment fewer "
        f"than {self_assessment.MIN_ANSWERS} organisations answered is left out.",
    )


def concerns_section(year: int) -> ReviewSection:
    from registry.concerns import figures
    from registry.concerns.concerns import accord_themes
    from registry.concerns.models import OUTCOME_LABELS, STAGE_LABELS

    found = figures.year_figures(year)
    rows: list[tuple[str, int | str]] = [("Concerns raised", found["total"])]
    rows += [(f"Now: {label}", found["by_stage"][key]) for key, label in STAGE_LABELS.items()]
    rows += [
        (f"Outcome: {label}", found["by_outcome"][key]) for key, label in OUTCOME_LABELS.items()
    ]
    # The Herefordshire compact's measure: "the number of challenges successfully dealt with
    # through the resolution procedure".
    rows.append(("Challenges resolved through the procedure", found["by_outcome"]["resolved"]))
    titles = dict(accord_themes())
    rows += [
        (f"Theme {n}: {titles.get(n, '')}".rstrip(": "), found["by_theme"][n])
        for n in sorted(found["by_theme"])
    ]
    rows.append(("Breaches of the Accord found", found["breaches"]))
    rows.append(("Public statements made after a breach", found["statements"]))
    rows.append(("Outcome within six weeks of acknowledgement", found["within_target"]))
    median = found["median_days"]
    rows.append(
        ("Median days from acknowledgement to outcome", "none yet" if median is None else median)
    )
    return ReviewSection(
        "Concerns and dispute resolution",
        rows,
        "Concerns raised this year under the Accord's resolution process: the number of "
        "challenges dealt with, as the Herefordshire compact measures it. No case is named.",
    )


register_review_section("signatories", signatories_section)
register_review_section("consultations", consultations_section)
register_review_section("notices", notices_section)
register_review_section("concerns", concerns_section)
register_review_section("referrals", referrals_section)
register_review_section("self_assessment", self_assessment_section)
