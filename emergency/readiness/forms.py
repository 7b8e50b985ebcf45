"""The readiness check a hub's managers confirm, CVEC's reminder button, and the training
form on a volunteer's record."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from accord.clock import today_uk
from accord.forms import DayMonthYear, checkboxes, line, text_answer
from emergency.readiness.models import DETAIL_MAX, NOTE_MAX
from emergency.readiness.readiness import CHECKS
from emergency.readiness.training import COURSES, OTHER
from emergency.volunteers.deployments import CONTACT_DETAILS

# The furthest ahead an expiry date may be: a typo like 2206 is caught.
LONGEST_VALID = timedelta(days=20 * 366)


def _no_contacts(form, field) -> None:
    if field.data and CONTACT_DETAILS.search(field.data):
        raise ValidationError(
            "Remove the phone number or email address: key-holders' details belong on the "
            "hub's profile, which only CVEC sees"
        )


class ReadinessForm(FlaskForm):
    checks = checkboxes(
        "What have you checked?",
        CHECKS,
        hint="Tick each one you have checked. CVEC is told about anything not ticked.",
        missing="Tick at least one thing you have checked",
        invalid="Choose what you have checked from the list",
    )
    note = text_answer(
        "Anything CVEC should know (optional)",
        f"The note must be {NOTE_MAX} characters or fewer",
        NOTE_MAX,
        _no_contacts,
        hint="For example, “boiler serviced in October; side door sticks”",
        area=True,
        filters=(line,),
    )
    submit = SubmitField("Confirm the hub is ready", widget=GovSubmitInput())


class RemindForm(FlaskForm):
    submit = SubmitField("Email these hubs' organisations", widget=GovSubmitInput())


class TrainingForm(FlaskForm):
    course = RadioField(
        "Course",
        widget=GovRadioInput(),
        choices=[SelectChoice(key, label) for key, label in COURSES.items()],
        validators=[InputRequired(message="Select the course")],
        validate_choice=False,
    )
    detail = text_answer(
        "If other, what was it?",
        f"What the course was must be {DETAIL_MAX} characters or fewer",
        DETAIL_MAX,
        hint="For example, “Chainsaw safety”",
        filters=(line,),
    )
    completed_on = DayMonthYear(
        "When did they complete it?", id="completed_on-day", description="For example, 27 3 2026"
    )
    expires_on = DayMonthYear(
        "When does it expire? (optional)",
        id="expires_on-day",
        description="Leave blank if it does not expire. For example, 27 3 2029",
    )
    submit = SubmitField("Save training", widget=GovSubmitInput())

    def validate_course(self, field) -> None:
        if field.data not in COURSES:
            raise ValidationError("Select the course from the list")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # An optional field's own checks stop when it is blank: "other" needs it said here.
        if self.course.data == OTHER and not self.detail.data:
            self.detail.errors = [*self.detail.errors, "Enter what the course was"]
            return False
        return valid

    def validate_completed_on(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem)
        if field.data is None:
            raise ValidationError("Enter the date they completed it")
        if field.data > today_uk():
            raise ValidationError("The date they completed it must be today or in the past")

    def validate_expires_on(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem)
        done = self.completed_on.data
        if field.data is not None and done is not None and field.data <= done:
            raise ValidationError("The expiry date must be after the date they completed it")
        if field.data is not None and field.data > today_uk() + LONGEST_VALID:
            raise ValidationError("The expiry date must be within 20 years")
