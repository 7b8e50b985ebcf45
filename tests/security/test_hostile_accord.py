"""The security sweep (issue 9), the Accord's own forms: signatory edit and withdrawal,
concerns from raising to lessons, the self-assessment's SMART actions, consultations, notices
and ambassadors, and the coordinator's and admin's forms.

As in test_hostile_forms: every storable hostile string goes into some free-text field, NUL
and a too-long answer get a clean answer, and every page, CSV and JSON that shows the stored
text afterwards is checked (escaped, no formula, no evaluated template, no secret). The 1 MB
case is proved once per form kind there; here a value just over each field's limit will do.
"""

from __future__ import annotations

import itertools
import re

from sqlalchemy import select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import OutboxMessage, Role
from registry import publish
from registry.concerns.models import Concern, Mediator, OpenLetter
from registry.notices.models import Ambassador, Consultation
from registry.self_assessment import self_assessment as work
from registry.signatories.models import Signatory, SignatoryStatus
from tests import hostile
from tests.security.test_hostile_forms import address, checked, clean, rounds, sign_in, submit

TODAY = today_uk()
YEAR = TODAY.year
ON = [str(TODAY.day), str(TODAY.month), str(TODAY.year)]
LONG = "A" * 5000  # over every free-text limit in these forms (4,000 at most)
# Choices, date boxes and hidden tokens posted with hostile values: a clean error, never a 500.
ODD = [hostile.SQL[1], hostile.SCRIPTS[0], hostile.NUL, hostile.FORMULAS[0]]


