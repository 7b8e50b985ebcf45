"""Settings come from the environment under the names DESIGN.md fixes."""

import os
import subprocess
import sys

import pytest

from accord import create_app, links, settings
from accord.settings import SettingsError


def test_secret_key_is_required_outside_development_and_tests():
    with pytest.raises(SettingsError, match="SECRET_KEY is not set"):
        settings.load({"APP_ENV": "production"})
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        settings.load({})  # no APP_ENV means production


def test_start_up_refuses_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(SettingsError, match="Set the SECRET_KEY environment variable"):
        create_app()


def test_production_needs_the_public_address_for_links():
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL is not set"):
        settings.load({"APP_ENV": "production", "SECRET_KEY": "s" * 32})


def test_emailed_links_ignore_a_forged_host_header(make_app):
    app = make_app(PUBLIC_BASE_URL="https://accord.example.org")
    with app.test_request_context("/", headers={"Host": "evil.example.com"}):
        assert links.base_url() == "https://accord.example.org"
        assert links.absolute_url("core.index") == "https://accord.example.org/"


def test_development_runs_without_a_secret_key():
    config = settings.load({"APP_ENV": "development"})
    assert config["SECRET_KEY"]
    assert config["SESSION_COOKIE_SECURE"] is False


def test_environment_names_are_honoured():
    config = settings.load(
        {
            "SECRET_KEY": "s" * 32,
            "PUBLIC_BASE_URL": "https://accord.example.org",
            "DATABASE_URL": "postgres://u@db/accord",
            "RATELIMIT_STORAGE_URI": "redis://cache:6379/0",
            "MAIL_SERVER": "smtp.example.org",
            "TILE_URL": "https://tiles.example.org/{z}/{x}/{y}.png",
            "FLOOD_API_URL": "http://floods.test",
            "POSTCODES_API_URL": "http://postcodes.test",
            "GEOCODER_TIMEOUT_S": "1.5",
            "REFERRAL_RETENTION_DAYS": "90",
        }
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/accord"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert config["MAIL_SERVER"] == "smtp.example.org"
    assert config["TILE_URL"].startswith("https://tiles.example.org")
    assert config["FLOOD_API_URL"] == "http://floods.test"
    assert config["POSTCODES_API_URL"] == "http://postcodes.test"
    assert config["GEOCODER_TIMEOUT_S"] == 1.5
    assert config["REFERRAL_RETENTION_DAYS"] == 90
    assert config["SESSION_COOKIE_SECURE"] is True


def test_defaults():
    config = settings.load({"APP_ENV": "development"})
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/accord.db")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["FLOOD_API_URL"] == "https://environment.data.gov.uk/flood-monitoring"
    assert config["POSTCODES_API_URL"] == "https://api.postcodes.io"


def test_a_bad_number_is_a_clear_error():
    with pytest.raises(SettingsError, match="GEOCODER_TIMEOUT_S must be a number"):
        settings.load({"APP_ENV": "development", "GEOCODER_TIMEOUT_S": "soon"})


def test_a_checkout_is_development_only_on_its_own_database():
    """.flaskenv names development for the checkout's SQLite file; a real DATABASE_URL without
    APP_ENV (a cron line in a deployment) is refused rather than read with development keys."""
    checkout = {"CHECKOUT_APP_ENV": "development"}
    assert settings.load(checkout)["APP_ENV"] == "development"
    default_file = {**checkout, "DATABASE_URL": settings.database_url(None)}
    assert settings.load(default_file)["APP_ENV"] == "development"
    with pytest.raises(SettingsError, match="DATABASE_URL is set but APP_ENV is not"):
        settings.load({**checkout, "DATABASE_URL": "postgresql://accord@db.internal/accord"})
    # Saying so is enough: a developer's own PostgreSQL, or a deployment's settings.
    chosen = {**checkout, "APP_ENV": "development", "DATABASE_URL": "postgresql://u@localhost/d"}
    assert settings.load(chosen)["APP_ENV"] == "development"


def _flask(*args: str, **env: str) -> subprocess.CompletedProcess:
    """The flask CLI as an operator runs it in a checkout (which has the .flaskenv)."""
    clean = {k: v for k, v in os.environ.items() if k not in ("APP_ENV", "DATABASE_URL")}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=settings.ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_cron_line_without_app_env_refuses_a_live_database():
    refused = _flask(
        "referrals", "subject-access", "Pat Example", DATABASE_URL="postgresql://x@127.0.0.1:9/live"
    )
    assert refused.returncode != 0
    assert "Set APP_ENV=production" in refused.stderr
    assert "referrals found" not in refused.stderr + refused.stdout
    # `make run` (no DATABASE_URL): the checkout still starts as development.
    checkout = _flask("routes")
    assert checkout.returncode == 0, checkout.stderr
