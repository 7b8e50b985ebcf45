"""Services as the public and the search see them: published ones only, descriptions made
safe, the search document kept in step."""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from accord.models import Review
from directory import text
from directory.models import Service, ServiceSearch
from directory.search import words


def published_or_404(service_id: int) -> Service:
    """The service if it is published; to the public anything else is not there (404)."""
    query = select(Service).where(Service.id == service_id, Service.review == Review.published)
    return db.first_or_404(query)


def set_description(service: Service, *, plain: str | None = None, html: str | None = None):
    """Typed text is escaped; feed HTML is sanitised, not escaped twice and not dropped."""
    if html is not None:
        service.description_html = text.sanitise(html)
        service.description = text.to_text(service.description_html)
    else:
        service.description = (plain or "").strip()
        service.description_html = text.from_text(service.description)


def _words(*parts: str) -> str:
    return " ".join(" ".join(parts).split())


def title(service: Service) -> str:
    """The words a service is best found by (weighed above the rest): its name, its
    organisation's and its needs' names."""
    organisation = service.organisation.name if service.organisation else ""
    return _words(service.name, organisation, " ".join(term.name for term in service.terms))


def document(service: Service) -> str:
    """The rest of the words a service is found by: its description, eligibility, places and
    languages. Not its needs' descriptions: "Food banks, community larders…" would make every
    food service match "food bank"."""
    return _words(
        service.description,
        service.eligibility,
        # Only published buildings: one waiting for review must not be found by its name.
        " ".join(
            f"{loc.name} {loc.town}" for loc in service.locations if loc.review == "published"
        ),
        " ".join(service.languages or []),
    )


def reach(service: Service) -> tuple[str, str]:
    """(reach, areas) as ServiceSearch keeps them: how a search with a place finds it."""
    areas = [a for a in service.service_areas or [] if a]
    padded = f" {' '.join(areas)} " if areas else ""
    return ("online" if service.online_only else "area" if areas else "local"), padded


def search_row(service: Service) -> dict[str, str]:
    """The service's ServiceSearch columns (bench/county.py writes many at once with these)."""
    kind, areas = reach(service)
    return {
        "title": text.folded(title(service)),
        "document": text.folded(document(service)),
        "reach": kind,
        "areas": areas,
    }


def index(service: Service) -> None:
    """Write the search row; database triggers (SQLite) or the generated tsvector column
    (PostgreSQL) keep the full-text index in step, and this process's spelling suggestions
    learn its words."""
    index_many([service])


# Search rows read at a time by index_many (an IN list each).
BATCH = 500


def index_many(services: list[Service]) -> None:
    """index() for many services at once, as an import or the demo load writes them: one
    flush, their search rows read in one query a BATCH, and the new ones inserted together
    at the next flush. Indexed one by one, with a flush and a lookup each, importing North
    Lincolnshire's 738 services sent 3,700 statements."""
    db.session.flush()
    ids = [service.id for service in services]
    rows: dict[int, ServiceSearch] = {}
    for start in range(0, len(ids), BATCH):
        wanted = ServiceSearch.service_id.in_(ids[start : start + BATCH])
        rows.update(
            (row.service_id, row) for row in db.session.scalars(select(ServiceSearch).where(wanted))
        )
    for service in services:
        row = rows.get(service.id)
        values = search_row(service)
        if row is None:
            db.session.add(ServiceSearch(service_id=service.id, **values))
        elif any(getattr(row, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
        else:
            continue
        words.learn(f"{values['title']} {values['document']}")
