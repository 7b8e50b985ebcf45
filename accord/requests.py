"""The request every view sees: form fields and query parameters without control characters
(accord/controls.py says why). Line breaks and tabs stay (addresses, statements); a Windows or
old-Mac line break becomes \\n. Dropped once, here, for every form, before any form sees them.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from accord.controls import CONTROLS, printable


class Printable(ImmutableMultiDict):
    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in list(dict.items(self)):
            if any(isinstance(v, str) and CONTROLS.search(v) for v in values):
                cleaned = [printable(v) if isinstance(v, str) else v for v in values]
                dict.__setitem__(self, key, cleaned)


class AccordRequest(Request):
    parameter_storage_class = Printable
