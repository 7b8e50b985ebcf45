"""Providers' forms: a service's details, its weekly hours, and reports of wrong listings."""

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from accord.forms import checkboxes, choices, strip, text_answer
from accord.pickers import BuildingField
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
AGE = "Age must be between 0 and 120"


def time_check(form, field) -> None:
    if field.data and not re.match(TIME, field.data):
        raise ValidationError("Enter a time in the 24-hour format, like 09:30 or 17:00")


# Field makers: each kind of question asked the same way, with GOV.UK's messages.


def radios(label: str, options: dict[str, str], missing: str) -> RadioField:
    """One answer from `options` ({value: label}), which must be given."""
    return RadioField(
        label,
        widget=GovRadioInput(),
        choices=choices(options),
        validators=[InputRequired(message=missing)],
    )


def must_tick(label: str, missing: str) -> BooleanField:
    """One checkbox that must be ticked: a confirmation."""
    return BooleanField(
        label, widget=GovCheckboxInput(), validators=[InputRequired(message=missing)]
    )


def whole_number(label: str, low: int, high: int, message: str, hint: str = "", default=None):
    """An optional whole number from `low` to `high`."""
    return IntegerField(
        label,
        widget=GovTextInput(),
        description=hint,
        default=default,
        validators=[Optional(), NumberRange(low, high, message=message)],
    )


class ServiceForm(FlaskForm):
    name = text_answer(
        "Service name",
        "Service name must be 300 characters or fewer",
        300,
        missing="Enter the name of the service",
    )
    description = text_answer(
        "What it is",
        "Description must be 5,000 characters or fewer",
        5000,
        missing="Describe the service",
        area=True,
        hint="In plain English: what happens, and what someone can expect",
    )
    # Its choices are the needs in the database, set by the view.
    needs = checkboxes("Needs it meets", {}, missing="Select at least one need")
    eligibility = text_answer(
        "Who it is for", "Who it is for must be 2,000 characters or fewer", 2000, area=True
    )
    minimum_age = whole_number("Youngest age (optional)", 0, 120, AGE)
    maximum_age = whole_number("Oldest age (optional)", 0, 120, AGE)
    cost = radios(
        "Is it free?",
        {"free": "Free", "charge": "There is a charge"},
        "Say whether the service is free",
    )
    fees = text_answer("Charges (if any)", "Charges must be 500 characters or fewer", 500)
    access_routes = checkboxes(
        "How people get help", ACCESS_ROUTES, missing="Select how people get help"
    )
    referral_fields = checkboxes(
        "What should professionals tell you when they refer someone?",
        REFERRAL_FIELDS,
        hint="Only if you take professional referrals. You always get the person's name "
        "and the reason. Ask for no more than you need: the person must agree to share it.",
    )
    referral_response_days = whole_number(
        "How many working days do you need to answer a referral?",
        1,
        30,
        "Working days must be between 1 and 30",
        hint="If a referral has had no answer after this, we remind you and the referrer",
        default=5,
    )
    # The view gives it its source (directory/pickers/lookup.py): published buildings.
    location = BuildingField(
        "Building (name, town or postcode)",
        endpoint="directory.building_lookup",
        description="Where it happens. Leave this blank if it is online, by phone or at home",
    )
    days = checkboxes("Days it is open", DAY_NAMES)
    opens_at = StringField(
        "Opens at", widget=GovTextInput(), filters=[strip], validators=[Optional(), time_check]
    )
    closes_at = StringField(
        "Closes at", widget=GovTextInput(), filters=[strip], validators=[Optional(), time_check]
    )
    phone = text_answer("Phone (optional)", "Phone must be 60 characters or fewer", 60)
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

    def validate_closes_at(self, field) -> None:
        if self.days.data and not (self.opens_at.data and field.data):
            raise ValidationError("Enter the opening and closing times for the days you chose")


class CapacityForm(FlaskForm):
    capacity = radios(
        "Can you take new people?",
        {key.value: label for key, label in CAPACITY_LABELS.items()},
        "Choose the service's capacity",
    )


class ReportForm(FlaskForm):
    what = text_answer(
        "What is wrong with this listing?",
        "Your report must be 2,000 characters or fewer",
        2000,
        missing="Say what is wrong with the listing",
        area=True,
        hint="For example, the times have changed or the service has closed. Do not "
        "include anyone's personal details.",
    )
    submit = SubmitField("Send report", widget=GovSubmitInput())


class ReviewForm(FlaskForm):
    decision = radios(
        "Decision", {"publish": "Publish", "reject": "Do not publish"}, "Select a decision"
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())
