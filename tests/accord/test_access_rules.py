"""Every route in the app's URL map has an access rule, and the rule holds.

A new route fails here until it is either behind `role_required` (which records its roles) or
listed below with the reason anyone, or any signed-in user, may reach it. Each route behind
`role_required` is then called, every method, by each kind of visitor: signed-out visitors
go to sign in and users without the role get a 403, whatever the ids in the address.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from accord.models import Role
from tests.factories import PASSWORD

# endpoint → why anyone may reach it (a public page, a signed link, an open data feed …)
OPEN = {
    "core.index": "home page",
    "core.accessibility": "accessibility statement",
    "core.cookies": "cookies page",
    "core.privacy": "privacy notice",
    "core.healthz": "health check for the load balancer",
    "core.notify_callback": "GOV.UK Notify's delivery receipts (its bearer token, checked)",
    "core.sign_in": "signing in",
    "core.sign_in_code": "the emailed code after repeated failed sign-ins",
    "core.sign_out": "signing out (POST, CSRF)",
    "core.accept_invite": "signed invitation link",
    "static": "static files",
    "directory.index": "public directory search",
    "directory.service": "published service",
    "directory.place": "community building",
    "directory.place_map": "community building map",
    "directory.town_buildings": "published community buildings by town",
    "directory.results_map": "search results map",
    "directory.signposting_list": "the visitor's own signposting list (session)",
    "directory.change_list": "the visitor's own signposting list (session)",
    "directory.print_list": "the visitor's own signposting list (session)",
    "directory.shared_list": "signed shared-list link",
    "directory.send_list": "sends the visitor's own signposting list to a resident (rate "
    "limited; nothing of the resident kept: tests/directory/handoff/test_sending.py)",
    "directory.list_sent": "confirmation: says by email or by text message, never to whom",
    "directory.report": "anyone may report a wrong listing (rate limited)",
    "directory.check_listing": 'emailed "still correct" link (an opaque single-use token, '
    "rate limited; GET changes nothing): tests/directory/freshness/test_checks.py",
    "emergency.help_page": "public get help now",
    "emergency.help_map": "public get help now map",
    "emergency.help_map_frame": "public get help now map",
    "emergency.hubs_geojson": "public hub open data",
    "networks.index": "public mutual-aid list",
    "networks.detail": "public mutual-aid network",
    "networks.register": "public network registration (rate limited)",
    "networks.registered": "thank-you page",
    "registry.accord": "the Accord",
    "registry.accord_version": "an earlier Accord version",
    "registry.sign_start": "public sign-up",
    "registry.sign_step": "public sign-up (answers in the visitor's session)",
    "registry.sign_check": "public sign-up (answers in the visitor's session)",
    "registry.sign_sent": "public sign-up",
    "registry.sign_confirm": "signed confirmation link",
    "registry.sign_amend": "signed amendment link",
    "registry.signatories": "published signatory list",
    "registry.signatories_csv": "published signatory list",
    "registry.signatories_json": "published signatory list",
    "registry.signatory": "published signatory",
    "notices.closed_consultations": "public archive of closed consultations",
    "notices.review_how": "how the public annual review counts",
    "notices.consultations_atom": "public feed of open consultations",
    "notices.consultations_csv": "public open data: consultations logged",
    "registry.badge_svg": "a signatory's badge, loaded by partners' websites",
    "registry.badge_png": "a signatory's badge, loaded by partners' websites",
    "registry.badge_link": "where a signatory's badge links to",
    "registry.reaffirm": "signed re-affirmation link",
    "registry.withdraw": "asks for the Accord lead's email and sends a signed link (members of "
    "the organisation withdraw at once: tests/registry/test_roles.py)",
    "registry.withdraw_confirm": "signed withdrawal link",
    "concerns.learning": "public: what we have learned (anonymous lessons and counts)",
    "notices.ambassadors": "public list of the Accord Ambassadors",
    "notices.consultations": "public list of consultations and notices (no personal data)",
    "notices.annual_review": "public annual review",
    "notices.annual_review_csv": "public annual review",
    "notices.review_latest": "public annual review",
    "funding.opportunities": "public board of open grants and contracts (organisations only)",
    "volunteers.sign_up": "public volunteer sign-up (rate limited)",
    "volunteers.thanks": "thank-you page",
    "volunteers.privacy": "volunteer privacy notice",
    "volunteers.confirm_change": "emailed change link (an opaque single-use token)",
    "volunteers.confirm_email": "signed link confirming a new volunteer's email address",
    "volunteers.leave": "public: asks for an email and sends a signed link",
    "volunteers.leave_sent": "public",
    "volunteers.leave_confirm": "signed leave link",
    "callouts.answer": "a volunteer's personal call-out link (an opaque random token; rate "
    "limited): no account needed, tests/emergency/callouts/test_sending.py",
    "callouts.stop_texts": "a volunteer's personal call-out link (POST, CSRF)",
}
OPEN.update({f"oruk_api.{name}": "Open Referral UK open data" for name in (
    "meta", "openapi", "services", "service", "service_at_locations", "service_at_location",
    "taxonomies", "taxonomy", "taxonomy_terms", "taxonomy_term",
)})  # fmt: skip

OWN_ASSESSMENT = (
    "tests/registry/self_assessment/test_self_assessment.py::test_self_assessment_role_matrix "
    "(the organisation's members; others 404)"
)
# endpoint → the test of the rule it checks itself (signed in, then a rule on the record)
SIGNED_IN = {
    "registry.badge_page": "tests/registry/signatories/test_badge.py::"
    "test_only_the_organisation_s_members_get_the_badge_page",
    "core.account": "tests/accord/test_roles.py (any signed-in user)",
    "emergency.hub_list": "tests/emergency/test_hubs.py::test_role_matrix (hub managers, CVEC)",
    "emergency.hub": "tests/emergency/test_hubs.py::test_role_matrix",
    "emergency.hub_status": "tests/emergency/test_hubs.py::test_role_matrix",
    "emergency.hub_quick": "tests/emergency/test_hubs.py::test_role_matrix",
    "readiness.hub": "tests/emergency/readiness/test_hub_readiness.py::"
    "test_only_the_hubs_managers_may_check_it (the hub's organisation's members, CVEC)",
    **dict.fromkeys(
        ["requests.new", "requests.show", "requests.status"],
        "tests/emergency/requests/test_access.py::test_role_matrix (CVEC; a hub's managers for "
        "their own hub's requests, others 404)",
    ),
    **dict.fromkeys(
        ["concerns.index", "concerns.show", "concerns.stage", "concerns.mediator"]
        + ["concerns.statement", "concerns.outcome", "concerns.close"],
        "tests/registry/concerns/test_access.py::test_concern_role_matrix (parties, coordinator, "
        "mediator; others 404)",
    ),
    "self_assessment.summary": OWN_ASSESSMENT,
    "self_assessment.theme": OWN_ASSESSMENT,
    "self_assessment.send": OWN_ASSESSMENT,
    "registry.edit_signatory": "tests/registry/test_roles.py (the organisation's members)",
}

VISITORS = [None, *Role]
# A value for each kind of address variable (werkzeug's converter names, lower-cased).
ANY_ID = {"integer": "987654", "path": "x.js", "default": "00000000-0000-4000-8000-000000000000"}
METHODS = {"GET", "POST"}


def rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def roles_of(app, rule: Rule) -> tuple[str, ...] | None:
    return getattr(app.view_functions[rule.endpoint], "required_roles", None)


def address(rule: Rule) -> str:
    """The rule's path with some value in each variable: the rule must hold for any id."""
    values = {
        name: ANY_ID.get(type(converter).__name__.removesuffix("Converter").lower())
        or ANY_ID["default"]
        for name, converter in rule._converters.items()
    }
    return rule.build(values, append_unknown=False)[1]


