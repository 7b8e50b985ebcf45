"""Control characters never reach stored text.

Nothing a person types needs one, and they do harm where text lands: a NUL is refused by
PostgreSQL ("text fields cannot contain NUL"), so one pasted or forged into a field would be a
500 wherever it is stored or searched for; an escape sequence (ESC [ …) stored in a name
recolours or rewrites the terminal of whoever prints it (`flask outbox list`). Forms and query
strings lose them as a request is read (accord/requests.py); behind that, every text column is
cleaned as it is flushed, whatever wrote it (an ORUK feed, a command, a job).
"""

from __future__ import annotations

import re

from sqlalchemy import String, event
from sqlalchemy.orm import Session

# C0 controls but tab and line feed, DEL, and the C1 controls (U+0080–U+009F).
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(value: str) -> str:
    """`value` with line breaks made \\n and every other control character but tab removed."""
    if not CONTROLS.search(value):
        return value
    return CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


# What the flush takes out: the same, but a carriage return stays, so text that came with
# Windows line breaks (a feed, a file) is stored as it came; forms have made them \n already.
STORED_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@event.listens_for(Session, "before_flush")
def _clean_text_columns(session: Session, flush_context, instances) -> None:
    for record in (*session.new, *session.dirty):
        mapper = getattr(record, "__mapper__", None)
        if mapper is None:
            continue
        for column in mapper.columns:
            if not isinstance(column.type, String):
                continue
            key = mapper.get_property_by_column(column).key
            value = record.__dict__.get(key)
            if isinstance(value, str) and STORED_CONTROLS.search(value):
                setattr(record, key, STORED_CONTROLS.sub("", value))
