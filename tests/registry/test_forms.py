"""registry/forms.py: answers that may be left out are checked only when given."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from registry.forms import optional_line, optional_text


def no_x(form, field) -> None:
    if "x" in field.data:
        raise ValidationError("No x here")


class Sample(FlaskForm):
    class Meta:
        csrf = False

    code = optional_line("Code (optional)", "Code is too long", 5, no_x)
    notes = optional_text("Notes (optional)", "Notes must be 10 characters or fewer", max_length=10)


def checked(app, **answers) -> dict:
    with app.test_request_context(method="POST", data=MultiDict(answers)):
        form = Sample()
        form.validate()
        return form.errors


def test_an_empty_answer_is_not_checked(app):
    assert checked(app) == {}
    assert checked(app, code="   ", notes="") == {}


def test_an_answer_given_is_checked_and_kept_tidy(app):
    assert checked(app, code="abcdef") == {"code": ["Code is too long"]}
    assert checked(app, code="ax") == {"code": ["No x here"]}
    assert checked(app, notes="x" * 11) == {"notes": ["Notes must be 10 characters or fewer"]}
    with app.test_request_context(method="POST", data={"code": " a  b ", "notes": "one\x00\ntwo"}):
        form = Sample()
        assert form.validate()
        assert (form.code.data, form.notes.data) == ("a b", "one\ntwo")
