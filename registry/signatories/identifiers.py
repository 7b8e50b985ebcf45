"""Charity and company numbers → org-id identifiers (org-id.guide), with format checks."""

import re

# England and Wales charities: 6 or 7 digits (e.g. 1234567, 222124).
EW_CHARITY = re.compile(r"^\d{6,7}$")
# Scottish charities: SC and 6 digits; Northern Ireland: NIC and 6 digits.
SCOTTISH_CHARITY = re.compile(r"^SC\d{6}$")
NI_CHARITY = re.compile(r"^NIC\d{6}$")
# Companies House: 8 digits, or a 2-letter prefix (SC, NI, OC, CE, IP …) and 6 digits.
COMPANY = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")


class IdentifierError(ValueError):
    """The number is not in a form the register uses; the message says what is expected."""


def _clean(raw: str) -> str:
    return re.sub(r"[\s.\-]", "", raw).upper()


def charity_org_id(raw: str) -> str:
    number = _clean(raw)
    if EW_CHARITY.match(number):
        return f"GB-CHC-{number}"
    if SCOTTISH_CHARITY.match(number):
        return f"GB-SC-{number}"
    if NI_CHARITY.match(number):
        return f"GB-NIC-{number[3:]}"
    raise IdentifierError(
        "Enter a charity number in the correct format, like 1234567 (England and Wales), "
        "SC012345 (Scotland) or NIC100002 (Northern Ireland)"
    )


def company_org_id(raw: str) -> str:
    number = _clean(raw)
    if number.isdigit() and 6 <= len(number) < 8:
        number = number.zfill(8)  # Companies House pads numbers to 8 characters
    if COMPANY.match(number):
        return f"GB-COH-{number}"
    raise IdentifierError("Enter a company number in the correct format, like 01234567 or SC123456")


def org_id(charity_number: str = "", company_number: str = "") -> str | None:
    """The charity number wins when both are given: it is the register the Accord cares about."""
    if charity_number.strip():
        return charity_org_id(charity_number)
    if company_number.strip():
        return company_org_id(company_number)
    return None


def numbers_from(identifier: str | None) -> tuple[str, str]:
    """The (charity number, company number) an org-id came from, to pre-fill a form."""
    if not identifier:
        return "", ""
    scheme, _, number = identifier.rpartition("-")
    if scheme in ("GB-CHC", "GB-SC"):
        return number, ""
    if scheme == "GB-NIC":
        return f"NIC{number}", ""
    if scheme == "GB-COH":
        return "", number
    return "", ""
