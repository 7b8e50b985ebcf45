"""Every route that takes a POST is in the hostile-input sweep, or exempt with a reason.

Like tests/accord/test_access_rules.py for roles: a new form fails here until a sweep test
posts hostile strings to it (and checks where its answers show), or it is listed in EXEMPT
because it carries no free text. A sweep test is named by module and function, and its source
must name the route's last fixed path segment, so a claim cannot outlive the code that made it.
"""

from __future__ import annotations

import importlib
import inspect

FORMS = "tests.security.test_hostile_forms"
ACCORD = "tests.security.test_hostile_accord"
REST = "tests.security.test_hostile_rest"

SIGN_UP = f"{FORMS}::test_registry_sign_up"
MUTUAL_AID = f"{FORMS}::test_mutual_aid_registration_and_cvec_review"
INCIDENT = f"{FORMS}::test_incident_declaration_and_hub_status"
HUB_NOTES = f"{FORMS}::test_hub_profile_network_edit_and_incident_notes"
REFERRAL = f"{FORMS}::test_referral_steps"
SIGNATORY = f"{ACCORD}::test_signatory_edit_and_withdraw"
CONCERNS = f"{ACCORD}::test_concerns_from_raising_to_lessons"
ASSESSMENT = f"{ACCORD}::test_self_assessment_actions"
NOTICES = f"{ACCORD}::test_consultations_notices_and_ambassadors"
DECISIONS = f"{ACCORD}::test_sign_up_decision_notes_accord_text_and_invitations"
ACCOUNTS = f"{REST}::test_sign_in_account_and_invitation"
DIRECTORY = f"{REST}::test_directory_provider_and_moderator_forms"
CONSENT = f"{REST}::test_referral_consent_new_and_decline"
EMERGENCY = f"{REST}::test_hub_edit_stand_down_and_volunteers"
CALLOUTS = "tests.security.test_hostile_callouts::test_callout_form_check_and_answers"
UPDATES = "tests.security.test_hostile_updates::test_update_form_and_check"
READINESS = "tests.security.test_hostile_readiness::test_readiness_check_reminders_and_training"
CLAIMS = "tests.security.test_hostile_claims::test_claim_decision_and_automatic_switch"
MEMBERS = "tests.security.test_hostile_members::test_member_invite_and_leave"
BUILDINGS = "tests.security.test_hostile_buildings::test_building_form_check_decision_and_revert"
REQUESTS = (
    "tests.security.test_hostile_requests::test_request_forms_new_edit_status_assign_and_asked"
)

# endpoint → the test that posts hostile input to it
SWEPT = {
    "admin.users": DECISIONS,
    "buildings.check": BUILDINGS,
    "buildings.edit": BUILDINGS,
    "buildings.new": BUILDINGS,
    "buildings_admin.decide": BUILDINGS,
    "buildings_admin.revert": BUILDINGS,
    "callouts.answer": CALLOUTS,
    "callouts.check": CALLOUTS,
    "callouts.new": CALLOUTS,
    "claims.automatic": CLAIMS,
    "claims.decide": CLAIMS,
    "claims.new": CLAIMS,
    "concerns.close": CONCERNS,
    "concerns.mediator": CONCERNS,
    "concerns.mediators": CONCERNS,
    "concerns.new": CONCERNS,
    "concerns.open_letter": CONCERNS,
    "concerns.outcome": CONCERNS,
    "concerns.stage": CONCERNS,
    "concerns.statement": CONCERNS,
    "core.accept_invite": ACCOUNTS,
    "core.account": ACCOUNTS,
    "core.sign_in": ACCOUNTS,
    "core.sign_in_code": ACCOUNTS,
    "directory.change_list": DIRECTORY,
    "directory.send_list": "tests.security.test_hostile_handoff::test_send_list_form",
    "directory.edit_service": f"{FORMS}::test_report_a_problem_and_provider_edit",
    "directory.new_service": DIRECTORY,
    "directory.report": f"{FORMS}::test_report_a_problem_and_provider_edit",
    "directory.set_capacity": DIRECTORY,
    "directory_admin.review": DIRECTORY,
    "emergency.add_note": HUB_NOTES,
    "emergency.declare": INCIDENT,
    "emergency.declare_check": INCIDENT,
    "emergency.edit_hub": EMERGENCY,
    "emergency.hub_quick": EMERGENCY,
    "emergency.hub_status": INCIDENT,
    "emergency.hour_rate": "tests.security.test_hostile_debrief::test_hour_rate_and_what_to_change",
    "emergency.new_hub": HUB_NOTES,
    "emergency.stand_down": EMERGENCY,
    "emergency.update_message": HUB_NOTES,
    "members.invite": MEMBERS,
    "members.leave": MEMBERS,
    "networks.activate": MUTUAL_AID,
    "networks.circle": EMERGENCY,
    "networks.edit": HUB_NOTES,
    "networks.register": MUTUAL_AID,
    "networks.review": MUTUAL_AID,
    "notices.add_ambassador": NOTICES,
    "notices.edit_ambassador": NOTICES,
    "notices.new_consultation": NOTICES,
    "notices.consultation_response": NOTICES,
    "notices.new_notice": NOTICES,
    "funding.new_opportunity": f"{ACCORD}::test_funding_opportunities",
    "readiness.hub": READINESS,
    "readiness.remind": READINESS,
    "readiness.volunteer": READINESS,
    "referrals.check": REFERRAL,
    "requests.answer": REQUESTS,
    "requests.assign": REQUESTS,
    "requests.edit": REQUESTS,
    "requests.new": REQUESTS,
    "requests.status": REQUESTS,
    "referrals.consent": CONSENT,
    "referrals.decline": CONSENT,
    "referrals.details": REFERRAL,
    "referrals.new": CONSENT,
    "registry.edit_signatory": SIGNATORY,
    "registry.sign_check": SIGN_UP,
    "registry.sign_step": SIGN_UP,
    "registry.withdraw": SIGNATORY,
    "registry.withdraw_confirm": SIGNATORY,
    "registry_admin.accord_versions": DECISIONS,
    "registry_admin.decide": DECISIONS,
    "self_assessment.send": ASSESSMENT,
    "self_assessment.theme": ASSESSMENT,
    "updates.check": UPDATES,
    "updates.new": UPDATES,
    "volunteers.deploy": EMERGENCY,
    "volunteers.find": EMERGENCY,
    "volunteers.leave": EMERGENCY,
    "volunteers.set_active": EMERGENCY,
    "volunteers.sign_up": f"{FORMS}::test_volunteer_sign_up",
}

