"""Parse an Accord Markdown file (front matter + `## ` sections) and render it safely."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

import markdown
import nh3

from accord.text import slugify

THEME_HEADING = re.compile(r"^(\d{1,2})\.\s+(.+)$")
REQUIRED_META = ("title", "version")


class ContentError(ValueError):
    """The file is not in the Accord format; the message says where."""


@dataclass
class Section:
    kind: str
    title: str
    body_md: str
    number: int | None = None

    @property
    def slug(self) -> str:
        return f"theme-{self.number}" if self.number else slugify(self.title)

    @property
    def body_html(self) -> str:
        return render(self.body_md)


@dataclass
class AccordText:
    meta: dict[str, str]
    sections: list[Section] = field(default_factory=list)

    @property
    def themes(self) -> list[Section]:
        return [s for s in self.sections if s.kind == "theme"]


# What Markdown makes of the Accord's text; anything else (and any javascript: link) is dropped.
TAGS = {"h2", "h3", "h4", "p", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br", "hr"}


def render(body_md: str) -> str:
    """Markdown → HTML with any raw HTML in the source shown as text, never interpreted, and
    the result sanitised: the template shows it unescaped."""
    escaped = html.escape(body_md, quote=False)
    rendered = nh3.clean(
        markdown.markdown(escaped, extensions=["sane_lists"]),
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )
    # GOV.UK typography classes on the elements Markdown makes.
    for tag, cls in (
        ("<h3>", '<h3 class="govuk-heading-s">'),
        ("<h4>", '<h4 class="govuk-heading-s">'),
        ("<p>", '<p class="govuk-body">'),
        ("<ul>", '<ul class="govuk-list govuk-list--bullet">'),
        ("<ol>", '<ol class="govuk-list govuk-list--number">'),
    ):
        rendered = rendered.replace(tag, cls)
    return rendered


def _front_matter(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0].strip() != "---":
        raise ContentError("the file must start with a '---' front matter block")
    try:
        end = next(i for i, line in enumerate(lines[1:], start=1) if line.strip() == "---")
    except StopIteration as exc:
        raise ContentError("the front matter block is not closed with '---'") from exc
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:end], start=2):
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise ContentError(f"line {number}: expected 'key: value' in the front matter")
        meta[key.strip()] = value.strip()
    missing = [k for k in REQUIRED_META if not meta.get(k)]
    if missing:
        raise ContentError(f"front matter is missing: {', '.join(missing)}")
    return meta, lines[end + 1 :]


def _kind(title: str) -> tuple[str, int | None]:
    if match := THEME_HEADING.match(title):
        return "theme", int(match.group(1))
    lowered = title.lower()
    if lowered.startswith("glossary"):
        return "glossary", None
    if "in action" in lowered:
        return "in_action", None
    return "intro", None


def parse(text: str) -> AccordText:
    meta, body = _front_matter(text.splitlines())
    accord = AccordText(meta)
    current: tuple[str, list[str]] | None = None
    for line in body:
        if line.startswith("## "):
            if current:
                accord.sections.append(_section(*current))
            current = (line[3:].strip(), [])
        elif current is not None:
            current[1].append(line)
        elif line.strip():
            raise ContentError("text found before the first '## ' section heading")
    if current:
        accord.sections.append(_section(*current))
    if not accord.themes:
        raise ContentError("no themes found (headings like '## 1. Independence')")
    numbers = [s.number for s in accord.themes]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ContentError(f"themes must be numbered 1, 2, 3 … in order; found {numbers}")
    return accord


def _section(heading: str, lines: list[str]) -> Section:
    kind, number = _kind(heading)
    match = THEME_HEADING.match(heading)
    title = match.group(2) if number and match else heading
    return Section(kind=kind, title=title.strip(), body_md="\n".join(lines).strip(), number=number)
