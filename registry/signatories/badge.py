"""The badge partners put on their websites: "We have signed the Shropshire Accord", as an SVG
and a PNG at addresses that never change, and the snippet that embeds one with a link to the
signatory's profile.

The image follows the signature, not the day it was copied: while the organisation is a
signatory it names the version signed; once it withdraws (or if it never signed) the same
address gives a plain text link, "The Shropshire Accord", that claims nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select

from accord.extensions import db
from accord.models import Organisation
from registry.signatories.models import Signatory, SignatoryStatus

# The Accord's own colours on the badge: white on GOV.UK green passes WCAG AA for text this
# size (contrast 5.1:1); the plain link is the GOV.UK link blue on white (7.0:1).
GREEN, WHITE, LINK_BLUE = "#00703c", "#ffffff", "#1d70b8"
WIDTH, HEIGHT = 300, 90
PLAIN_HEIGHT = 32
# The typeface named in the SVG falls back to any sans-serif the reader has; the PNG is drawn
# with Pillow's own scalable font, so no font file need be installed on the server.
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Badge:
    signed: bool
    version: str  # the Accord version signed; "" when not (or no longer) a signatory
    organisation: str  # the organisation's name, for the page that offers the badge

    @property
    def lines(self) -> tuple[str, ...]:
        if not self.signed:
            return ("The Shropshire Accord",)
        return ("We have signed the", "Shropshire Accord", f"Version {self.version}")

    @property
    def alt(self) -> str:
        """The text a screen reader reads for the image (its alt text and SVG title)."""
        if not self.signed:
            return "The Shropshire Accord"
        return f"We have signed the Shropshire Accord (version {self.version})"


def for_organisation(slug: str) -> Badge | None:
    """The badge of the organisation with this slug; None when it has never signed."""
    found = db.session.execute(
        select(Signatory, Organisation.name)
        .join(Organisation, Organisation.id == Signatory.organisation_id)
        .where(Organisation.slug == slug)
    ).first()
    if found is None:
        return None
    signatory, name = found
    signed = signatory.status == SignatoryStatus.published
    return Badge(signed, signatory.accord_version.version if signed else "", name)


def svg(badge: Badge) -> str:
    """The badge as an SVG document, every word in it escaped."""
    title = escape(badge.alt)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="title" '
        f'width="{WIDTH}" height="{{height}}" viewBox="0 0 {WIDTH} {{height}}">'
        f'<title id="title">{title}</title>'
    )
    if not badge.signed:
        text = escape(badge.lines[0])
        return head.format(height=PLAIN_HEIGHT) + (
            f'<text x="4" y="22" font-family="{FONT}" font-size="19" fill="{LINK_BLUE}" '
            f'text-decoration="underline">{text}</text></svg>'
        )
    first, name, version = (escape(line) for line in badge.lines)
    return head.format(height=HEIGHT) + (
        f'<rect width="{WIDTH}" height="{HEIGHT}" rx="6" fill="{GREEN}"/>'
        f'<g font-family="{FONT}" fill="{WHITE}">'
        f'<text x="16" y="26" font-size="16">{first}</text>'
        f'<text x="16" y="52" font-size="22" font-weight="bold">{name}</text>'
        f'<text x="16" y="76" font-size="14">{version}</text>'
        "</g></svg>"
    )


@lru_cache(maxsize=64)
def _png(signed: bool, version: str) -> bytes:
    badge = Badge(signed, version, "")
    scale = 2  # drawn at twice the size, for screens that show two pixels to a point
    if not badge.signed:
        image = Image.new("RGB", (WIDTH * scale, PLAIN_HEIGHT * scale), WHITE)
        draw = ImageDraw.Draw(image)
        font = ImageFont.load_default(size=19 * scale)
        draw.text((4 * scale, 4 * scale), badge.lines[0], font=font, fill=LINK_BLUE)
        right = int(draw.textlength(badge.lines[0], font=font)) + 4 * scale
        draw.line([(4 * scale, 27 * scale), (right, 27 * scale)], fill=LINK_BLUE, width=scale)
    else:
        image = Image.new("RGB", (WIDTH * scale, HEIGHT * scale), WHITE)
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle(
            [(0, 0), (WIDTH * scale - 1, HEIGHT * scale - 1)], radius=6 * scale, fill=GREEN
        )
        for (top, size), line in zip(((10, 16), (32, 22), (62, 14)), badge.lines, strict=True):
            font = ImageFont.load_default(size=size * scale)
            draw.text((16 * scale, top * scale), line, font=font, fill=WHITE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png(badge: Badge) -> bytes:
    """The badge as a PNG (the same words as the SVG), drawn once a version."""
    return _png(badge.signed, badge.version)


def snippet_alt(badge: Badge) -> str:
    """The alt text pasted with the image. It stays on the partner's page whatever happens
    later, so it claims nothing the image may stop saying: it names the organisation and the
    Accord, and the image's own title says where it stands now."""
    return f"{badge.organisation} and the Shropshire Accord"


def snippet(link: str, image: str, badge: Badge) -> Markup:
    """The HTML a partner pastes into its website: the image, with its alt text, linking to
    the address that leads to the signatory's profile. Its width only: the height follows
    the image, which is lower once it is a plain link."""
    return Markup('<a href="{}"><img src="{}" alt="{}" width="{}"></a>').format(
        link, image, snippet_alt(badge), WIDTH
    )
