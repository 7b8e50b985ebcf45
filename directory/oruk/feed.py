"""The directory as Open Referral UK 3.0 documents: plain functions from rows to JSON.

Only what the public directory shows leaves here: published services at published
buildings, their organisation's public details, opening times, needs and places. Nothing a
provider keeps to itself (review state, reports, reminders, who assured it) and no person's
details. Empty optional fields are left out, not sent as null (ORUK guidance); required
fields are always sent.

Ids are the rows' `uuid` columns, stable across re-imports and restarts; objects the
directory has no row for (addresses, languages, service areas, links to terms) get a uuid5
of their owner's id and what they hold, so they too are the same on every request.
`directory.oruk.upsert` writes these documents back into the same rows: export, import into
an empty database and export again gives the same documents.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit, urlunsplit

from accord import geo
from accord.models import Location, Organisation
from directory.models import Schedule, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm

NAMESPACE = uuid.UUID("5b0f6c1e-8a3d-4f47-9d0e-2c6a1f9b7e31")
FREE = re.compile(r"\b(free|no charge|no cost)\b", re.I)
URI = re.compile(r"^https?://[^\s/$.?#][^\s<>\"]*$", re.I)
# RFC 3986, which ORUK's `format: uri` holds a URL to: ASCII only, "%" only as an escape,
# one "#", brackets only around an IPv6 host.
_SUB_DELIMS = "!$&'()*+,;="
_PCHAR = rf"(?:[\w\-.~{re.escape(_SUB_DELIMS)}:@]|%[0-9A-F]{{2}})"
RFC3986 = re.compile(
    rf"^https?://(?:[\w\-.~{re.escape(_SUB_DELIMS)}:@]|%[0-9A-F]{{2}}|\[[0-9A-F:.]+\])+"
    rf"(?:/{_PCHAR}*)*(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?$",
    re.I | re.ASCII,
)
# Org-id identifiers are "<country>-<register>-<number>", e.g. GB-CHC-1234567.
ORG_ID = re.compile(r"^([A-Z]{2}-[A-Z0-9]+)-(.+)$")
ORG_ID_TYPES = {
    "GB-CHC": "Charity number (England and Wales)",
    "GB-SC": "Charity number (Scotland)",
    "GB-COH": "Company number",
    "GB-MPR": "Mutuals Public Register number",
    "GB-LAE": "Local authority code (England)",
    "GB-NHS": "NHS organisation code",
    "GB-EDU": "Department for Education URN",
}


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def compact(document: dict) -> dict:
    """The document without empty optional values: None, "" and [] are left out."""
    return {k: v for k, v in document.items() if v is not None and v != "" and v != []}


def timestamp(moment: datetime | None) -> str | None:
    """A stored (naive UTC) time as ISO 8601 with Z, to the second."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC, microsecond=0).isoformat().replace("+00:00", "Z")


def web_address(value: str) -> str | None:
    """A URL a consumer can follow: http(s) with a host; "www.x.org" gains https://. What a
    browser would mend is mended so the URL is a URI (RFC 3986): an accented path or a "|"
    percent-encoded, an international host in its ASCII (punycode) form."""
    value = (value or "").strip()
    if value and not re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I) and "." in value:
        value = f"https://{value}"
    if not URI.match(value):
        return None
    if RFC3986.match(value):
        return value
    mended = _as_uri(value)
    return mended if mended and RFC3986.match(mended) else None


def _as_uri(value: str) -> str | None:
    parts = urlsplit(value)
    try:
        host, port = parts.hostname or "", parts.port
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):  # a port out of range, a host IDNA cannot write
        return None
    if ":" in host:
        host = f"[{host}]"  # IPv6
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = "".join(
        [
            f"{_escaped(userinfo, ':')}@" if userinfo else "",
            host,
            "" if port is None else f":{port}",
        ]
    )
    return urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            _escaped(parts.path, "/:@"),
            _escaped(parts.query, "/?:@"),
            _escaped(parts.fragment, "/?:@"),
        )
    )


