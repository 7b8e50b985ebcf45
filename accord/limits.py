"""Rate-limit tiers, named by what they protect (Flask-Limiter strings, per visitor address
unless a tier names its own key below).

Every `@limiter.limit(...)` uses one of these, so a limit is changed in one place and the
README's table of limits stays true. Public forms are limited on POST only: reading a page
is never refused.
"""

import hashlib

from flask import request
from flask_limiter.util import get_remote_address
from flask_login import current_user

# A step of a public multi-page form (the Accord sign-up's pages).
FORM_STEP = "60 per minute; 500 per day"
# A public form that creates something and sends an email (a sign-up, a withdrawal request).
SUBMIT = "10 per minute; 50 per day"
# A public form anyone can use to add to a queue without an account: a volunteer or a
# mutual-aid network registering, a report that a listing is wrong.
ANONYMOUS = "5 per minute; 30 per day"
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
# Adding to and removing from the signposting list (one click each).
LIST_CHANGE = "120 per minute"
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


# --- keys for tiers that are not per visitor address ------------------------------------


def address_and_ip() -> str:
    """The email address being signed in to (hashed), with the visitor's address."""
    email = (request.form.get("email") or "").strip().lower()
    return f"{get_remote_address()}|{hashlib.sha256(email.encode()).hexdigest()[:32]}"


def account() -> str:
    """The signed-in account (for forms only signed-in people reach)."""
    return f"user:{current_user.get_id()}"
