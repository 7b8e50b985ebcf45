"""Charity and company numbers become org-id identifiers; wrong forms are refused."""

import pytest

from registry.signatories.identifiers import IdentifierError, numbers_from, org_id


@pytest.mark.parametrize(
    ("charity", "company", "expected"),
    [
        ("1123456", "", "GB-CHC-1123456"),
        (" 222 124 ", "", "GB-CHC-222124"),
        ("sc012345", "", "GB-SC-SC012345"),
        ("NIC100002", "", "GB-NIC-100002"),
        ("", "01234567", "GB-COH-01234567"),
        ("", "1234567", "GB-COH-01234567"),
        ("", "sc123456", "GB-COH-SC123456"),
        ("1123456", "01234567", "GB-CHC-1123456"),
        ("", "", None),
    ],
)
def test_org_ids(charity, company, expected):
    assert org_id(charity, company) == expected


@pytest.mark.parametrize("charity", ["12345", "12345678", "SC12345", "charity", "=1+1"])
def test_bad_charity_numbers(charity):
    with pytest.raises(IdentifierError, match="charity number"):
        org_id(charity, "")


@pytest.mark.parametrize("company", ["123", "ABC12345", "0123456789"])
def test_bad_company_numbers(company):
    with pytest.raises(IdentifierError, match="company number"):
        org_id("", company)


def test_numbers_back_from_org_ids():
    assert numbers_from("GB-CHC-1123456") == ("1123456", "")
    assert numbers_from("GB-SC-SC012345") == ("SC012345", "")
    assert numbers_from("GB-NIC-100002") == ("NIC100002", "")
    assert numbers_from("GB-COH-01234567") == ("", "01234567")
    assert numbers_from(None) == ("", "")
