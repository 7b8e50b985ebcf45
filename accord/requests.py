"""The request every view sees: form fields and query parameters without control characters.

Nothing a person types needs a control character, and they do harm where text lands: a NUL is
refused by PostgreSQL ("text fields cannot contain NUL"), so one pasted or forged into any
field would be a 500 wherever it is stored or searched for; an escape sequence (ESC [ …) stored
in a name recolours or rewrites the terminal of whoever runs `flask outbox list`. So C0 and C1
controls are dropped once, here, for every form and query string, before any form sees them.
Line breaks and tabs stay (addresses, statements); a Windows or old-Mac line break becomes \\n.
"""

from __future__ import annotations

import re

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

# C0 controls but tab and line feed, DEL, and the C1 controls (U+0080–U+009F).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """`value` with line breaks made \\n and every other control character but tab removed."""
    return CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


class Printable(ImmutableMultiDict):
    def __init__(self, mapping=None):
        super().__init__(mapping)
        for key, values in list(dict.items(self)):
            if any(isinstance(v, str) and CONTROLS.search(v) for v in values):
                cleaned = [printable(v) if isinstance(v, str) else v for v in values]
                dict.__setitem__(self, key, cleaned)


class AccordRequest(Request):
    parameter_storage_class = Printable
