"""The one form of the emailed link: a button (a GET changes nothing; link scanners open
links)."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class StillCorrectForm(FlaskForm):
    submit = SubmitField("Yes, it is still correct", widget=GovSubmitInput())
