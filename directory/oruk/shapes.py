"""Recognising Open Referral UK documents (1.0 and 3.0) and finding the services in them.

Shapes: an ORUK 3.0 or 1.0 service; a list page ({"contents": [...], "total_pages": n}, or
1.0's "content"/"totalPages"); a bare list of services (as North Lincolnshire's 1.0 feed is);
an organisation with "services"; service_at_location objects or pages (their services, with
the locations gathered); and an API's root ({"version": …, "openapi_url": …}), which holds
no services but says where they are.
"""

from __future__ import annotations

from typing import Any

from directory.oruk import coerce

# Keys only a service object has (an organisation, location or taxonomy term has none).
SERVICE_KEYS = {
    "organization",
    "organization_id",
    "status",
    "schedules",
    "regular_schedules",
    "service_taxonomys",
    "eligibilitys",
    "cost_options",
}
WRONG_SHAPE = (
    "holds no Open Referral UK services (expected a service, a list of services, "
    "a page with 'contents', or an organisation with 'services')"
)


class FeedError(Exception):
    """The feed cannot be read at all: one line saying why, nothing imported."""


def is_api_root(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and "version" in document
        and ("openapi_url" in document or "profile" in document)
        and "contents" not in document
    )


def looks_like_service(item: Any) -> bool:
    return (
        isinstance(item, dict)
        and ("name" in item or "id" in item)
        and any(key in item for key in SERVICE_KEYS)
    )


def _is_service_at_location(item: Any) -> bool:
    return isinstance(item, dict) and isinstance(item.get("service"), dict)


def find_services(document: Any, where: str) -> tuple[list, int | None]:
    """(the service objects in a document, its total_pages; None when it is not a page).

    FeedError (naming `where`) when the document is in none of the shapes above."""
    if isinstance(document, list):
        return _from_list(document, where), None
    if not isinstance(document, dict):
        raise FeedError(f"{where} {WRONG_SHAPE}")
    for key in ("contents", "content"):
        if isinstance(document.get(key), list):
            pages = coerce.whole(document.get("total_pages", document.get("totalPages"))) or 1
            return _from_list(document[key], where), pages
    if isinstance(document.get("services"), list) and not looks_like_service(document):
        organisation = {k: v for k, v in document.items() if k != "services"}
        return [
            {**item, "organization": item.get("organization") or organisation}
            if isinstance(item, dict)
            else item
            for item in document["services"]
        ], None
    if _is_service_at_location(document):
        return _merge_service_at_locations([document]), None
    if looks_like_service(document):
        return [document], None
    raise FeedError(f"{where} {WRONG_SHAPE}")


def _from_list(items: list, where: str) -> list:
    if not items:
        return []
    if any(_is_service_at_location(item) for item in items):
        return _merge_service_at_locations(items)
    if not any(looks_like_service(item) for item in items):
        raise FeedError(f"{where} {WRONG_SHAPE}")
    return list(items)


def _merge_service_at_locations(items: list) -> list:
    """service_at_location objects → their services, each with its locations gathered."""
    merged: dict[str, dict] = {}
    out: list = []
    for item in items:
        if not _is_service_at_location(item):
            out.append(item)
            continue
        service = item["service"]
        key = coerce.text(service.get("id"))
        if key and key in merged:
            target = merged[key]
        else:
            target = {
                **service,
                "service_at_locations": list(service.get("service_at_locations") or []),
            }
            out.append(target)
            if key:
                merged[key] = target
        if isinstance(item.get("location"), dict):
            link = {k: v for k, v in item.items() if k != "service"}
            target["service_at_locations"].append(link)
    return out
