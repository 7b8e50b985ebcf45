"""The self-assessment's forms: one page a theme, made from that theme's commitments (a GOV.UK
radio group each, with a SMART action below it for "We could do this better")."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from accord.clock import date_text
from accord.forms import DayMonthYear, line, text
from registry.commitments import Commitment
from registry.self_assessment.models import ANSWER_LABELS, Answer
from registry.self_assessment.self_assessment import ACTION_YEARS_AHEAD, Reply

CHOICES = [SelectChoice(answer, label) for answer, label in ANSWER_LABELS.items()]


def field_name(commitment: Commitment) -> str:
    return "c_" + commitment.key.replace("-", "_")


class ThemeForm(FlaskForm):
    """The fields are added per theme by `theme_form`; both buttons save."""

    save = SubmitField("Save and continue", widget=GovSubmitInput())
    later = SubmitField("Save and come back later", widget=GovSubmitInput())

    commitments: list[tuple[int, Commitment]] = []
    year: int = 0

    def parts(self, commitment: Commitment):
        name = field_name(commitment)
        return self[name], self[f"{name}_what"], self[f"{name}_who"], self[f"{name}_by"]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        earliest = date(self.year, 1, 1)
        latest = date(self.year + ACTION_YEARS_AHEAD, 12, 31)
        for number, commitment in self.commitments:
            answer, what, who, by = self.parts(commitment)
            if answer.data not in (None, "") and answer.data not in set(Answer):
                answer.errors = [f"Commitment {number}: select one of the answers"]
                valid = False
            if answer.data != Answer.do_better:
                continue
            problems = {
                what: f"Commitment {number}: enter what you will do" if not what.data else "",
                who: f"Commitment {number}: enter who is responsible" if not who.data else "",
                by: "",
            }
            if by.problem:
                problems[by] = f"Commitment {number}: {by.problem[0].lower()}{by.problem[1:]}"
            elif by.data is None:
                problems[by] = f"Commitment {number}: enter the date it will be done by"
            elif not earliest <= by.data <= latest:
                problems[by] = (
                    f"Commitment {number}: the date it will be done by must be between "
                    f"{date_text(earliest)} and {date_text(latest)}"
                )
            for target, message in problems.items():
                if message:
                    target.errors = [*target.errors, message]
                    valid = False
        return valid

    def replies(self) -> dict[str, Reply]:
        found = {}
        for _, commitment in self.commitments:
            answer, what, who, by = self.parts(commitment)
            if answer.data in set(Answer):
                found[commitment.key] = Reply(answer.data, what.data or "", who.data or "", by.data)
        return found

    def fill(self, answers: dict) -> None:
        """Show what was saved (on a GET)."""
        for _, commitment in self.commitments:
            saved = answers.get(commitment.key)
            if saved is None:
                continue
            answer, what, who, by = self.parts(commitment)
            answer.data = saved.answer
            what.data, who.data, by.data = saved.action_what, saved.action_who, saved.action_by


def theme_form(commitments: list[Commitment], year: int, last_year: dict[str, str]) -> ThemeForm:
    """A form for these commitments; `last_year` (key → label) becomes each one's hint."""

    class Form(ThemeForm):
        pass

    for number, commitment in enumerate(commitments, start=1):
        name = field_name(commitment)
        for suffix, field in _commitment_fields(number, commitment, last_year).items():
            setattr(Form, name + suffix, field)
    form = Form()
    form.commitments = list(enumerate(commitments, start=1))
    form.year = year
    return form


def _commitment_fields(number: int, commitment: Commitment, last_year: dict[str, str]) -> dict:
    """The answer to one commitment and its SMART action (what, who, by when), by the suffix
    of their field names."""
    earlier = last_year.get(commitment.key)
    return {
        "": RadioField(
            commitment.text,
            widget=GovRadioInput(),
            choices=CHOICES,
            validate_choice=False,
            description=f"Last year: {earlier}" if earlier else "",
        ),
        "_what": TextAreaField(
            "What will you do?",
            widget=GovTextArea(),
            description="Specific and measurable: what will be different, and how you will know",
            filters=[text],
            validators=[
                Length(
                    max=2000,
                    message=f"Commitment {number}: what you will do must be 2,000 "
                    "characters or fewer",
                )
            ],
        ),
        "_who": StringField(
            "Who is responsible?",
            widget=GovTextInput(),
            description="A person or a role, for example our volunteer coordinator",
            filters=[line],
            validators=[
                Length(
                    max=200,
                    message=f"Commitment {number}: who is responsible must be 200 "
                    "characters or fewer",
                )
            ],
        ),
        "_by": DayMonthYear("By when?", description="For example, 31 3 2027"),
    }


class SendForm(FlaskForm):
    submit = SubmitField("Send your self-assessment", widget=GovSubmitInput())
