"""The coordinator's form for publishing a revised Accord, and the optional-answer fields the
registry's forms share (accord.forms has the required ones)."""

from collections.abc import Callable, Sequence

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from accord.forms import line, required_text, text

Filter = Callable[[str | None], str | None]


def optional_line(
    label: str,
    too_long: str,
    max_length: int,
    *checks: Callable,
    hint: str = "",
    filters: Sequence[Filter] = (line,),
) -> StringField:
    """A one-line answer that may be left out; `checks` run only when there is one."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        filters=list(filters),
        validators=[Optional(), Length(max=max_length, message=too_long), *checks],
    )


def optional_text(label: str, too_long: str, hint: str = "", max_length: int = 2000):
    """A text area that may be left empty, line breaks kept."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=hint,
        filters=[text],
        validators=[Optional(), Length(max=max_length, message=too_long)],
    )


class PublishAccordForm(FlaskForm):
    version = required_text("Version", "Enter the version", 20, "For example, 2027")
    text = TextAreaField(
        "The Accord's text (Markdown)",
        widget=GovTextArea(),
        description="In the same format as the current version: front matter, then '## ' sections",
        validators=[InputRequired(message="Paste the Accord's text")],
    )
    submit = SubmitField("Publish this version", widget=GovSubmitInput())