def test_every_route_has_an_access_rule(app):
    missing = [
        f"{rule.endpoint} {rule.rule}"
        for rule in rules(app)
        if roles_of(app, rule) is None
        and rule.endpoint not in OPEN
        and rule.endpoint not in SIGNED_IN
    ]
    assert missing == [], "routes with no access rule: add role_required, or list them here"
    protected = {rule.endpoint for rule in rules(app) if roles_of(app, rule) is not None}
    assert protected.isdisjoint(OPEN), "listed as open but behind role_required"
    stale = (set(OPEN) | set(SIGNED_IN)) - {rule.endpoint for rule in rules(app)}
    assert stale == set(), "listed here but no longer a route"


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_routes_turn_away_visitors_without_the_role(app, client, make, visitor):
    if visitor is not None:
        make.user(role=visitor, email=f"{visitor}@example.org")
        client.sign_in(f"{visitor}@example.org", PASSWORD)
    token = client.csrf_token("/account" if visitor else "/sign-in")
    checked = 0
    for rule in rules(app):
        roles = roles_of(app, rule)
        if roles is None and rule.endpoint not in SIGNED_IN:
            continue
        path = address(rule)
        for method in sorted(rule.methods & METHODS):
            response = client.open(path, method=method, data={"csrf_token": token})
            where = f"{method} {path} ({rule.endpoint}) as {visitor or 'anonymous'}"
            if visitor is None:
                assert response.status_code == 302, where
                assert response.location.startswith("/sign-in"), where
            elif roles is not None and visitor != Role.admin and visitor not in roles:
                assert response.status_code == 403, where
            else:
                assert response.status_code != 500, where
            checked += 1
    assert checked > 50
