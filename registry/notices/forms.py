"""Forms for logging a consultation or a funding-change notice, and keeping ambassadors."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from accord.forms import DayMonthYear, line, long_text, required_text, text, text_answer
from registry.notices import affected
from registry.notices.models import AMBASSADOR_SECTORS, AmbassadorSector
from registry.notices.notices import meets_consultation_weeks
from registry.signatories.forms import website_check

# The Shropshire Accord's themes (see registry/content): a theme ambassador names one.
THEME_NUMBERS = range(1, 16)
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _checked_date(field, missing: str, label: str) -> None:
    if field.problem:
        raise ValidationError(field.problem.replace("The date", label))
    if field.data is None:
        raise ValidationError(missing)
    if not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"{label} must be between 2000 and 2100")


def _optional_date(field, label: str) -> None:
    if field.problem or field.data is not None:
        _checked_date(field, "", label)


def _organisation_field() -> SelectField:
    return SelectField(
        "Organisation",
        widget=GovSelect(),
        choices=[],
        validators=[InputRequired(message="Select your organisation")],
    )


class ConsultationForm(FlaskForm):
    organisation = _organisation_field()
    title = required_text(
        "Title of the consultation", "Enter the title of the consultation", max_length=200
    )
    start = DayMonthYear("When does it open?", description="For example, 6 1 2026")
    end = DayMonthYear("When does it close?", description="For example, 31 3 2026")
    link = text_answer(
        "Web address of the consultation (optional)",
        "Web address must be 300 characters or fewer",
        300,
        website_check,
        filters=(line,),
    )
    short_reason = TextAreaField(
        "If it allows less than 12 weeks, why?",
        widget=GovTextArea(),
        description="Theme 14 asks for 12 weeks where appropriate: say why this one is shorter. "
        "Published with the consultation.",
        filters=[text],
        validators=[Length(max=1000, message="The reason must be 1,000 characters or fewer")],
    )
    submit = SubmitField("Log the consultation", widget=GovSubmitInput())

    def validate_start(self, field) -> None:
        _checked_date(field, "Enter the date the consultation opened", "The opening date")

    def validate_end(self, field) -> None:
        _checked_date(field, "Enter the date the consultation closed", "The closing date")
        if self.start.data and not self.start.problem and field.data < self.start.data:
            raise ValidationError("The closing date must be the same as or after the opening date")

    def validate_short_reason(self, field) -> None:
        start, end = self.start.data, self.end.data
        if start and end and not field.data and not meets_consultation_weeks(start, end):
            raise ValidationError("Say why the consultation allows less than 12 weeks")


class NoticeForm(FlaskForm):
    organisation = _organisation_field()
    change = long_text(
        "What is changing?",
        "For example, the grant for the county's lunch clubs ends. Name no person.",
        "Enter what is changing",
        1000,
        "What is changing must be 1,000 characters or fewer",
    )
    notice_date = DayMonthYear(
        "When was notice given?",
        description="The date the organisations affected were told in writing, e.g. 1 4 2026",
    )
    change_date = DayMonthYear(
        "When does the change take effect?", description="For example, 1 10 2026"
    )
    funding_stream = required_text(
        "Funding stream",
        "Enter the funding stream",
        max_length=200,
        hint="The grant or contract, for example Community Lunch Clubs Grant 2024 to 2026",
    )
    affected = TextAreaField(
        "Organisations affected (optional)",
        widget=GovTextArea(),
        description="One a line, named as they are on the hub. Each one's members see this "
        "notice on their own page.",
        filters=[text],
        validators=[
            Length(max=4000, message="Organisations affected must be 4,000 characters or fewer")
        ],
    )
    end_date = DayMonthYear(
        "When does the current funding end? (optional)", description="For example, 31 3 2027"
    )
    decision_date = DayMonthYear(
        "When will renewal be decided? (optional)",
        description="The renewal or decision date, for example 1 12 2026",
    )
    reason = long_text(
        "Why is it changing?",
        "Theme 11 asks that the reasons are explained. Name no person.",
        "Enter why it is changing",
        2000,
        "The reason must be 2,000 characters or fewer",
    )
    impact_link = text_answer(
        "Web address of the impact assessment (optional)",
        "Web address must be 300 characters or fewer",
        300,
        website_check,
        filters=(line,),
    )
    submit = SubmitField("Log the notice", widget=GovSubmitInput())
    found: list = []

    def validate_affected(self, field) -> None:
        found, unknown = affected.resolve(field.data)
        if unknown:
            raise ValidationError(
                "No single organisation on the hub is called "
                + ", ".join(f"‘{name}’" for name in unknown[:5])
                + ": check the spelling, or leave it out"
            )
        if len(found) > affected.MOST_AFFECTED:
            raise ValidationError(
                f"Name {affected.MOST_AFFECTED} organisations or fewer on one notice"
            )
        self.found = found

    def validate_end_date(self, field) -> None:
        _optional_date(field, "The end date")

    def validate_decision_date(self, field) -> None:
        _optional_date(field, "The decision date")

    def validate_notice_date(self, field) -> None:
        _checked_date(field, "Enter the date notice was given", "The notice date")

    def validate_change_date(self, field) -> None:
        _checked_date(field, "Enter the date the change takes effect", "The change date")
        notice = self.notice_date
        if notice.data and not notice.problem and field.data < notice.data:
            raise ValidationError("The change date must be the same as or after the notice date")


class AmbassadorForm(FlaskForm):
    name = required_text("Name", "Enter the ambassador's name")
    sector = RadioField(
        "Who do they represent?",
        widget=GovRadioInput(),
        choices=[SelectChoice(key, label) for key, label in AMBASSADOR_SECTORS.items()],
        validators=[InputRequired(message="Select who the ambassador represents")],
    )
    theme_number = SelectField(
        "Which theme? (theme ambassadors only)",
        widget=GovSelect(),
        choices=[SelectChoice("", "Not a theme ambassador")]
        + [SelectChoice(str(n), f"Theme {n}") for n in THEME_NUMBERS],
    )
    organisation = StringField(
        "Organisation (optional)",
        widget=GovTextInput(),
        filters=[line],
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
    )
    contact = required_text(
        "Contact route",
        "Enter a contact route",
        max_length=300,
        hint="A shared role mailbox or web page, like accord@example.gov.uk, "
        "not a personal email address. It is published.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_theme_number(self, field) -> None:
        if self.sector.data == AmbassadorSector.theme and not field.data:
            raise ValidationError("Select the theme they are ambassador for")

    def validate_contact(self, field) -> None:
        value = field.data or ""
        if value.lower().startswith(("http://", "https://")):
            website_check(self, field)
            return
        if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", value):
            raise ValidationError(
                "Enter a role email address like accord@example.gov.uk, or a web address "
                "starting https://"
            )
        local = value.split("@", 1)[0].casefold()
        names = [part for part in re.split(r"[^a-z]+", (self.name.data or "").casefold())]
        if any(len(part) >= 3 and part in local for part in names):
            raise ValidationError(
                "Enter a shared role address, not the ambassador's personal email address"
            )

    @property
    def theme(self) -> int | None:
        return int(self.theme_number.data) if self.theme_number.data else None


class ResponseForm(FlaskForm):
    """The body's published response to a consultation ("You said, we did")."""

    link = text_answer(
        "Web address of the published response",
        "Web address must be 300 characters or fewer",
        300,
        website_check,
        missing="Enter the web address of the published response",
        filters=(line,),
    )
    summary = long_text(
        "What did you change because of what people said?",
        "A short summary, published beside the link. Name no person.",
        "Enter a short summary of the response",
        1000,
        "The summary must be 1,000 characters or fewer",
    )
    published = DayMonthYear("When was it published?", description="For example, 30 6 2026")
    submit = SubmitField("Record the response", widget=GovSubmitInput())

    def validate_published(self, field) -> None:
        _checked_date(field, "Enter the date the response was published", "The date")
