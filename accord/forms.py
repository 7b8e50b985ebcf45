"""Forms for signing in, accounts and invitations (GOV.UK widgets declared in the class), and
the field helpers every job's forms use."""

import unicodedata

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length

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


def email_field(label: str, missing: str, hint: str = "") -> StringField:
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        filters=[line],
        validators=[
            InputRequired(message=missing),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email(message="Enter an email address in the correct format, like name@example.org"),
        ],
    )


def required_text(label: str, missing: str, max_length: int = 120, hint: str = "") -> StringField:
    """A one-line answer that must be given, with GOV.UK's messages."""
    return StringField(
        label,
        widget=GovTextInput(),
        description=hint,
        filters=[line],
        validators=[
            InputRequired(message=missing),
            Length(max=max_length, message=f"{label} must be {max_length} characters or fewer"),
        ],
    )


class SignInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter your email address"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
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
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the email address of the person to invite"),
            Email(message="Enter an email address in the correct format, like name@example.com"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
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
