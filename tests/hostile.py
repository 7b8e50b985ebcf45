"""Hostile strings for the security sweep (issue 9), and the checks on what the app sends back.

Every script payload sets ``window.__pwned`` (or opens a dialog) if it ever runs, so a browser
test can tell; template payloads carry a sentinel that shows whether they were evaluated.
"""

from __future__ import annotations

import csv
import io
import re

from bs4 import BeautifulSoup

MARKER = "__pwned"

# Markup that runs script when a page puts it in the document unescaped.
SCRIPTS = [
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "'><svg onload=window.__pwned=1>",
    "</textarea><script>window.__pwned=1;alert(1)</script>",
    '<a href="javascript:window.__pwned=1">x</a>',
    "`${window.__pwned=1}`",
]
# A URL a careless page would put in an href.
JAVASCRIPT_URL = "javascript:window.__pwned=1"
# Template syntax: evaluated it would show "tpl49tpl" or the app's configuration.
TEMPLATES = ["tpl{{7*7}}tpl", "{{ config }}", "{% raw %}{{ config.SECRET_KEY }}{% endraw %}"]
SQL = ["'; DROP TABLE organisation; --", "1' OR '1'='1"]
# Cells a spreadsheet would run as formulas.
FORMULAS = [
    '=HYPERLINK("http://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
]
RTL = "\u202eevil\u202c"
NUL = "a\x00b"
HUGE = "A" * 1_000_000

# Strings a form may reasonably store (everything but NUL and the 1 MB one).
STORABLE = [*SCRIPTS, *TEMPLATES, *SQL, *FORMULAS, RTL]
# Every string, for "never a 500".
EVERY = [*STORABLE, JAVASCRIPT_URL, NUL, HUGE]

# The markup of SCRIPTS as it would be were it not escaped.
LIVE = [
    "<script>window.__pwned",
    'onerror="window.__pwned',
    "<svg onload=window",
    '<a href="javascript:',
]
SECRET = "test-secret-key"  # tests/conftest.py's SECRET_KEY
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EVENT_ATTRIBUTE = re.compile(r"^on[a-z]+$")


def unsafe_html(html: str) -> list[str]:
    """What in a page would run an injected payload: a script element, an event-handler
    attribute or a javascript: URL carrying the marker, an evaluated template, the secret."""
    found = []
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        # Data in a script (map layers, popups) is safe only while its markup stays escaped:
        # decoded, "\u003csvg onload=…" is as live in a popup's innerHTML as "<svg onload=…".
        code = script.get_text()
        if code.strip().startswith("window." + MARKER):
            found.append(f"injected script element: {code[:60]!r}")
        for escaped, char in (("\\u003c", "<"), ("\\u003e", ">"), ('\\"', '"'), ("\\/", "/")):
            code = code.replace(escaped, char)
        for live in LIVE:
            if live in code:
                found.append(f"live markup in a script: {live!r}")
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if EVENT_ATTRIBUTE.match(name) and MARKER in text:
                found.append(f"{element.name} {name}={text[:60]!r}")
            if name in ("href", "src", "action", "formaction") and (
                text.strip().lower().startswith("javascript:")
            ):
                found.append(f"{element.name} {name}={text[:60]!r}")
        if element.name in ("svg", "img") and MARKER in str(element.attrs):
            found.append(f"injected <{element.name}>")
    for sign in ("tpl49tpl", SECRET, "&lt;Config {"):
        if sign in html:
            found.append(f"template evaluated: {sign!r}")
    return found


def formula_cells(text: str) -> list[str]:
    """CSV cells a spreadsheet would run: those that start with = + - @ tab or CR and are not
    plain numbers or dates the app wrote itself."""
    bad = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA_START) and not re.fullmatch(r"-?[\d.:T +-]+", cell):
                bad.append(cell)
    return bad
