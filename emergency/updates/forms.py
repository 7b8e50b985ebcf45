"""The update form (the message and whom it goes to) and the check page's button."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField, ValidationError

from accord.forms import checkboxes, line, text_answer
from emergency.updates.updates import HUBS, MAX_LENGTH, NETWORKS
from emergency.volunteers.deployments import task_problem

RECIPIENTS = {
    NETWORKS: "Mutual-aid networks active in this incident",
    HUBS: "Organisations running hubs in or near the affected area",
}


def _no_contacts(form, field) -> None:
    if field.data and (problem := task_problem(field.data)):
        raise ValidationError(problem.replace("The task", "The message").replace("the task", "it"))


class UpdateForm(FlaskForm):
    message = text_answer(
        "Message",
        f"The message must be {MAX_LENGTH} characters or fewer",
        MAX_LENGTH,
        _no_contacts,
        hint="For example, “Castlefields is full: send people to Harlescott”. It goes in the "
        "incident log: no one's name, phone number or email address.",
        missing="Enter the message",
        area=True,
        filters=(line,),
    )
    to = checkboxes(
        "Who to send it to",
        RECIPIENTS,
        missing="Choose who to send the update to",
        invalid="Choose who to send the update to from the list",
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class SendForm(FlaskForm):
    submit = SubmitField("Send update", widget=GovSubmitInput())
