"""The steps of making a referral: consent asks whoever consented for the person their name
only under that answer (a GOV.UK conditional reveal); sending ends on a confirmation panel
that says when the service should answer."""

from __future__ import annotations

from datetime import UTC, datetime

from accord import clock
from directory.referrals.referrals import CONSENT_BY
from tests.directory.referrals.test_pages import (
    CONSENT,
    DETAILS,
    referral_at,
    signed_in,
    start,
)
from tests.pages import check_html

ATTORNEY = "Sam Jones, her son"


def reveal_of(page, key: str):
    """The conditional reveal that the radio for `key` controls, or None."""
    radio = page.find("input", attrs={"name": "by", "value": key})
    controls = radio.get("data-aria-controls")
    return page.find(id=controls) if controls else None


def test_the_name_is_asked_only_under_an_answer_other_than_the_person(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = start(worker, larder)
    page = worker.get_page(f"{at}/consent")
    assert reveal_of(page, "resident") is None
    for key in set(CONSENT_BY) - {"resident"}:
        reveal = reveal_of(page, key)
        assert reveal is not None and "govuk-radios__conditional--hidden" in reveal["class"]
        [box] = reveal.find_all("input")
        assert box["name"] == f"note_{key}"
    # No other label repeats the radio's "the person themselves": each label names one field.
    labels = [label.get_text(" ", strip=True) for label in page.main.find_all("label")]
    assert [text for text in labels if "themselves" in text.lower()] == ["The person themselves"]
    assert not page.main.find("input", attrs={"name": "note"})

    # A name typed under another answer is not kept when the person consented themselves.
    answers = {**CONSENT, "note_carer": "Left over"}
    assert worker.submit(f"{at}/consent", answers).location == f"{at}/details"
    worker.submit(f"{at}/details", DETAILS)
    check = worker.get_page(f"{at}/check").get_text()
    assert "Left over" not in check and "The person themselves" in check


def test_a_missing_name_is_refused_under_its_answer_and_every_answer_is_kept(app, larder):
    worker = signed_in(app, "worker@example.org")
    at = start(worker, larder)
    response = worker.submit(f"{at}/consent", {**CONSENT, "by": "attorney"})
    assert response.status_code == 200
    page = check_html(response.get_data(as_text=True))
    summary = page.find(class_="govuk-error-summary")
    link = summary.find("a", string="Enter the name of the person who gave consent")
    assert link["href"] == "#note_attorney"
    reveal = reveal_of(page, "attorney")
    assert "govuk-radios__conditional--hidden" not in reveal["class"]
    assert page.find("input", attrs={"name": "by", "value": "attorney"}).has_attr("checked")
    assert page.find("input", attrs={"name": "how", "value": "phone"}).has_attr("checked")
    assert page.find("input", attrs={"name": "given_on"})["value"] == CONSENT["given_on"][0]

    # The name typed is kept when another answer is refused.
    refused = worker.submit(f"{at}/consent", {**CONSENT, "by": "attorney", "how": ""})
    page = check_html(refused.get_data(as_text=True))
    assert "Select how consent was given" in page.find(class_="govuk-error-summary").get_text()
    assert page.find("input", attrs={"name": "note_attorney"})["value"] == ""  # none typed yet
    answers = {**CONSENT, "by": "attorney", "note_attorney": ATTORNEY, "how": ""}
    page = check_html(worker.submit(f"{at}/consent", answers).get_data(as_text=True))
    assert page.find("input", attrs={"name": "note_attorney"})["value"] == ATTORNEY
    assert "govuk-radios__conditional--hidden" not in reveal_of(page, "attorney")["class"]

    answers = {**CONSENT, "by": "attorney", "note_attorney": ATTORNEY}
    assert worker.submit(f"{at}/consent", answers).location == f"{at}/details"
    # Coming back to change it, the answer and the name are where they were typed.
    again = worker.get_page(f"{at}/consent")
    assert again.find("input", attrs={"name": "by", "value": "attorney"}).has_attr("checked")
    assert again.find("input", attrs={"name": "note_attorney"})["value"] == ATTORNEY
    assert again.find("input", attrs={"name": "note_carer"}).get("value", "") == ""
    worker.submit(f"{at}/details", DETAILS)
    check = worker.get_page(f"{at}/check").get_text()
    assert f"Someone with lasting power of attorney: {ATTORNEY}" in check
    assert referral_at(at).consent_by == "attorney"


def test_sending_shows_a_panel_with_the_reference_and_when_to_expect_an_answer(
    app, larder, monkeypatch
):
    # Tuesday 22 December 2026: five working days skip Christmas Day (Friday), the weekend
    # and Boxing Day's substitute (Monday 28th).
    monkeypatch.setattr(clock, "system_time", lambda: datetime(2026, 12, 22, 10, tzinfo=UTC))
    worker = signed_in(app, "worker@example.org")
    at = start(worker, larder)
    worker.submit(f"{at}/consent", CONSENT)
    worker.submit(f"{at}/details", DETAILS)
    response = worker.submit(f"{at}/check", {})
    assert response.location == f"{at}/sent"
    page = worker.get_page(response.location)
    reference = referral_at(at).reference
    panel = page.find(class_="govuk-panel--confirmation")
    assert panel.h1.get_text(strip=True) == "Referral sent"
    assert reference in panel.get_text()
    text = " ".join(page.main.get_text(" ").split())
    assert "Community Larder should answer within 5 working days" in text
    assert "by Thursday 31 December 2026" in text
    assert page.main.find("a", href=at) is not None

    # A replayed send goes to the referral itself; so does the service, which did not send it.
    assert worker.submit(f"{at}/check", {}, form_path=at).location == at
    assert signed_in(app, "larder@example.org").get(f"{at}/sent").location == at
