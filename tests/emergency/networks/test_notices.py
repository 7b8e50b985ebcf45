"""Emails about a network's registration: the organiser when it registers and is approved,
CVEC's members when one waits for review."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import OutboxMessage, Review, Role
from emergency.networks import networks, notices
from emergency.networks.models import MutualAidNetwork
from tests.emergency import data
from tests.emergency.networks.test_networks import register, sign_in


def sent() -> list[tuple[str, str, str]]:
    return [
        (m.to, m.kind, m.subject)
        for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def test_registering_tells_the_organiser_and_cvec_and_approving_tells_the_organiser(client, make):
    make.user(role=Role.cvec, email="cell@example.org")
    make.user(role=Role.cvec, email="gone@example.org", active=False)
    make.user(role=Role.coordinator, email="coordinator@example.org")
    register(client, name="Castlefields Mutual Aid\nBcc: x@evil.example")
    network = db.session.scalar(select(MutualAidNetwork))
    assert sent() == [
        (
            "sam.private@example.org",
            "network-registered",
            "We have your mutual-aid network's registration: Castlefields Mutual Aid Bcc: "
            "x@evil.example",
        ),
        (
            "cell@example.org",
            "network-to-review",
            "A mutual-aid network waits for review: Castlefields Mutual Aid Bcc: x@evil.example",
        ),
    ]
    to_review = db.session.scalars(select(OutboxMessage.body)).all()[1]
    assert f"/emergency/networks/{network.id}" in to_review
    assert "sam.private" not in to_review  # CVEC reads the contact on the review page

    sign_in(client, make)
    client.submit(f"/emergency/networks/{network.id}", {"decision": "approve"})
    approved = sent()[-1]
    assert approved[:2] == ("sam.private@example.org", "network-approved")
    body = db.session.scalars(select(OutboxMessage.body).order_by(OutboxMessage.id)).all()[-1]
    assert f"/mutual-aid/{network.id}" in body
    # Approving again (after an edit) tells nobody twice.
    db.session.expire_all()
    networks.approve(network)
    db.session.commit()
    assert [kind for _, kind, _ in sent()].count("network-approved") == 1


def test_an_organiser_without_an_email_address_gets_no_email(app):
    network = data.network(
        private_contact="Sam, phone 07700 900456",
        public_contact="facebook group",
        review=Review.pending,
    )
    assert notices.organiser_email(network) is None
    assert notices.approved(network) == 0


def test_the_address_is_found_in_what_the_organiser_wrote(app):
    cases = {
        "Sam Organiser, Sam.Private@Example.org, 07700 900456": "Sam.Private@example.org",
        "call 07700 900456 or email <sam@castlefields.example>": "sam@castlefields.example",
        "not-an-address@ and then ann@example.org": "ann@example.org",
    }
    for contact, expected in cases.items():
        network = MutualAidNetwork(private_contact=contact, public_contact="")
        assert notices.organiser_email(network) == expected
    public_only = MutualAidNetwork(private_contact="", public_contact="group@example.org")
    assert notices.organiser_email(public_only) == "group@example.org"
