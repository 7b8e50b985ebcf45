"""A page-checking test client: every GET test goes through check_page.

Checks what every page must hold: the status, exactly one <h1>, a <title> that starts with
the h1, no duplicate ids, a label for every form field, a legend for every fieldset,
well-formed HTML, and no script, stylesheet, font or icon from another host.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import html5lib
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

ASSET_RELS = {"stylesheet", "icon", "preload", "mask-icon", "apple-touch-icon", "manifest"}
FIELD_TYPES_WITHOUT_LABEL = {"hidden", "submit", "button", "image", "reset"}


class PageError(AssertionError):
    pass


def _external(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return bool(parts.netloc) or url.startswith("//")


def check_html(html: str) -> BeautifulSoup:
    # html5lib in strict mode raises on any parse error (unclosed or misnested tags …).
    try:
        html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)
    except html5lib.html5parser.ParseError as exc:
        raise PageError(f"invalid HTML: {exc}") from exc
    soup = BeautifulSoup(html, "html.parser")

    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        raise PageError(f"expected exactly one <h1>, found {len(h1s)}")
    h1 = " ".join(h1s[0].get_text().split())
    title = " ".join((soup.title.get_text() if soup.title else "").split())
    title = title.removeprefix("Error: ")
    if not title.startswith(h1):
        raise PageError(f"<title> {title!r} does not start with the <h1> {h1!r}")

    seen: set[str] = set()
    for element in soup.find_all(id=True):
        if element["id"] in seen:
            raise PageError(f"duplicate id {element['id']!r}")
        seen.add(element["id"])

    for field in soup.find_all(["input", "select", "textarea"]):
        if field.name == "input" and field.get("type", "text") in FIELD_TYPES_WITHOUT_LABEL:
            continue
        field_id = field.get("id")
        labelled = (
            (field_id and soup.find("label", attrs={"for": field_id}))
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or field.find_parent("label")
        )
        if not labelled:
            raise PageError(f"form field {field.get('name')!r} has no label")

    for fieldset in soup.find_all("fieldset"):
        legend = fieldset.find("legend")
        if legend is None or not legend.get_text(strip=True):
            raise PageError("a group of fields (fieldset) has no legend")

    for script in soup.find_all("script"):
        if _external(script.get("src")):
            raise PageError(f"script from another host: {script['src']}")
    for link in soup.find_all("link"):
        rel = " ".join(link.get("rel", []))
        if rel in ASSET_RELS and _external(link.get("href")):
            raise PageError(f"{rel} from another host: {link['href']}")
    for style in soup.find_all("style"):
        if "@import" in style.get_text() or "//" in style.get_text().replace("/*", ""):
            raise PageError("inline style loads something from elsewhere")
    return soup


class PageClient(FlaskClient):
    def open(self, *args, **kwargs):
        # Each request gets its own app context (its own `g` and database session), as in
        # production, even though the test itself runs inside one.
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def get_page(self, path: str, status: int = 200, **kwargs) -> BeautifulSoup:
        response = self.get(path, **kwargs)
        if response.status_code != status:
            raise PageError(f"GET {path}: expected {status}, got {response.status_code}")
        assert response.mimetype == "text/html", response.mimetype
        return check_html(response.get_data(as_text=True))

    def csrf_token(self, path: str) -> str:
        """The CSRF token from the first form on a page (as a browser would send it)."""
        soup = BeautifulSoup(self.get(path).get_data(as_text=True), "html.parser")
        field = soup.find("input", attrs={"name": "csrf_token"})
        if field is None:
            raise PageError(f"no CSRF token on {path}")
        return field["value"]

    def submit(self, path: str, data: dict, *, form_path: str | None = None, **kwargs):
        """POST a form with the CSRF token a browser would have (from form_path or path)."""
        token = self.csrf_token(form_path or path)
        return self.post(path, data={"csrf_token": token, **data}, **kwargs)

    def sign_in(self, email: str, password: str):
        return self.submit("/sign-in", {"email": email, "password": password})
