"""The needs taxonomy: plain-English terms with ids that stay the same across releases."""

import uuid
from typing import NamedTuple

from sqlalchemy import ColumnElement, Exists, exists, select

from accord.extensions import db
from directory.models import Service, Taxonomy, TaxonomyTerm, service_term

# Fixed namespace: uuid5(namespace, code) gives every term the same id in every database.
NAMESPACE = uuid.UUID("6f0c1a9e-3d5b-4c55-9e43-5a2d7a1c0b11")
TAXONOMY_NAME = "Shropshire needs"
TAXONOMY_UUID = str(uuid.uuid5(NAMESPACE, "taxonomy/shropshire-needs"))

# code, name, description (what someone looking for help would say)
NEEDS = [
    ("food", "Food", "Food banks, community larders, lunch clubs and meals"),
    ("money-and-debt", "Money and debt", "Benefits, budgeting, debt advice and grants"),
    ("housing", "Housing", "Homelessness, tenancy support and housing advice"),
    ("mental-health", "Mental health", "Wellbeing, counselling and peer support"),
    ("loneliness", "Loneliness and isolation", "Befriending, social groups and coffee mornings"),
    ("carers", "Carers", "Support for unpaid carers"),
    ("children-and-families", "Children and families", "Parenting, early years and youth"),
    ("older-people", "Older people", "Support for people in later life"),
    ("disability", "Disability", "Support for disabled people and their families"),
    ("domestic-abuse", "Domestic abuse", "Safety, refuge and support after abuse"),
    ("transport", "Transport", "Community transport and help getting to appointments"),
    ("digital", "Digital skills", "Help getting online, devices and data"),
    ("employment", "Work and skills", "Jobs, training and volunteering into work"),
    ("health", "Physical health", "Staying well, long-term conditions and exercise"),
    ("bereavement", "Bereavement", "Support after someone has died"),
    ("volunteering", "Volunteering", "Ways to give time and help others"),
    ("warm-spaces", "Warm spaces", "Warm, welcoming places to spend time"),
    ("advice", "Advice and information", "General advice, form filling and signposting"),
    ("substance-use", "Drugs and alcohol", "Support with drug and alcohol use"),
    ("learning", "Learning", "Adult learning, English language and courses"),
]


def term_uuid(code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"term/{code}"))


def ensure() -> Taxonomy:
    """Create the taxonomy and any missing terms (idempotent; names follow this file)."""
    taxonomy = db.session.scalar(select(Taxonomy).where(Taxonomy.uuid == TAXONOMY_UUID))
    if taxonomy is None:
        taxonomy = Taxonomy(
            uuid=TAXONOMY_UUID,
            name=TAXONOMY_NAME,
            description="Needs people in Shropshire look for help with, in plain English",
            version="2025",
        )
        db.session.add(taxonomy)
        db.session.flush()
    existing = {t.code: t for t in taxonomy.terms}
    for code, name, description in NEEDS:
        term = existing.get(code)
        if term is None:
            term = TaxonomyTerm(uuid=term_uuid(code), code=code, taxonomy=taxonomy)
            db.session.add(term)
        term.name, term.description = name, description
    db.session.flush()
    return taxonomy


class Need(NamedTuple):
    code: str
    name: str


# The needs a search can choose from, in the order above: the terms ensure() keeps in the
# database follow this file, so a search page need not read them (1 ms a search).
CHOICES = tuple(Need(code, name) for code, name, _ in NEEDS)


def needs() -> list[TaxonomyTerm]:
    """The needs terms, in the order above, for filters and forms."""
    order = {code: i for i, (code, _, _) in enumerate(NEEDS)}
    terms = db.session.scalars(
        select(TaxonomyTerm).join(Taxonomy).where(Taxonomy.uuid == TAXONOMY_UUID)
    ).all()
    return sorted(terms, key=lambda t: order.get(t.code, len(order)))


def has_term(condition: ColumnElement[bool]) -> Exists:
    """A condition on Service: it has a term meeting `condition` (on TaxonomyTerm). This is
    Service.terms.any() with its join spelt out: inside a LATERAL (the search's PostgreSQL
    plan) SQLAlchemy's FROM linter cannot see any()'s implicit one."""
    return exists(
        select(1)
        .select_from(service_term.join(TaxonomyTerm))
        .where(service_term.c.service_id == Service.id, condition)
    )
