"""Notify's checks of a send's body and recipient, for the fake Notify (tests/fakes/notify.py).

Messages are Notify's: the v2 JSON schemas (app/v2/notifications/notification_schemas.py,
app/schema_validation) and notifications-utils' recipient checks, in their legacy v2 wording.
"""

from __future__ import annotations

import re
import uuid

import phonenumbers

MAX_REFERENCE = 1_000

# The phone errors Notify's v2 API still words the legacy way (InvalidPhoneError's
# LEGACY_V2_API_ERROR_MESSAGES); the schema prefixes the field name.
NOT_A_UK_MOBILE = "Not a UK mobile number"
TOO_MANY_DIGITS = "Too many digits"
NOT_ENOUGH_DIGITS = "Not enough digits"
LETTERS_OR_SYMBOLS = "Must not contain letters or symbols"
NOT_AN_EMAIL = "Not a valid email address"
# Ofcom's drama range (07700 900000-900999): Notify takes these as UK mobiles, phonenumbers
# does not, and tests want numbers that can never reach a real phone.
TV_NUMBER = re.compile(r"^\+447700900\d{3}$")
PHONE_CHARACTERS = re.compile(r"^[0-9()+\-\s.]*$")

# notifications-utils' email check: a local part, an @, then dot-separated DNS labels.
EMAIL_LOCAL = re.compile(r"^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+$")
HOST_LABEL = re.compile(r"^(xn|[a-z0-9]+)(-?-[a-z0-9]+)*$", re.IGNORECASE)
TLD = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)

# The properties post_sms_request / post_email_request allow (additionalProperties: false).
COMMON_FIELDS = {"template_id", "personalisation", "reference", "scheduled_for"}
SMS_FIELDS = COMMON_FIELDS | {"phone_number", "sms_sender_id"}
EMAIL_FIELDS = COMMON_FIELDS | {"email_address", "email_reply_to_id", "one_click_unsubscribe_url"}
EMAIL_FIELDS |= {"sanitise_content_for"}


def phone_problem(number: str) -> tuple[str, str] | None:
    """Why Notify would refuse `number` for a service that texts UK mobiles only: (error,
    message), or None. A malformed number fails the schema (ValidationError, the field named);
    a well-formed landline fails the service's permissions (InvalidPhoneError)."""
    if not PHONE_CHARACTERS.match(number):
        return "ValidationError", f"phone_number {LETTERS_OR_SYMBOLS}"
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return "ValidationError", f"phone_number {NOT_ENOUGH_DIGITS}"
    if TV_NUMBER.match(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)):
        return None
    national = str(parsed.national_number)
    if parsed.country_code == 44 and national.startswith("7") and len(national) != 10:
        # Notify counts a UK mobile's digits itself: a 7 and nine more.
        return "ValidationError", "phone_number " + (
            TOO_MANY_DIGITS if len(national) > 10 else NOT_ENOUGH_DIGITS
        )
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason == phonenumbers.ValidationResult.TOO_LONG:
        return "ValidationError", f"phone_number {TOO_MANY_DIGITS}"
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return "ValidationError", f"phone_number {NOT_ENOUGH_DIGITS}"
    if not phonenumbers.is_valid_number(parsed):
        return "ValidationError", "phone_number Not a valid phone number"
    if parsed.country_code != 44:
        # What Notify says to a service without the international-texts permission.
        return "BadRequestError", "Cannot send to international mobile numbers"
    # The Channel Islands' and Isle of Man's +44 mobiles count as UK ones here.
    if phonenumbers.number_type(parsed) != phonenumbers.PhoneNumberType.MOBILE:
        return "InvalidPhoneError", NOT_A_UK_MOBILE
    return None


def normalised_phone(number: str) -> str:
    """The E.164 form, so `bad_numbers` matches however the number was written."""
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def is_email_address(address: str) -> bool:
    address = address.strip()
    local, at, host = address.rpartition("@")
    if not at or not local or len(address) > 320 or ".." in local:
        return False
    if not EMAIL_LOCAL.match(local) or not host or len(host) > 253:
        return False
    labels = host.split(".")
    if len(labels) < 2 or any(not label or len(label) > 63 for label in labels):
        return False
    return all(HOST_LABEL.match(label) for label in labels[:-1]) and bool(TLD.match(labels[-1]))


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def schema_errors(kind: str, form: dict) -> list[str]:
    """The messages Notify's post_sms_request / post_email_request schemas give, in order."""
    recipient = "phone_number" if kind == "sms" else "email_address"
    allowed = SMS_FIELDS if kind == "sms" else EMAIL_FIELDS
    messages = [
        f"{name} is a required property" for name in (recipient, "template_id") if name not in form
    ]
    extra = sorted(set(form) - allowed)
    if extra:
        names = ", ".join(extra)
        verb = "was" if len(extra) == 1 else "were"
        messages.append(f"Additional properties are not allowed ({names} {verb} unexpected)")
    for name in ("template_id", "sms_sender_id", "email_reply_to_id"):
        if name in form and name in allowed and not is_uuid(form[name]):
            messages.append(f"{name} is not a valid UUID")
    for name, kind_ in (("reference", str), (recipient, str), ("personalisation", dict)):
        if name in form and not isinstance(form[name], kind_):
            type_name = "string" if kind_ is str else "object"
            messages.append(f"{name} {form[name]} is not of type {type_name}")
    reference = form.get("reference")
    if isinstance(reference, str) and len(reference) > MAX_REFERENCE:
        messages.append(f"reference {reference} is too long")
    address = form.get(recipient)
    if kind == "email" and isinstance(address, str) and not is_email_address(address):
        messages.append(f"email_address {NOT_AN_EMAIL}")
    return messages
