"""search: SQLite's place-ordered full-text index, so a search reads the words near its place

Revision ID: 0047
Revises: 0046
Create Date: 2026-12-05 19:00:00

PostgreSQL has had one since 0044. SQLite read every match in the county from FTS5 and
wrote each to the search's table: "carers" is 7,000 services at 50,000, most of them miles
from the place. `search_site` holds a row for each cell of a grid a service's buildings stand
in, for each postcode district an area-wide service covers, and one for each online-only
service, keyed as directory/search/cells.py says (the services of a square of cells sit in
one run of keys). `search_site_fts`, an FTS5 index without content of its own, holds each
row's words under the same key, so a search reads each run round its place by the key's
range (FTS5 seeks a word's list to it) and never the county's.

Triggers keep both, so every writer does (the ORM, bulk inserts, the importer, raw SQL):
- a service's search row written, changed (title, document, reach, areas) or taken away: its
  rows again;
- a link to a building made, moved (0041 keeps its point) or taken away: the cell added, or
  taken away when no other link of the service is in it.

An index without content is told what a row held to take its words away ('delete' with the
row's title and document): the service's search row, whose words every row of the service
holds (a change to them writes the service's rows again, the old words taken away first).
"""

# ruff: noqa: S608 - the statements are built from the constants below, never from input

from alembic import op

revision = "0047"
down_revision = "0046"
branch_labels = None
depends_on = None

# As directory/search/cells.py (tests/directory/search/test_sites.py checks that they agree).
SOUTH, WEST, LAT_STEP, LON_STEP, LAST, ID_BITS = 49.0, -9.0, 0.0018, 0.003, 32767, 31
ID_MASK = (1 << ID_BITS) - 1
ONLINE = 1 << 30
DISTRICTS = 1 << 31
TOKENIZE = "porter unicode61 remove_diacritics 2"  # as service_search_fts (0019)


def _spread(value: str) -> str:
    for shift, mask in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
        value = f"(({value} | ({value} << {shift})) & {mask})"
    return value


def _cell(value: str, start: float, step: float) -> str:
    # CAST truncates towards zero: the floor for every point north and east of the corner,
    # and 0 (after the clamp) for any other, as cells.cell() gives.
    return f"min(max(CAST(({value} - ({start!r})) / {step!r} AS INTEGER), 0), {LAST})"


def _key(latitude: str, longitude: str, service_id: str) -> str:
    row = _spread(_cell(latitude, SOUTH, LAT_STEP))
    column = _spread(_cell(longitude, WEST, LON_STEP))
    return f"((({row} << 1) | {column}) << {ID_BITS} | {service_id})"


def _district(name: str) -> str:
    """A postcode district's number: its first four characters (padded with spaces) as bytes,
    31 bits of them (cells.district_run; districts are ASCII)."""
    padded = f"substr({name} || '    ', 1, 4)"
    parts = " | ".join(f"(unicode(substr({padded}, {n + 1}, 1)) << {24 - 8 * n})" for n in range(4))
    return f"(({parts}) & {ID_MASK})"


def _districts(areas: str) -> str:
    """The districts of a padded, space-separated list, as a JSON array for json_each (a
    trigger takes no WITH): quotes and backslashes escaped, other spaces made plain ones,
    and an empty array for anything JSON would still refuse."""
    text = f"trim({areas})"
    for found, put in (("\\", "\\\\"), ('"', '\\"'), *((f"char({c})", "' '") for c in (9, 10, 13))):
        found = found if found.startswith("char") else f"'{found}'"
        put = put if put == "' '" else f"'{put}'"
        text = f"replace({text}, {found}, {put})"
    array = f"'[\"' || replace({text}, ' ', '\",\"') || '\"]'"
    return f"(CASE WHEN json_valid({array}) THEN {array} ELSE '[]' END)"


def _keys(where: str) -> str:
    """The keys of the rows of the services `where` picks (on their search rows `s`): a cell
    for each building, a run's key for each district an area-wide one covers, the online
    run's for an online-only one."""
    key = _key("l.latitude", "l.longitude", "s.service_id")
    return (
        f"SELECT {key} AS key, s.service_id AS sid FROM service_search s "
        "JOIN service_at_location l ON l.service_id = s.service_id "
        f"WHERE {where} AND s.reach <> 'online' "
        "AND l.latitude IS NOT NULL AND l.longitude IS NOT NULL "
        f"UNION ALL SELECT (({DISTRICTS} + {_district('d.value')}) << {ID_BITS}) "
        f"| s.service_id, s.service_id FROM service_search s, "
        f"json_each({_districts('s.areas')}) AS d "
        f"WHERE {where} AND s.reach = 'area' AND d.value <> '' "
        f"UNION ALL SELECT ({ONLINE} << {ID_BITS}) | s.service_id, s.service_id "
        f"FROM service_search s WHERE {where} AND s.reach = 'online'"
    )


