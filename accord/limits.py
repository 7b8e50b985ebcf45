"""Rate-limit tiers, named by what they protect (Flask-Limiter strings, per visitor address).

Every `@limiter.limit(...)` uses one of these, so a limit is changed in one place and the
README's table of limits stays true. Public forms are limited on POST only: reading a page
is never refused.
"""

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
# Signing in: slows password guessing without locking out a busy shared office.
SIGN_IN = "10 per minute; 50 per hour"
# Setting a password from an invitation.
INVITE = "20 per hour"
# The Open Referral UK API (machine clients page through everything).
API = "3000 per minute"
