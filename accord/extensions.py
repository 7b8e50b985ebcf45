"""Extensions live at module level so jobs can import them; create_app binds them."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic migrations are the same on SQLite (batch mode) and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
# db.Model is made at run time (Base with Flask-SQLAlchemy's additions), so a type checker
# cannot take it for a base class: models subclass `Model`, which it reads as Base.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
login = LoginManager()
csrf = CSRFProtect()
# Limits are declared per route (sign-in, public forms); storage comes from RATELIMIT_STORAGE_URI.
limiter = Limiter(key_func=get_remote_address)


# Database objects made by hand in migrations (full-text indexes differ per engine), which
# autogenerate and the schema test must leave alone: SQLite's FTS5 table, PostgreSQL's GIN
# index and the stored tsvector column it indexes (migrations 0003 and 0006).
UNMANAGED_PREFIXES = (
    "service_search_fts",
    "ix_service_search_fts",
    # The spatial index over buildings (migration 0019): SQLite's R*Tree and its shadow
    # tables, PostgreSQL's GiST index on an expression.
    "location_rtree",
    "ix_location_point_gist",
    # Covering indexes for the search's lookups by key (migration 0019).
    "ix_search_",
    # The place-ordered full-text index (migrations 0044, 0047) and PostgreSQL's words of it
    # in order of word then place (0048).
    "search_site",
    "search_term",
)
UNMANAGED_COLUMNS = {("service_search", "search_vector")}


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "column" and (obj.table.name, name) in UNMANAGED_COLUMNS:
        return False
    return not (name or "").startswith(UNMANAGED_PREFIXES)
