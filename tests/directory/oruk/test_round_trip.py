"""Round trip: our ORUK feed (one published service in three), served over HTTP, imported into
an empty database with `flask directory import-oruk URL --details`, and exported again, is the
same feed."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text, update

from accord.extensions import db
from accord.models import Review
from directory.models import Service
from tests.conftest import MIGRATIONS
from tests.directory.oruk.test_import import NORTH_LINCS
from tests.fakes.server import LocalServer


class AppServer(LocalServer):
    """One of our apps on a real loopback port, as another site would reach it."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def _wsgi(self, environ, start_response):
        return self.app.wsgi_app(environ, start_response)


def pages(client, path: str) -> list[dict]:
    """Every item of a list endpoint, page by page."""
    found, page = [], 1
    while True:
        body = client.get(f"{path}?page={page}&per_page=100").get_json()
        found += body["contents"]
        if body["last_page"]:
            return found
        page += 1


def differences(one, other, path: str = "") -> list[str]:
    """Where two documents differ, as paths: a failure says what did not survive."""
    if isinstance(one, dict) and isinstance(other, dict):
        return [
            found
            for key in sorted(set(one) | set(other))
            for found in differences(one.get(key), other.get(key), f"{path}.{key}")
        ]
    if isinstance(one, list) and isinstance(other, list) and len(one) == len(other):
        return [
            f
            for i, pair in enumerate(zip(one, other, strict=True))
            for f in differences(*pair, f"{path}[{i}]")
        ]
    return [] if one == other else [f"{path}: {one!r} != {other!r}"]


def feed(app) -> dict:
    """Everything the API publishes: each service in full, services at locations, and the
    taxonomies with their terms."""
    client = app.test_client()
    services = [client.get(f"/api/oruk/services/{s['id']}").get_json()
                for s in pages(client, "/api/oruk/services")]  # fmt: skip
    return {
        "services": sorted(services, key=lambda s: s["id"]),
        "service_at_locations": sorted(
            pages(client, "/api/oruk/service_at_locations"), key=lambda s: s["id"]
        ),
        "taxonomies": sorted(
            (
                client.get(f"/api/oruk/taxonomies/{t['id']}").get_json()
                for t in pages(client, "/api/oruk/taxonomies")
            ),
            key=lambda t: t["id"],
        ),  # fmt: skip
    }


@pytest.fixture
def empty_app(make_app, database_url, tmp_path):
    """A second site: its own empty, migrated database (a scratch schema on PostgreSQL)."""
    engine = None
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS round_trip CASCADE"))
            conn.execute(text("CREATE SCHEMA round_trip"))
        url = f"{database_url}?options=-csearch_path%3Dround_trip"
    else:
        url = f"sqlite:///{tmp_path / 'other.db'}"
    other = make_app(url)
    with other.app_context():
        upgrade(directory=MIGRATIONS)
        db.session.remove()
    yield other
    if engine is not None:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA round_trip CASCADE"))
        engine.dispose()


def one_in_three() -> None:
    """Publish one service in three (spread over the whole feed): every kind of record still
    travels, at a third of the suite's time. Unpublished services are not in the feed."""
    db.session.execute(update(Service).where(Service.id % 3 != 0).values(review=Review.pending))


def round_trip(app, empty_app) -> tuple[dict, dict, str]:
    one_in_three()
    db.session.commit()
    exported = feed(app)
    with AppServer(app) as site, empty_app.app_context():
        result = empty_app.test_cli_runner().invoke(
            args=["directory", "import-oruk", f"{site.url}/api/oruk/", "--details"]
        )
        assert result.exit_code == 0, result.output
        again = feed(empty_app)
        db.session.remove()
    return exported, again, result.output


def test_the_demo_directory_survives_a_round_trip(app, demo, empty_app):
    exported, again, output = round_trip(app, empty_app)
    assert len(exported["services"]) >= 10, output
    assert f"created {len(exported['services'])}," in output
    assert differences(exported, again) == []


def test_an_imported_council_feed_survives_a_round_trip(app, empty_app):
    result = app.test_cli_runner().invoke(args=["directory", "import-oruk", str(NORTH_LINCS)])
    assert result.exit_code == 0, result.output
    exported, again, _ = round_trip(app, empty_app)
    assert len(exported["services"]) > 700 // 3
    assert differences(exported, again) == []
