"""Emails about a network's registration: to its organiser when it registers and when CVEC
approves it, and to CVEC's members when a new one waits for review.

The organiser's private contact is free text ("Sam, 07700 900123 or sam@example.org"): the
first email address in it (or in the public contact) is where their emails go; a contact with
no address gets none, and CVEC phones them.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email

from accord import accounts, emails
from accord.models import Role
from emergency.networks.models import MutualAidNetwork

ADDRESS = re.compile(r"[^\s@<>(),;:\"']+@[^\s@<>(),;:\"']+\.[A-Za-z]{2,}")
KIND_REGISTERED, KIND_TO_REVIEW, KIND_APPROVED = (
    "network-registered",
    "network-to-review",
    "network-approved",
)


def organiser_email(network: MutualAidNetwork) -> str | None:
    """The first valid email address in the private, then the public, contact."""
    for contact in (network.private_contact, network.public_contact):
        for found in ADDRESS.findall(contact or ""):
            try:
                return validate_email(found, check_deliverability=False).normalized
            except EmailNotValidError:
                continue
    return None


def registered(network: MutualAidNetwork) -> int:
    """A new network: its organiser hears it arrived, CVEC that it waits. How many emails."""
    sent = 0
    if to := organiser_email(network):
        emails.queue(to, "emergency/network_registered", kind=KIND_REGISTERED, network=network)
        sent += 1
    for to in accounts.emails_with_role(Role.cvec):
        emails.queue(to, "emergency/network_to_review", kind=KIND_TO_REVIEW, network=network)
        sent += 1
    return sent


def approved(network: MutualAidNetwork) -> int:
    if to := organiser_email(network):
        emails.queue(to, "emergency/network_approved", kind=KIND_APPROVED, network=network)
        return 1
    return 0