def _escaped(text: str, allowed: str) -> str:
    """Percent-encoded where RFC 3986 needs it; escapes already there are kept."""
    text = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text)
    return quote(text, safe=_SUB_DELIMS + allowed + "%")


# --- organisations --------------------------------------------------------------------------


def organisation(org: Organisation, *, full: bool = False) -> dict:
    document = compact(
        {
            "id": org.uuid,
            "name": org.name,
            "website": web_address(org.website),
        }
    )
    document["description"] = org.description or ""  # required, even when empty
    if full and org.identifier and (parts := ORG_ID.match(org.identifier.upper())):
        scheme, number = parts.groups()
        document["organization_identifiers"] = [
            {
                "id": derived_id("organisation-identifier", org.uuid, org.identifier),
                "organization_id": org.uuid,
                "identifier_scheme": scheme,
                "identifier_type": ORG_ID_TYPES.get(scheme, "Org-id identifier"),
                "identifier": number,
            }
        ]
    return document


# --- services -------------------------------------------------------------------------------


def fees(service: Service) -> str:
    """The cost in words; a free service says so even when its text does not."""
    said = (service.fees or "").strip()
    if not service.is_free or FREE.search(said):
        return said
    return f"Free. {said}" if said else "Free"


def service_summary(service: Service) -> dict:
    """The one-to-one fields, as on a list page (schema service_list.json)."""
    document = compact(
        {
            "id": service.uuid,
            "organization_id": service.organisation.uuid,
            "name": service.name,
            "description": service.description,
            "url": web_address(service.url),
            "email": service.email,
            "status": service.status,
            "fees": fees(service),
            "minimum_age": service.minimum_age,
            "maximum_age": service.maximum_age,
            "assured_date": service.assured_at.isoformat() if service.assured_at else None,
            "last_modified": timestamp(service.updated_at),
        }
    )
    document["organization"] = organisation(service.organisation)
    return document


def service_full(service: Service, *, with_locations: bool = True) -> dict:
    """The whole service (schema service.json); inside a service_at_location the
    service's own locations are left out, as that document carries its location."""
    document = service_summary(service)
    document["organization"] = organisation(service.organisation, full=True)
    extra = {
        "eligibility_description": service.eligibility,
        # Not in the UK profile's list of fields, but HSDS 3.0's; consumers read it.
        "phones": [{"id": derived_id("phone", service.uuid), "number": service.phone}]
        if service.phone
        else [],
        "schedules": [schedule(row, service) for row in service.schedules],
        "service_areas": [
            {
                "id": derived_id("service-area", service.uuid, code),
                "service_id": service.uuid,
                "name": code,
                "service_area": code,
            }
            for code in service.service_areas or []
        ],
        "languages": [
            {
                "id": derived_id("language", service.uuid, name),
                "service_id": service.uuid,
                "name": name,
            }
            for name in service.languages or []
        ],
        "attributes": [attribute(term, service.uuid) for term in sorted_terms(service)],
    }
    if with_locations:
        extra["service_at_locations"] = [
            link_document(link, with_service=False) for link in published_links(service)
        ]
    document.update(compact(extra))
    return document


def sorted_terms(service: Service) -> list[TaxonomyTerm]:
    return sorted(service.terms, key=lambda term: (term.name.lower(), term.uuid))


def published_links(service: Service) -> list[ServiceAtLocation]:
    links = [link for link in service.at_locations if link.location.review == "published"]
    return sorted(links, key=lambda link: link.uuid)


