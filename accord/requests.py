"""The request every view sees: form fields and query parameters without NUL characters.

A NUL byte has no place in anything a person types, and PostgreSQL refuses it in text
("text fields cannot contain NUL"), so one pasted or forged into any field would otherwise be
a 500 wherever it is stored or searched for. It is dropped once, here, for every form.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


class WithoutNul(ImmutableMultiDict):
    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in list(dict.items(self)):
            if any(isinstance(v, str) and "\x00" in v for v in values):
                cleaned = [v.replace("\x00", "") if isinstance(v, str) else v for v in values]
                dict.__setitem__(self, key, cleaned)


class AccordRequest(Request):
    parameter_storage_class = WithoutNul
