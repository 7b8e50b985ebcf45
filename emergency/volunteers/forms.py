"""Forms for emergency volunteers: the public sign-up, CVEC's search and the deploy form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from accord.clock import today_uk
from accord.forms import (
    DayMonthYear,
    checkboxes,
    email_field,
    line,
    required_text,
    text,
    text_answer,
)
from accord.geo import Point
from accord.phones import uk_mobile
from emergency.readiness.training import COURSES
from emergency.volunteers.deployments import task_problem
from emergency.volunteers.details import AVAILABILITY, SKILLS, Details, district
from emergency.volunteers.finding import RADII, Filters, locate

# DBS checks replaced CRB checks, which began in 2002.
FIRST_CHECK_YEAR = 2002


def skills_wanted():
    """The skills CVEC asks for (the search, a call-out): every one ticked must be had."""
    return checkboxes(
        "Skills",
        SKILLS,
        hint="Volunteers with every skill ticked",
        invalid="Choose skills from the list",
    )


def times_wanted():
    """The times CVEC asks for (the search, a call-out): any one ticked will do."""
    return checkboxes(
        "Available",
        AVAILABILITY,
        hint="Volunteers available at any of the times ticked",
        invalid="Choose times from the list",
    )


class VolunteerForm(FlaskForm):
    name = required_text("Full name", "Enter your full name")
    email = email_field(
        "Email address",
        "Enter your email address",
        "Signed up before? Use the same address: we will email it a link to confirm the change "
        "to your details",
    )
    phone = text_answer(
        "Phone number (optional)",
        "Phone number must be 40 characters or fewer",
        40,
        hint="A UK mobile number: in an emergency a coordinator may text or call you",
        filters=(line,),
    )
    postcode = text_answer(
        "Home postcode",
        "Enter a real postcode, like SY1 1AA, or its first part, SY1",
        10,
        hint="For example, SY1 1AA, or just the first part, SY1. We keep only the first part, "
        "to find volunteers near an emergency.",
        missing="Enter your home postcode",
        filters=(line,),
    )
    skills = checkboxes(
        "What could you help with?",
        SKILLS,
        hint="Select all that apply. You do not need any of these to volunteer.",
        invalid="Select what you could help with from the list",
    )
    languages = StringField(
        "Which languages do you speak, other than English?",
        widget=GovTextInput(),
        filters=[line],
        validators=[Length(max=200, message="Languages must be 200 characters or fewer")],
    )
    # One checkbox, not yes/no radios: GOV.UK Frontend marks radios that reveal a question with
    # aria-expanded, which ARIA does not allow on a radio (govuk-frontend#979) and axe fails.
    dbs = checkboxes(
        "Have you had a DBS check?",
        {"yes": "Yes, I have had a DBS check"},
        hint="A Disclosure and Barring Service check, needed for some work with children or adults "
        "at risk",
        invalid="Tick the box if you have had a DBS check",
    )
    # The summary links to the day box, GOV.UK's pattern; the template names the group.
    dbs_date = DayMonthYear(
        "When was your DBS certificate issued?",
        id="dbs_date-day",
        description="For example, 27 3 2024",
    )
    availability = checkboxes(
        "When could you help?",
        AVAILABILITY,
        hint="Select all that apply.",
        invalid="Select when you could help from the list",
        missing="Select when you could help",
    )
    consent = BooleanField(
        "",
        widget=GovCheckboxInput(),
        validators=[
            InputRequired(
                message="Tick the box to agree to CVEC keeping your details and contacting you"
            )
        ],
    )
    submit = SubmitField("Sign up to volunteer", widget=GovSubmitInput())

    def __init__(self, *args, consent: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The words shown are the words stored: both come from here.
        self.consent.label.text = consent
        self.district: tuple[str, Point] | None = None

    def validate_phone(self, field) -> None:
        # Checked as Notify checks it, so a call-out's text can reach the number given.
        if field.data and uk_mobile(field.data) is None:
            raise ValidationError("Enter a UK mobile number, like 07700 900982")

    def validate_postcode(self, field) -> None:
        self.district = district(field.data or "")
        if self.district is None:
            raise ValidationError(
                "Enter a real UK postcode, like SY1 1AA, or its first part, like SY1"
            )

    def validate_languages(self, field) -> None:
        if "languages" in (self.skills.data or []) and not field.data:
            raise ValidationError("Enter the languages you speak")

    def validate_dbs_date(self, field) -> None:
        if "yes" not in (self.dbs.data or []):
            field.data = None
            return
        if field.problem:
            raise ValidationError(field.problem)
        if field.data is None:
            raise ValidationError("Enter the date your DBS certificate was issued")
        if field.data > today_uk():
            raise ValidationError("The date your DBS certificate was issued must be in the past")
        if field.data.year < FIRST_CHECK_YEAR:
            raise ValidationError(f"The date must be in {FIRST_CHECK_YEAR} or later")

    def details(self) -> Details:
        outcode = self.district[0] if self.district else ""
        return Details(
            name=self.name.data,
            email=self.email.data,
            outcode=outcode,
            phone=self.phone.data or "",
            skills=list(self.skills.data or []),
            languages=self.languages.data or "",
            dbs_checked="yes" in (self.dbs.data or []),
            dbs_date=self.dbs_date.data,
            availability=list(self.availability.data or []),
        )


class LeaveForm(FlaskForm):
    email = email_field(
        "Email address", "Enter your email address", "The address you signed up with"
    )
    submit = SubmitField("Send me the link", widget=GovSubmitInput())


class ChangeForm(FlaskForm):
    submit = SubmitField("Confirm the change", widget=GovSubmitInput())


class EmailConfirmForm(FlaskForm):
    submit = SubmitField("Confirm my email address", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Delete my details", widget=GovSubmitInput())


class DeleteForm(FlaskForm):
    submit = SubmitField("Delete their details", widget=GovSubmitInput())


class FindForm(FlaskForm):
    """Finding one volunteer by name or email: posted, so the name stays out of web addresses
    (and so out of access logs, browser history and Referer headers)."""

    who = required_text(
        "Name or email address",
        "Enter a name or email address",
        200,
        "To find one volunteer, for example when they ask to be deleted",
    )
    submit = SubmitField("Find", widget=GovSubmitInput())


class SearchForm(FlaskForm):
    """CVEC's search: a GET form (no personal data in it), so no CSRF; a bad value is named and
    left out of the search."""

    class Meta:
        csrf = False

    skills = skills_wanted()
    training = checkboxes(
        "Training",
        COURSES,
        hint="Volunteers with every course ticked, not expired",
        invalid="Choose training from the list",
    )
    availability = times_wanted()
    dbs = SelectField(
        "DBS checked",
        widget=GovSelect(),
        choices=[SelectChoice("", "Any"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        default="",
        invalid_choice_message="Choose Any, Yes or No",
    )
    place = StringField(
        "Near (postcode or town)",
        widget=GovTextInput(),
        description="For example, SY3 8HQ, SY3 or Ludlow",
        filters=[line],
        validators=[Length(max=100, message="Postcode or town must be 100 characters or fewer")],
    )
    radius = SelectField(
        "Within",
        widget=GovSelect(),
        choices=[SelectChoice(str(r), f"{r} mile{'' if r == 1 else 's'}") for r in RADII],
        default="10",
        invalid_choice_message="Choose a distance from the list",
    )
    inactive = BooleanField("Include volunteers marked inactive", widget=GovCheckboxInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.origin: Point | None = None

    def validate_place(self, field) -> None:
        if field.data:
            self.origin = locate(field.data)
            if self.origin is None:
                raise ValidationError(
                    "We could not find that place. Enter a postcode, like SY3 8HQ, a postcode "
                    "district, like SY3, or a Shropshire town, like Ludlow"
                )

    def filters(self) -> Filters:
        """The search asked for, leaving out any field with an error."""

        def ok(name: str):
            field = self[name]
            return None if field.errors else field.data

        dbs = ok("dbs")
        radius = ok("radius")
        return Filters(
            skills=list(ok("skills") or []),
            training=list(ok("training") or []),
            availability=list(ok("availability") or []),
            dbs=None if not dbs else dbs == "yes",
            origin=self.origin if not self.place.errors else None,
            radius=float(radius) if radius else 10.0,
            include_inactive=bool(self.inactive.data),
        )


class DeployForm(FlaskForm):
    """A hub, a task, or a task at a hub: two plain fields, not radios revealing each (see
    VolunteerForm.dbs)."""

    incident = SelectField("Incident", widget=GovSelect(), choices=[], validate_choice=False)
    hub = SelectField(
        "Hub",
        widget=GovSelect(),
        description="Choose a hub, describe a task below, or both: a task at a hub",
        choices=[],
        validate_choice=False,
    )
    task = TextAreaField(
        "Task",
        widget=GovTextArea(),
        description="What and where, for example “sandbags at Frankwell car park”, or at a hub "
        "“serving meals”. Do not include residents' names, addresses or phone numbers: the task "
        "is shown in the incident log.",
        filters=[text],
        validators=[Length(max=500, message="Task must be 500 characters or fewer")],
    )
    submit = SubmitField("Deploy", widget=GovSubmitInput())

    def validate_incident(self, field) -> None:
        if field.data not in [c.value for c in field.choices]:
            raise ValidationError("Choose an active incident")

    def validate_hub(self, field) -> None:
        if field.data and field.data not in [c.value for c in field.choices]:
            raise ValidationError("Choose a hub from the list")
        if not field.data and not self.task.data:
            raise ValidationError("Choose a hub or describe a task")

    def validate_task(self, field) -> None:
        if field.data and (problem := task_problem(field.data)):
            raise ValidationError(problem)