BUTTON = "one button: a CSRF token and no field the app reads"
# endpoint → why no hostile string can reach anything it stores or shows
EXEMPT = {
    "core.sign_out": "signing out: " + BUTTON,
    "callouts.close": "closes a call-out: " + BUTTON,
    "callouts.deploy": "deploys those coming: " + BUTTON,
    "callouts.follow_up": "asks again those who have not answered: " + BUTTON,
    "callouts.stop_texts": "behind a volunteer's personal link: " + BUTTON,
    "admin.outbox_retry": "retries a failed email: " + BUTTON,
    "core.notify_callback": "GOV.UK Notify's receipts, behind its bearer token: a status from a "
    "fixed list and ids; no free text is kept or shown (tests/accord/test_outbox_channels.py)",
    "directory.still_correct": "a provider confirms a listing: " + BUTTON,
    "directory.check_listing": "behind an emailed link, a provider confirms a listing: " + BUTTON,
    "notices.retire_ambassador": BUTTON,
    "referrals.accept": BUTTON,
    "referrals.complete": BUTTON,
    "referrals.delete_draft": "the referrer deletes their draft: " + BUTTON,
    "referrals.withdraw": BUTTON,
    "registry.reaffirm": "behind a signed link: " + BUTTON,
    "registry_admin.ask_reaffirm": "emails every signatory a link: " + BUTTON,
    "volunteers.check_in": BUTTON,
    "volunteers.check_out": BUTTON,
    "volunteers.confirm_change": "behind a signed link: " + BUTTON,
    "volunteers.confirm_email": "behind a signed link: " + BUTTON,
    "volunteers.delete": "confirms deleting a volunteer's details: " + BUTTON,
    "volunteers.send_confirmation": BUTTON,
    "volunteers.leave_confirm": "behind a signed link: " + BUTTON,
}


def post_rules(app) -> dict[str, str]:
    return {rule.endpoint: rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_form_is_swept_or_exempt(app):
    posts = post_rules(app)
    missing = sorted(set(posts) - set(SWEPT) - set(EXEMPT))
    assert missing == [], "POST routes in no sweep: sweep them, or list them in EXEMPT"
    assert set(SWEPT).isdisjoint(EXEMPT)
    stale = sorted((set(SWEPT) | set(EXEMPT)) - set(posts))
    assert stale == [], "listed here but no longer a POST route"


def test_each_sweep_names_the_route_it_claims(app):
    posts = post_rules(app)
    unnamed = []
    for endpoint, where in SWEPT.items():
        module, name = where.split("::")
        source = inspect.getsource(getattr(importlib.import_module(module), name))
        fixed = [part for part in posts[endpoint].split("/") if part and "<" not in part]
        if fixed[-1] not in source:
            unnamed.append(f"{endpoint}: {name} never names {fixed[-1]!r}")
    assert unnamed == []
