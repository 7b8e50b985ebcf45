"""directory search: a spatial index over buildings, a title field, and where a service reaches

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 17:10:00

Searches with a place start from the buildings near it, through a spatial index: SQLite's
R*Tree module (a virtual table, `location_rtree`, kept by triggers on `location`), and on
PostgreSQL a GiST index on each building's point, longitude scaled by cos(52.7°) so that
degrees are near enough the same length both ways across Shropshire (the box and the
nearest-first order mean the same thing in both directions).

The search document is split in two fields: `title` (the service's name, its organisation's
and its needs' names) and `document` (its description, eligibility, buildings and languages).
The needs' own descriptions leave the document: "Food banks, community larders…" made every
food service match "food bank". SQLite's FTS5 table is made again with both columns (under
the same name, so fts5vocab tables over it keep working); PostgreSQL's stored tsvector weighs
the title 'A' and the rest 'B'.

`reach` says how a service is found with a place: 'local' (by its buildings), 'area' (no
building; the postcode districts in `areas`, space-separated and padded, cover the place) or
'online' (online only: their own section, never counted as near). Every row is written again
here from the tables, as directory/listings.py writes it.
"""

import json
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# cos(52.7°): Shropshire's middle latitude (kept here and in directory/search/candidates.py).
COS = "0.6065"

_RTREE_TRIGGERS = {
    "location_rtree_ai": (
        "AFTER INSERT ON location BEGIN "
        "INSERT INTO location_rtree SELECT new.id, new.latitude, new.latitude, new.longitude, "
        "new.longitude WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL; END"
    ),
    "location_rtree_au": (
        "AFTER UPDATE OF latitude, longitude ON location BEGIN "
        "DELETE FROM location_rtree WHERE id = old.id; "
        "INSERT INTO location_rtree SELECT new.id, new.latitude, new.latitude, new.longitude, "
        "new.longitude WHERE new.latitude IS NOT NULL AND new.longitude IS NOT NULL; END"
    ),
    "location_rtree_ad": (
        "AFTER DELETE ON location BEGIN DELETE FROM location_rtree WHERE id = old.id; END"
    ),
}

_FTS_TRIGGERS = {
    "service_search_ai": (
        "AFTER INSERT ON service_search BEGIN "
        "INSERT INTO service_search_fts(rowid, title, document) "
        "VALUES (new.service_id, new.title, new.document); END"
    ),
    "service_search_ad": (
        "AFTER DELETE ON service_search BEGIN "
        "INSERT INTO service_search_fts(service_search_fts, rowid, title, document) "
        "VALUES ('delete', old.service_id, old.title, old.document); END"
    ),
    "service_search_au": (
        "AFTER UPDATE ON service_search BEGIN "
        "INSERT INTO service_search_fts(service_search_fts, rowid, title, document) "
        "VALUES ('delete', old.service_id, old.title, old.document); "
        "INSERT INTO service_search_fts(rowid, title, document) "
        "VALUES (new.service_id, new.title, new.document); END"
    ),
}


