"""Small text helpers shared by every job."""

import re

import pytest
from flask import render_template_string

from accord.text import LIKE_ESCAPE, like_escaped, phone_link, phones_linked, tel_href


def test_tel_href_keeps_digits_and_plus_only():
    assert tel_href("01743 123 456") == "tel:01743123456"
    assert tel_href("+44 (0)1743 123456") == "tel:+441743123456"
    assert tel_href("0345 988 1188") == "tel:03459881188"


def test_phone_link_is_a_govuk_link_and_escapes():
    html = str(phone_link("01743 <b>1</b> 23456"))
    assert html.startswith('<a class="govuk-link" href="tel:01743123456">')
    assert "&lt;b&gt;" in html


def test_phone_link_says_not_given_when_missing():
    assert str(phone_link(None)) == "Not given"
    assert str(phone_link("", empty="")) == ""
    assert str(phone_link("ask at reception")) == "ask at reception"


def test_tel_filter_in_templates(app):
    html = render_template_string("{{ '999' | tel }} {{ none | tel }}", none=None)
    assert html == '<a class="govuk-link" href="tel:999">999</a> Not given'


@pytest.mark.parametrize(
    ("contact", "linked"),
    [
        ("Sam, 07700 900123, or our Facebook group", ["tel:07700900123"]),
        ("Ring +44 (0)1743 123456 or 0800-123-4567.", ["tel:+441743123456", "tel:08001234567"]),
        ("https://facebook.com/groups/12345678901", []),
        ("Meet 2024-2025 at 10 High St", []),
    ],
)
def test_phone_numbers_in_contacts_become_tel_links(contact, linked):
    html = phones_linked(contact + " <b>")
    assert re.findall(r'href="([^"]+)"', html) == linked
    assert html.endswith("&lt;b&gt;")


def test_like_escaped_text_stands_for_itself_in_a_pattern(app):
    from sqlalchemy import literal, select

    from accord.extensions import db

    for typed, other in (("50%_off", "50xyoff"), ("a\\b", "ab"), ("c_d", "cxd")):
        pattern = f"%{like_escaped(typed)}%"
        found = select(literal(typed).like(pattern, escape=LIKE_ESCAPE))
        assert db.session.execute(found).scalar() is True
        wildcard = select(literal(other).like(pattern, escape=LIKE_ESCAPE))
        assert db.session.execute(wildcard).scalar() is False
