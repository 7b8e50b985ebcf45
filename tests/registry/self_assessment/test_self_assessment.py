"""The annual self-assessment: the plain functions, the pages over HTTP (theme by theme, save
and come back, last year beside this year, SMART actions), bad input and replays, who may see
what, and the coordinator's anonymous county results."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from accord.clock import today_uk
from accord.extensions import db
from accord.models import AuditEvent, Role
from registry.commitments import themes_of
from registry.publish import CONTENT, publish
from registry.self_assessment import self_assessment as work
from registry.self_assessment.models import Answer, SelfAssessment, SelfAssessmentAnswer
from registry.signatories.models import Signatory, SignatoryStatus
from tests import factories
from tests.factories import PASSWORD
from tests.pages import check_html

YEAR = today_uk().year
ACTION = "Add the Accord to our volunteer induction pack"
WHO = "Volunteer coordinator"


@pytest.fixture
def version(app):
    found = publish((CONTENT / "accord-2025.md").read_text(encoding="utf-8"), "2025")
    db.session.commit()
    return found


def signatory(version, **fields):
    org = factories.organisation(**fields)
    db.session.add(
        Signatory(organisation=org, accord_version=version, status=SignatoryStatus.published)
    )
    db.session.commit()
    return org


@pytest.fixture
def charity(version):
    org = signatory(version, name="Wem Friends", slug="wem-friends", sector="vcs")
    factories.user(Role.member, org, email="member@example.org")
    return org


def signed_in(app, email: str):
    client = app.test_client()
    client.sign_in(email, PASSWORD)
    return client


def base(org, year=YEAR) -> str:
    return f"/self-assessment/{org.slug}/{year}"


def answers_for(theme, answer=Answer.do_well) -> dict:
    return {f"c_{c.key.replace('-', '_')}": answer for c in theme.commitments}


def better(commitment, when: date | None = None) -> dict:
    name = f"c_{commitment.key.replace('-', '_')}"
    when = when or date(YEAR + 1, 3, 31)
    return {
        name: Answer.do_better,
        f"{name}_what": ACTION,
        f"{name}_who": WHO,
        f"{name}_by": [str(when.day), str(when.month), str(when.year)],
    }


def fill_all(org, version, year=YEAR, answer=Answer.do_well, send=True) -> SelfAssessment:
    assessment = work.start(org, year, version)
    for theme in work.themes_for(version, org.sector):
        work.save_theme(assessment, theme, {c.key: work.Reply(answer) for c in theme.commitments})
    if send:
        assert work.complete(assessment, work.themes_for(version, org.sector)) == []
    db.session.commit()
    return assessment


# --- plain functions ------------------------------------------------------------------------


def test_an_organisation_answers_the_shared_commitments_and_its_sectors(version):
    vcs = work.themes_for(version, "vcs")
    public = work.themes_for(version, "public")
    assert len(vcs) == len(public) == 15
    assert {c.group for c in vcs[0].commitments} == {"all", "vcs"}
    assert {c.group for c in public[0].commitments} == {"all", "public"}
    assert {c.group for t in work.themes_for(version, "private") for c in t.commitments} == {"all"}


def test_saving_keeps_actions_only_for_could_do_better(charity, version):
    theme = work.themes_for(version, "vcs")[0]
    assessment = work.start(charity, YEAR, version)
    first, second = theme.commitments[:2]
    when = date(YEAR + 1, 1, 31)
    replies = {
        first.key: work.Reply(Answer.do_better, ACTION, WHO, when),
        second.key: work.Reply(Answer.do_well, "ignored", "ignored", when),
        "99-all-1": work.Reply(Answer.do_well),
    }
    assert work.save_theme(assessment, theme, replies) == 2
    assert work.start(charity, YEAR, version) is assessment  # the same one again
    saved = work.answers_of(assessment)
    assert set(saved) == {first.key, second.key}
    assert (saved[first.key].action_what, saved[first.key].action_by) == (ACTION, when)
    assert (saved[second.key].action_what, saved[second.key].action_by) == ("", None)
    work.save_theme(assessment, theme, {first.key: work.Reply(Answer.not_relevant)})
    assert work.answers_of(assessment)[first.key].action_what == ""
    assert work.complete(assessment, work.themes_for(version, "vcs")) == list(range(1, 16))
    assert assessment.completed_at is None


def test_results_by_theme_count_sent_assessments_only(version):
    orgs = [signatory(version, sector=s) for s in ("vcs", "vcs", "public")]
    fill_all(orgs[0], version)
    fill_all(orgs[1], version, answer=Answer.do_better)
    fill_all(orgs[2], version, answer=Answer.not_relevant)
    fill_all(signatory(version), version, send=False)  # started, not sent
    fill_all(signatory(version), version, year=YEAR - 1)
    results = work.results_by_theme(YEAR)
    assert [t.number for t in results] == list(range(1, 16))
    first = results[0]
    assert first.title == "Independence (and political neutrality)"
    shared = first.commitments[0]
    assert shared.group == "all" and shared.text.startswith("Mutually respect")
    assert dict(shared.counts) == {"do_well": 1, "do_better": 1, "not_relevant": 1}
    vcs_only = [c for c in first.commitments if c.group == "vcs"]
    public_only = [c for c in first.commitments if c.group == "public"]
    assert [dict(c.counts) for c in vcs_only] == [{"do_well": 1, "do_better": 1}]
    assert all(dict(c.counts) == {"not_relevant": 1} for c in public_only)
    assert [c.group for c in first.commitments] == ["all"] * 4 + ["public"] * 2 + ["vcs"]
    # Two charities' or one public body's answers would be theirs: left out of the totals.
    assert [c.hidden for c in first.commitments] == [False] * 4 + [True] * 3
    assert first.hidden == 3
    assert first.counts == {"do_well": 4, "do_better": 4, "not_relevant": 4}
    assert work.assessment_counts(YEAR) == {"sent": 3, "in_progress": 1}
    assert len(work.results_by_theme(YEAR - 1)) == 15
    assert work.results_by_theme(YEAR - 5) == []


def test_last_years_answers_line_up_by_the_commitments_words(charity, version):
    fill_all(charity, version, year=YEAR - 1, answer=Answer.do_better)
    themes = work.themes_for(version, "vcs")
    previous = work.previous_answers(charity, YEAR, themes)
    assert len(previous) == sum(len(t.commitments) for t in themes)
    assert {a.answer for a in previous.values()} == {Answer.do_better}
    assert work.previous_answers(charity, YEAR - 1, themes) == {}


# --- pages ----------------------------------------------------------------------------------


def test_a_member_completes_theme_by_theme_and_sends(app, charity, version):
    member = signed_in(app, "member@example.org")
    assert member.get_page("/account").find("a", href="/self-assessment/") is not None
    index = member.get_page("/self-assessment/")
    assert "Wem Friends" in index.get_text() and "Not started" in index.get_text()
    summary = member.get_page(base(charity))
    assert "Not started" in summary.get_text()
    themes = work.themes_for(version, "vcs")
    first = member.get_page(f"{base(charity)}/themes/1")
    assert first.h1.get_text(strip=True) == "Theme 1: Independence (and political neutrality)"
    assert "VCS groups and organisations will" in first.get_text()
    assert "Public sector and commissioners will" not in first.get_text()
    assert len(first.select("div.govuk-radios")) == len(themes[0].commitments)

    answers = {**answers_for(themes[0]), **better(themes[0].commitments[0])}
    response = member.submit(f"{base(charity)}/themes/1", answers)
    assert response.location == f"{base(charity)}/themes/2"
    again = member.get_page(f"{base(charity)}/themes/1")
    name = f"c_{themes[0].commitments[0].key.replace('-', '_')}"
    assert again.find("input", attrs={"name": name, "value": "do_better"}).has_attr("checked")
    assert again.find("textarea", attrs={"name": f"{name}_what"}).get_text() == ACTION

    # Save and come back later: the summary shows where things are.
    later = member.submit(f"{base(charity)}/themes/2", {**answers_for(themes[1]), "later": "y"})
    assert later.location == base(charity)
    summary = member.get_page(base(charity))
    assert "In progress" in summary.get_text() and ACTION in summary.get_text()
    assert summary.find("form", action=f"{base(charity)}/send") is None

    for theme in themes[2:]:
        member.submit(f"{base(charity)}/themes/{theme.number}", answers_for(theme))
    summary = member.get_page(base(charity))
    assert summary.find("form", action=f"{base(charity)}/send") is not None
    sent = member.submit(f"{base(charity)}/send", {}, form_path=base(charity))
    assert sent.location == base(charity)
    assert "Sent" in member.get_page(base(charity)).get_text()
    db.session.expire_all()
    assessment = db.session.scalar(select(SelfAssessment))
    assert assessment.completed_at is not None and assessment.year == YEAR
    assert assessment.accord_version_id == version.id
    # A replayed send changes nothing and says so.
    twice = member.submit(f"{base(charity)}/send", {}, form_path="/account")
    assert twice.status_code == 302
    assert "already sent" in member.get(base(charity)).get_data(as_text=True)
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("self_assessment.completed") == 1
    assert "self_assessment.saved" in actions
    everything = " ".join(str(e.details) for e in db.session.scalars(select(AuditEvent)))
    assert ACTION not in everything and WHO not in everything


def test_last_years_answers_show_beside_this_years(app, charity, version):
    fill_all(charity, version, year=YEAR - 1, answer=Answer.do_better)
    member = signed_in(app, "member@example.org")
    page = member.get_page(f"{base(charity)}/themes/1")
    assert page.get_text().count("Last year: We could do this better") == len(
        work.themes_for(version, "vcs")[0].commitments
    )
    summary = member.get_page(base(charity))
    row = summary.find("tr", attrs={"data-theme": "1"})
    assert "We could do this better: 5" in row.find("td", attrs={"data-year": "last"}).get_text()
    assert f"{YEAR - 1}" in member.get_page("/self-assessment/").get_text()
    old = member.get_page(base(charity, YEAR - 1))
    assert "Sent" in old.get_text() and old.main.find("form", attrs={"method": "post"}) is None
    # Earlier years are read, not changed.
    assert member.get(f"{base(charity, YEAR - 1)}/themes/1").location == base(charity, YEAR - 1)
    member.get_page(base(charity, YEAR - 3), status=404)


def test_bad_answers_get_a_gov_uk_error_summary(app, charity, version):
    member = signed_in(app, "member@example.org")
    theme = work.themes_for(version, "vcs")[0]
    first = theme.commitments[0]
    name = f"c_{first.key.replace('-', '_')}"
    page = f"{base(charity)}/themes/1"
    for answers, message in [
        ({name: Answer.do_better}, "Commitment 1: enter what you will do"),
        ({name: Answer.do_better}, "Commitment 1: enter who is responsible"),
        ({name: Answer.do_better}, "Commitment 1: enter the date it will be done by"),
        ({**better(first), f"{name}_by": ["31", "2", str(YEAR + 1)]}, "must be a real date"),
        ({**better(first), f"{name}_by": ["1", "", ""]}, "must include a month"),
        ({**better(first), f"{name}_by": ["x", "y", "z"]}, "as numbers"),
        ({**better(first), f"{name}_by": ["1", "1", "1999"]}, "must be between"),
        ({**better(first), f"{name}_what": "\x00"}, "enter what you will do"),
        ({**better(first), f"{name}_what": "x" * 2001}, "2,000 characters or fewer"),
        ({name: "maybe"}, "Commitment 1: select one of the answers"),
    ]:
        response = member.submit(page, answers)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and message in body, message
        assert "govuk-error-summary" in body
    # Every error in the summary links to its field, inside an opened action.
    shown = member.submit(page, {name: Answer.do_better})
    soup = check_html(shown.get_data(as_text=True))
    links = soup.select(".govuk-error-summary a")
    assert len(links) == 3
    for link in links:
        assert soup.find(id=link["href"][1:]) is not None, link["href"]
    assert soup.find("details", attrs={"data-action": "1"}).has_attr("open")
    assert not soup.find("details", attrs={"data-action": "2"}).has_attr("open")
    # A date field posted without its boxes, or repeated, is no 500.
    odd = {**better(first), f"{name}_by": ["1", "2", "2027", "4"]}
    assert member.submit(page, odd).status_code in (200, 302)
    assert db.session.scalar(select(func.count()).select_from(SelfAssessmentAnswer)) <= 1
    assert member.post(page, data=answers_for(theme)).status_code == 400  # no CSRF token
    assert member.post(f"{base(charity)}/send").status_code == 400
    member.get_page(f"{base(charity)}/themes/99", status=404)
    member.get_page(f"{base(charity)}/themes/0", status=404)
    assert member.get(f"{base(charity)}/themes/x").status_code == 404


def test_sending_before_every_commitment_is_answered_sends_nothing(app, charity, version):
    member = signed_in(app, "member@example.org")
    theme = work.themes_for(version, "vcs")[0]
    member.submit(f"{base(charity)}/themes/1", answers_for(theme))
    response = member.submit(f"{base(charity)}/send", {}, form_path="/account")
    assert response.status_code == 302
    assert "Nothing sent yet" in member.get(base(charity)).get_data(as_text=True)
    assert db.session.scalar(select(SelfAssessment)).completed_at is None


def test_replayed_saves_keep_one_assessment_and_one_answer_each(app, charity, version):
    member = signed_in(app, "member@example.org")
    theme = work.themes_for(version, "vcs")[0]
    token = member.csrf_token(f"{base(charity)}/themes/1")
    for _ in range(3):
        response = member.post(
            f"{base(charity)}/themes/1", data={"csrf_token": token, **answers_for(theme)}
        )
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SelfAssessment)) == 1
    count = select(func.count()).select_from(SelfAssessmentAnswer)
    assert db.session.scalar(count) == len(theme.commitments)


def test_a_member_of_an_organisation_that_has_not_signed_has_nothing_to_do(app, version):
    org = factories.organisation(slug="not-signed")
    factories.user(Role.member, org, email="unsigned@example.org")
    member = signed_in(app, "unsigned@example.org")
    assert "has signed the Accord" in member.get_page("/self-assessment/").get_text()
    member.get_page(base(org), status=404)


def test_public_bodies_see_the_public_sectors_commitments(app, version):
    council = signatory(version, slug="a-council", sector="public")
    factories.user(Role.member, council, email="council@example.org")
    page = signed_in(app, "council@example.org").get_page(f"{base(council)}/themes/1")
    assert "Public sector and commissioners will" in page.get_text()
    assert "VCS groups and organisations will" not in page.get_text()


# --- who may see what -----------------------------------------------------------------------

VISITORS = [None, "member", "other-member", Role.frontline, Role.coordinator, Role.cvec, Role.admin]


def visitor_client(app, visitor, version):
    if visitor is None:
        return app.test_client()
    if visitor == "member":
        return signed_in(app, "member@example.org")
    email = f"{visitor}@example.org"
    if visitor == "other-member":
        factories.user(Role.member, signatory(version), email=email)
    else:
        factories.user(visitor, email=email)
    return signed_in(app, email)


@pytest.mark.parametrize("visitor", VISITORS, ids=lambda v: v or "anonymous")
def test_self_assessment_role_matrix(app, charity, version, visitor):
    assessment = fill_all(charity, version, answer=Answer.do_better, send=False)
    first = work.themes_for(version, "vcs")[0].commitments[0]
    row = work.answers_of(assessment)[first.key]
    row.action_what = ACTION
    db.session.commit()
    client = visitor_client(app, visitor, version)
    pages = [base(charity), f"{base(charity)}/themes/1"]
    posts = [f"{base(charity)}/themes/1", f"{base(charity)}/send"]
    if visitor is None:
        for path in [*pages, "/self-assessment/", "/self-assessment/results"]:
            assert client.get(path).location.startswith("/sign-in"), path
        for path in posts:
            assert client.post(path).status_code in (302, 400)
        return
    token = client.csrf_token("/account")
    if visitor == "member":
        for path in pages:
            assert ACTION in client.get_page(path).get_text()
        client.get_page("/self-assessment/")
    else:
        for path in pages:
            page = client.get_page(path, status=404)
            assert ACTION not in page.get_text() and "Wem Friends" not in page.get_text()
        for path in posts:
            assert client.post(path, data={"csrf_token": token}).status_code == 404
        index = client.get("/self-assessment/")
        if visitor in ("other-member", Role.admin):
            assert "Wem Friends" not in index.get_data(as_text=True)
        else:
            assert index.status_code == 403
    results = client.get("/self-assessment/results")
    if visitor in (Role.coordinator, Role.admin):
        text = client.get_page("/self-assessment/results").get_text()
        assert "Wem Friends" not in text and ACTION not in text
    else:
        assert results.status_code == 403
    db.session.expire_all()
    assert db.session.get(SelfAssessment, assessment.id).completed_at is None


def test_the_coordinator_sees_anonymous_counts_by_theme(app, charity, version):
    fill_all(charity, version, answer=Answer.do_better)
    fill_all(signatory(version, name="Ludlow Larder", sector="vcs"), version)
    fill_all(signatory(version, name="Oswestry Shed", sector="vcs"), version)
    fill_all(
        signatory(version, name="A Council", sector="public"), version, answer=Answer.not_relevant
    )
    factories.user(Role.coordinator, email="coordinator@example.org")
    coordinator = signed_in(app, "coordinator@example.org")
    assert "Self-assessment: county results" in coordinator.get_page("/admin/").get_text()
    page = coordinator.get_page("/self-assessment/results")
    text = page.get_text()
    assert "Wem Friends" not in text and "Ludlow Larder" not in text
    assert page.find(attrs={"data-figure": "sent"}).get_text() == "4"
    # Theme 1: four commitments everyone answers, one three charities answer (all shown), and
    # two only the council answers: not shown, and not in the theme's total.
    total = page.find("tr", attrs={"data-total": "1"})
    cells = [td.get_text(strip=True) for td in total.find_all("td")]
    assert cells == ["4", "10", "5"]
    hidden = page.find("table", attrs={"data-theme": "1"}).find_all(attrs={"data-hidden": True})
    assert len(hidden) == 2
    assert {td.get_text(strip=True) for td in hidden} == {"Not shown: fewer than 3 answers"}
    coordinator.get_page(f"/self-assessment/results?year={YEAR - 7}", status=404)
    assert coordinator.get("/self-assessment/results?year=abc").status_code == 200
    assert len(themes_of(version)) == 15
