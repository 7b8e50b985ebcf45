"""Forms for mutual-aid networks: the public registration, CVEC's edit, decision and search.

Each form declares its fields in page order, so the error summary lists them in that order.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length

from accord.forms import strip
from emergency.networks import networks
from emergency.networks.networks import MAX_ITEMS, MAX_RADIUS_MILES, MIN_RADIUS_MILES, Details

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def clean(value: str | None) -> str | None:
    """Trimmed, without NUL characters (PostgreSQL refuses them in text)."""
    return strip(value.replace("\x00", "")) if isinstance(value, str) else value


def _limits(label: str, max_length: int, missing: str) -> list:
    # DataRequired, not InputRequired: a name of only spaces is stripped to nothing.
    validators: list = [DataRequired(message=missing)] if missing else []
    noun = label.removesuffix(" (optional)")
    message = f"{noun} must be {max_length:,} characters or fewer"
    return [*validators, Length(max=max_length, message=message)]


def _text(label: str, max_length: int, hint: str = "", missing: str = "") -> StringField:
    validators = _limits(label, max_length, missing)
    return StringField(
        label, widget=GovTextInput(), description=hint, filters=[clean], validators=validators
    )


def _area(label: str, max_length: int, hint: str = "", missing: str = "") -> TextAreaField:
    validators = _limits(label, max_length, missing)
    return TextAreaField(
        label, widget=GovTextArea(), description=hint, filters=[clean], validators=validators
    )


def _shown(items: list[str]) -> str:
    # Echo at most a little of what was typed: a 5,000-character entry is not repeated back.
    text = ", ".join(f"“{item[:40]}”" for item in items[:3])
    return text + (" and others" if len(items) > 3 else "")


# The lists of places a network covers: how each is read, what to say of an unknown item
# ({} is what was typed), and what the items are called.
PLACE_LISTS = {
    "towns": (
        networks.towns_of,
        "We do not know {} as a Shropshire town or village. Check the spelling, or give its "
        "postcode district or a distance around a place instead",
        "towns and villages",
    ),
    "outcodes": (
        networks.outcodes_of,
        "{} is not a Shropshire postcode district. Enter the first part of a postcode, like SY1 "
        "or TF9",
        "postcode districts",
    ),
}


def _check_list(text: str | None, which: str) -> None:
    """Every place in the list known, and not too many of them."""
    sort_out, unknown_message, noun = PLACE_LISTS[which]
    known, unknown = sort_out(text)
    if unknown:
        raise ValidationError(unknown_message.format(_shown(unknown)))
    if len(known) > MAX_ITEMS:
        raise ValidationError(f"Enter {MAX_ITEMS} {noun} or fewer")


class CoverageChecks(FlaskForm):
    """The checks every network form shares: coverage, the circle and the public contact.
    It declares no fields: each form declares its own, in page order."""

    towns: TextAreaField
    outcodes: StringField
    place: StringField
    radius: StringField
    public_contact: StringField
    show_contact: RadioField

    def validate_towns(self, field) -> None:
        _check_list(field.data, "towns")

    def validate_outcodes(self, field) -> None:
        _check_list(field.data, "outcodes")

    def validate_place(self, field) -> None:
        if self.radius.data and not field.data:
            raise ValidationError("Enter the town, village or postcode at the middle of the area")

    def validate_radius(self, field) -> None:
        if field.data:
            miles = networks.parse_miles(field.data)
            if miles is None or not MIN_RADIUS_MILES <= miles <= MAX_RADIUS_MILES:
                raise ValidationError(
                    f"Enter a distance between {MIN_RADIUS_MILES} and {MAX_RADIUS_MILES:g} "
                    "miles, like 2"
                )
        elif self.place.data:
            raise ValidationError("Enter how many miles around the place you cover")

    def validate_show_contact(self, field) -> None:
        if field.data not in (None, "", "yes", "no"):
            raise ValidationError("Select yes or no")
        if self.public_contact.data and field.data not in ("yes", "no"):
            raise ValidationError("Select yes if we can show this contact publicly")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self.coverage_given() and valid

    def coverage_given(self) -> bool:
        """At least one town, district or circle; said on the towns field when missing."""
        if self.towns.data or self.outcodes.data or self.place.data:
            return True
        self.towns.errors = [
            *self.towns.errors,
            "Enter at least one town or village, a postcode district, or a distance around a place",
        ]
        return False

    def coverage(self) -> dict:
        return {
            "towns": networks.towns_of(self.towns.data)[0],
            "outcodes": networks.outcodes_of(self.outcodes.data)[0],
            "place": self.place.data or "",
            "radius_miles": networks.parse_miles(self.radius.data) if self.place.data else None,
            "public_contact": self.public_contact.data or "",
            "show_contact": bool(self.public_contact.data) and self.show_contact.data == "yes",
        }


def _coverage_fields() -> tuple:
    """Where a network helps and its public contact: towns, outcodes, place, radius,
    public_contact, show_contact. Made afresh for each form, at the point it names them, so each
    form's fields (and its error summary) stay in page order."""
    return (
        _area(
            "Towns and villages (optional)",
            2000,
            "Separate them with commas, for example Shrewsbury, Bayston Hill, Condover",
        ),
        _text(
            "Postcode districts (optional)",
            300,
            "The first part of the postcode, separated with commas, for example SY1, SY2",
        ),
        _text(
            "The middle of the area (optional)",
            100,
            "A town, village or postcode. If you give a full postcode, the public only see its "
            "first part",
        ),
        _text("Miles around it", 20, "For example, 2"),
        _text(
            "How residents can contact you (optional)",
            300,
            "A website, a phone number or a social media group, for example "
            "www.facebook.com/groups/yourgroup",
        ),
        RadioField(
            "Can we show this contact on the public list?",
            widget=GovRadioInput(),
            choices=YES_NO,
            validate_choice=False,
        ),
    )


