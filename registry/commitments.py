"""The Accord's commitments: the bullets under each theme's "We will all", "Public sector and
commissioners will" and "VCS groups and organisations will" headings, as plain values.

Each commitment has a key (theme, group, place in the group: `10-public-3`) that is stable
within one published version; across versions the text is what tells two commitments apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# The headings that start a group of commitments, and the group each one starts.
GROUP_HEADINGS = {
    "we will all": "all",
    "public sector and commissioners will": "public",
    "vcs groups and organisations will": "vcs",
}
GROUP_LABELS = {
    "all": "We will all",
    "public": "Public sector and commissioners will",
    "vcs": "VCS groups and organisations will",
}
# Which groups an organisation answers for, by its sector. Town and parish councils are
# public bodies; a private business answers the shared commitments only.
SECTOR_GROUPS = {
    "vcs": ("all", "vcs"),
    "public": ("all", "public"),
    "parish": ("all", "public"),
    "private": ("all",),
}
BULLET = re.compile(r"^[-*+]\s+(.*)$")


@dataclass(frozen=True)
class Commitment:
    theme: int
    group: str
    position: int
    text: str

    @property
    def key(self) -> str:
        return f"{self.theme}-{self.group}-{self.position}"


@dataclass
class ThemeCommitments:
    number: int
    title: str
    commitments: list[Commitment] = field(default_factory=list)

    def for_groups(self, groups: tuple[str, ...]) -> list[Commitment]:
        return [c for c in self.commitments if c.group in groups]


def parse_commitments(theme: int, body_md: str) -> list[Commitment]:
    """The bullets under the three commitment headings of one theme, in order. Lines indented
    under a bullet continue it; bullets under any other heading are not commitments."""
    found: list[Commitment] = []
    group: str | None = None
    counts: dict[str, int] = {}
    current: list[str] | None = None

    def close() -> None:
        nonlocal current
        if current is not None and group is not None:
            text = " ".join(" ".join(current).split())
            if text:
                counts[group] = counts.get(group, 0) + 1
                found.append(Commitment(theme, group, counts[group], text))
        current = None

    for line in body_md.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            close()
            group = GROUP_HEADINGS.get(stripped.lstrip("#").strip().rstrip(":").lower())
        elif group is None:
            continue
        elif not line[:1].isspace() and (match := BULLET.match(stripped)):
            close()
            current = [match.group(1)]
        elif stripped and current is not None and line[:1].isspace():
            current.append(stripped)  # a bullet continued on an indented line
        else:
            close()
    close()
    return found


def for_sector(sector: str) -> tuple[str, ...]:
    return SECTOR_GROUPS.get(sector, ("all",))


def themes_of(version) -> list[ThemeCommitments]:
    """Every theme of a published AccordVersion with its commitments."""
    return [
        ThemeCommitments(s.number, s.title, parse_commitments(s.number, s.body_md))
        for s in version.themes
        if s.number is not None
    ]
