"""Forms for raising an Accord concern and for the coordinator's steps on a case. Choices that
depend on the database (organisations, themes, mediators) are filled in by the views."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from accord.clock import today_uk
from accord.forms import (
    DayMonthYear,
    choices,
    email_field,
    line,
    long_text,
    required_text,
    strip,
    text,
    text_answer,
)
from registry.concerns.models import OUTCOME_LABELS, PERMISSION_LABELS, Stage
from registry.concerns.open_letters import is_public_address
from registry.signatories.forms import website_check


class ConcernForm(FlaskForm):
    # A random token made when the page is shown: posting it twice finds the same concern.
    token = HiddenField()
    raiser = SelectField(
        "Which of your organisations is raising the concern?",
        widget=GovSelect(),
        choices=[],
        validators=[InputRequired(message="Select your organisation")],
    )
    concerned = SelectField(
        "Which organisation is the concern about?",
        widget=GovSelect(),
        description="Organisations that have signed the Accord",
        choices=[],
        validators=[InputRequired(message="Select the organisation the concern is about")],
    )
    themes = SelectMultipleField(
        "Which themes of the Accord does it concern?",
        widget=GovCheckboxesInput(),
        description="Select all that apply",
        choices=[],
    )
    commitments = text_answer(
        "Which commitments were not kept? (optional)",
        "Commitments must be 2,000 characters or fewer",
        2000,
        hint="For example, “give at least 12 weeks’ notice of changes to funding”",
        area=True,
        filters=(text,),
    )
    what_happened = long_text(
        "What happened?",
        "What the organisation did or did not do, and when. Do not include anyone's personal "
        "details.",
        "Enter what happened",
        max_length=4000,
    )
    tried = long_text(
        "What have you tried so far?",
        "The Accord asks that you first talk to the organisation directly. Say who you spoke "
        "to (their role, not their name), when, and why it did not resolve things.",
        "Enter what you have tried so far",
        max_length=4000,
    )
    good_outcome = long_text(
        "What would a good outcome be?",
        "The process aims to find a way forward, not a winner or a loser",
        "Enter what a good outcome would be",
        max_length=4000,
    )
    permission = RadioField(
        "May the coordinator take this forward with the other organisation?",
        widget=GovRadioInput(),
        choices=choices(PERMISSION_LABELS),
        validators=[InputRequired(message="Select whether the coordinator may take it forward")],
    )
    submit = SubmitField("Raise the concern", widget=GovSubmitInput())

    def validate_themes(self, field) -> None:
        if self.themes.choices and not field.data:
            raise ValidationError("Select at least one theme of the Accord")

    def validate_concerned(self, field) -> None:
        if field.data and field.data == self.raiser.data:
            raise ValidationError("The concern must be about another organisation")


def _date_check(field) -> None:
    if field.problem:
        raise ValidationError(field.problem)
    if field.data is None:
        raise ValidationError("Enter the date")
    if field.data > today_uk():
        raise ValidationError("The date must be today or in the past")


STAGE_CHOICES: dict[str, str] = {
    Stage.acknowledged: "Acknowledged: the coordinator has the concern and permission",
    Stage.statements_requested: "Written statements requested from both organisations",
    Stage.meeting_held: "Resolution meeting held",
}


class CasePageForm(FlaskForm):
    """One of the several forms on a case page. Each has a prefix, so no two fields share an
    id; the page carries one plain CSRF token per form, which CSRFProtect checks for every
    POST before the view runs."""

    class Meta:
        csrf = False


class DatedStepForm(CasePageForm):
    """A step on a case with the date it happened (`on`, declared by each form)."""

    def validate_on(self, field) -> None:
        _date_check(field)


class StageForm(DatedStepForm):
    stage = RadioField(
        "Which step has happened?",
        widget=GovRadioInput(),
        choices=choices(STAGE_CHOICES),
        validators=[InputRequired(message="Select the step that has happened")],
    )
    on = DayMonthYear("When?", description="For example, 27 3 2026")
    submit = SubmitField("Record the step", widget=GovSubmitInput())


class MediatorForm(DatedStepForm):
    mediator = SelectField(
        "Mediator",
        widget=GovSelect(),
        description="People linked to either organisation are not listed",
        choices=[],
        validators=[InputRequired(message="Select a mediator")],
    )
    on = DayMonthYear("Date appointed", description="For example, 27 3 2026")
    submit = SubmitField("Appoint mediator", widget=GovSubmitInput())


class StatementForm(CasePageForm):
    token = HiddenField()
    statement = long_text(
        "Your statement",
        "Outline your side of the concern in writing, as the Accord asks before a meeting. "
        "Everyone on the case can read it.",
        "Enter your statement",
        max_length=4000,
    )
    submit = SubmitField("Add statement", widget=GovSubmitInput())


class OutcomeForm(DatedStepForm):
    outcome = RadioField(
        "Outcome",
        widget=GovRadioInput(),
        choices=choices(OUTCOME_LABELS),
        validators=[InputRequired(message="Select the outcome")],
    )
    breach = RadioField(
        "Was a breach of the Accord identified?",
        widget=GovRadioInput(),
        description="If so, it is communicated to a senior leader of the organisation responsible",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Select whether a breach was identified")],
    )
    summary = long_text(
        "Outcome shared with both organisations",
        "What was agreed, and any next steps",
        "Enter the outcome to share with both organisations",
        max_length=4000,
    )
    lessons = text_answer(
        "What we have learned (published)",
        "Lessons must be 2,000 characters or fewer",
        2000,
        hint="Shown on the public learning page. Write it without names or details that "
        "identify either organisation.",
        area=True,
        filters=(text,),
    )
    names_agreed = BooleanField(
        "Both organisations agreed to be named on the learning page",
        widget=GovCheckboxInput(),
    )
    public_statement = text_answer(
        "Web address of the public statement (if the breach called for one)",
        "The web address must be 500 characters or fewer",
        500,
        website_check,
        hint="The Accord's breaches process: where a breach had significant impact on services "
        "or public trust, the organisation concerned issues a public statement.",
        filters=(line,),
    )
    on = DayMonthYear("Date of the outcome", description="For example, 27 3 2026")
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())


class ActionForm(CasePageForm):
    """Close a case: one button, with CSRF."""


class NewMediatorForm(FlaskForm):
    name = required_text("Full name", "Enter the mediator's full name")
    contact = email_field(
        "Email address",
        "Enter the mediator's email address",
        "If they have an account with this address, it is linked so they can open their cases",
    )
    organisations = SelectMultipleField(
        "Organisations they are linked to",
        widget=GovCheckboxesInput(),
        description="As a trustee, employee or volunteer: they will not mediate cases "
        "involving these",
        choices=[],
        validators=[Optional()],
    )
    submit = SubmitField("Add mediator", widget=GovSubmitInput())


class OpenLetterForm(FlaskForm):
    """Record an open letter the VCS Assembly has published (the Accord's step 7)."""

    published_on = DayMonthYear("Date published", description="For example, 27 3 2026")
    url = StringField(
        "Web address of the letter",
        widget=GovTextInput(),
        description="Where anyone can read it, starting https://",
        filters=[strip, line],
        validators=[
            InputRequired(message="Enter the web address of the letter"),
            # Checked again after the filters: control characters alone are no answer.
            DataRequired(message="Enter the web address of the letter"),
            Length(max=500, message="The web address must be 500 characters or fewer"),
        ],
    )
    submit = SubmitField("Record the open letter", widget=GovSubmitInput())

    def validate_published_on(self, field) -> None:
        _date_check(field)

    def validate_url(self, field) -> None:
        if not is_public_address(field.data):
            raise ValidationError(
                "Enter the web address in the correct format, starting https://, "
                "like https://www.example.org/open-letter"
            )
