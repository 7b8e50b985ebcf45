"""Raising a request: the form, its error summary with the answers kept, UK times, the
confirmation panel, and what the log and the audit keep (numbers and kinds, no words)."""

from __future__ import annotations

from datetime import UTC, datetime

from emergency import incidents
from emergency.requests.models import RequestStatus
from tests.emergency import data
from tests.emergency.requests.helpers import (
    answers,
    audit_of,
    cvec,
    latest,
    log_texts,
    new_path,
    raise_one,
    scene,
)
from tests.pages import check_html


def test_cvec_raises_a_request_at_a_hub(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    page = client.get_page(new_path(incident))
    legend = page.select_one("fieldset legend:-soup-contains('Can the public see this request?')")
    assert legend is not None
    assert "must never name a resident" in page.get_text()
    response = client.submit(new_path(incident), answers(hub))
    assert response.status_code == 200
    panel = check_panel(response)
    assert "Request raised" in panel and "R1" in panel
    made = latest()
    assert (made.kind, made.detail, made.quantity, made.public) == ("bedding", "blankets", 20, True)
    assert made.hub_id == hub.id and made.place == ""
    assert made.status == RequestStatus.open and made.needed_by is None
    assert log_texts(incident)[-1] == "Request R1 raised: bedding ×20 (public)"
    events = audit_of(made)
    assert [e.action for e in events] == ["help_request.raised"]
    assert "blankets" not in str(events[0].details)


def check_panel(response) -> str:
    page = check_html(response.get_data(as_text=True))
    return page.select_one(".govuk-panel").get_text(" ", strip=True)


def test_refused_answers_are_kept_with_an_error_summary(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    sent = answers(hub, kind="", quantity="0", public="", detail="a driver to the Royal")
    response = client.submit(new_path(incident), sent)
    assert response.status_code == 400
    page = check_html_of(response)
    summary = page.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "Select what is needed" in summary
    assert "Enter a number from 1 to 10,000" in summary
    assert "Select yes if the public can see this request" in summary
    assert page.select_one("input[name=detail]")["value"] == "a driver to the Royal"
    assert page.select_one("select[name=hub] option[selected]")["value"] == str(hub.id)
    assert latest() is None


def check_html_of(response):
    return check_html(response.get_data(as_text=True))


def test_a_place_instead_of_a_hub_and_a_deadline_on_uk_clocks(client, make, monkeypatch):
    # Summer: 6pm in Shrewsbury is 5pm UTC.
    data.set_clock(monkeypatch, datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    incident, _ = scene(make)
    cvec(client, make)
    made = raise_one(
        client,
        incident,
        None,
        kind="transport",
        detail="a driver to the Royal Shrewsbury",
        quantity="1",
        place="Frankwell car park",
        day=["2", "7", "2026"],
        time="6pm",
        public="no",
    )
    assert made.hub_id is None and made.place == "Frankwell car park"
    assert made.needed_by == datetime(2026, 7, 2, 17, 0)
    assert made.public is False
    assert log_texts(incident)[-1] == "Request R1 raised: transport ×1 (private)"
    page = client.get_page(f"/emergency/incidents/{incident.id}/requests/{made.id}")
    assert "2 July 2026 at 6pm" in page.get_text()


def test_where_when_and_contact_details_are_checked(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    cases = [
        (answers(None), "Choose a hub or enter a place"),
        ({**answers(hub), "hub": "999"}, "Choose a hub from the list"),
        (answers(hub, day=["1", "1", "2020"], time="6pm"), "must be today or in the future"),
        (answers(hub, time="6pm"), "Enter the date it is needed by as well as the time"),
        (answers(hub, day=["31", "12", "2099"], time="teatime"), "Enter the time it is needed"),
        (answers(hub, detail="call Mrs Smith on 07700 900123"), "Remove the phone number"),
        (answers(hub, kind="weapons"), "Select what is needed from the list"),
    ]
    for sent, message in cases:
        response = client.submit(new_path(incident), sent)
        assert response.status_code == 400, message
        assert message in response.get_data(as_text=True), message
    assert latest() is None


def test_no_requests_once_stood_down(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    incidents.end(incident, "Done.", "", None)
    token = client.csrf_token("/account")
    response = client.post(new_path(incident), data={"csrf_token": token, **answers(hub)})
    assert response.status_code == 302
    assert latest() is None
