"""search: on PostgreSQL, a page's services read by a function that plans its query once

Revision ID: 0049
Revises: 0048
Create Date: 2026-12-06 11:00:00

A search ends by reading the services it shows (20 on a page and up to 5 online ones) with
their organisations and buildings. Every connection plans each statement for its values
(`plan_cache_mode=force_custom_plan`, accord/__init__.py): a search's statements need it, but
this one's plan is the same for any ids, and planning its four tables cost more than running
it (at 50,000 services 0.35 ms planned, 0.43 run). `search_shown(ids)` runs it with a generic
plan instead, made once for each connection and kept: PL/pgSQL keeps its statements' plans,
and the function's own setting lets the kept one be used (server CPU for a page's services
1.0-1.5 -> 0.4-0.6 ms; directory/search/search.py, _services).

Its columns are search.SHOWN's with the organisation's name and the buildings', in the order
of search._SHOWN; tests/directory/search/test_shown.py checks that both read the same.
"""

from alembic import op

revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None

FUNCTION = """CREATE FUNCTION search_shown(ids integer[]) RETURNS TABLE (
    id integer, uuid varchar, name varchar, description text, phone varchar, status varchar,
    is_free boolean, online_only boolean, capacity varchar, assured_at date,
    organisation varchar, place_id integer, place varchar, town varchar,
    latitude double precision, longitude double precision
) LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    RETURN QUERY
    SELECT s.id, s.uuid, s.name, s.description, s.phone, s.status, s.is_free, s.online_only,
        s.capacity, s.assured_at, o.name, l.id, l.name, l.town, l.latitude, l.longitude
    FROM service s
    JOIN organisation o ON o.id = s.organisation_id
    LEFT JOIN service_at_location sal ON sal.service_id = s.id
    LEFT JOIN location l ON l.id = sal.location_id
    WHERE s.id = ANY (ids)
    ORDER BY sal.id;
END $$"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS search_shown(integer[])")
