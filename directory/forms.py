"""Providers' forms: a service's details, its weekly hours, and reports of wrong listings."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from accord.forms import strip
from directory.models import ACCESS_ROUTES, CAPACITY_LABELS, REFERRAL_FIELDS

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
TIME = r"^([01]\d|2[0-3]):[0-5]\d$"


def time_check(form, field) -> None:
    if field.data and not re.match(TIME, field.data):
        raise ValidationError("Enter a time in the 24-hour format, like 09:30 or 17:00")


class ServiceForm(FlaskForm):
    name = StringField(
        "Service name",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the name of the service"),
            Length(max=300, message="Service name must be 300 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "What it is",
        widget=GovTextArea(),
        description="In plain English: what happens, and what someone can expect",
        filters=[strip],
        validators=[
            InputRequired(message="Describe the service"),
            Length(max=5000, message="Description must be 5,000 characters or fewer"),
        ],
    )
    needs = SelectMultipleField(
        "Needs it meets",
        widget=GovCheckboxesInput(),
        choices=[],
        validators=[InputRequired(message="Select at least one need")],
    )
    eligibility = TextAreaField(
        "Who it is for",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="Who it is for must be 2,000 characters or fewer")],
    )
    minimum_age = IntegerField(
        "Youngest age (optional)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 120, message="Age must be between 0 and 120")],
    )
    maximum_age = IntegerField(
        "Oldest age (optional)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(0, 120, message="Age must be between 0 and 120")],
    )
    cost = RadioField(
        "Is it free?",
        widget=GovRadioInput(),
        choices=[SelectChoice("free", "Free"), SelectChoice("charge", "There is a charge")],
        validators=[InputRequired(message="Say whether the service is free")],
    )
    fees = StringField(
        "Charges (if any)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Length(max=500, message="Charges must be 500 characters or fewer")],
    )
    access_routes = SelectMultipleField(
        "How people get help",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(k, v) for k, v in ACCESS_ROUTES.items()],
        validators=[InputRequired(message="Select how people get help")],
    )
    referral_fields = SelectMultipleField(
        "What should professionals tell you when they refer someone?",
        widget=GovCheckboxesInput(),
        description="Only if you take professional referrals. You always get the person's name "
        "and the reason. Ask for no more than you need: the person must agree to share it.",
        choices=[SelectChoice(k, v) for k, v in REFERRAL_FIELDS.items()],
        validators=[Optional()],
    )
    referral_response_days = IntegerField(
        "How many working days do you need to answer a referral?",
        widget=GovTextInput(),
        description="If a referral has had no answer after this, we remind you and the referrer",
        default=5,
        validators=[
            Optional(),
            NumberRange(1, 30, message="Working days must be between 1 and 30"),
        ],
    )
    location = SelectField(
        "Where it happens", widget=GovSelect(), choices=[], validate_choice=False
    )
    days = SelectMultipleField(
        "Days it is open",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(k, v) for k, v in DAY_NAMES.items()],
        validators=[Optional()],
    )
    opens_at = StringField(
        "Opens at", widget=GovTextInput(), filters=[strip], validators=[Optional(), time_check]
    )
    closes_at = StringField(
        "Closes at", widget=GovTextInput(), filters=[strip], validators=[Optional(), time_check]
    )
    phone = StringField(
        "Phone (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[Length(max=60, message="Phone must be 60 characters or fewer")],
    )
    email = StringField(
        "Email (optional)",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=254, message="Email must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_maximum_age(self, field) -> None:
        low = self.minimum_age.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError("Oldest age must be the same as or more than the youngest age")

    def validate_location(self, field) -> None:
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a building from the list")

    def validate_closes_at(self, field) -> None:
        if self.days.data and not (self.opens_at.data and field.data):
            raise ValidationError("Enter the opening and closing times for the days you chose")


class CapacityForm(FlaskForm):
    capacity = RadioField(
        "Can you take new people?",
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, v) for k, v in CAPACITY_LABELS.items()],
        validators=[InputRequired(message="Choose the service's capacity")],
    )


class ReportForm(FlaskForm):
    what = TextAreaField(
        "What is wrong with this listing?",
        widget=GovTextArea(),
        description="For example, the times have changed or the service has closed. Do not "
        "include anyone's personal details.",
        filters=[strip],
        validators=[
            InputRequired(message="Say what is wrong with the listing"),
            Length(max=2000, message="Your report must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Send report", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[SelectChoice("publish", "Publish"), SelectChoice("reject", "Do not publish")],
        validators=[InputRequired(message="Select a decision")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())
