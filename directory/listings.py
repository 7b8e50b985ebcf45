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


def document(service: Service) -> str:
    """What a service is found by: its words, its organisation, its needs and its places."""
    parts = [
        service.name,
        service.organisation.name if service.organisation else "",
        service.description,
        service.eligibility,
        " ".join(term.name for term in service.terms),
        " ".join(term.description for term in service.terms),
        # Only published buildings: one waiting for review must not be found by its name.
        " ".join(
            f"{loc.name} {loc.town}" for loc in service.locations if loc.review == "published"
        ),
        " ".join(service.languages or []),
    ]
    return " ".join(" ".join(parts).split())


def index(service: Service) -> None:
    """Write the search document; database triggers (SQLite) or the generated tsvector
    column (PostgreSQL) keep the full-text index in step, and this process's spelling
    suggestions learn its words."""
    db.session.flush()
    row = db.session.get(ServiceSearch, service.id)
    body = document(service)
    if row is None:
        db.session.add(ServiceSearch(service_id=service.id, document=body))
    elif row.document != body:
        row.document = body
    else:
        return
    words.learn(body)
