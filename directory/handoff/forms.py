"""The form that sends the signposting list to a resident: by email or by text message, the
address or number revealed under the answer chosen, and checked only for that answer."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, StringField, SubmitField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired

from accord.forms import line
from accord.phones import uk_mobile

CHANNELS = {"email": "By email", "sms": "By text message"}
MAX_EMAIL = 254
MAX_NUMBER = 40
BAD_EMAIL = "Enter an email address in the correct format, like name@example.org"
BAD_NUMBER = "Enter a UK mobile number, like 07700 900 982"


class SendListForm(FlaskForm):
    channel = RadioField(
        "How should we send the list?",
        widget=GovRadioInput(),
        choices=[SelectChoice(key, label) for key, label in CHANNELS.items()],
        validators=[InputRequired(message="Select how to send the list")],
    )
    email = StringField("Email address", widget=GovTextInput(), filters=[line])
    mobile = StringField(
        "UK mobile number",
        widget=GovTextInput(),
        description="For example, 07700 900 982",
        filters=[line],
    )
    submit = SubmitField("Send the list", widget=GovSubmitInput())

    def validate_email(self, field: StringField) -> None:
        if self.channel.data != "email":
            return
        if not field.data:
            raise ValidationError("Enter the email address to send the list to")
        if len(field.data) > MAX_EMAIL:
            raise ValidationError(f"Email address must be {MAX_EMAIL} characters or fewer")
        Email(message=BAD_EMAIL)(self, field)

    def validate_mobile(self, field: StringField) -> None:
        if self.channel.data != "sms":
            return
        if not field.data:
            raise ValidationError("Enter the mobile number to send the list to")
        if len(field.data) > MAX_NUMBER or uk_mobile(field.data) is None:
            raise ValidationError(BAD_NUMBER)

    @property
    def recipient(self) -> str:
        """The address or number for the channel chosen (once valid)."""
        return (self.mobile.data if self.channel.data == "sms" else self.email.data) or ""
