"""The bench's county at a hundredth of its size: the counts, mixed shapes, and every page
the bench times answering on it (timings are never asserted)."""

from __future__ import annotations

import random

from sqlalchemy import func, select

from accord.extensions import db
from bench import county, load, pages
from directory.referrals.models import Referral
from emergency.models import Hub
from emergency.networks.models import MutualAidNetwork, NetworkActivation
from registry.signatories.models import Signatory


def test_county_counts_shapes_and_pages(app):
    made = county.county(scale=0.01)
    assert made == {
        "services": 500,
        "locations": 200,
        "organisations": 20,
        "signatories": 20,
        "hubs": 20,
        "networks": 3,
        "volunteers": 200,
        "referrals": 1000,
    }
    # Mixed, as a county is: statuses, reviews, a withdrawn signatory, an active incident.
    assert len(set(db.session.scalars(select(Hub.status)))) >= 3
    assert len(set(db.session.scalars(select(Referral.status)))) >= 5
    assert "withdrawn" in set(db.session.scalars(select(Signatory.status)))
    assert {"pending", "published"} <= set(db.session.scalars(select(MutualAidNetwork.review)))
    assert db.session.scalar(select(func.count(NetworkActivation.id))) >= 1
    # One sealed token for every resident; never a readable name in the table.
    assert db.session.scalar(select(func.count(func.distinct(Referral.sealed)))) == 1
    assert "A Resident" not in db.session.scalar(select(Referral.sealed))
    db.session.remove()

    public, cvec = app.test_client(), pages.signed_in(app)
    for kind in [*pages.kinds(made["services"]), *pages.building_kinds()]:
        path = kind.path(random.Random(1))
        response = (cvec if kind.cvec else public).get(path)
        assert response.status_code == 200, path
        kind.bare(path)  # the baseline query runs on this engine too
    assert public.get("/emergency/map/frame").status_code in (302, 401, 403)


def test_load_promise():
    fine = load.Result("x", 100, 1.0, 10, 20, 999, 1200, fivexx=0, fourxx=3, errors=0)
    assert load.kept(fine)
    assert not load.kept(load.Result("x", 100, 1.0, 10, 20, 1000, 1200, 0, 0, 0))
    assert not load.kept(load.Result("x", 100, 1.0, 10, 20, 30, 40, fivexx=1, fourxx=0, errors=0))
    assert not load.kept(load.Result("x", 100, 1.0, 10, 20, 30, 40, fivexx=0, fourxx=0, errors=2))
