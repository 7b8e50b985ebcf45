"""A request's life: open → partly met → met, or cancelled; how long open ones have waited,
oldest first on the incident page; changing a request."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from emergency.requests.requests import waited
from tests.emergency import data
from tests.emergency.requests.helpers import (
    answers,
    audit_of,
    cvec,
    latest,
    log_texts,
    page_of,
    raise_one,
    scene,
)

START = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def test_open_then_partly_met_then_met(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub)
    page = client.get_page(page_of(made))
    assert page.select_one(".govuk-body-l .govuk-tag").get_text(strip=True) == "Open"
    buttons = [b.get_text(strip=True) for b in page.select("#actions button")]
    assert buttons == ["Mark partly met", "Mark met", "Mark cancelled"]

    response = client.submit(f"{page_of(made)}/status", {"status": "partly_met"})
    assert response.status_code == 302
    banner = client.get_page(page_of(made)).select_one(".govuk-notification-banner--success")
    assert "Request R1 is now partly met." in banner.get_text()
    assert latest().status == "partly_met" and latest().met_at is None

    assert client.submit(f"{page_of(made)}/status", {"status": "met"}).status_code == 302
    done = latest()
    assert done.status == "met" and done.met_at is not None
    assert log_texts(incident)[-2:] == [
        "Request R1 (bedding ×20) partly met",
        "Request R1 (bedding ×20) met",
    ]
    assert [e.action for e in audit_of(done)] == [
        "help_request.raised",
        "help_request.status",
        "help_request.status",
    ]
    # Met stays met, except that CVEC may open it again.
    page = client.get_page(page_of(made))
    assert [b.get_text(strip=True) for b in page.select("#actions button")] == ["Open again"]
    response = client.submit(f"{page_of(made)}/status", {"status": "cancelled"})
    assert response.status_code == 409
    assert "Request R1 (bedding ×20) is met." in response.get_data(as_text=True)
    assert client.submit(f"{page_of(made)}/status", {"status": "open"}).status_code == 302
    assert latest().status == "open" and latest().met_at is None


def test_cancelled(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub)
    assert client.submit(f"{page_of(made)}/status", {"status": "cancelled"}).status_code == 302
    assert latest().status == "cancelled"
    assert log_texts(incident)[-1] == "Request R1 (bedding ×20) cancelled"
    page = client.get_page(f"/emergency/incidents/{incident.id}")
    assert "No open requests." in page.select_one("#requests").find_next("p").get_text()
    for odd in ("", "closed", "met' OR 1=1"):
        response = client.submit(f"{page_of(made)}/status", {"status": odd})
        assert response.status_code == 400


def test_waiting_words():
    now = datetime(2026, 12, 3, 12, 0)
    assert waited(now, now) == "waiting less than a minute"
    assert waited(now - timedelta(minutes=1), now) == "waiting 1 minute"
    assert waited(now - timedelta(hours=2, minutes=5), now) == "waiting 2 hours 5 minutes"
    assert waited(now - timedelta(hours=1), now) == "waiting 1 hour"
    assert waited(now - timedelta(days=1, hours=3, minutes=9), now) == "waiting 1 day 3 hours"
    assert waited(now + timedelta(minutes=5), now) == "waiting less than a minute"


def test_incident_page_lists_open_requests_oldest_first_with_their_wait(client, make, monkeypatch):
    incident, hub = scene(make)
    cvec(client, make)
    data.set_clock(monkeypatch, START)
    raise_one(client, incident, hub, detail="blankets")
    data.set_clock(monkeypatch, START + timedelta(minutes=50))
    raise_one(client, incident, None, kind="food", detail="hot meals", place="Quarry park")
    data.set_clock(monkeypatch, START + timedelta(hours=1))
    third = raise_one(client, incident, hub, kind="people", detail="sandbag fillers")
    client.submit(f"{page_of(third)}/status", {"status": "met"})
    data.set_clock(monkeypatch, START + timedelta(hours=2, minutes=5))
    page = client.get_page(f"/emergency/incidents/{incident.id}")
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in page.select(".app-requests tbody tr")
    ]
    assert rows == [
        ["R1: Bedding, blankets", "20", "Frankwell Hall, Shrewsbury", "waiting 2 hours 5 minutes"],
        ["R2: Food, hot meals", "20", "Quarry park", "waiting 1 hour 15 minutes"],
    ]
    link = page.select_one("a:-soup-contains('Raise a request')")
    assert link["href"] == f"/emergency/incidents/{incident.id}/requests/new"
    every = client.get_page(f"/emergency/incidents/{incident.id}/requests").get_text()
    assert "sandbag fillers" in every and "Met" in every


def test_cvec_changes_a_request(client, make):
    incident, hub = scene(make)
    cvec(client, make)
    made = raise_one(client, incident, hub)
    form = client.get_page(f"{page_of(made)}/edit")
    assert form.select_one("input[name=detail]")["value"] == "blankets"
    assert form.select_one("input[name=public][checked]")["value"] == "yes"
    changed = answers(hub, detail="pillows", quantity="5", public="no")
    response = client.submit(f"{page_of(made)}/edit", changed)
    assert response.status_code == 302
    now = latest()
    assert (now.detail, now.quantity, now.public) == ("pillows", 5, False)
    assert log_texts(incident)[-1] == "Request R1 (bedding ×5) changed"
    response = client.submit(f"{page_of(made)}/edit", {**changed, "quantity": "lots"})
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
