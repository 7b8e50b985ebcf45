"""The sweep for sending the signposting list to a resident (/directory/list/send): hostile
strings in the address, the number and the choice; never a 500, never sent, and what was typed
comes back escaped."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage
from directory.handoff import handoff
from tests import hostile
from tests.directory.data import two_food_services
from tests.security.test_hostile_forms import address, clean, rounds, submit
from tests.security.test_hostile_rest import LONG

SEND = "/directory/list/send"


def test_send_list_form(app, client, notify):
    bank = two_food_services()["bank"]
    client.submit(
        "/directory/list",
        {"action": "add", "service": bank.uuid},
        form_path=f"/directory/services/{bank.id}",
    )
    for texts in rounds(["email", "mobile"]):
        for channel in ("email", "sms"):
            answers = {"channel": channel, **texts}
            response = submit(client, SEND, answers, environ_base=address())
            clean(response, SEND)
            assert response.status_code == 200, (answers, response.status_code)
            assert hostile.unsafe_html(response.get_data(as_text=True)) == [], answers
    for text in (*hostile.EVERY, LONG):
        for answers in (
            {"channel": text},
            {"channel": "email", "email": text},
            {"channel": "sms", "mobile": text},
        ):
            response = submit(client, SEND, answers, environ_base=address())
            clean(response, SEND)
            assert hostile.unsafe_html(response.get_data(as_text=True)) == [], str(answers)[:60]
    # What was typed is shown again, escaped: the payload is there, and not live.
    shown = submit(
        client, SEND, {"channel": "email", "email": hostile.SCRIPTS[1]}, environ_base=address()
    )
    assert "__pwned" in shown.get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None and handoff.total() == 0
