"""The claim's forms: which of the member's organisations claims, the coordinator's decision,
and the switch for automatic approval by email domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField

from directory.forms import radios


class ClaimForm(FlaskForm):
    # Its choices are the member's organisations that may claim, set by the view.
    organisation = radios("Which organisation runs it?", {}, "Choose your organisation")
    submit = SubmitField("Ask to manage this listing", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = radios(
        "Decision",
        {"approve": "Approve: the organisation manages the listing", "reject": "Reject"},
        "Select a decision",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class AutomaticForm(FlaskForm):
    automatic = radios(
        "Approve claims automatically when the email domains match?",
        {"on": "Yes", "off": "No, I decide every claim"},
        "Say whether to approve matching claims automatically",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
