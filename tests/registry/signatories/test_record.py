"""Each signatory's Accord record on its public profile: what it logged with the verdicts,
its self-assessment, its listings' currency, its reply time, concerns named and open
letters, over the last 12 months; nothing personal."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from accord.clock import today_uk, utcnow
from accord.extensions import db
from directory.freshness import months_before
from registry.concerns.models import Concern, OpenLetter, Permission, Stage
from registry.notices.models import Consultation, FundingNotice
from registry.notices.review import signatories_section
from registry.self_assessment.models import SelfAssessment
from registry.signatories import record
from tests.directory.data import service
from tests.directory.referrals.test_figures import answered
from tests.registry.signatories.test_signatory_pages import make_signatory


def _concern(raiser, concerned, *, named: bool) -> None:
    db.session.add(
        Concern(
            reference=f"C-{raiser.id}-{int(named)}",
            raiser_organisation=raiser,
            concerned_organisation=concerned,
            what_happened="x",
            tried="x",
            good_outcome="x",
            stage=Stage.closed,
            outcome_recorded_at=utcnow() - timedelta(days=30),
            names_agreed=named,
            permission=Permission.named,
        )
    )


def test_a_signatory_s_record_shows_what_it_did_in_the_last_year(client, make):
    council = make_signatory(make, name="Shropshire Council", slug="council", sector="public")
    org = council.organisation
    today = today_uk()
    db.session.add_all(
        [
            Consultation(
                organisation=org,
                title="Libraries",
                start_date=today - timedelta(days=120),
                end_date=today - timedelta(days=10),
            ),
            Consultation(
                organisation=org,
                title="Two years ago",
                start_date=date(2020, 1, 1),
                end_date=date(2020, 2, 1),
            ),
            FundingNotice(
                organisation=org,
                change="Lunch club grant ends",
                notice_date=today - timedelta(days=20),
                change_date=today + timedelta(days=60),
            ),
            SelfAssessment(
                organisation=org,
                year=today.year,
                accord_version=council.accord_version,
                completed_at=utcnow(),
            ),
            OpenLetter(organisation=org, published_on=today, url="https://example.org/l"),
        ]
    )
    other = make.organisation(name="Wem Larder", slug="wem")
    _concern(org, other, named=True)
    _concern(org, other, named=False)
    current = service("Council Advice", "food", assured_at=today)
    stale = service("Old Advice", "food", assured_at=months_before(today, 16))
    for listing in (current, stale):
        listing.organisation = org
    db.session.flush()
    for n in range(5):
        answered(current, utcnow() - timedelta(days=40 + n), timedelta(days=1))
    db.session.commit()

    found = record.of(org)
    assert [c.what for c in found.consultations] == ["Libraries"]
    assert found.consultations[0].verdict == "Allowed 12 weeks"
    assert found.notices[0].verdict == "Less than 3 months' notice"
    assert found.self_assessment_sent and found.open_letters == 1
    assert (found.listings, found.listings_current) == (2, 1)
    assert found.reply_days is not None and found.concerns_named == 1

    page = client.get_page("/signatories/council")
    text = " ".join(page.get_text().split())
    assert "Its Accord record, the last 12 months" in text
    assert "Libraries: closed" in text and "Allowed 12 weeks" in text
    assert "Lunch club grant ends" in text and "Less than 3 months' notice" in text
    assert "1 of 2 checked within 15 months" in text and "Usually within" in text
    assert "Two years ago" not in text
    for private in ("pat.signer@example.org", "Pat Signer", "lee.lead@example.org"):
        assert private not in text
    rows = dict(signatories_section(today.year).rows)
    assert rows["Signatories with directory listings (now)"] == 1
    assert rows["Of those, every listing checked within 15 months (now)"] == 0


def test_a_new_signatory_s_record_says_nothing_is_recorded_yet(client, make):
    make_signatory(make, name="New Group", slug="new")
    text = client.get_page("/signatories/new").get_text()
    assert "Nothing recorded here yet" in text


def test_fewer_than_five_answered_referrals_give_no_reply_time(app, make):
    signed = make_signatory(make, name="Small Group", slug="small")
    listing = service("Small Help", "food", assured_at=today_uk())
    listing.organisation = signed.organisation
    db.session.flush()
    for n in range(4):
        answered(listing, datetime.now() - timedelta(days=10 + n), timedelta(days=2))
    db.session.commit()
    assert record.of(signed.organisation).reply_days is None
