"""Verified organisations: the registers' extracts (in their published layouts) loaded, and
a sign-up's number checked against them at sign-up, on the coordinator's decision page and
in the open data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from accord.extensions import db
from registry.signatories import registers
from registry.signatories.models import RegisterEntry, SignUp
from tests.registry.signatories.journey import (
    confirm_link,
    coordinator,
    fill_in,
    publish_accord,
    sign_up,
)

FILES = Path(__file__).resolve().parents[2] / "fixtures" / "registers"
CHARITIES = FILES / "publicextract.charity.txt"
COMPANIES = FILES / "BasicCompanyData-2026-12-01-part1_1.csv"


def loaded(app) -> None:
    runner = app.test_cli_runner()
    for register, path in (("charity-commission", CHARITIES), ("companies-house", COMPANIES)):
        result = runner.invoke(args=["registry", "import-register", register, str(path)])
        assert result.exit_code == 0, result.output


def test_the_extracts_load_in_their_layouts_and_again_change_nothing(app):
    loaded(app)
    assert "charity-commission: 3 entries loaded, extract of 2026-11-30" in (
        app.test_cli_runner()
        .invoke(args=["registry", "import-register", "charity-commission", str(CHARITIES)])
        .output
    )
    entries = {
        (e.register, e.number): (e.name, e.status, e.extract_date)
        for e in db.session.scalars(select(RegisterEntry))
    }
    assert len(entries) == 5  # a linked charity is not a charity of its own
    assert entries["charity-commission", "1123456"] == (
        "SEVERN VALLEY COMMUNITY LARDER",
        "active",
        date(2026, 11, 30),
    )
    assert entries["charity-commission", "1000001"][1] == "removed"
    assert entries["companies-house", "04567890"][1:] == ("active", date(2026, 12, 1))
    assert entries["companies-house", "09876543"][1] == "dissolved"


def test_a_file_in_another_layout_is_refused_with_a_reason(app, tmp_path):
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["registry", "import-register", "companies-house", str(wrong)]
    )
    assert result.exit_code != 0 and "not Companies House's basic company data" in result.output
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0


def test_numbers_are_checked_and_names_compared(app):
    assert registers.check("GB-CHC-1123456", "Severn Valley Community Larder") is None  # none
    loaded(app)
    found = registers.check("GB-CHC-1123456", "Severn Valley Community Larder")
    assert found is not None and found.verified and found.names_match
    renamed = registers.check("GB-CHC-1123456", "Severn Larder")
    assert renamed is not None and renamed.verified and not renamed.names_match
    assert registers.check("GB-CHC-1000001", "Old").state == "removed"
    assert registers.check("GB-CHC-1999999", "Nobody").state == "not_found"
    assert registers.check("GB-COH-09876543", "Wem Good Neighbours CIC").state == "dissolved"
    company = registers.check("GB-COH-04567890", "Telford Community Transport Ltd")
    assert company is not None and company.verified and company.names_match
    assert registers.check("GB-SC-SC012345", "A Scottish charity") is None  # not loaded here


def test_sign_up_and_the_coordinator_see_the_check_and_open_data_says_it(app, client, make):
    publish_accord()
    loaded(app)
    fill_in(client, name="Severn Valley Larder", charity_number="1123456")
    check = " ".join(client.get_page("/accord/sign/check").get_text().split())
    assert (
        "is on the Charity Commission's register (extract of 30 November 2026) under another name"
        in check
    )
    sign_up(client, name="Severn Valley Community Larder", charity_number="1123456")
    client.get(confirm_link())
    staff = app.test_client()
    coordinator(staff, make)
    signup = db.session.scalar(select(SignUp))
    page = " ".join(staff.get_page(f"/admin/registry/signups/{signup.id}").get_text().split())
    assert "Verified Number 1123456 is registered on the Charity Commission's register" in page
    staff.submit(f"/admin/registry/signups/{signup.id}", {"decision": "approve", "link_to": ""})
    row = client.get("/signatories.json").json["signatories"][0]
    assert row["identifier_verified"] == "yes"
    assert row["verified_against"] == "charity-commission 2026-11-30"
    csv_text = client.get("/signatories.csv").get_data(as_text=True)
    assert "identifier_verified,verified_against" in csv_text.splitlines()[0]


def test_a_hostile_name_in_an_extract_is_shown_as_text(app, client, make, tmp_path):
    hostile = tmp_path / "BasicCompanyData-2026-12-01.csv"
    hostile.write_text(
        "CompanyName, CompanyNumber,CompanyStatus\n"
        '"<script>window.__pwned=1</script>","04567890","Active"\n',
        encoding="utf-8",
    )
    registers.import_file("companies-house", hostile)
    publish_accord()
    fill_in(client, charity_number="", company_number="04567890")
    body = client.get("/accord/sign/check").get_data(as_text=True)
    assert "<script>window.__pwned" not in body and "&lt;script&gt;" in body
