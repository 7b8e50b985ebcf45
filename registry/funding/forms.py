"""The form for posting a grant or contract to the funding opportunities board."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from accord.clock import today_uk
from accord.forms import DayMonthYear, choices, line, required_text, text_answer
from registry.funding.models import OPPORTUNITY_KINDS
from registry.signatories.forms import website_check

# Above any grant or contract a county's signatories offer; keeps the number in an integer.
MOST_POUNDS = 1_000_000_000


def pounds(label: str) -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description="In whole pounds, for example 5000",
        filters=[line],
        validators=[Length(max=20, message=f"{label} must be 20 characters or fewer")],
    )


def _whole_pounds(field) -> int | None:
    """The amount typed (a £ sign and commas allowed), or None when left blank."""
    value = re.sub(r"[£,\s]", "", field.data or "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > MOST_POUNDS:
        raise ValidationError(
            f"{field.label.text.removesuffix(' (optional)')} must be a whole number of pounds, "
            "like 5000"
        )
    return int(value)


class OpportunityForm(FlaskForm):
    organisation = SelectField(
        "Funder",
        widget=GovSelect(),
        choices=[],
        validators=[InputRequired(message="Select the funder")],
    )
    title = required_text("Title", "Enter the title of the grant or contract", max_length=200)
    kind = RadioField(
        "Is it a grant or a contract?",
        widget=GovRadioInput(),
        choices=choices(OPPORTUNITY_KINDS),
        validators=[InputRequired(message="Select whether it is a grant or a contract")],
    )
    amount_from = pounds("Smallest amount (optional)")
    amount_to = pounds("Largest amount (optional)")
    closing = DayMonthYear("When does it close?", description="For example, 30 6 2027")
    link = text_answer(
        "Web address for details and how to apply",
        "Web address must be 300 characters or fewer",
        300,
        website_check,
        missing="Enter the web address for details and how to apply",
        filters=(line,),
    )
    major_change = BooleanField(
        "This is a major change to what is funded",
        widget=GovCheckboxInput(),
        description="For example, a service re-commissioned on a new model. The board shows "
        "the 12-week principle beside it.",
    )
    submit = SubmitField("Post the opportunity", widget=GovSubmitInput())

    def validate_amount_from(self, field) -> None:
        self.low = _whole_pounds(field)

    def validate_amount_to(self, field) -> None:
        self.high = _whole_pounds(field)
        low = getattr(self, "low", None)
        if low is not None and self.high is not None and self.high < low:
            raise ValidationError(
                "The largest amount must be the same as or more than the smallest"
            )

    def validate_closing(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem.replace("The date", "The closing date"))
        if field.data is None:
            raise ValidationError("Enter the date it closes")
        if field.data < today_uk():
            raise ValidationError("The closing date must be today or in the future")
        if field.data.year > 2100:
            raise ValidationError("The closing date must be before 2100")