def upgrade():
    engine = op.get_bind().dialect.name
    with op.batch_alter_table("service_search", schema=None) as batch_op:
        batch_op.add_column(sa.Column("title", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("reach", sa.String(length=10), server_default="local", nullable=False)
        )
        batch_op.add_column(sa.Column("areas", sa.Text(), server_default="", nullable=False))
        batch_op.create_index("ix_service_search_reach", ["reach"], unique=False)
        batch_op.create_index("ix_service_search_id_reach", ["service_id", "reach"], unique=False)
    # Covering indexes for the search's lookups by key (SQLite reads a row's later columns
    # past its long texts, from overflow pages: a search near a town looks up thousands).
    # Made here, outside the models (accord.extensions.include_object: "ix_search_").
    op.execute(
        "CREATE INDEX ix_search_service ON service "
        "(id, review, status, capacity, is_free, minimum_age, maximum_age)"
    )
    op.execute(
        "CREATE INDEX ix_search_service_at_location ON service_at_location "
        "(location_id, service_id)"
    )

    if engine == "sqlite":
        for trigger in _FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS service_search_fts")
        op.execute(
            "CREATE VIRTUAL TABLE service_search_fts USING fts5("
            "title, document, content='service_search', content_rowid='service_id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        for trigger, body in _FTS_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {trigger} {body}")
        op.execute("CREATE VIRTUAL TABLE location_rtree USING rtree(id, south, north, west, east)")
        for trigger, body in _RTREE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {trigger} {body}")
        op.execute(
            "INSERT INTO location_rtree SELECT id, latitude, latitude, longitude, longitude "
            "FROM location WHERE latitude IS NOT NULL AND longitude IS NOT NULL"
        )
    elif engine == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_service_search_fts")
        op.execute("ALTER TABLE service_search DROP COLUMN search_vector")
        op.execute(
            "ALTER TABLE service_search ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english'::regconfig, title), 'A') || "
            "setweight(to_tsvector('english'::regconfig, document), 'B')) STORED"
        )
        op.execute(
            "CREATE INDEX ix_service_search_fts ON service_search "
            "USING gin (search_vector) WITH (fastupdate = off)"
        )
        op.execute(
            "CREATE INDEX ix_location_point_gist ON location "
            f"USING gist (point(longitude * {COS}, latitude))"
        )
    _rewrite_documents()
    if engine == "sqlite":
        op.execute("INSERT INTO service_search_fts(service_search_fts) VALUES ('rebuild')")
        op.execute("ANALYZE")
    else:
        op.execute("ANALYZE service_search")
        op.execute("ANALYZE location")


def _rewrite_documents():
    """Each service's search row as directory/listings.py writes it (kept here as it was
    written, so this migration never changes)."""
    conn = op.get_bind()
    services = conn.execute(
        sa.text(
            "SELECT s.id, s.name, coalesce(o.name, ''), s.description, s.eligibility, "
            "s.languages, s.service_areas, s.online_only FROM service s "
            "LEFT JOIN organisation o ON o.id = s.organisation_id"
        )
    ).all()
    needs: dict[int, list[str]] = {}
    for sid, name in conn.execute(
        sa.text(
            "SELECT st.service_id, t.name FROM service_term st "
            "JOIN taxonomy_term t ON t.id = st.term_id ORDER BY t.name"
        )
    ):
        needs.setdefault(sid, []).append(name)
    places: dict[int, list[str]] = {}
    for sid, name, town in conn.execute(
        sa.text(
            "SELECT sal.service_id, l.name, l.town FROM service_at_location sal "
            "JOIN location l ON l.id = sal.location_id WHERE l.review = 'published' "
            "ORDER BY sal.id"
        )
    ):
        places.setdefault(sid, []).append(f"{name} {town}")
    search = sa.table(
        "service_search",
        sa.column("service_id", sa.Integer),
        sa.column("title", sa.Text),
        sa.column("document", sa.Text),
        sa.column("reach", sa.String),
        sa.column("areas", sa.Text),
    )
    for sid, name, org, description, eligibility, languages, areas, online in services:
        title = " ".join(" ".join([name, org, " ".join(needs.get(sid, []))]).split())
        body = " ".join(
            " ".join(
                [
                    description or "",
                    eligibility or "",
                    " ".join(places.get(sid, [])),
                    " ".join(_list(languages)),
                ]
            ).split()
        )
        districts = _list(areas)
        reach = "online" if online else "area" if districts else "local"
        padded = f" {' '.join(districts)} " if districts else ""
        conn.execute(
            search.update()
            .where(search.c.service_id == sid)
            .values(title=_folded(title), document=_folded(body), reach=reach, areas=padded)
        )


def _folded(text: str) -> str:
    """Without accents, as the index is asked ("cafe" finds a café on PostgreSQL too)."""
    parts = unicodedata.normalize("NFKD", text)
    return "".join(c for c in parts if not unicodedata.combining(c))


def _list(value) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return [str(v) for v in value or []]


def downgrade():
    engine = op.get_bind().dialect.name
    if engine == "sqlite":
        for trigger in _RTREE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS location_rtree")
        for trigger in _FTS_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS service_search_fts")
    elif engine == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_location_point_gist")
        op.execute("DROP INDEX IF EXISTS ix_service_search_fts")
        op.execute("ALTER TABLE service_search DROP COLUMN search_vector")
    op.execute("DROP INDEX IF EXISTS ix_search_service")
    op.execute("DROP INDEX IF EXISTS ix_search_service_at_location")
    with op.batch_alter_table("service_search", schema=None) as batch_op:
        batch_op.drop_index("ix_service_search_id_reach")
        batch_op.drop_index("ix_service_search_reach")
        batch_op.drop_column("areas")
        batch_op.drop_column("reach")
        batch_op.drop_column("title")
    if engine == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE service_search_fts USING fts5("
            "document, content='service_search', content_rowid='service_id', "
            "tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER service_search_ai AFTER INSERT ON service_search BEGIN "
            "INSERT INTO service_search_fts(rowid, document) "
            "VALUES (new.service_id, new.document); END"
        )
        op.execute(
            "CREATE TRIGGER service_search_ad AFTER DELETE ON service_search BEGIN "
            "INSERT INTO service_search_fts(service_search_fts, rowid, document) "
            "VALUES ('delete', old.service_id, old.document); END"
        )
        op.execute(
            "CREATE TRIGGER service_search_au AFTER UPDATE ON service_search BEGIN "
            "INSERT INTO service_search_fts(service_search_fts, rowid, document) "
            "VALUES ('delete', old.service_id, old.document); "
            "INSERT INTO service_search_fts(rowid, document) "
            "VALUES (new.service_id, new.document); END"
        )
        op.execute("INSERT INTO service_search_fts(service_search_fts) VALUES ('rebuild')")
    elif engine == "postgresql":
        op.execute(
            "ALTER TABLE service_search ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, document)) STORED"
        )
        op.execute(
            "CREATE INDEX ix_service_search_fts ON service_search "
            "USING gin (search_vector) WITH (fastupdate = off)"
        )
