"""The sign-up steps, moderation decisions, withdrawal and a signatory's own edits."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from accord.forms import email_field, required_text, strip, text_answer
from accord.geo import normalise_postcode
from accord.models import SECTOR_LABELS, OrgType
from registry.signatories.identifiers import IdentifierError, charity_org_id, company_org_id

# Staffordshire's agreement form ("My organisation …"), adapted to the Shropshire Accord.
STATEMENTS = {
    "principles": "Supports the principles and ways of working of the Shropshire Accord",
    "framework": "Will use the Accord as a framework for reflecting on and adapting its practices "
    "and behaviours",
    "relationship": "Aims to create a more open, equal and constructive working relationship "
    "between the public sector and the voluntary and community sector in Shropshire",
    "promote": "Will promote the Accord's principles and develop better communication between "
    "the voluntary and community sector and the public sector across Shropshire",
}


def postcode_check(form, field) -> None:
    postcode = normalise_postcode(field.data)
    if postcode is None:
        raise ValidationError("Enter a full UK postcode, like SY1 1AA")
    field.data = postcode


def charity_check(form, field) -> None:
    if field.data:
        try:
            charity_org_id(field.data)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc


def company_check(form, field) -> None:
    if field.data:
        try:
            company_org_id(field.data)
        except IdentifierError as exc:
            raise ValidationError(str(exc)) from exc


def website_check(form, field) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    if not value.lower().startswith(("http://", "https://")):
        value = "https://" + value
    host = value.split("://", 1)[1].split("/", 1)[0]
    if "." not in host or " " in value or "<" in value or '"' in value:
        raise ValidationError("Enter a website address in the correct format, like www.example.org")
    field.data = value


class OrganisationForm(FlaskForm):
    name = required_text("Organisation name", "Enter the name of your organisation", 200)
    sector = RadioField(
        "Which sector is your organisation in?",
        widget=GovRadioInput(),
        choices=[SelectChoice(key.value, label) for key, label in SECTOR_LABELS.items()],
        validators=[InputRequired(message="Select your organisation's sector")],
    )
    org_type = SelectField(
        "Type of organisation",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a type")]
        + [SelectChoice(kind.value, kind.label) for kind in OrgType],
        validators=[InputRequired(message="Select the type of organisation")],
    )
    charity_number = text_answer(
        "Charity number (if you have one)",
        "Charity number is too long",
        20,
        charity_check,
        hint="For example, 1234567, SC012345 or NIC100002",
        filters=[strip],
    )
    company_number = text_answer(
        "Company number (if you have one)",
        "Company number is too long",
        20,
        company_check,
        hint="The 8-character number from Companies House, for example 01234567",
        filters=[strip],
    )
    website = text_answer(
        "Website (optional)",
        "Website address must be 300 characters or fewer",
        300,
        website_check,
        filters=[strip],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AddressForm(FlaskForm):
    address = TextAreaField(
        "Address",
        widget=GovTextArea(),
        description="The organisation's address, without the postcode",
        filters=[strip],
        validators=[
            InputRequired(message="Enter your organisation's address"),
            Length(max=500, message="Address must be 500 characters or fewer"),
        ],
    )
    town = required_text("Town or village", "Enter the town or village", 100)
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        filters=[strip],
        validators=[InputRequired(message="Enter a postcode"), postcode_check],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class PeopleForm(FlaskForm):
    signer_name = required_text("Full name", "Enter the full name of the person signing")
    signer_position = required_text("Position", "Enter the position of the person signing")
    signer_email = email_field(
        "Work email address",
        "Enter the work email address of the person signing",
        "We will send a link to this address to confirm the sign-up",
    )
    lead_name = required_text("Accord lead's full name", "Enter the full name of the Accord lead")
    lead_email = email_field(
        "Accord lead's email address",
        "Enter the Accord lead's email address",
        "The person other organisations and the VCS Assembly contact about Accord concerns",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class AgreementForm(FlaskForm):
    statements = SelectMultipleField(
        "My organisation:",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(key, text) for key, text in STATEMENTS.items()],
        validators=[InputRequired(message="Tick each statement to sign the Accord")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_statements(self, field) -> None:
        if set(field.data or []) != set(STATEMENTS):
            raise ValidationError("Tick each statement to sign the Accord")


class SubmitForm(FlaskForm):
    submit = SubmitField("Sign the Accord", widget=GovSubmitInput())


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("approve", "Approve and publish"),
            SelectChoice("changes", "Ask for changes"),
            SelectChoice("reject", "Reject"),
        ],
        validators=[InputRequired(message="Select a decision")],
    )
    link_to = SelectField(
        "Organisation record",
        widget=GovSelect(),
        description="Link to an existing organisation if this is the same one",
        choices=[],
        validate_choice=False,
    )
    note = TextAreaField(
        "Reason or changes needed",
        widget=GovTextArea(),
        description="Sent to the organisation. Needed when you reject or ask for changes.",
        filters=[strip],
        validators=[Length(max=2000, message="Reason must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_note(self, field) -> None:
        if self.decision.data in ("reject", "changes") and not field.data:
            raise ValidationError("Enter the reason, or the changes needed")


class LeadEmailForm(FlaskForm):
    email = email_field(
        "The Accord lead's email address",
        "Enter the Accord lead's email address",
        "We will send a link to this address if it is the lead we have on record",
    )
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField(
        "Why is your organisation withdrawing?",
        widget=GovTextArea(),
        filters=[strip],
        validators=[
            InputRequired(message="Enter the reason for withdrawing"),
            Length(max=2000, message="Reason must be 2,000 characters or fewer"),
        ],
    )
    submit = SubmitField("Withdraw from the Accord", widget=GovSubmitInput())


class ReaffirmForm(FlaskForm):
    submit = SubmitField("Re-affirm our signature", widget=GovSubmitInput())


class EditOrganisationForm(OrganisationForm, AddressForm):
    description = TextAreaField(
        "About the organisation (optional)",
        widget=GovTextArea(),
        filters=[strip],
        validators=[Length(max=2000, message="Description must be 2,000 characters or fewer")],
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())
