"""accord/forms.py's field makers: answers that may be left out are checked only when given."""

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from accord.forms import checkboxes, line, text, text_answer


def no_x(form, field) -> None:
    if "x" in field.data:
        raise ValidationError("No x here")


class Sample(FlaskForm):
    class Meta:
        csrf = False

    code = text_answer("Code (optional)", "Code is too long", 5, no_x, filters=(line,))
    notes = text_answer(
        "Notes (optional)", "Notes must be 10 characters or fewer", 10, area=True, filters=(text,)
    )
    name = text_answer("Name", "Name is too long", 20, missing="Enter a name")
    days = checkboxes("Days", {"mo": "Monday", "tu": "Tuesday"}, invalid="Choose from the list")


def checked(app, **answers) -> dict:
    with app.test_request_context(method="POST", data=MultiDict(answers)):
        form = Sample()
        form.validate()
        return form.errors


def test_an_empty_answer_is_not_checked(app):
    assert checked(app, name="Ann") == {}
    assert checked(app, name="Ann", code="   ", notes="") == {}


def test_a_required_answer_must_be_given(app):
    assert checked(app) == {"name": ["Enter a name"]}


def test_an_answer_given_is_checked_and_kept_tidy(app):
    assert checked(app, name="Ann", code="abcdef") == {"code": ["Code is too long"]}
    assert checked(app, name="Ann", code="ax") == {"code": ["No x here"]}
    assert checked(app, name="Ann", notes="x" * 11) == {
        "notes": ["Notes must be 10 characters or fewer"]
    }
    assert checked(app, name="Ann", days="sa") == {"days": ["Choose from the list"]}
    answers = {"name": "Ann", "code": " a  b ", "notes": "one\x00\ntwo", "days": "tu"}
    with app.test_request_context(method="POST", data=answers):
        form = Sample()
        assert form.validate()
        assert (form.code.data, form.notes.data, form.days.data) == ("a b", "one\ntwo", ["tu"])
