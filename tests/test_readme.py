"""The README's tables stay true: the demo users (which organisation each belongs to) and the
rate limits (one row per tier of accord/limits.py, with its limit)."""

import re
from pathlib import Path

from accord import limits
from accord.demo_data import DEMO_PASSWORD, USERS
from registry.notices.demo_data import COUNCIL_MEMBER

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def rows(text: str) -> dict[str, list[str]]:
    """Table rows by their first cell (without backticks): the cells."""
    found = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip("|").split(" | ")]
            found[cells[0].strip("`")] = cells
    return found


def test_the_readme_says_which_organisation_each_demo_user_belongs_to():
    table = rows(section("Demo users"))
    users = [(f"{local}@demo.example.org", role.value, org) for local, role, org in USERS]
    users.append((COUNCIL_MEMBER, "member", "Shropshire Council"))
    for email, role, org in users:
        cells = table[email]
        assert cells[1] == f"`{DEMO_PASSWORD}`" and cells[2] == role, cells
        assert cells[3].startswith(org or "none"), cells


def spoken(limit: str) -> str:
    """ "10 per minute; 50 per day" as the README says it: "10 a minute, 50 a day"."""
    limit = re.sub(r"\d{4,}", lambda m: f"{int(m.group()):,}", limit)
    return limit.replace(" per hour", " an hour").replace(" per ", " a ").replace(";", ",")


def test_the_readme_lists_every_rate_limit_tier_with_its_limit():
    tiers = {name: value for name, value in vars(limits).items() if name.isupper()}
    table = rows(section("Rate limits"))
    table.pop("tier")
    assert set(table) == set(tiers)
    for name, value in tiers.items():
        assert table[name][2] == spoken(value), name
