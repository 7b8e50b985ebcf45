"""accord/static/vendor (built by `make assets` from the npm lockfile) holds exactly what the
pages load: every path a page, app.js, a map or a vendored stylesheet asks for is there, and
nothing else is copied."""

import posixpath
import re
from pathlib import Path

from accord import maps
from accord.geo import Point

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "accord" / "static"
VENDOR = STATIC / "vendor"
# A vendor path written in a template (url_for's filename), in Python (a literal /static/…
# address) or imported by app.js.
WRITTEN = re.compile(r"""(?:filename=['"]|/static/|\./)(vendor/[\w./-]+)""")
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")


def _written() -> set[str]:
    sources = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "accord").rglob("*.py")]
    sources.append(STATIC / "app.js")
    return {path for source in sources for path in WRITTEN.findall(source.read_text())}


def _mapped() -> set[str]:
    """What a map document loads: folium's asset lists, pointed at our copies."""
    here = Point(52.7, -2.75)
    pins = [maps.Pin(here, "Hall")]
    document = maps.render_layers(
        [maps.Layer("Halls", pins=pins, cluster=True), maps.Layer("Hubs", pins=pins)], "", "n", ""
    )
    found = re.findall(r'(?:src|href)="/static/(vendor/[^"]+)"', document)
    assert found, "a map loads nothing from the vendor folder"
    return set(found)


def _named_by_stylesheets(paths: set[str]) -> set[str]:
    """The files the stylesheets among `paths` name in url(…), relative to each sheet."""
    named = set()
    for path in sorted(p for p in paths if p.endswith(".css")):
        for url in CSS_URL.findall((STATIC / path).read_text()):
            if url.startswith(("data:", "#")):
                continue
            assert not url.startswith("/"), f"{path} asks for {url} outside the vendor folder"
            named.add(posixpath.normpath(posixpath.join(posixpath.dirname(path), url)))
    return named


def asked_for() -> set[str]:
    paths = _written() | _mapped()
    return paths | _named_by_stylesheets(paths)


def test_every_vendor_file_a_page_asks_for_is_there():
    missing = sorted(path for path in asked_for() if not (STATIC / path).is_file())
    assert missing == [], "run `make assets`, or copy these in its target"


def test_nothing_is_copied_that_no_page_loads():
    copied = {str(path.relative_to(STATIC)) for path in VENDOR.rglob("*") if path.is_file()}
    assert copied, "no vendor folder: run `make assets`"
    assert sorted(copied - asked_for()) == []
