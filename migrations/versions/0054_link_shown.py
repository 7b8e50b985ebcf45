"""search: each link says whether its service is shown by its buildings, and when it was last checked

Revision ID: 0054
Revises: 0053
Create Date: 2026-12-07 01:00:00

A search with a place reads the links of its matches near the place (migration 0041), then
looks each service up for what the page orders and filters by: published, active or
temporarily closed, not online only, and when the listing was last checked. At 50,000
services a search's radius holds ten times the matches it does at 5,000, and the page's
statement and the count each looked up every one twice ("counselling" within 5 miles of TF1
1HF: 260 services' rows after 405 links; its ring's links grouped and ordered with the rows
in 1.30 ms, 0.85 without).
Each link now carries the two (`shown`, `assured_at`), and the link's indexes hold them beside
its point: a search with no filter of the service's own (free, age, a need beside words…)
reads the link alone.

Triggers keep the copy, so every writer (the ORM, bulk inserts, the importer, raw SQL) does:
a new link, or one moved to another service, reads its service; a service's change of review,
status, online_only or assured_at rewrites its links'. On PostgreSQL a new link reads the
service FOR SHARE, as the `listed` trigger does (0021), so a concurrent change either waits
for it or is waited for. service_at_location carries SQLite triggers (0021): plain ADD
COLUMN, never a batch rebuild.
"""

# ruff: noqa: S608 - the statements are built from the constants below, never from input

import sqlalchemy as sa
from alembic import op

revision = "0054"
down_revision = "0053"
branch_labels = None
depends_on = None

# As directory/search/conditions.py's filters: shown by its buildings (tests/directory/search/
# test_link_shown.py checks the two agree).
SHOWN = (
    "({s}.review = 'published' AND {s}.status IN ('active', 'temporarily closed') "
    "AND NOT {s}.online_only)"
)
OF_SERVICE = "(SELECT {column} FROM service WHERE service.id = {sal}.service_id)"


def _from_service(sal: str, false: str = "0") -> str:
    """The SET of a link `sal`'s copy from its service (`false`: the engine's false)."""
    shown = OF_SERVICE.format(column=SHOWN.format(s="service"), sal=sal)
    return (
        f"shown = coalesce({shown}, {false}), "
        f"assured_at = {OF_SERVICE.format(column='assured_at', sal=sal)}"
    )


COS = "0.6065"  # as migration 0041's point: the search's text must match the index's
POINT = f"point(longitude * {COS}, latitude)"

SQLITE = [
    "CREATE TRIGGER sal_shown_ai AFTER INSERT ON service_at_location BEGIN "
    f"UPDATE service_at_location SET {_from_service('NEW')} WHERE id = NEW.id; END",
    "CREATE TRIGGER sal_shown_au AFTER UPDATE OF service_id ON service_at_location BEGIN "
    f"UPDATE service_at_location SET {_from_service('NEW')} WHERE id = NEW.id; END",
    "CREATE TRIGGER service_shown_au AFTER UPDATE OF review, status, online_only, assured_at "
    "ON service WHEN OLD.review IS NOT NEW.review OR OLD.status IS NOT NEW.status "
    "OR OLD.online_only IS NOT NEW.online_only OR OLD.assured_at IS NOT NEW.assured_at BEGIN "
    f"UPDATE service_at_location SET shown = {SHOWN.format(s='NEW')}, "
    "assured_at = NEW.assured_at WHERE service_id = NEW.id; END",
    "DROP INDEX ix_search_link_point",
    "CREATE INDEX ix_search_link_point ON service_at_location "
    "(service_id, latitude, longitude, shown, assured_at)",
]

POSTGRESQL = [
    f"""CREATE FUNCTION sal_shown() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- FOR SHARE: the latest committed service, and a change of it waits for this link.
        SELECT {SHOWN.format(s="service")}, assured_at INTO NEW.shown, NEW.assured_at
        FROM service WHERE id = NEW.service_id FOR SHARE;
        NEW.shown := coalesce(NEW.shown, false);
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER sal_shown BEFORE INSERT OR UPDATE OF service_id "
    "ON service_at_location FOR EACH ROW EXECUTE FUNCTION sal_shown()",
    f"""CREATE FUNCTION service_shown() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE service_at_location SET shown = {SHOWN.format(s="NEW")},
            assured_at = NEW.assured_at
        WHERE service_id = NEW.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER service_shown AFTER UPDATE OF review, status, online_only, assured_at "
    "ON service FOR EACH ROW WHEN (OLD.review IS DISTINCT FROM NEW.review "
    "OR OLD.status IS DISTINCT FROM NEW.status OR OLD.online_only IS DISTINCT FROM "
    "NEW.online_only OR OLD.assured_at IS DISTINCT FROM NEW.assured_at) "
    "EXECUTE FUNCTION service_shown()",
]


def _postgresql_indexes(include: str, gist_include: str) -> None:
    """Both of the link's search indexes again, holding `include`'s columns beside the point."""
    for name, made in (
        ("ix_search_link_point", f"(service_id) INCLUDE ({include})"),
        ("ix_search_link_gist", f"USING gist ({POINT}) INCLUDE ({gist_include})"),
    ):
        op.execute(f"CREATE INDEX {name}_new ON service_at_location {made}")
        op.execute(f"DROP INDEX {name}")
        op.execute(f"ALTER INDEX {name}_new RENAME TO {name}")


def upgrade():
    op.add_column(
        "service_at_location",
        sa.Column("shown", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("service_at_location", sa.Column("assured_at", sa.Date(), nullable=True))
    engine = op.get_bind().dialect.name
    false = "false" if engine == "postgresql" else "0"
    op.execute(f"UPDATE service_at_location SET {_from_service('service_at_location', false)}")
    if engine == "sqlite":
        for statement in SQLITE:
            op.execute(statement)
    elif engine == "postgresql":
        for statement in POSTGRESQL:
            op.execute(statement)
        _postgresql_indexes(
            "latitude, longitude, shown, assured_at",
            "service_id, latitude, longitude, shown, assured_at",
        )


def downgrade():
    engine = op.get_bind().dialect.name
    if engine == "sqlite":
        for trigger in ("sal_shown_ai", "sal_shown_au", "service_shown_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP INDEX ix_search_link_point")
        op.execute(
            "CREATE INDEX ix_search_link_point ON service_at_location "
            "(service_id, latitude, longitude)"
        )
    elif engine == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS sal_shown ON service_at_location")
        op.execute("DROP TRIGGER IF EXISTS service_shown ON service")
        op.execute("DROP FUNCTION IF EXISTS sal_shown()")
        op.execute("DROP FUNCTION IF EXISTS service_shown()")
        _postgresql_indexes("latitude, longitude", "service_id, latitude, longitude")
    op.drop_column("service_at_location", "assured_at")
    op.drop_column("service_at_location", "shown")
