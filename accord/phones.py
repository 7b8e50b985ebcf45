"""Mobile numbers: checked as UK mobiles when someone gives one, written as Notify takes them."""

from __future__ import annotations

import phonenumbers


def uk_mobile(raw: str | None) -> str | None:
    """`raw` as +447… when it is a UK mobile number ("07911 123456", "+44 7911 123456",
    "(07911) 123-456"), else None.

    phonenumbers reads the many ways people write a number; the test is GOV.UK Notify's own
    (ten digits after the 0, starting 7, not a 076 pager unless 07624, the Isle of Man), so
    that a number we accept is one Notify will take, including Ofcom's 07700 900xxx numbers
    for drama and tests, which phonenumbers calls unassigned.
    """
    if not raw or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException:
        return None
    national = str(number.national_number)
    if number.country_code != 44 or len(national) != 10 or not national.startswith("7"):
        return None
    if national.startswith("76") and not national.startswith("7624"):
        return None
    return f"+44{national}"
