"""Repeated breaches and the open letter: the Accord's step 7. Organisations with two or more
breaches found in twelve months are listed for the coordinator; for a public-sector one the
VCS Assembly may publish an open letter, which is recorded here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from accord import audit
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Organisation, Sector, User
from registry.concerns.models import Concern, OpenLetter, Permission

BREACH_WINDOW = timedelta(days=365)
REPEATED = 2


@dataclass
class Repeated:
    organisation: Organisation
    breaches: int

    @property
    def may_publish(self) -> bool:
        """Step 7 is about public-sector signatories only."""
        return self.organisation.sector == Sector.public


def repeated_breaches(now: datetime | None = None) -> list[Repeated]:
    """Organisations with REPEATED or more cases whose outcome found a breach of the Accord in
    the last twelve months, most first. Anonymous learning is left out: its raiser did not
    allow it to be taken forward with the organisation, let alone publicly."""
    count = func.count(Concern.id)
    rows = db.session.execute(
        select(Concern.concerned_organisation_id, count)
        .where(
            Concern.breach.is_(True),
            Concern.permission == Permission.named,
            Concern.outcome_recorded_at >= (now or utcnow()) - BREACH_WINDOW,
        )
        .group_by(Concern.concerned_organisation_id)
        .having(count >= REPEATED)
    ).all()
    found = [
        Repeated(org, n)
        for org_id, n in rows
        if (org := db.session.get(Organisation, org_id)) is not None
    ]
    return sorted(found, key=lambda r: (-r.breaches, r.organisation.name))


def open_letter_candidate(organisation_id: int) -> Repeated | None:
    """The organisation if an open letter about it may be recorded now: public sector, with
    repeated breaches. None otherwise."""
    for repeated in repeated_breaches():
        if repeated.organisation.id == organisation_id and repeated.may_publish:
            return repeated
    return None


def open_letters() -> list[OpenLetter]:
    return list(
        db.session.scalars(
            select(OpenLetter).order_by(OpenLetter.published_on.desc(), OpenLetter.id.desc())
        )
    )


def is_public_address(url: str) -> bool:
    """An https address with a real host name and nothing that could break out of a link."""
    if len(url) > 500 or any(c.isspace() or c in "<>\"'\\`" for c in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # an impossible port raises here
    except ValueError:
        return False
    host = parts.hostname or ""
    return (
        parts.scheme == "https"
        and "." in host
        and not parts.username
        and not parts.password
        and port in (None, 443)
        and all(label and len(label) <= 63 for label in host.split("."))
    )


def record_open_letter(
    organisation: Organisation, published_on: date, url: str, by: User
) -> tuple[OpenLetter, bool]:
    """Record a published open letter; (the letter, whether it is new). The same organisation
    and address again, a double click or two coordinators at once, gives the first row."""
    if not is_public_address(url):
        raise ValueError("an open letter's address is an https web address")
    same = select(OpenLetter).where(
        OpenLetter.organisation_id == organisation.id, OpenLetter.url == url
    )
    found = db.session.scalar(same)
    if found is not None:
        return found, False
    letter = OpenLetter(
        organisation_id=organisation.id,
        published_on=published_on,
        url=url,
        recorded_by_id=by.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(letter)
    except IntegrityError:  # recorded at the same moment by someone else
        return db.session.scalars(same).one(), False
    audit.record(
        "open_letter.recorded",
        "open_letter",
        letter.id,
        actor_id=by.id,
        details={"organisation_id": organisation.id},
    )
    return letter, True
