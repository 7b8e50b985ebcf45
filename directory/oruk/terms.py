"""Taxonomy terms from a feed, and their vocabularies (taxonomies), created or updated in place.

A term of this site's own needs (directory.taxonomy) is linked to but never changed, and an
import never adds to the needs: a feed's term that claims to be one and is not here is left
out. Parents are linked once the whole feed is read, as a parent may come after its child.
"""

from __future__ import annotations

from sqlalchemy import select

from accord.extensions import db
from directory import taxonomy as needs
from directory.models import Taxonomy, TaxonomyTerm
from directory.oruk import coerce
from directory.oruk.draft import Note, derived_uuid


class Terms:
    def __init__(self, source: str, note: Note):
        self.source = source
        self.note = note
        self.taxonomies: dict[str, Taxonomy] = {}
        self.terms: dict[str, TaxonomyTerm] = {}
        self.parents: dict[str, str] = {}  # term uuid → parent term uuid
        self.touched: set[str] = set()  # uuids of terms created or changed by this run

    def term(self, raw: dict, label: str) -> TaxonomyTerm | None:
        """The term (created or updated), or None (and a note) when it cannot be imported."""
        feed_id = coerce.text(raw.get("id"))
        name = coerce.plain(raw.get("name")) or coerce.plain(raw.get("term"))
        if not feed_id or not name:
            missing = "name" if feed_id else "id"
            self.note(f"skipped taxonomy term {feed_id or name} of {label}: no {missing}")
            return None
        vocabulary = self._taxonomy(raw)
        term_uuid = coerce.canonical_uuid(feed_id) or derived_uuid("term", vocabulary.uuid, feed_id)
        if term_uuid in self.terms:
            return self.terms[term_uuid]
        code = (coerce.text(raw.get("code")) or feed_id)[:120]
        fields = {"name": name[:200], "description": coerce.plain(raw.get("description"))}
        term = _term_here(term_uuid, vocabulary, code)
        if term is None:
            if vocabulary.uuid == needs.TAXONOMY_UUID:
                self.note(
                    f"skipped taxonomy term {feed_id} of {label}: not one of this site's needs"
                )
                return None
            term = TaxonomyTerm(uuid=term_uuid, taxonomy=vocabulary, code=code, **fields)
            db.session.add(term)
            self.touched.add(term.uuid)
        elif not _is_need(term) and any(getattr(term, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(term, k, v)
            self.touched.add(term.uuid)
        parent = coerce.text(raw.get("parent_id")) or coerce.text(raw.get("parent"))
        if parent and not _is_need(term):
            self.parents[term.uuid] = coerce.canonical_uuid(parent) or derived_uuid(
                "term", vocabulary.uuid, parent
            )
        self.terms[term_uuid] = term
        return term

    def _taxonomy(self, raw: dict) -> Taxonomy:
        detail = coerce.dict_or_empty(raw.get("taxonomy_detail"))
        feed_id = coerce.text(raw.get("taxonomy_id")) or coerce.text(detail.get("id"))
        name = (
            coerce.text(detail.get("name"))
            or coerce.text(raw.get("taxonomy"))
            or coerce.text(raw.get("vocabulary"))
        )
        if feed_id:
            taxonomy_uuid = coerce.canonical_uuid(feed_id) or derived_uuid("taxonomy", feed_id)
        elif name:
            taxonomy_uuid = derived_uuid("taxonomy", name.lower())
        else:
            name = f"Terms from {self.source}"
            taxonomy_uuid = derived_uuid("taxonomy", self.source)
        if taxonomy_uuid in self.taxonomies:
            return self.taxonomies[taxonomy_uuid]
        found = db.session.scalar(select(Taxonomy).where(Taxonomy.uuid == taxonomy_uuid))
        if found is None:
            found = Taxonomy(
                uuid=taxonomy_uuid,
                name=(name or feed_id)[:200],
                description=coerce.plain(detail.get("description")),
                uri=(coerce.web_address(detail.get("uri")) or "")[:300],
                version=coerce.text(detail.get("version"))[:40],
            )
            db.session.add(found)
            db.session.flush()
        self.taxonomies[taxonomy_uuid] = found
        return found

    def link_parents(self) -> None:
        for child_uuid, parent_uuid in self.parents.items():
            child = self.terms[child_uuid]
            parent = self.terms.get(parent_uuid) or db.session.scalar(
                select(TaxonomyTerm).where(TaxonomyTerm.uuid == parent_uuid)
            )
            if parent is not None and parent is not child:
                db.session.flush()
                if child.parent_id != parent.id:
                    child.parent_id = parent.id


def _term_here(term_uuid: str, vocabulary: Taxonomy, code: str) -> TaxonomyTerm | None:
    """The term already here: by uuid, else by its vocabulary and code."""
    term = db.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.uuid == term_uuid))
    if term is None and vocabulary.id is not None:
        term = db.session.scalar(
            select(TaxonomyTerm).where(
                TaxonomyTerm.taxonomy_id == vocabulary.id, TaxonomyTerm.code == code
            )
        )
    return term


def _is_need(term: TaxonomyTerm) -> bool:
    """One of this site's needs: imports link to them but never change them."""
    return term.taxonomy is not None and term.taxonomy.uuid == needs.TAXONOMY_UUID
