"""Rate-limit tiers, named by what they protect (Flask-Limiter strings, per visitor address
unless a tier names its own key below).

Every `@limiter.limit(...)` uses one of these, so a limit is changed in one place and the
README's table of limits stays true. Public forms are limited on POST only: reading a page
is never refused.
"""

from __future__ import annotations

import hashlib

from flask import Response, request
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem

# A step of a public multi-page form (the Accord sign-up's pages).
FORM_STEP = "60 per minute; 500 per day"
# A public form that creates something and sends an email (a sign-up, a withdrawal request).
SUBMIT = "10 per minute; 50 per day"
# A public form anyone can use to add to a queue without an account: a volunteer or a
# mutual-aid network registering, a report that a listing is wrong.
ANONYMOUS = "5 per minute; 30 per day"
# A public sign-up form (a volunteer, a mutual-aid network) counts only the submissions it
# accepts (`deduct_when=accepted`): a community centre signing up a room of people on one
# connection, each fixing a typo or two, is not refused. These stop abuse, not people.
SIGN_UP_ACCEPTED = "20 per minute; 200 per hour; 500 per day"
# The same forms, per email address typed (kept as a keyed hash): one person signs up once and
# changes their details now and then.
SIGN_UP_PER_EMAIL = "5 per hour; 10 per day"
# Every submission of those forms, accepted or not, per visitor address: only a machine sends
# this many.
SIGN_UP_ANY = "60 per minute; 1000 per day"
# Opening a link from an email (confirm, amend, leave): guessing tokens is pointless, but cheap.
EMAILED_LINK = "30 per minute"
# Acting on an emailed link (withdraw, re-affirm).
EMAILED_LINK_ACTION = "10 per minute"
# Signed-in work that sends email to others (log a consultation, make a referral).
SIGNED_IN_SEND = "30 per minute"
# Raising an Accord concern (signed in; emails the coordinator).
CONCERN = "20 per minute"
# Public pages that look things up (postcode search, maps, hub GeoJSON).
LOOKUP = "60 per minute"
# A lookup asked as someone types (choosing a building), per account: a few a second, briefly.
AS_YOU_TYPE = "120 per minute; 2000 per hour"
# Adding to and removing from the signposting list (one click each).
LIST_CHANGE = "120 per minute"
# Sending the signposting list to a resident (public): per address or number typed (kept as a
# keyed hash), counting lists sent; and every submission per visitor address, which a busy
# advice centre on one connection stays well under.
LIST_SEND_TO = "3 per hour; 10 per day"
LIST_SEND_ANY = "20 per minute; 300 per day"
# Signing in, per visitor address: generous, so a council office or community centre behind
# one address is never locked out together (guessing is slowed per account, below and in
# accord/signin.py: after a few failures an address needs an emailed code as well).
SIGN_IN = "30 per minute; 300 per hour"
# Signing in to one email address from one visitor address: one source hammering one account
# is slowed, while its owner elsewhere can still sign in.
SIGN_IN_ADDRESS = "10 per minute; 30 per hour"
# Entering the one-time code emailed after repeated failures (each code also allows 5 tries).
SIGN_IN_CODE = "10 per minute; 30 per hour"
# Changing your password, per account (it checks the current password).
ACCOUNT_CHANGE = "5 per minute; 20 per hour"
# Setting a password from an invitation.
INVITE = "20 per hour"
# The Open Referral UK API (machine clients page through everything).
API = "3000 per minute"


def accepted(response: Response) -> bool:
    """`deduct_when` for a form that redirects once it accepts what was sent: a form shown
    again with errors costs nothing."""
    return response.status_code in (302, 303)


def wait_words(limit: RateLimitItem) -> str:
    """How long to wait before trying again, in words, for the limit that refused: "a minute"."""
    seconds = limit.get_expiry()
    if seconds <= 60:
        return "a minute"
    if seconds <= 3600:
        return "an hour"
    return "a day"


# --- keys for tiers that are not per visitor address ------------------------------------


def address_and_ip() -> str:
    """The email address being signed in to (hashed), with the visitor's address."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{get_remote_address()}|{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def account() -> str:
    """The signed-in account (for forms only signed-in people reach)."""
    return f"user:{current_user.get_id()}"