def schedule(row: Schedule, service: Service) -> dict:
    return compact(
        {
            "id": row.uuid,
            "service_id": service.uuid,
            "freq": row.freq if (row.byday or row.bymonthday or row.opens_at) else None,
            "byday": row.byday,
            "bymonthday": row.bymonthday,
            "opens_at": _clock(row.opens_at),
            "closes_at": _clock(row.closes_at),
            "valid_from": row.valid_from.isoformat() if row.valid_from else None,
            "valid_to": row.valid_to.isoformat() if row.valid_to else None,
            "description": row.description,
        }
    )


def _clock(value: str) -> str:
    """Stored "HH:MM" or "HH:MM:SS" as ORUK's "HH:MM:SS"."""
    return f"{value}:00" if len(value) == 5 else value


# --- taxonomies -----------------------------------------------------------------------------


def taxonomy(vocabulary: Taxonomy, terms: list[TaxonomyTerm] | None = None) -> dict:
    document = compact(
        {
            "id": vocabulary.uuid,
            "name": vocabulary.name,
            "uri": web_address(vocabulary.uri),
            "version": vocabulary.version,
        }
    )
    document["description"] = vocabulary.description or ""
    if terms:
        document["taxonomy_terms"] = [term_document(term) for term in terms]
    return document


def term_document(term: TaxonomyTerm, *, detail: bool = False) -> dict:
    vocabulary = term.taxonomy
    document = compact(
        {
            "id": term.uuid,
            "name": term.name,
            "parent_id": term.parent.uuid if term.parent_id and term.parent else None,
            "taxonomy": vocabulary.name,
            "taxonomy_id": vocabulary.uuid,
            "term": term.name,
        }
    )
    document["description"] = term.description or ""
    if detail:
        document["taxonomy_detail"] = taxonomy(vocabulary)
    return document


def attribute(term: TaxonomyTerm, owner: str) -> dict:
    """A service's link to a term (ORUK attributes), with the term and its taxonomy."""
    return {
        "id": derived_id("attribute", owner, term.uuid),
        "link_id": owner,
        "link_type": "service",
        "taxonomy_term_id": term.uuid,
        "taxonomy_term": term_document(term, detail=True),
    }


# --- places ---------------------------------------------------------------------------------


def street(location: Location) -> str:
    """The address without the town, which ORUK gives as its own field (city)."""
    address, town = (location.address or "").strip(), (location.town or "").strip()
    if town and address.lower() == town.lower():
        return ""
    if town and address.lower().endswith(f", {town.lower()}"):
        return address[: -len(town) - 2].rstrip(" ,")
    return address


def location_document(location: Location, *, full: bool = False) -> dict:
    document = compact(
        {
            "id": location.uuid,
            "location_type": "physical",
            "name": location.name,
            "description": location.description,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "external_identifier": location.uprn,
            "external_identifier_type": "UPRN" if location.uprn else None,
        }
    )
    if not full:
        return document
    if street(location) or location.town or location.postcode:
        document["addresses"] = [
            {
                "id": derived_id("address", location.uuid),
                "location_id": location.uuid,
                "address_1": street(location),
                "city": location.town or "",
                "state_province": "",
                "postal_code": location.postcode or "",
                "country": "GB",
                "address_type": "physical",
            }
        ]
    features = [key for key in geo.ACCESSIBILITY if key in (location.accessibility or [])]
    if features:
        document["accessibility"] = [
            {
                "id": derived_id("accessibility", location.uuid, key),
                "location_id": location.uuid,
                "description": geo.ACCESSIBILITY[key],
            }
            for key in features
        ]
    return document


def link_document(link: ServiceAtLocation, *, with_service: bool = True, full: bool = True) -> dict:
    """A service at a location: inside a service (with_service False), as a list item
    (full False: summaries) or on its own (the location and service in full)."""
    document = {
        "id": link.uuid,
        "service_id": link.service.uuid,
        "location_id": link.location.uuid,
        "location": location_document(link.location, full=full),
    }
    if with_service:
        document["service"] = (
            service_full(link.service, with_locations=False)
            if full
            else service_summary(link.service)
        )
    return document
