"""The coordinator's form for publishing a revised Accord, and the optional-answer fields the
registry's forms share (accord.forms has the required ones)."""

from collections.abc import Callable

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired

from accord.forms import required_text

Filter = Callable[[str | None], str | None]


class PublishAccordForm(FlaskForm):
    version = required_text("Version", "Enter the version", 20, "For example, 2027")
    text = TextAreaField(
        "The Accord's text (Markdown)",
        widget=GovTextArea(),
        description="In the same format as the current version: front matter, then '## ' sections",
        validators=[InputRequired(message="Paste the Accord's text")],
    )
    submit = SubmitField("Publish this version", widget=GovSubmitInput())
