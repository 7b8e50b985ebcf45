"""search: a full-text index in order of place on PostgreSQL, so a search reads the matches near it

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-05 03:00:00

A search with a place used to read every match in the county from the full-text index (11,000
services for "food" at 50,000), most of them miles away. `search_site` holds each service's
words once for each small cell of a grid its buildings stand in, under a key in Z-order of
the cell (directory/search/cells.py): the services of a square of cells sit in one run of
keys, and a search reads the runs round its place. Online-only services sit in one run after
every cell; area-wide ones in a run for each postcode district they cover, after that.

PostgreSQL alone: each row holds a copy of its service's tsvector (migration 0019), with a GIN
index, read together with the key's index (a bitmap of each, and only the rows in both
visited). SQLite has no such table: the same runs in FTS5 cost a lookup of every word each,
slower for rarer words and for several words (measured when this was made: "lunch club older
people" within 10 miles, its nearness step 8.1 -> 12.5 ms at 50,000 services).

Triggers keep it, so every writer does (the ORM, bulk inserts, the importer, raw SQL):
- a service's search row written or changed (title, document, reach, areas): its rows again;
- a link to a building made, moved (migration 0041 keeps its point) or taken away: the cell
  added, or taken away when no other link of the service is in it.
"""

# ruff: noqa: S608 - the statements are built from the constants below, never from input

from alembic import op

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

# As directory/search/cells.py (tests/directory/search/test_sites.py checks that they agree).
SOUTH, WEST, LAT_STEP, LON_STEP, LAST, ID_BITS = 49.0, -9.0, 0.0018, 0.003, 32767, 31
ID_MASK = (1 << ID_BITS) - 1
ONLINE = 1 << 30  # the online-only services' run
DISTRICTS = 1 << 31  # the area-wide services' runs, one per district, from here


def _spread(value: str) -> str:
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        value = f"(({value} | ({value} << {shift})) & {mask})"
    return value


def _key(latitude: str, longitude: str, service_id: str) -> str:
    row = f"floor(({latitude} - ({SOUTH!r})) / {LAT_STEP!r})::bigint"
    col = f"floor(({longitude} - ({WEST!r})) / {LON_STEP!r})::bigint"
    cells = f"SELECT LEAST(GREATEST({row}, 0), {LAST}) AS r, LEAST(GREATEST({col}, 0), {LAST}) AS c"
    z = f"(({_spread('r')} << 1) | {_spread('c')})"
    return f"((SELECT {z} FROM ({cells}) AS cell) << {ID_BITS} | {service_id})"


def _district(name: str) -> str:
    """A postcode district's number: its first four characters' bytes (padded with spaces),
    31 bits of them."""
    return f"(('x' || encode(convert_to(rpad({name}, 4), 'UTF8'), 'hex'))::bit(32)::bigint & {ID_MASK})"


def _rows(where: str) -> str:
    """The search_site rows of the services `where` picks (on service_search s): one for each
    cell of its buildings; an area-wide one's for each district it covers; an online-only
    one's in its run. Two buildings in one cell give one key twice: every INSERT of these
    rows skips the second (ON CONFLICT DO NOTHING)."""
    key = _key("l.latitude", "l.longitude", "s.service_id")
    return (
        f"SELECT {key}, s.service_id, s.search_vector FROM service_search s "
        "JOIN service_at_location l ON l.service_id = s.service_id "
        f"WHERE {where} AND s.reach <> 'online' "
        "AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL "
        f"UNION ALL SELECT (({DISTRICTS} + {_district('d')}) << {ID_BITS}) "
        "| s.service_id, s.service_id, s.search_vector FROM service_search s, "
        "regexp_split_to_table(btrim(s.areas), '\\s+') AS d "
        f"WHERE {where} AND s.reach = 'area' AND d <> '' "
        f"UNION ALL SELECT ({ONLINE}::bigint << {ID_BITS}) | s.service_id, s.service_id, "
        f"s.search_vector FROM service_search s WHERE {where} AND s.reach = 'online'"
    )


def _link_row(link: str) -> str:
    """The row of one link's cell, when its service is found by its buildings."""
    key = _key(f"{link}.latitude", f"{link}.longitude", "s.service_id")
    return (
        f"SELECT {key}, s.service_id, s.search_vector FROM service_search s "
        f"WHERE s.service_id = {link}.service_id AND s.reach <> 'online' "
        f"AND {link}.latitude IS NOT NULL AND {link}.longitude IS NOT NULL"
    )


def _unlinked(link: str) -> str:
    """Take away the cell of a link gone (or moved) unless another link of its service is
    still in it."""
    old = _key(f"{link}.latitude", f"{link}.longitude", f"{link}.service_id")
    other = _key("l.latitude", "l.longitude", "l.service_id")
    return (
        f"DELETE FROM search_site WHERE key = {old} AND NOT EXISTS (SELECT 1 "
        f"FROM service_at_location l WHERE l.service_id = {link}.service_id "
        f"AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL AND {other} = {old})"
    )


TABLE = (
    "CREATE TABLE search_site ("
    "key BIGINT NOT NULL PRIMARY KEY, "
    "service_id INTEGER NOT NULL REFERENCES service (id) ON DELETE CASCADE, "
    "search_vector tsvector NOT NULL)"
)


def _function(name: str, removed: str, added: str) -> str:
    """A trigger function: what the old row had taken away (`removed`, a statement), then what
    the new row has added (`added`, the rows to insert)."""
    return f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                {removed};
            END IF;
            IF TG_OP <> 'DELETE' THEN
                INSERT INTO search_site (key, service_id, search_vector)
                {added}
                ON CONFLICT (key) DO NOTHING;
            END IF;
            RETURN NULL;
        END $$"""


def _postgresql() -> list[str]:
    return [
        TABLE,
        "CREATE INDEX ix_search_site_service_id ON search_site (service_id)",
        "CREATE INDEX ix_search_site_fts ON search_site "
        "USING gin (search_vector) WITH (fastupdate = off)",
        _function(
            "service_search_sites",
            "DELETE FROM search_site WHERE service_id = OLD.service_id",
            _rows("s.service_id = NEW.service_id"),
        ),
        "CREATE TRIGGER service_search_sites AFTER INSERT OR DELETE "
        "OR UPDATE OF title, document, reach, areas ON service_search "
        "FOR EACH ROW EXECUTE FUNCTION service_search_sites()",
        _function("sal_sites", _unlinked("OLD"), _link_row("NEW")),
        "CREATE TRIGGER sal_sites AFTER INSERT OR DELETE "
        "OR UPDATE OF latitude, longitude, service_id ON service_at_location "
        "FOR EACH ROW EXECUTE FUNCTION sal_sites()",
    ]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in _postgresql():
        op.execute(statement)
    op.execute(
        "INSERT INTO search_site (key, service_id, search_vector) "
        + _rows("s.service_id IS NOT NULL")
        + " ON CONFLICT (key) DO NOTHING"
    )
    op.execute("ANALYZE search_site")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS service_search_sites ON service_search")
    op.execute("DROP TRIGGER IF EXISTS sal_sites ON service_at_location")
    op.execute("DROP FUNCTION IF EXISTS service_search_sites()")
    op.execute("DROP FUNCTION IF EXISTS sal_sites()")
    op.execute("DROP TABLE IF EXISTS search_site")
