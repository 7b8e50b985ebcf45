"""CVEC's forms: declaring and standing down an incident, a hub's profile and its status."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    DecimalField,
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
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from accord import geo
from accord.forms import required_text, strip, text_answer
from accord.pickers import BuildingField
from emergency.models import (
    HUB_FACILITIES,
    HUB_KIND_LABELS,
    HUB_STATUS_LABELS,
    INCIDENT_KIND_LABELS,
    Hub,
)
from emergency.standing_down import HUB_CHOICES

MAX_RADIUS_MILES = 50
MAX_PEOPLE = 10_000


def towns_check(form, field) -> None:
    """Each comma-separated town must be a Shropshire place we know, so areas are drawable."""
    unknown = [name for name in split_towns(field.data) if geo.place_named(name) is None]
    if unknown:
        shown = ", ".join(unknown[:3])
        raise ValidationError(
            f"We do not know {shown} as a place in Shropshire. Check the spelling, or use a "
            "postcode and radius instead"
        )


def split_towns(raw: str | None) -> list[str]:
    return [part.strip() for part in (raw or "").split(",") if part.strip()][:50]


class Number(DecimalField):
    """A decimal answer with a message people understand when it is not a number (WTForms'
    own says "Not a valid decimal value"), and no "nan" or "inf": they parse as decimals, and
    NaN cannot even be compared with a limit. A leading £ and commas are allowed."""

    def __init__(self, label: str, *, invalid: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.invalid = invalid

    def process_formdata(self, valuelist: list) -> None:
        if valuelist:
            valuelist = [str(valuelist[0]).strip().removeprefix("£").replace(",", "")]
            if not valuelist[0]:
                self.data = None  # left blank: for InputRequired or Optional to judge
                return
        try:
            super().process_formdata(valuelist)
        except ValueError as refused:
            raise ValueError(self.invalid) from refused
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(self.invalid)

    def pre_validate(self, form) -> None:
        if self.process_errors:
            raise StopValidation()  # one message: not also the range's


class IncidentForm(FlaskForm):
    name = required_text(
        "Incident name",
        "Enter the incident name",
        200,
        "For example, River Severn flooding, Shrewsbury and Atcham",
    )
    kind = RadioField(
        "Type of incident",
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, v) for k, v in INCIDENT_KIND_LABELS.items()],
        validators=[InputRequired(message="Select the type of incident")],
    )
    # Theme 15: "when designing and carrying out exercises"; an exercise is declared like an
    # incident so those taking part rehearse the real thing.
    exercise = RadioField(
        "Is this an exercise?",
        widget=GovRadioInput(),
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        description="An exercise works like a real incident for those taking part, but "
        "residents are not told about it.",
        validators=[InputRequired(message="Select yes if this is an exercise")],
    )
    place = text_answer(
        "Centre of the affected area",
        "Centre must be 100 characters or fewer",
        100,
        hint="A postcode or a town, for example SY1 2AA or Ironbridge",
    )
    radius = Number(
        "Radius of the affected area, in miles",
        invalid="Enter the radius as a number of miles, like 2.5",
        widget=GovTextInput(),
        places=None,
        validators=[
            Optional(),
            NumberRange(
                min=0.1,
                max=MAX_RADIUS_MILES,
                message=f"Radius must be between 0.1 and {MAX_RADIUS_MILES} miles",
            ),
        ],
    )
    towns = StringField(
        "Towns and villages affected",
        widget=GovTextInput(),
        description="Separate them with commas, for example Bridgnorth, Highley, Alveley",
        filters=[strip],
        validators=[Optional(), Length(max=2000), towns_check],
    )
    public_message = text_answer(
        "Message to the public",
        "Message to the public must be 600 characters or fewer",
        600,
        hint="Shown on every page of this site and on the get help page. Say what is happening "
        "and what people should do, in plain English.",
        missing="Enter a message to the public",
        area=True,
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        # Cross-field rules run after each field's own (Optional() would skip them).
        valid = super().validate(extra_validators)
        if not self.place.data and not split_towns(self.towns.data) and not self.towns.errors:
            self.place.errors = [
                *self.place.errors,
                "Enter the centre of the affected area, or the towns affected",
            ]
            valid = False
        if self.place.data and self.radius.data is None and not self.radius.errors:
            self.radius.errors = [*self.radius.errors, "Enter the radius in miles"]
            valid = False
        return valid


class NoteForm(FlaskForm):
    text = text_answer(
        "Add to the incident log",
        "Log entries must be 2000 characters or fewer",
        2000,
        hint="What happened or what was decided. No names or details of residents.",
        missing="Enter what to add to the log",
        area=True,
    )


class RateForm(FlaskForm):
    """What an hour of a volunteer's time is worth, for the sitrep and the debrief."""

    rate = Number(
        "Value of an hour of a volunteer's time, in pounds",
        invalid="Enter the value of an hour as a number, like 12.60",
        widget=GovTextInput(),
        places=2,
        description="For example 12.60 (the National Living Wage) or your own figure",
        validators=[
            InputRequired(message="Enter the value of an hour, for example 12.60"),
            NumberRange(min=0, max=1000, message="Enter an amount from 0 to 1000 pounds"),
        ],
    )


