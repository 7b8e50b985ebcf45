"""create_x(**defaults) helpers for emergency test data."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from accord import clock
from accord.clock import today_uk
from accord.extensions import db
from accord.models import Location, Organisation, Review
from emergency.models import Hub, HubStatus, Incident, IncidentKind
from emergency.networks.models import MutualAidNetwork
from emergency.volunteers.models import Volunteer
from tests import factories

_numbers = itertools.count(1)

# Winter, so UTC is the UK's time: by day (2pm) and overnight (11pm) for hub capacities.
AFTERNOON = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)
NIGHT = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)


def set_clock(monkeypatch, moment: datetime) -> None:
    """The app's clock (accord/clock.py) reads `moment` for the rest of the test."""
    monkeypatch.setattr(clock, "system_time", lambda: moment)


def incident(**fields) -> Incident:
    values = {
        "name": f"Severn flooding {next(_numbers)}",
        "kind": IncidentKind.flood,
        "place": "Shrewsbury",
        "latitude": 52.7077,
        "longitude": -2.7541,
        "radius_miles": 5.0,
        "public_message": "River Severn flooding in Shrewsbury. Rest centres are open.",
    }
    values.update(fields)
    made = Incident(**values)
    db.session.add(made)
    db.session.commit()
    return made


def hub(
    location: Location | None = None, organisation: Organisation | None = None, **fields
) -> Hub:
    values = {
        "kinds": ["rest_centre", "warm_space"],
        "day_capacity": 80,
        "night_capacity": 40,
        "facilities": ["kitchen", "wifi", "accessible_toilet"],
        "offer": "Hot drinks, phone charging and somewhere warm to wait.",
        "keyholders": "Pat Keyholder 07700 900123",
        "status": HubStatus.standby,
    }
    values.update(fields)
    made = Hub(
        location=location or factories.location(),
        organisation=organisation,
        **values,
    )
    db.session.add(made)
    db.session.commit()
    return made


def network(**fields) -> MutualAidNetwork:
    values = {
        "name": f"Castlefields Mutual Aid {next(_numbers)}",
        "offers": "Shopping, prescriptions and phone calls for neighbours",
        "towns": ["Shrewsbury"],
        "outcodes": ["SY1"],
        "public_contact": "https://example.org/castlefields-mutual-aid",
        "show_contact": True,
        "private_contact": "Sam Organiser, sam@example.org, 07700 900456",
        "review": Review.published,
    }
    values.update(fields)
    made = MutualAidNetwork(**values)
    db.session.add(made)
    db.session.commit()
    return made


def volunteer(**fields) -> Volunteer:
    n = next(_numbers)
    values = {
        "name": f"Volunteer Person {n}",
        "email": f"volunteer{n}@example.org",
        "phone": "07700 900789",
        "outcode": "SY1",
        "latitude": 52.7118,
        "longitude": -2.7467,
        "skills": ["first_aid", "driving"],
        "availability": ["weekends"],
        "consent": "I agree that CVEC may contact me about volunteering in an emergency.",
        "retain_until": today_uk() + timedelta(days=730),
    }
    values.update(fields)
    made = Volunteer(**values)
    db.session.add(made)
    db.session.commit()
    return made
