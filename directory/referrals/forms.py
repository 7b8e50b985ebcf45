"""Forms for making and answering a referral. Every free-text answer about the resident is
sealed once saved (directory.referrals.referrals); the forms only check it is there and sensible."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.validators import Length

from accord.clock import today_uk
from accord.forms import DayMonthYear, checkboxes, line, long_text, required_text
from accord.geo import normalise_postcode
from directory.forms import must_tick, radios
from directory.referrals.models import DECLINE_REASONS
from directory.referrals.referrals import CONSENT_BY, CONSENT_HOW, CONSENT_SCOPE

# Consent older than this is too old to rely on: ask the person again.
CONSENT_MAX_AGE = timedelta(days=90)


class SafeguardingForm(FlaskForm):
    # A random token made when the page is shown: posting it twice finds the same draft.
    token = HiddenField()
    checked = must_tick(
        "The person is not at immediate risk of harm, or I have already followed my "
        "organisation's safeguarding procedure",
        "Confirm you have checked for safeguarding concerns",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


def _who(label: str, hint: str) -> StringField:
    """Who consented for the person: shown under their radio (a GOV.UK conditional reveal)."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        filters=[line],
        validators=[
            Length(max=200, message="Name and relationship must be 200 characters or fewer")
        ],
    )


def _needed_when(by: str):
    """An inline validator: the name is needed only when `by` is the answer chosen."""

    def check(form: ConsentForm, field: StringField) -> None:
        if form.by.data == by and not field.data:
            raise ValidationError("Enter the name of the person who gave consent")

    return check


class ConsentForm(FlaskForm):
    """Who gave consent, how, when and to what. Each answer other than the person themselves
    reveals its own name box (`note_<answer>`), so the page asks for a name only when someone
    else consented, and a refused form keeps what was typed under the answer chosen."""

    by = radios("Who gave consent?", CONSENT_BY, "Select who gave consent")
    note_parent_or_guardian = _who(
        "Their name and relationship to the child", "For example, Sam Jones, mother"
    )
    note_attorney = _who("The attorney's name", "For example, Sam Jones")
    note_carer = _who(
        "The carer's name and relationship to the person", "For example, Sam Jones, neighbour"
    )
    how = radios("How did they give it?", CONSENT_HOW, "Select how consent was given")
    given_on = DayMonthYear("When did they give it?", description="For example, 27 3 2026")
    scope = checkboxes(
        "What did they agree the service may be told, besides their name and the reason?",
        CONSENT_SCOPE,
    )
    agreed = must_tick(
        "They understand who their details will be shared with, and why, and that they can "
        "withdraw their consent at any time",
        "Confirm the person understands and agrees",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    validate_note_parent_or_guardian = _needed_when("parent_or_guardian")
    validate_note_attorney = _needed_when("attorney")
    validate_note_carer = _needed_when("carer")

    def who(self, by: str) -> StringField | None:
        """The name box under the answer `by`; None for the person themselves."""
        field = self._fields.get(f"note_{by}")
        return field if isinstance(field, StringField) else None

    @property
    def note(self) -> str:
        """The name and relationship given for the answer chosen ("" for the person)."""
        field = self.who(self.by.data or "")
        return (field.data or "") if field is not None else ""

    def validate_given_on(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem)
        if field.data is None:
            raise ValidationError("Enter the date consent was given")
        if field.data > today_uk():
            raise ValidationError("The date consent was given must be today or in the past")
        if field.data < today_uk() - CONSENT_MAX_AGE:
            raise ValidationError(
                "Consent must have been given in the last 90 days: ask the person again"
            )


class DetailsForm(FlaskForm):
    """The person's details. The view removes the fields the service does not ask for (or
    that the person did not agree to share); the ones left are all needed."""

    name = required_text("The person's full name", "Enter the person's full name", 200)
    reason = long_text(
        "Why are you referring them?",
        "What has happened and what you hope the service can do. Keep to what the service "
        "needs to know.",
        "Enter why you are referring them",
    )
    contact = long_text(
        "How and when can the service contact them?",
        "For example, a phone number and the best times to call, or that they prefer a letter",
        "Enter how and when the service can contact them",
        500,
    )
    needs = long_text(
        "What help do they need?",
        "Anything the service asked to know, such as who lives with them",
        "Enter what help they need",
    )
    access = long_text(
        "Accessibility needs and language",
        "For example, step-free access, an interpreter for Polish, large print",
        "Enter their accessibility needs and language, or ‘none’",
        500,
    )
    postcode = StringField(
        "Their postcode (optional)",
        widget=GovTextInput(),
        description="Only the first half (like SY1) is kept for anonymous figures on unmet "
        "need. The service sees the full postcode only if they agreed to share how to "
        "contact them.",
        filters=[line],
        validators=[Length(max=10, message="Enter a real postcode, like SY1 1HQ")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_postcode(self, field) -> None:
        if field.data and normalise_postcode(field.data) is None:
            raise ValidationError("Enter a real postcode, like SY1 1HQ")


class SendForm(FlaskForm):
    submit = SubmitField("Send referral", widget=GovSubmitInput())


class DeclineForm(FlaskForm):
    reason = radios(
        "Why can the service not help?", DECLINE_REASONS, "Select why the service cannot help"
    )
    submit = SubmitField("Decline referral", widget=GovSubmitInput())


class ActionForm(FlaskForm):
    """Accept, complete or withdraw: one button, with CSRF."""
