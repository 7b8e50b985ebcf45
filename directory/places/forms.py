"""A community building's details, and the coordinator's decision on a new one."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, IntegerField, SubmitField, ValidationError
from wtforms.validators import NumberRange, Optional

from accord import geo
from accord.forms import checkboxes, line, long_text, required_text, text, text_answer
from accord.models import OWNER_LABELS
from directory.forms import radios

YES_NO = {"yes": "Yes", "no": "No"}
EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")
PHONE = re.compile(r"^\+?[\d ()-]+$")
CAPACITY = "How many people it holds must be a whole number between 1 and 10,000"
CONTACT = "Enter a phone number, like 01743 123456, or an email address, like hire@example.org"


def postcode_check(form, field) -> None:
    if field.data and not geo.normalise_postcode(field.data):
        raise ValidationError("Enter a real postcode, like SY1 1AA")


def contact_check(form, field) -> None:
    """A phone number (10 to 15 digits) or an email address: the two ways people book."""
    value = field.data or ""
    if EMAIL.match(value):
        return
    if PHONE.match(value) and 10 <= sum(c.isdigit() for c in value) <= 15:
        return
    raise ValidationError(CONTACT)


class Capacity(IntegerField):
    """How many people: GOV.UK's message for words or fractions, not WTForms' own."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(CAPACITY) from exc


class BuildingForm(FlaskForm):
    name = required_text("Name of the building", "Enter the name of the building", 200)
    description = text_answer(
        "About the building (optional)",
        "About the building must be 2,000 characters or fewer",
        2000,
        area=True,
        filters=(text,),
        hint="What it is like and what it is used for",
    )
    address = long_text(
        "Address",
        "The street address, without the town and postcode",
        "Enter the address of the building",
        300,
    )
    town = required_text("Town or village", "Enter the town or village", 100)
    postcode = required_text("Postcode", "Enter the postcode", 10)
    accessibility = checkboxes(
        "Accessibility", geo.ACCESSIBILITY, hint="Select all that the building has"
    )
    facilities = checkboxes("Facilities", geo.FACILITIES, hint="Select all that apply")
    capacity = Capacity(
        "How many people it holds (optional)",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(1, 10000, message=CAPACITY)],
    )
    opening_hours = text_answer(
        "Opening or booking hours (optional)",
        "Opening or booking hours must be 500 characters or fewer",
        500,
        area=True,
        filters=(text,),
        hint="For example, Monday to Friday 9am to 5pm; evenings by booking",
    )
    bookable = radios(
        "Can people book or hire it?", YES_NO, "Select yes if people can book or hire it"
    )
    booking = text_answer(
        "How to book or hire it (optional)",
        "How to book or hire it must be 1,000 characters or fewer",
        1000,
        area=True,
        filters=(text,),
        hint="For example, the charges and how far ahead to book",
    )
    booking_contact = text_answer(
        "Booking contact (optional)",
        "Booking contact must be 254 characters or fewer",
        254,
        contact_check,
        filters=(line,),
        hint="A phone number or an email address for bookings",
    )
    booking_contact_public = BooleanField(
        "Show the booking contact on the public page",
        widget=GovCheckboxInput(),
        description="If you leave this unticked, only signed-in members of your organisation "
        "and the VCS Assembly coordinator see it",
    )
    owner = radios("Who owns the building?", OWNER_LABELS, "Select who owns the building")
    hub_ready = radios(
        "Could it serve as an emergency hub?",
        YES_NO,
        "Select yes if the building could serve as an emergency hub",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_postcode(self, field) -> None:
        postcode_check(self, field)


class DecisionForm(FlaskForm):
    decision = radios(
        "Decision",
        {"publish": "Publish it", "reject": "Do not publish it"},
        "Select whether to publish the building",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())
