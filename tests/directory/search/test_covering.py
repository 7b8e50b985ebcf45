"""On PostgreSQL a search reads what its filters ask of each service from an index alone
(migration 0051), not the service's row: a denser county asks it of more services."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from accord.extensions import db
from directory.search import candidates, search
from directory.search.query import Query

# Every filter a search can ask of the service itself (conditions.filters), and its place.
EVERY = Query(place="SY1 1UJ", radius=5, need="food", free=True, age=70, accepting=True)
EVERY_ROUTE = Query(place="SY1 1UJ", radius=5, route="self-referral")


@pytest.mark.engine("postgresql")  # the index and its index-only scans are PostgreSQL's
@pytest.mark.parametrize("query", [EVERY, EVERY_ROUTE], ids=["filters", "route"])
def test_a_rings_filters_read_the_services_index_alone(demo, query):
    """With the table vacuumed (its pages all visible, as autovacuum keeps them) and read
    whole priced out, a ring asking every filter reads the service through
    `ix_search_service_filters` alone: had it left out a column a filter reads, the planner
    would have read the service's row by its primary key."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE service"))
    origin = search.origin_of(query.place)[0]
    plan = candidates.ordered_local(query, None, origin, "", query.radius)
    statement = plan.build().params(plan.values)
    compiled = statement.compile(db.engine, compile_kwargs={"literal_binds": True})
    moment = db.session.begin_nested()
    for off in ("enable_seqscan", "enable_bitmapscan"):
        db.session.execute(text(f"SET LOCAL {off} = off"))
    steps = " | ".join(row[0] for row in db.session.execute(text(f"EXPLAIN {compiled}")))
    moment.rollback()
    assert "Index Only Scan using ix_search_service_filters on service" in steps, steps
    # And it answers as the statement does when the planner may read the table.
    assert [row.sid for row in db.session.execute(statement)] == [row.sid for row in plan.run()]


@pytest.mark.engine("postgresql")
def test_the_index_holds_the_columns_the_filters_read(demo):
    made = "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_service_filters'"
    held = db.session.scalar(text(made))
    assert held is not None and "ON public.service USING btree (id) INCLUDE (" in held
    for column in ("online_only", "review", "status", "assured_at", "is_free", "capacity", "name"):
        assert column in held