def signatory(make, **fields):
    version = publish.current_version() or publish.publish(
        (publish.CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025"
    )
    org = make.organisation(**fields)
    record = Signatory(
        organisation=org,
        accord_version=version,
        status=SignatoryStatus.published,
        published_at=org.created_at,
        lead_name="Lee Lead",
        lead_email=f"lead@{org.slug}.example.org",
    )
    db.session.add(record)
    db.session.commit()
    return org


def review(client, public) -> None:
    """The annual review and its CSV, which count (and may name) what the forms stored."""
    checked(public, [f"/accord/review/{YEAR}", f"/accord/review/{YEAR}.csv"])


# --- signatories: a member edits, the lead withdraws ------------------------------------------


def test_signatory_edit_and_withdraw(app, client, make):
    orgs = [signatory(make, sector="vcs") for _ in range(4)]
    form = {
        "charity_number": "",
        "company_number": "",
        "sector": "vcs",
        "org_type": "charity",
        "website": "https://wem.example.org",
        "postcode": "SY4 5AA",
    }
    fields = ["name", "address", "town", "description"]
    for org, texts in zip(orgs, rounds(fields), strict=False):
        member = sign_in(app.test_client(), make, Role.member, organisation=org)
        edit = f"/signatories/{org.slug}/edit"
        response = submit(member, edit, {**form, **texts})
        assert response.status_code == 302, (texts, response.status_code)
        checked(member, [f"/signatories/{org.slug}", edit])
        for field in fields:
            clean(submit(member, edit, {**form, **texts, field: hostile.NUL}), edit)
        clean(submit(member, edit, {**form, **texts, "description": LONG}), edit)
        clean(submit(member, edit, {**form, **texts, "website": hostile.JAVASCRIPT_URL}), edit)
    checked(client, ["/signatories", "/signatories.csv", "/signatories.json"])
    checked(client, [f"/signatories/{org.slug}" for org in orgs], shows=("__pwned",))
    staff = sign_in(app.test_client(), make, Role.coordinator)
    checked(staff, ["/admin/registry/signups", "/admin/"])

    # Withdrawing: a member at once, the lead by the emailed link; anyone asks for the link.
    first, second = orgs[0], orgs[1]
    ask = f"/signatories/{second.slug}/withdraw"
    for text in [*ODD, LONG]:
        clean(submit(client, ask, {"email": text}, environ_base=address()), ask)
    lead = f"lead@{second.slug}.example.org"
    # The same page whatever the address (no telling who the lead is); the lead gets a link.
    assert submit(client, ask, {"email": lead}, environ_base=address()).status_code == 200
    body = db.session.scalar(
        select(OutboxMessage.body).where(OutboxMessage.kind == "withdraw-link")
    )
    link = re.search(r"/signatories/\S+/withdraw/\S+", body).group(0)
    # NUL bytes are dropped from every request (accord/requests.py), so the reason that
    # carries one is taken, without it.
    clean(submit(client, link, {"reason": LONG}, form_path=link), link)
    reason = {"reason": hostile.SCRIPTS[1] + hostile.NUL}
    done = submit(client, link, reason, environ_base=address())
    assert done.status_code == 200 and "has withdrawn" in done.get_data(as_text=True)
    assert hostile.unsafe_html(done.get_data(as_text=True)) == []
    member = sign_in(app.test_client(), make, Role.member, organisation=first)
    own = f"/signatories/{first.slug}/withdraw"
    clean(submit(member, own, {"reason": LONG}), own)
    reason = {"reason": hostile.FORMULAS[0] + hostile.NUL}
    assert submit(member, own, reason, environ_base=address()).status_code == 302
    db.session.expire_all()
    ids = {first.id, second.id}
    statuses = select(Signatory.status).where(Signatory.organisation_id.in_(ids))
    assert set(db.session.scalars(statuses)) == {SignatoryStatus.withdrawn}
    checked(client, ["/signatories", "/signatories.csv", "/signatories.json"])
    for org in (first, second):  # withdrawn: off the list
        assert client.get(f"/signatories/{org.slug}").status_code == 404
    review(staff, client)


# --- concerns: raised, stepped through, answered, learned from -------------------------------


def test_concerns_from_raising_to_lessons(app, client, make):
    raiser_org = signatory(make, sector="vcs")
    council_org = signatory(make, sector="public")
    raiser = sign_in(app.test_client(), make, Role.member, organisation=raiser_org)
    council = sign_in(app.test_client(), make, Role.member, organisation=council_org)
    coordinator = sign_in(app.test_client(), make, Role.coordinator)
    for texts in rounds(["name"]):
        values = {**texts, "contact": f"m{len(texts['name'])}@example.org"}
        response = submit(coordinator, "/concerns/mediators", values)
        assert response.status_code == 302, (texts, response.status_code)
    for text in (*ODD, LONG):
        clean(submit(coordinator, "/concerns/mediators", {"name": "M", "contact": text}), "med")
        clean(
            submit(coordinator, "/concerns/mediators", {"name": text, "contact": "m@ex.org"}),
            "med",
        )
    checked(coordinator, ["/concerns/mediators"], shows=("__pwned",))
    mediator = db.session.scalars(select(Mediator.id)).first()
    good = {
        "raiser": str(raiser_org.id),
        "concerned": str(council_org.id),
        "themes": ["1"],
        "permission": "named",
    }
    fields = ["commitments", "what_happened", "tried", "good_outcome"]
    cases = []
    for texts in rounds(fields):
        token = raiser.get_page("/concerns/new").find("input", attrs={"name": "token"})["value"]
        values = {"token": token, **good, **texts}
        response = submit(raiser, "/concerns/new", values, environ_base=address())
        assert response.status_code == 302, (texts, response.status_code)
        cases.append((response.location, texts))
    for field in (*fields, "raiser", "concerned", "themes", "permission", "token"):
        for text in (hostile.NUL, LONG, hostile.SQL[1]):
            values = {**good, field: text}
            clean(submit(raiser, "/concerns/new", values, environ_base=address()), field)

    for n, (at, texts) in enumerate(cases):
        # Hostile choices, dates and too-long answers on the first case; the stored text on all.
        for field in ("stage-stage", "stage-on") if n == 0 else ():
            for text in ODD:
                step = {"stage-stage": "acknowledged", "stage-on": ON, field: text}
                clean(submit(coordinator, f"{at}/stage", step), f"stage {field}")
        step = {"stage-stage": "acknowledged", "stage-on": ON}
        assert submit(coordinator, f"{at}/stage", step).status_code == 302
        for text in ODD if n == 0 else ():
            bad = {"mediator-mediator": text, "mediator-on": ON}
            clean(submit(coordinator, f"{at}/mediator", bad), "mediator")
        chosen = {"mediator-mediator": str(mediator), "mediator-on": ON}
        assert submit(coordinator, f"{at}/mediator", chosen).status_code == 302
        step = {"stage-stage": "statements_requested", "stage-on": ON}
        assert submit(coordinator, f"{at}/stage", step).status_code == 302
        page = council.get_page(at)
        token = page.find("input", attrs={"name": "statement-token"})["value"]
        for text in (hostile.NUL, LONG) if n == 0 else ():
            said = {"statement-token": token, "statement-statement": text}
            clean(submit(council, f"{at}/statement", said, form_path=at), "statement")
        said = {"statement-token": token, "statement-statement": texts["what_happened"]}
        assert submit(council, f"{at}/statement", said, form_path=at).status_code == 302
        step = {"stage-stage": "meeting_held", "stage-on": ON}
        assert submit(coordinator, f"{at}/stage", step).status_code == 302
        outcome = {
            "outcome-outcome": "resolved",
            "outcome-breach": "yes",  # so the council has repeated breaches (step 7)
            "outcome-summary": texts["tried"],
            "outcome-lessons": texts["good_outcome"],
            "outcome-on": ON,
        }
        parts = (
            "outcome-summary",
            "outcome-lessons",
            "outcome-outcome",
            "outcome-on",
            "outcome-public_statement",
        )
        for field in parts if n == 0 else ():
            for text in (hostile.NUL, LONG, hostile.SCRIPTS[0], hostile.JAVASCRIPT_URL):
                if field.endswith(("summary", "lessons")) and text == hostile.SCRIPTS[0]:
                    continue  # stored: that is the round above
                clean(submit(coordinator, f"{at}/outcome", {**outcome, field: text}), field)
        assert submit(coordinator, f"{at}/outcome", outcome).status_code == 302
        assert submit(coordinator, f"{at}/close", {}).status_code == 302
    db.session.expire_all()
    assert len(db.session.scalars(select(Concern)).all()) == len(cases)

    # Step 7, the open letter about the council: hostile addresses and dates get a clean
    # answer; an https address carrying a hostile string may be stored, and shows escaped.
    letter = f"/concerns/open-letters/{council_org.id}"
    for text in (*hostile.EVERY, *ODD):
        clean(submit(coordinator, letter, {"published_on": ON, "url": text}), "letter url")
        on = {"published_on": [text, "1", str(YEAR)], "url": "https://example.org/letter"}
        clean(submit(coordinator, letter, on), "letter date")
    for text in hostile.STORABLE:
        url = f"https://example.org/{text}"
        clean(submit(coordinator, letter, {"published_on": ON, "url": url}), "letter url")
    assert db.session.scalars(select(OpenLetter)).all()  # some were stored
    checked(coordinator, ["/concerns/"], shows=("tpl{{7*7}}tpl",))

    ats = [at for at, _ in cases]
    for who in (raiser, council, coordinator):
        checked(who, ["/concerns/"])
        checked(who, ats, shows=("__pwned",))
    checked(client, ["/accord/learning"], shows=("__pwned",))
    review(coordinator, client)


# --- the self-assessment: answers and SMART actions -------------------------------------------


def test_self_assessment_actions(app, client, make):
    org = signatory(make, sector="vcs")
    member = sign_in(app.test_client(), make, Role.member, organisation=org)
    version = publish.current_version()
    themes = work.themes_for(version, "vcs")
    base = f"/self-assessment/{org.slug}/{YEAR}"
    by = [str(TODAY.day), str(TODAY.month), str(YEAR + 1)]
    strings = itertools.cycle(hostile.STORABLE)
    for theme in themes:
        answers = {}
        for commitment in theme.commitments:
            name = f"c_{commitment.key.replace('-', '_')}"
            answers |= {
                name: "do_better",
                f"{name}_what": next(strings),
                f"{name}_who": next(strings),
                f"{name}_by": by,
            }
        page = f"{base}/themes/{theme.number}"
        response = submit(member, page, answers)
        assert response.status_code == 302, (page, response.status_code)
        if theme is not themes[0]:
            continue  # hostile choices and dates: one theme is enough
        name = f"c_{theme.commitments[0].key.replace('-', '_')}"
        for field, text in [
            (name, hostile.SQL[1]),
            (f"{name}_what", hostile.NUL),
            (f"{name}_what", LONG),
            (f"{name}_who", hostile.NUL),
            (f"{name}_by", hostile.SCRIPTS[0]),
        ]:
            clean(submit(member, page, {**answers, field: text}), f"{page} {field}")
    first = f"{base}/themes/{themes[0].number}"
    checked(member, [base, first], shows=("__pwned",))
    checked(member, ["/self-assessment/"])
    assert submit(member, f"{base}/send", {}, form_path=base).status_code == 302
    checked(member, [base, first])
    staff = sign_in(app.test_client(), make, Role.coordinator)
    checked(staff, ["/self-assessment/results"])
    review(staff, client)


# --- consultations, funding notices and ambassadors ------------------------------------------


def test_consultations_notices_and_ambassadors(app, client, make):
    council = signatory(make, sector="public")
    member = sign_in(app.test_client(), make, Role.member, organisation=council)
    coordinator = sign_in(app.test_client(), make, Role.coordinator)
    start, end = ["5", "1", str(YEAR)], ["29", "3", str(YEAR)]
    consultation = {
        "organisation": str(council.id),
        "start": start,
        "end": end,
        "link": "",
        "short_reason": "Budget timetable",
    }
    notice = {
        "organisation": str(council.id),
        "notice_date": start,
        "change_date": end,
        "funding_stream": "Grants",
        "reason": "Budget",
        "affected": council.name,
        "end_date": end,
        "decision_date": start,
        "impact_link": "https://example.gov.uk/impact",
    }
    for text in hostile.STORABLE:
        values = {**consultation, "title": text, "short_reason": text}
        response = submit(member, "/accord/consultations/new", values, environ_base=address())
        assert response.status_code == 302, (text, response.status_code)
        values = {**notice, "change": text, "funding_stream": text, "reason": text}
        response = submit(member, "/accord/notices/new", values, environ_base=address())
        assert response.status_code == 302, (text, response.status_code)
    for text in (*ODD, LONG, hostile.JAVASCRIPT_URL):
        for field in ("title", "link", "organisation", "start", "short_reason"):
            values = {**consultation, "title": "T", field: text}
            response = submit(member, "/accord/consultations/new", values, environ_base=address())
            clean(response, field)
        for field in (
            "change",
            "organisation",
            "notice_date",
            "funding_stream",
            "reason",
            "affected",
            "end_date",
            "decision_date",
            "impact_link",
        ):
            values = {**notice, "change": "C", field: text}
            clean(submit(member, "/accord/notices/new", values, environ_base=address()), field)

    ambassador = {"sector": "vcse", "theme_number": "", "contact": "accord@example.gov.uk"}
    for texts in rounds(["name", "organisation"]):
        response = submit(coordinator, "/admin/ambassadors/new", {**ambassador, **texts})
        assert response.status_code == 302, (texts, response.status_code)
    for text in (*ODD, LONG, hostile.JAVASCRIPT_URL):
        for field in ("name", "organisation", "contact", "sector", "theme_number"):
            values = {**ambassador, "name": "N", field: text}
            clean(submit(coordinator, "/admin/ambassadors/new", values), field)
    first = db.session.scalars(select(Ambassador.id)).first()
    edit = f"/admin/ambassadors/{first}/edit"
    for texts in rounds(["name", "organisation"]):
        response = submit(coordinator, edit, {**ambassador, **texts})
        assert response.status_code == 302, (texts, response.status_code)
    clean(submit(coordinator, edit, {**ambassador, "name": hostile.NUL}), edit)
    checked(client, ["/accord/consultations", "/accord/ambassadors"], shows=("__pwned",))
    checked(coordinator, ["/admin/ambassadors"], shows=("__pwned",))
    checked(coordinator, [edit])
    checked(member, ["/accord/consultations", "/accord/notices/ours"], shows=("__pwned",))
    # The body's response to a closed consultation ("You said, we did"), and the archive.
    first_consultation = db.session.scalars(select(Consultation.id)).first()
    response_form = f"/accord/consultations/{first_consultation}/response"
    answer = {"link": "https://example.gov.uk/said-did", "published": ["1", "4", str(YEAR)]}
    for text in hostile.STORABLE:
        response = submit(
            member, response_form, {**answer, "summary": text}, environ_base=address()
        )
        assert response.status_code == 200 and "Response recorded" in response.get_data(
            as_text=True
        ), text
    for text in (*ODD, LONG, hostile.JAVASCRIPT_URL):
        for field in ("link", "summary", "published"):
            values = {**answer, "summary": "S", field: text}
            clean(submit(member, response_form, values, environ_base=address()), field)
    checked(client, ["/accord/consultations/closed", "/accord/consultations.csv"])
    review(coordinator, client)


# --- the coordinator's and admin's forms -----------------------------------------------------


def test_sign_up_decision_notes_accord_text_and_invitations(app, client, make):
    from registry.signatories.models import SignUp
    from tests.registry.signatories.journey import ANSWERS as SIGNUP
    from tests.registry.signatories.journey import confirm_link

    publish.publish((publish.CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
    db.session.commit()
    for n in range(3):
        client.environ_base.update(address())
        client.sweep_csrf = None
        for step, answers in SIGNUP.items():
            values = {**answers, "name": f"Applicant {n}"} if "name" in answers else answers
            assert submit(client, f"/accord/sign/{step}", values).status_code == 302
        assert submit(client, "/accord/sign/check", {}).status_code == 302
        client.get(confirm_link())
    staff = sign_in(app.test_client(), make, Role.coordinator)
    ids = db.session.scalars(select(SignUp.id)).all()
    for n, text in zip(ids, (hostile.SCRIPTS[1], hostile.FORMULAS[0]), strict=False):
        path = f"/admin/registry/signups/{n}"
        # (A NUL is dropped from the request, so a note that is only "a\x00b" is taken.)
        clean(submit(staff, path, {"decision": "changes", "note": LONG}), path)
        for bad in ODD:
            clean(submit(staff, path, {"decision": bad, "note": "x"}), path)
            # An approval linked to an organisation that is no number, or none.
            clean(submit(staff, path, {"decision": "approve", "link_to": bad}), path)
        assert submit(staff, path, {"decision": "changes", "note": text}).status_code == 302
        checked(staff, [path, "/admin/registry/signups"])
    path = f"/admin/registry/signups/{ids[-1]}"
    assert (
        submit(staff, path, {"decision": "reject", "note": hostile.SCRIPTS[2]}).status_code == 302
    )
    checked(staff, [path])

    # A new version of the Accord: text that is not the Accord's format is an error, and
    # what publishes is sanitised Markdown (tests/registry/test_content.py has the cases).
    accord = "/admin/registry/accord"
    for text in (*hostile.STORABLE, hostile.NUL):
        clean(submit(staff, accord, {"version": "2030", "text": text}), accord)
        clean(submit(staff, accord, {"version": text, "text": "x"}), accord)
    original = (publish.CONTENT / "accord-2025.md").read_text(encoding="utf-8")
    hostile_text = original.replace(
        "## ", f"## {hostile.SCRIPTS[0]} {hostile.TEMPLATES[0]}\n\n{hostile.SCRIPTS[4]}\n\n## ", 1
    )
    response = submit(staff, accord, {"version": "2031", "text": hostile_text})
    clean(response, accord)
    checked(staff, [accord])
    checked(client, ["/accord", "/accord/versions/2025", "/"])
    if response.status_code == 302:
        checked(client, ["/accord/versions/2031"])

    admin = sign_in(app.test_client(), make, Role.admin)
    for text in (*hostile.STORABLE, hostile.NUL, LONG):
        values = {"email": text, "role": "member", "organisation": ""}
        clean(submit(admin, "/admin/users", values), "/admin/users")
        values = {"email": "x@example.org", "role": text, "organisation": text}
        clean(submit(admin, "/admin/users", values), "/admin/users")
    checked(admin, ["/admin/users", "/admin/outbox"])


# --- the funding opportunities board ------------------------------------------------------


def test_funding_opportunities(app, client, make):
    charity = signatory(make, sector="vcs")
    member = sign_in(app.test_client(), make, Role.member, organisation=charity)
    closing = [str(TODAY.day), str(TODAY.month), str(YEAR + 1)]
    good = {
        "organisation": str(charity.id),
        "kind": "grant",
        "amount_from": "£1,000",
        "amount_to": "5000",
        "closing": closing,
        "link": "https://example.org/apply",
        "major_change": "y",
    }
    for text in hostile.STORABLE:
        response = submit(
            member, "/accord/funding/new", {**good, "title": text}, environ_base=address()
        )
        assert response.status_code == 200 and "Opportunity posted" in response.get_data(
            as_text=True
        ), text
    for text in (*ODD, LONG, hostile.JAVASCRIPT_URL):
        for field in ("title", "kind", "amount_from", "amount_to", "closing", "link"):
            values = {**good, "title": "T", field: text}
            clean(submit(member, "/accord/funding/new", values, environ_base=address()), field)
        clean(submit(member, "/accord/funding/new", {**good, "organisation": text}), text)
    checked(client, ["/accord/funding"], shows=("__pwned",))
    checked(member, ["/accord/funding"])
