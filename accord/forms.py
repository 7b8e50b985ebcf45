"""Forms for signing in, accounts and invitations (GOV.UK widgets declared in the class), and
the field helpers every job's forms use."""

import unicodedata
from collections.abc import Callable, Sequence
from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DateField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional

from accord.accounts import MIN_PASSWORD_LENGTH
from accord.models import ROLE_LABELS


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _printable(value: str, keep: str = "") -> str:
    # Control characters (NUL above all, which PostgreSQL refuses) never reach the database.
    return "".join(c for c in value if c in keep or unicodedata.category(c) != "Cc")


def line(value: str | None) -> str | None:
    """One line of text: controls removed, runs of spaces made one."""
    return " ".join(_printable(value).split()) if isinstance(value, str) else value


def text(value: str | None) -> str | None:
    """Text that may have line breaks: controls other than line breaks removed."""
    return _printable(value, "\n").strip() if isinstance(value, str) else value


class DayMonthYear(DateField):
    """GOV.UK's day, month and year boxes → a date, never raising on odd input.

    GovDateInput unpacks exactly three values from what was posted, so a POST that omits the
    boxes (or repeats them) is made three here. A problem is kept in `problem` rather than
    raised: whether it matters depends on other answers (a DBS date only counts after "Yes").
    """

    widget = GovDateInput()
    raw_data: list[str] | None
    data: date | None
    problem: str

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.problem = ""
        super().process(formdata, data, extra_filters)
        if self.raw_data is not None:
            self.raw_data = [line(v) or "" for v in (list(self.raw_data) + ["", "", ""])[:3]]

    def process_formdata(self, valuelist):
        day, month, year = [line(v) or "" for v in (list(valuelist) + ["", "", ""])[:3]]
        self.data = None
        if not (day or month or year):
            return
        parts = {"day": day, "month": month, "year": year}
        missing = [name for name, part in parts.items() if not part]
        if missing:
            self.problem = f"The date must include a {' and a '.join(missing)}"
            return
        if not all(p.isascii() and p.isdigit() for p in (day, month, year)) or len(year) != 4:
            self.problem = "Enter the date as numbers, for example 27 3 2024"
            return
        if len(day) > 2 or len(month) > 2:
            self.problem = "The date must be a real date"
            return
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self.problem = "The date must be a real date"


def choices(mapping: dict[str, str]) -> list[SelectChoice]:
    """Radio or checkbox choices from a {value: label} mapping, in its order."""
    return [SelectChoice(key, label) for key, label in mapping.items()]


def text_answer(
    label: str,
    too_long: str,
    max_length: int,
    *checks: Callable,
    hint: str = "",
    missing: str = "",
    area: bool = False,
    filters: Sequence[Callable[[str | None], str | None]] = (strip,),
) -> StringField | TextAreaField:
    """A typed answer on one line (or in a text area when `area`): required when `missing`
    gives the message for leaving it out, else optional, and then `checks` run only when there
    is an answer. `too_long` is the message past `max_length`."""
    field, widget = (TextAreaField, GovTextArea()) if area else (StringField, GovTextInput())
    first = InputRequired(message=missing) if missing else Optional()
    return field(
        label,
        widget=widget,
        description=hint,
        filters=list(filters),
        validators=[first, Length(max=max_length, message=too_long), *checks],
    )


def checkboxes(
    label: str, options: dict[str, str], *, missing: str = "", hint: str = "", invalid: str = ""
) -> SelectMultipleField:
    """Tick any of `options` ({value: label}); at least one when `missing` (the message) is
    given. `invalid` replaces WTForms' message for a value that is not an option."""
    return SelectMultipleField(
        label,
        widget=GovCheckboxesInput(),
        description=hint,
        choices=choices(options),
        validators=[InputRequired(message=missing) if missing else Optional()],
        invalid_choice_message=invalid or None,
    )


def _given(missing: str) -> list:
    """An answer is required, and checked again after the filters: control characters alone
    are no answer."""
    return [InputRequired(message=missing), DataRequired(message=missing)]


def long_text(
    label: str, hint: str, missing: str, max_length: int = 2000, too_long: str = ""
) -> TextAreaField:
    """A required answer in a text area, line breaks kept, with GOV.UK's messages (`too_long`
    when the label does not read well as the sentence's subject)."""
    return TextAreaField(
        label,
        widget=GovTextArea(),
        description=hint,
        filters=[text],
        validators=[
            *_given(missing),
            Length(
                max=max_length,
                message=too_long or f"{label} must be {max_length:,} characters or fewer",
            ),
        ],
    )


def email_field(label: str, missing: str, hint: str = "") -> StringField:
    return _one_line(
        label,
        hint,
        [
            *_given(missing),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )


def required_text(label: str, missing: str, max_length: int = 120, hint: str = "") -> StringField:
    """A one-line answer that must be given, with GOV.UK's messages."""
    length = Length(max=max_length, message=f"{label} must be {max_length} characters or fewer")
    return _one_line(label, hint, [*_given(missing), length])


def _one_line(label: str, hint: str, validators: list) -> StringField:
    return StringField(
        label, widget=GovTextInput(), description=hint, filters=[line], validators=validators
    )


def _account_email(missing: str) -> StringField:
    """A user's email address, as signing in and inviting ask for it."""
    return StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message=missing),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )


class SignInForm(FlaskForm):
    email = _account_email("Enter your email address")
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password"),
            Length(max=200, message="Password must be 200 characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        widget=GovPasswordInput(),
        description=f"At least {MIN_PASSWORD_LENGTH} characters. A few unrelated words work well.",
        validators=[
            InputRequired(message="Enter a new password"),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Password must be between {MIN_PASSWORD_LENGTH} and 200 characters",
            ),
        ],
    )
    confirm = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Confirm your new password"),
            EqualTo("password", message="The passwords do not match"),
        ],
    )
    submit = SubmitField("Save password", widget=GovSubmitInput())


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired(message="Enter your current password")],
    )


class InviteForm(FlaskForm):
    email = _account_email("Enter the email address of the person to invite")
    role = RadioField(
        "Role",
        widget=GovRadioInput(),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message="Select a role")],
    )
    organisation = SelectField(
        "Organisation",
        widget=GovSelect(),
        description="Needed for organisation members; optional for other roles.",
        choices=[],
        validate_choice=False,
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class SignInCodeForm(FlaskForm):
    code = required_text(
        "Code", "Enter the code from the email", 20, hint="The 6 digits in the email we sent you"
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ColleagueForm(FlaskForm):
    """A member invites a colleague to their own organisation."""

    email = _account_email("Enter your colleague's email address")
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class LeaveForm(FlaskForm):
    """Leaving an organisation: a button (and its CSRF token)."""

    submit = SubmitField("Leave the organisation", widget=GovSubmitInput())
