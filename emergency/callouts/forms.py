"""The call-out form: what is needed, where, when, how many, and which volunteers to ask; and
the buttons of the check page, the call-out page and the volunteer's page."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice

from accord.clock import UK, today_uk
from accord.forms import DayMonthYear, line, text_answer
from emergency.volunteers.deployments import task_problem
from emergency.volunteers.finding import RADII, locate
from emergency.volunteers.forms import skills_wanted, times_wanted

MAX_PEOPLE = 500
TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_time(raw: str | None) -> time | None:
    """ "14:00", "9.30", "2pm", "2:30pm", "midday", "midnight" → a time; None otherwise."""
    said = (raw or "").strip().lower().replace(" ", "")
    if said in ("midday", "noon", "12noon"):
        return time(12, 0)
    if said == "midnight":
        return time(0, 0)
    found = TIME.match(said)
    if not found:
        return None
    hour, minute, half = int(found[1]), int(found[2] or 0), found[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def as_stored(day: date, at: time) -> datetime:
    """A day and time on UK clocks → naive UTC, as times are stored."""
    from datetime import UTC

    return datetime.combine(day, at, tzinfo=UK).astimezone(UTC).replace(tzinfo=None)


def _no_contacts(form, field) -> None:
    if field.data and (problem := task_problem(field.data)):
        raise ValidationError(problem.replace("The task", "It").replace("the task", "it"))


def hub_choice(hint: str) -> SelectField:
    """A hub of the incident, the choices set by the view (or none, and a place instead)."""
    return SelectField(
        "Hub", widget=GovSelect(), description=hint, choices=[], validate_choice=False
    )


def place_answer(hint: str, *checks) -> StringField | TextAreaField:
    """Where, when it is not at a hub: a line of at most 100 characters."""
    return text_answer(
        "Or a place",
        "Place must be 100 characters or fewer",
        100,
        *checks,
        hint=hint,
        filters=(line,),
    )


class CalloutForm(FlaskForm):
    need = text_answer(
        "What is needed",
        "What is needed must be 160 characters or fewer",
        160,
        _no_contacts,
        hint="For example, “drivers with 4x4s to move sandbags”. Every volunteer asked reads "
        "this, and it goes in the incident log: no one's name, phone number or address.",
        missing="Enter what is needed",
        filters=(line,),
    )
    hub = hub_choice("Choose one of the hubs, or describe a place below")
    place = place_answer(
        "A postcode or town to measure distance from, or a place like “Frankwell car park”",
        _no_contacts,
    )
    day = DayMonthYear("Date", id="day-day", description="For example, 5 12 2026")
    starts = text_answer(
        "From",
        "From must be 10 characters or fewer",
        10,
        hint="For example, 9am or 14:00",
        missing="Enter the time to come from",
        filters=(line,),
    )
    ends = text_answer(
        "To",
        "To must be 10 characters or fewer",
        10,
        hint="For example, 6pm or 18:00. Earlier than the start means the next day.",
        missing="Enter the time until",
        filters=(line,),
    )
    people = text_answer(
        "How many people are needed",
        "Enter a number of people from 1 to 500",
        5,
        missing="Enter how many people are needed",
        filters=(line,),
    )
    skills = skills_wanted()
    availability = times_wanted()
    radius = SelectField(
        "Within",
        widget=GovSelect(),
        description="Distance from the hub or place",
        choices=[SelectChoice("", "Any distance")]
        + [SelectChoice(str(r), f"{r} mile{'' if r == 1 else 's'}") for r in RADII],
        default="10",
        invalid_choice_message="Choose a distance from the list",
    )
    dbs = BooleanField("Only volunteers with a DBS check", widget=GovCheckboxInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origin: tuple[float, float] | None = None
        self.hub_points: dict[str, tuple[float, float] | None] = {}

    def validate_hub(self, field) -> None:
        if field.data and field.data not in [c.value for c in field.choices]:
            raise ValidationError("Choose a hub from the list")
        if not field.data and not self.place.data:
            raise ValidationError("Choose a hub or enter a place")

    def validate_day(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem)
        if field.data is None:
            raise ValidationError("Enter the date")
        if field.data < today_uk():
            raise ValidationError("The date must be today or in the future")
        if field.data > today_uk() + timedelta(days=60):
            raise ValidationError("The date must be within the next 60 days")

    def validate_starts(self, field) -> None:
        if parse_time(field.data) is None:
            raise ValidationError("Enter the time to come from, like 9am or 14:00")

    def validate_ends(self, field) -> None:
        end = parse_time(field.data)
        if end is None:
            raise ValidationError("Enter the time until, like 6pm or 18:00")
        if end == parse_time(self.starts.data):
            raise ValidationError("The time until must be different from the time from")

    def validate_people(self, field) -> None:
        raw = field.data or ""
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PEOPLE:
            raise ValidationError("Enter a number of people from 1 to 500")

    def validate_radius(self, field) -> None:
        if not field.data:
            return
        if self.hub.data and self.hub.data in self.hub_points:
            self.origin = self.hub_points[self.hub.data]
            if self.origin is None:
                raise ValidationError("That hub has no map position: choose Any distance")
            return
        if self.place.data:
            point = locate(self.place.data)
            if point is None:
                raise ValidationError(
                    "We could not find that place to measure from. Choose Any distance, or "
                    "enter a postcode or Shropshire town"
                )
            self.origin = (point.latitude, point.longitude)

    def times(self) -> tuple[datetime, datetime]:
        day = self.day.data
        assert day is not None
        start, end = parse_time(self.starts.data), parse_time(self.ends.data)
        assert start is not None and end is not None
        ends_day = day + timedelta(days=1) if end <= start else day
        return as_stored(day, start), as_stored(ends_day, end)


class SendForm(FlaskForm):
    submit = SubmitField("Send call-out", widget=GovSubmitInput())


class ButtonForm(FlaskForm):
    """A button and its CSRF token, nothing else the app reads."""


class AnswerForm(FlaskForm):
    """The volunteer's two buttons: each posts `answer` with its own value."""

    answer = SelectField(
        "Answer",
        choices=[SelectChoice("coming", "I can come"), SelectChoice("cannot", "I can't this time")],
        invalid_choice_message="Choose I can come or I can't this time",
    )
