"""The request forms: raising (and changing) a request, its status buttons, asking volunteers,
a network or a public-sector team to meet it, and recording a team's answer."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import HiddenField, RadioField, SelectField, SubmitField, ValidationError
from wtforms.validators import InputRequired

from accord.clock import today_uk
from accord.forms import DayMonthYear, choices, line, text, text_answer
from emergency.callouts.forms import as_stored, hub_choice, parse_time, place_answer
from emergency.requests.models import KIND_LABELS, STATUS_LABELS, AssignedTo
from emergency.volunteers.deployments import task_problem

MAX_QUANTITY = 10000
PUBLIC = {"yes": "Yes, anyone can see it", "no": "No, CVEC and the hub only"}


def _no_contacts(form, field) -> None:
    if field.data and (problem := task_problem(field.data)):
        raise ValidationError(problem.replace("the task", "the request").replace("The task", "It"))


def _at(day: DayMonthYear, at) -> datetime | None:
    """The day and time given, on UK clocks → naive UTC; None unless both are good."""
    moment = parse_time(at.data)
    if day.data is None or moment is None:
        return None
    return as_stored(day.data, moment)


class RequestForm(FlaskForm):
    kind = RadioField(
        "What is needed",
        widget=GovRadioInput(),
        choices=choices({str(k): v for k, v in KIND_LABELS.items()}),
        validators=[InputRequired(message="Select what is needed")],
        invalid_choice_message="Select what is needed from the list",
    )
    detail = text_answer(
        "Describe it",
        "The description must be 200 characters or fewer",
        200,
        _no_contacts,
        hint="For example, “blankets” or “a driver to the Royal Shrewsbury”. Never a "
        "resident's name, phone number or address.",
        missing="Describe what is needed",
        filters=(line,),
    )
    quantity = text_answer(
        "How many",
        f"Enter a number from 1 to {MAX_QUANTITY:,}",
        6,
        missing="Enter how many are needed",
        filters=(line,),
    )
    hub = hub_choice("Where it is needed: one of the hubs, or a place below")
    place = place_answer(
        "When it is not needed at a hub, for example “Frankwell car park”", _no_contacts
    )
    day = DayMonthYear(
        "Needed by (date)",
        id="day-day",
        description="Leave the date and time empty when there is no deadline. For example, "
        "5 12 2026",
    )
    time = text_answer(
        "Needed by (time)",
        "The time must be 10 characters or fewer",
        10,
        hint="On UK time, for example 6pm or 18:00",
        filters=(line,),
    )
    public = RadioField(
        "Can the public see this request?",
        widget=GovRadioInput(),
        description="Public requests (like blankets) show on the Get help now page, where "
        "anyone can offer to help. A public request must never name a resident or say where "
        "they live.",
        choices=choices(PUBLIC),
        validators=[InputRequired(message="Select yes if the public can see this request")],
        invalid_choice_message="Select yes if the public can see this request",
    )
    submit = SubmitField("Raise the request", widget=GovSubmitInput())

    def __init__(self, *args, hub_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.hub_required = hub_required

    def validate_hub(self, field) -> None:
        if field.data and field.data not in [c.value for c in field.choices]:
            raise ValidationError("Choose a hub from the list")
        if not field.data and self.hub_required:
            raise ValidationError("Choose the hub it is for")
        if not field.data and not self.place.data:
            raise ValidationError("Choose a hub or enter a place")

    def validate_quantity(self, field) -> None:
        raw = field.data or ""
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_QUANTITY:
            raise ValidationError(f"Enter a number from 1 to {MAX_QUANTITY:,}")

    def validate_day(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem)
        if field.data is None and self.time.data:
            raise ValidationError("Enter the date it is needed by as well as the time")
        if field.data is not None and field.data < today_uk():
            raise ValidationError("The date it is needed by must be today or in the future")

    def validate_time(self, field) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError("Enter the time it is needed by, like 6pm or 18:00")
        if self.day.data is not None and not field.data:
            raise ValidationError("Enter the time it is needed by as well as the date")

    def needed(self) -> datetime | None:
        return _at(self.day, self.time)


class StatusForm(FlaskForm):
    """A status button: posts `status` with its own value."""

    status = SelectField(
        "Status",
        choices=choices({str(k): v for k, v in STATUS_LABELS.items()}),
        invalid_choice_message="Choose a status from the buttons",
    )


class AssignForm(FlaskForm):
    """One of three forms on the request's page, told apart by `to`: deploy a volunteer (by
    number), ask a network active in the incident, or ask a public-sector team."""

    to = HiddenField(validators=[InputRequired(message="Choose whom to ask")])
    volunteer = text_answer(
        "Volunteer number",
        "Enter a volunteer number like V12",
        12,
        hint="For example, V12: find volunteers by skill and distance on the volunteers page",
        filters=(line,),
    )
    network = SelectField(
        "Mutual-aid network",
        widget=GovSelect(),
        description="Networks marked active in this incident",
        choices=[],
        validate_choice=False,
    )
    team_name = text_answer(
        "Team",
        "The team's name must be 100 characters or fewer",
        100,
        hint="For example, “Shropshire Council adult social care duty team”",
        filters=(line,),
    )
    team_contact = text_answer(
        "How to contact the team",
        "The contact must be 100 characters or fewer",
        100,
        hint="A phone number or email address for the team, not a person's own",
        filters=(line,),
    )

    def validate_to(self, field) -> None:
        if field.data not in {str(k) for k in AssignedTo}:
            raise ValidationError("Choose whom to ask")

    def validate(self, extra_validators=None) -> bool:
        """Each field's own checks, then what the chosen kind of ask needs (an empty optional
        field stops its own checks, so these are made here)."""
        valid = super().validate(extra_validators)
        needed = {
            AssignedTo.volunteers: [(self.volunteer, "Enter a volunteer number like V12")],
            AssignedTo.network: [(self.network, "Choose a network active in this incident")],
            AssignedTo.team: [
                (self.team_name, "Enter the team's name"),
                (self.team_contact, "Enter how to contact the team"),
            ],
        }.get(self.to.data, [])
        for field, message in needed:
            if field.errors:
                continue
            if field is self.volunteer:
                missing = self.volunteer_id() is None
            elif field is self.network:
                missing = field.data not in [c.value for c in field.choices[1:]]
            else:
                missing = not field.data
            if missing:
                field.errors = [message]
        return valid and not any(field.errors for field, _ in needed)

    def volunteer_id(self) -> int | None:
        raw = (self.volunteer.data or "").strip().upper().removeprefix("V")
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) < 2**31:
            return None
        return int(raw)


class AnswerForm(FlaskForm):
    answer = text_answer(
        "What they answered",
        "The answer must be 300 characters or fewer",
        300,
        _no_contacts,
        missing="Enter what they answered",
        area=True,
        filters=(text,),
    )
    day = DayMonthYear("Date answered", id="day-day", description="For example, 5 12 2026")
    time = text_answer(
        "Time answered",
        "The time must be 10 characters or fewer",
        10,
        hint="On UK time, for example 2:30pm or 14:30",
        missing="Enter the time answered",
        filters=(line,),
    )
    submit = SubmitField("Record the answer", widget=GovSubmitInput())

    def validate_day(self, field) -> None:
        if field.problem:
            raise ValidationError(field.problem)
        if field.data is None:
            raise ValidationError("Enter the date answered")

    def validate_time(self, field) -> None:
        if parse_time(field.data) is None:
            raise ValidationError("Enter the time answered, like 2:30pm or 14:30")

    def answered_at(self) -> datetime:
        moment = _at(self.day, self.time)
        assert moment is not None
        return moment
