"""What concerns add up to: the public learning page and the annual review's counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from accord.extensions import db
from registry.concerns import figures
from registry.concerns.models import Concern
from tests.registry.concerns.cases import (
    ON,
    TODAY,
    acknowledged,
    raise_one,
    signed_in,
)


def test_organisations_are_named_on_the_learning_page_only_when_both_agreed(app, sides):
    at = acknowledged(app, sides)
    coordinator = signed_in(app, "coordinator@example.org")
    coordinator.submit(
        f"{at}/outcome",
        {
            "outcome-outcome": "partly_resolved",
            "outcome-breach": "no",
            "outcome-summary": "Agreed",
            "outcome-lessons": "Talk early",
            "outcome-names_agreed": "y",
            "outcome-on": ON,
        },
        form_path=at,
    )
    text = app.test_client().get_page("/accord/learning").get_text()
    assert "Oswestry Community Trust and Borderland Council" in text and "Talk early" in text


def test_the_annual_review_counts_concerns_without_naming_them(app, sides):
    raise_one(signed_in(app, "raiser@example.org"), sides)
    concern = db.session.scalar(select(Concern))
    concern.acknowledged_at = datetime(TODAY.year, 1, 5)
    concern.outcome_recorded_at = datetime(TODAY.year, 1, 25)
    concern.outcome = "resolved"
    db.session.commit()
    page = app.test_client().get_page(f"/accord/review/{TODAY.year}")
    text = " ".join(page.get_text().split())
    assert "Concerns and dispute resolution" in text
    assert "Self-assessment by theme" in text
    csv = app.test_client().get(f"/accord/review/{TODAY.year}.csv").get_data(as_text=True)
    assert "Concerns raised,1" in csv and "Outcome: Resolved,1" in csv
    assert "Outcome within six weeks of acknowledgement,1" in csv
    assert "Median days from acknowledgement to outcome,20" in csv
    assert "Borderland" not in text + csv and "Oswestry" not in text + csv


def test_a_lesson_is_dated_by_its_month_on_uk_clocks():
    assert figures.month_text(datetime(2026, 3, 31, 23, 30)) == "April 2026"  # BST
    assert figures.month_text(datetime(2026, 1, 31, 23, 30)) == "January 2026"  # GMT
    assert figures.month_text(None) == ""


def test_breaches_public_statements_and_themes_are_counted_and_explained(app, sides):
    at = acknowledged(app, sides)
    coordinator = signed_in(app, "coordinator@example.org")
    outcome = {
        "outcome-outcome": "resolved",
        "outcome-breach": "yes",
        "outcome-summary": "Agreed",
        "outcome-on": ON,
    }
    hostile = {**outcome, "outcome-public_statement": "javascript:alert(1)"}
    refused = coordinator.submit(f"{at}/outcome", hostile, form_path=at)
    assert "There is a problem" in refused.get_data(as_text=True)
    statement = "https://borderland.example.gov.uk/statement"
    done = coordinator.submit(
        f"{at}/outcome", {**outcome, "outcome-public_statement": statement}, form_path=at
    )
    assert done.location == at
    concern = db.session.scalar(select(Concern))
    assert concern.public_statement == statement and concern.breach is True
    concern.raised_at = concern.outcome_recorded_at = datetime(TODAY.year, 2, 1)
    db.session.commit()
    found = figures.year_figures(TODAY.year)
    assert found["breaches"] == 1 and found["statements"] == 1
    assert sum(found["by_theme"].values()) == len(concern.themes) > 0
    page = app.test_client().get_page(f"/accord/review/{TODAY.year}")
    rows = {
        row.th.get_text(strip=True): row.th.a["href"]
        for row in page.select("[data-section=concerns] tbody tr")
    }
    assert rows["Breaches of the Accord found"] == "/accord/review/how#concerns"
    assert "Public statements made after a breach" in rows
    assert "Challenges resolved through the procedure" in rows
    assert any(label.startswith(f"Theme {concern.themes[0]}") for label in rows)
    how = app.test_client().get_page("/accord/review/how")
    assert how.find(id="concerns") is not None and how.find(id="emergencies") is not None