class MessageForm(FlaskForm):
    public_message = text_answer(
        "Message to the public",
        "Message to the public must be 600 characters or fewer",
        600,
        missing="Enter a message to the public",
        area=True,
    )


def _debrief() -> TextAreaField:
    return text_answer(
        "What went well",
        "Keep what went well to 5000 characters",
        5000,
        hint="For the debrief: learning from the response helps the next one. Required.",
        missing="Enter what went well",
        area=True,
    )


def _to_change() -> TextAreaField:
    return text_answer(
        "What we would change next time",
        "Keep what to change to 5000 characters",
        5000,
        hint="For the debrief and the next plan. Leave blank if nothing.",
        area=True,
    )


class StandDownForm(FlaskForm):
    """One question per open hub (fields `hub_<id>`), then the debrief: made by
    `stand_down_form` so the fields come in the page's order."""

    debrief: TextAreaField
    to_change: TextAreaField

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.debrief.errors and not (self.debrief.data or "").strip():
            # Spaces alone pass InputRequired (it reads what was sent, before the filters).
            self.debrief.errors = ["Enter what went well and what we would change"]
            valid = False
        return valid

    def hub_fields(self) -> list[RadioField]:
        return [field for field in self if field.name.startswith("hub_")]

    def choices(self) -> dict[int, str]:
        """Hub id → what happens to it ("closed" or "standby")."""
        return {int(f.name.removeprefix("hub_")): f.data for f in self.hub_fields() if f.data}


def stand_down_form(hubs: list[Hub], **kwargs) -> StandDownForm:
    """The stand-down form asking what happens to each of these open hubs."""

    class Form(StandDownForm):
        pass

    for hub in hubs:
        name = hub.location.name
        field = RadioField(
            f"What happens to {name}?",
            widget=GovRadioInput(),
            choices=[SelectChoice(k, v) for k, v in HUB_CHOICES.items()],
            validators=[InputRequired(message=f"Select what happens to {name}")],
        )
        setattr(Form, f"hub_{hub.id}", field)
    Form.debrief = _debrief()
    Form.to_change = _to_change()
    return Form(**kwargs)


def people(label: str, hint: str = "") -> IntegerField:
    return IntegerField(
        label,
        widget=GovTextInput(),
        description=hint,
        validators=[
            Optional(),
            NumberRange(min=0, max=MAX_PEOPLE, message=f"{label} must be 0 to {MAX_PEOPLE:,}"),
        ],
    )


class HubForm(FlaskForm):
    # The view gives it its source: published buildings that are not a hub already.
    location = BuildingField(
        "Community building (name, town or postcode)",
        endpoint="emergency.hub_buildings",
        missing="Enter the building's name, town or postcode",
    )
    organisation = SelectField(
        "Organisation running the hub",
        widget=GovSelect(),
        description="Its members can update the hub's status",
        coerce=int,
    )
    kinds = SelectMultipleField(
        "What the hub can be",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(k.value, v) for k, v in HUB_KIND_LABELS.items()],
        validators=[InputRequired(message="Select at least one thing the hub can be")],
    )
    day_capacity = people("People by day")
    night_capacity = people("People overnight", "Leave blank if nobody can sleep there")
    facilities = SelectMultipleField(
        "Facilities",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(k, v) for k, v in HUB_FACILITIES.items()],
    )
    offer = text_answer(
        "What residents can expect and how to get there",
        "Keep this to 1000 characters",
        1000,
        hint="Public. For example: hot drinks and phone charging; enter by the side door on "
        "Abbey Foregate; bus 8 stops outside.",
        area=True,
    )
    keyholders = text_answer(
        "Key-holders",
        "Keep this to 1000 characters",
        1000,
        hint="Names and phone numbers. Seen by CVEC only, never published.",
        area=True,
    )
    submit = SubmitField("Save the hub", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    # Which incident under way the change is for (choices set by the view; shown as a choice
    # only when more than one is under way).
    incident = SelectField(
        "Which incident is this for?",
        coerce=int,
        widget=GovSelect(),
        validators=[Optional()],
        validate_choice=False,
    )
    status = RadioField(
        "Status",
        widget=GovRadioInput(),
        choices=[SelectChoice(k.value, v) for k, v in HUB_STATUS_LABELS.items()],
        validators=[InputRequired(message="Select the hub's status")],
    )
    occupancy = people("People here now")
    needs = text_answer(
        "What the hub needs",
        "Keep needs to 300 characters",
        300,
        hint="Public. For example: blankets, volunteers with cars. Leave blank if nothing.",
    )
    submit = SubmitField("Update the hub", widget=GovSubmitInput())


class QuickStatusForm(FlaskForm):
    """One tap from the hub's page: the status alone (in one incident), other fields kept."""

    incident = IntegerField(validators=[Optional()])
    status = RadioField(
        "Status",
        choices=[SelectChoice(k.value, v) for k, v in HUB_STATUS_LABELS.items()],
        validators=[InputRequired(message="Select the hub's status")],
    )


class HelpForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: nothing changes

    where = text_answer(
        "Your postcode or town",
        "Postcode or town must be 100 characters or fewer",
        100,
        hint="For example, SY2 6ND or Bridgnorth",
        missing="Enter your postcode or town",
    )
