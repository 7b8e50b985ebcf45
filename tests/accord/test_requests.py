"""Control characters never reach stored text (accord/requests.py): every form and query
string is cleaned before any form sees it."""

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage
from accord.outbox import queue_email
from emergency.networks.models import MutualAidNetwork
from tests.emergency.networks.test_networks import VALID

ESCAPE = "\x1b[31m"  # "red from here on" to a terminal
BELL_AND_CSI = "\x07\x9b"  # a bell, and the one-byte C1 form of ESC [


def test_controls_are_dropped_from_forms_and_query_strings_line_breaks_kept(app):
    typed = f"one{ESCAPE}\x00\r\ntwo\rthree\tfour{BELL_AND_CSI}\x7f"
    with app.test_request_context("/?q=" + ESCAPE + "x\x00", method="POST", data={"a": typed}):
        from flask import request

        assert request.form["a"] == "one[31m\ntwo\nthree\tfour"
        assert request.args["q"] == "[31mx"


def test_a_form_stores_no_control_characters(client):
    answers = {
        **VALID,
        "name": f"Castle{ESCAPE}fields\x00 Mutual Aid{BELL_AND_CSI}",
        "offers_other": f"Lifts{ESCAPE} to\x00 the surgery\r\n",
        "contact_details": "sam.private\x00@example.org\x07",
    }
    response = client.submit("/mutual-aid/register", answers)
    assert response.status_code == 302, response.status_code
    network = db.session.scalar(select(MutualAidNetwork))
    assert network.name == "Castle[31mfields Mutual Aid"
    stored = " ".join(str(getattr(network, c.key)) for c in MutualAidNetwork.__table__.columns)
    assert "\x1b" not in stored and "\x00" not in stored and "\x9b" not in stored


def test_text_written_by_anything_else_is_cleaned_as_it_is_stored(app, make):
    """An ORUK feed, a command or a job writes past the forms: the flush cleans every text
    column (NUL included, which PostgreSQL would refuse with an error)."""
    queue_email("a@example.org", f"Hi{ESCAPE}", f"Dear Ann\x00{BELL_AND_CSI},\r\nline\ttwo")
    org = make.organisation(name=f"Feed{ESCAPE} Trust\x00")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert (message.subject, message.body) == ("Hi[31m", "Dear Ann,\r\nline\ttwo")
    org.description = "changed\x1b later"
    db.session.commit()
    db.session.expire_all()
    assert (org.name, org.description) == ("Feed[31m Trust", "changed later")
