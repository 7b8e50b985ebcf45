"""Settings come from the environment under the names DESIGN.md fixes."""

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