class RegisterForm(CoverageChecks):
    name = _text(
        "Name of your network",
        200,
        "For example, Castlefields Mutual Aid",
        "Enter the name of your network",
    )
    offers = SelectMultipleField(
        "What do you offer? Select all that apply",
        widget=GovCheckboxesInput(),
        choices=[SelectChoice(key, words.capitalize()) for key, words in networks.OFFERS.items()],
        validate_choice=False,
    )
    offers_other = _area(
        "Anything else you offer, or more about it (optional)",
        2000,
        "For example, the hours you can help or the streets you cover",
    )
    towns, outcodes, place, radius, public_contact, show_contact = _coverage_fields()
    contact_name = _text(
        "Your name",
        120,
        "The person CVEC can contact about the network",
        "Enter the name of the person CVEC can contact",
    )
    contact_details = _text(
        "Phone number or email address",
        254,
        "Only CVEC sees this",
        "Enter a phone number or email address CVEC can use",
    )
    submit = SubmitField("Register the network", widget=GovSubmitInput())

    def validate_offers(self, field) -> None:
        field.data = [key for key in field.data or [] if key in networks.OFFERS]
        if not field.data and not self.offers_other.data:
            raise ValidationError("Select what your network offers, or describe it")

    def validate_contact_details(self, field) -> None:
        value = field.data or ""
        if "@" in value:
            Email(message="Enter an email address in the correct format, like name@example.org")(
                self, field
            )
        elif sum(c.isdigit() for c in value) < 10 or any(c.isalpha() for c in value):
            raise ValidationError(
                "Enter a phone number, like 01743 123456, or an email address, like "
                "name@example.org"
            )

    def details(self) -> Details:
        return Details(
            name=self.name.data,
            offers=networks.compose_offers(self.offers.data or [], self.offers_other.data or ""),
            private_contact=f"{self.contact_name.data}, {self.contact_details.data}",
            **self.coverage(),
        )


class EditForm(CoverageChecks):
    name = _text("Name", 200, missing="Enter the network's name")
    offers = _area("What they offer", 2000, missing="Enter what the network offers")
    towns, outcodes, place, radius, public_contact, show_contact = _coverage_fields()
    private_contact = _area(
        "Private contact for CVEC",
        500,
        "A name and a phone number or email address. Never shown publicly",
        "Enter the private contact",
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())

    @classmethod
    def of(cls, network) -> EditForm:
        return cls(
            data={
                "name": network.name,
                "offers": network.offers,
                "towns": ", ".join(network.towns),
                "outcodes": ", ".join(network.outcodes),
                "place": network.place,
                "radius": f"{network.radius_miles:g}" if network.radius_miles else "",
                "public_contact": network.public_contact,
                "show_contact": "yes" if network.show_contact else "no",
                "private_contact": network.private_contact,
            }
        )

    def details(self) -> Details:
        return Details(
            name=self.name.data,
            offers=self.offers.data,
            private_contact=self.private_contact.data,
            **self.coverage(),
        )


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        widget=GovRadioInput(),
        choices=[
            SelectChoice("approve", "Approve and publish"),
            SelectChoice("reject", "Reject"),
        ],
        validate_choice=False,
        validators=[InputRequired(message="Select a decision")],
    )
    note = _area(
        "Reason for rejecting",
        2000,
        "Needed when you reject. Only CVEC sees it",
    )
    submit = SubmitField("Save decision", widget=GovSubmitInput())

    def validate_decision(self, field) -> None:
        if field.data not in ("approve", "reject"):
            raise ValidationError("Select a decision")

    def validate_note(self, field) -> None:
        if self.decision.data == "reject" and not field.data:
            raise ValidationError("Enter the reason for rejecting the network")


class SearchForm(FlaskForm):
    """The public search: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = _text("Town, village or postcode", 100, "For example, Wem, SY4 5AA or SY4")