def _forget(service: str, title: str = "s.title", document: str = "s.document") -> str:
    """Take a service's rows away, its words with the text they were written with: the old
    search row's in its own triggers (gone or changed by then), else its search row's."""
    source = "search_site t"
    if not title.startswith("old."):
        source += " JOIN service_search s ON s.service_id = t.service_id"
    return (
        "INSERT INTO search_site_fts(search_site_fts, rowid, title, document) "
        f"SELECT 'delete', t.key, {title}, {document} FROM {source} "
        f"WHERE t.service_id = {service}; "
        f"DELETE FROM search_site WHERE service_id = {service};"
    )


def _write(service: str) -> str:
    """A service's rows, from its search row."""
    return (
        f"INSERT OR IGNORE INTO search_site (key, service_id) {_keys(f's.service_id = {service}')}; "
        "INSERT INTO search_site_fts(rowid, title, document) "
        "SELECT t.key, s.title, s.document FROM search_site t "
        f"JOIN service_search s ON s.service_id = t.service_id WHERE t.service_id = {service};"
    )


def _link_key(link: str) -> str:
    return _key(f"{link}.latitude", f"{link}.longitude", f"{link}.service_id")


def _linked(link: str) -> str:
    """The cell of a link made (or moved), unless the service has a row there already."""
    key = _link_key(link)
    found = (
        f"FROM service_search s WHERE s.service_id = {link}.service_id "
        f"AND s.reach <> 'online' AND {link}.latitude IS NOT NULL "
        f"AND {link}.longitude IS NOT NULL "
        f"AND NOT EXISTS (SELECT 1 FROM search_site WHERE key = {key})"
    )
    return (
        f"INSERT INTO search_site_fts(rowid, title, document) "
        f"SELECT {key}, s.title, s.document {found}; "
        f"INSERT OR IGNORE INTO search_site (key, service_id) "
        f"SELECT {key}, s.service_id FROM service_search s "
        f"WHERE s.service_id = {link}.service_id AND s.reach <> 'online' "
        f"AND {link}.latitude IS NOT NULL AND {link}.longitude IS NOT NULL;"
    )


def _unlinked(link: str) -> str:
    """Take away the cell of a link gone (or moved) unless another link of its service is
    still in it."""
    old = _link_key(link)
    other = _key("l.latitude", "l.longitude", "l.service_id")
    alone = (
        f"NOT EXISTS (SELECT 1 FROM service_at_location l "
        f"WHERE l.service_id = {link}.service_id AND l.latitude IS NOT NULL "
        f"AND l.longitude IS NOT NULL AND {other} = {old})"
    )
    return (
        "INSERT INTO search_site_fts(search_site_fts, rowid, title, document) "
        "SELECT 'delete', t.key, s.title, s.document FROM search_site t "
        "JOIN service_search s ON s.service_id = t.service_id "
        f"WHERE t.key = {old} AND {alone}; "
        f"DELETE FROM search_site WHERE key = {old} AND {alone};"
    )


TRIGGERS = {
    "search_site_ai": f"AFTER INSERT ON service_search BEGIN {_write('new.service_id')} END",
    "search_site_ad": (
        "AFTER DELETE ON service_search BEGIN "
        f"{_forget('old.service_id', 'old.title', 'old.document')} END"
    ),
    "search_site_au": (
        "AFTER UPDATE OF service_id, title, document, reach, areas ON service_search BEGIN "
        f"{_forget('old.service_id', 'old.title', 'old.document')} "
        f"{_write('new.service_id')} END"
    ),
    # SQLite enforces no foreign keys here: a service deleted leaves its search row, which no
    # search shows (each joins the service), and takes its index rows with it.
    "search_site_service_ad": f"AFTER DELETE ON service BEGIN {_forget('old.id')} END",
    "search_site_link_ai": f"AFTER INSERT ON service_at_location BEGIN {_linked('new')} END",
    "search_site_link_ad": f"AFTER DELETE ON service_at_location BEGIN {_unlinked('old')} END",
    "search_site_link_au": (
        "AFTER UPDATE OF latitude, longitude, service_id ON service_at_location BEGIN "
        f"{_unlinked('old')} {_linked('new')} END"
    ),
}


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE search_site (key INTEGER PRIMARY KEY, service_id INTEGER NOT NULL)")
    op.execute("CREATE INDEX search_site_service_id ON search_site (service_id)")
    op.execute(
        "CREATE VIRTUAL TABLE search_site_fts USING fts5("
        f"title, document, content='', tokenize='{TOKENIZE}')"
    )
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")
    op.execute("INSERT OR IGNORE INTO search_site (key, service_id) " + _keys("1 = 1"))
    op.execute(
        "INSERT INTO search_site_fts(rowid, title, document) "
        "SELECT t.key, s.title, s.document FROM search_site t "
        "JOIN service_search s ON s.service_id = t.service_id"
    )
    op.execute("INSERT INTO search_site_fts(search_site_fts) VALUES ('optimize')")
    op.execute("ANALYZE search_site")


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS search_site_fts")
    op.execute("DROP TABLE IF EXISTS search_site")
