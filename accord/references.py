"""Case references people can read out on the phone: a letter for the kind of case, a hyphen
and 8 letters and digits without look-alikes (no 0/O, 1/I/L), e.g. R-7KQ2M9TX."""

import secrets

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from accord.extensions import db

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(prefix: str, column: InstrumentedAttribute[str]) -> str:
    """A reference not yet used in `column` (e.g. Referral.reference); its unique constraint
    still guards a race between two requests."""
    while True:
        reference = f"{prefix}-" + "".join(secrets.choice(ALPHABET) for _ in range(8))
        if not db.session.scalar(select(column).where(column == reference)):
            return reference
