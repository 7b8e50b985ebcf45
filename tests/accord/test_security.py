"""CSRF, headers, cookies, body size and rate limits (memory and Redis)."""

import os
import uuid

import pytest
import redis

from tests.factories import PASSWORD

# A database of its own on the local Redis, one per pytest-xdist worker (15, 14 …).
REDIS_URL = f"redis://127.0.0.1:6379/{15 - int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:])}"


def test_a_post_without_csrf_token_is_a_clear_error(client, make):
    make.user(email="worker@example.org")
    response = client.post("/sign-in", data={"email": "worker@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "Your form has expired" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not signed in


def test_every_form_carries_a_csrf_token(client, make):
    make.user(role="admin", email="admin@example.org")
    client.sign_in("admin@example.org", PASSWORD)
    for path in ["/account", "/admin/users"]:
        page = client.get_page(path)
        for form in page.find_all("form", method="post"):
            assert form.find("input", attrs={"name": "csrf_token"}), (path, form)


def test_content_security_policy_names_no_other_host(client):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "http" not in policy
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_tile_host_is_the_only_other_image_source(make_app):
    app = make_app(TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    response = app.test_client().get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://*.tiles.example.org" in policy


def test_session_cookie_flags(client, make):
    make.user(email="worker@example.org")
    cookie = client.sign_in("worker@example.org", PASSWORD).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(make_app):
    app = make_app(
        TESTING=False,
        APP_ENV="production",
        PUBLIC_BASE_URL="https://accord.example.org",
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/")
    assert "Strict-Transport-Security" in response.headers


def test_an_oversized_body_is_refused_with_a_govuk_page(client):
    response = client.post("/sign-in", data={"email": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "What you sent is too large" in response.get_data(as_text=True)


def test_rate_limit_page(client):
    for _ in range(10):
        client.sign_in("x@example.org", "wrong")
    response = client.sign_in("x@example.org", "wrong")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


@pytest.fixture
def redis_db():
    connection = redis.Redis.from_url(REDIS_URL)
    connection.ping()  # the suite needs the local Redis, as production does
    yield connection
    connection.flushdb()


def test_rate_limits_are_kept_in_redis_when_configured(make_app, redis_db):
    redis_db.flushdb()
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_URL)
    client = app.test_client()
    address = f"10.0.{uuid.uuid4().int % 250}.1"
    client.environ_base["REMOTE_ADDR"] = address
    statuses = [client.sign_in("x@example.org", "wrong").status_code for _ in range(11)]
    # Five wrong answers, then "check your email" (accord/signin.py), then the limit for one
    # address from one visitor address.
    assert statuses == [200] * 5 + [302] * 5 + [429]
    keys = [key.decode() for key in redis_db.keys("*")]
    assert any(address in key for key in keys), keys
    # A second app instance (another gunicorn worker) sees the same count.
    other = make_app(RATELIMIT_STORAGE_URI=REDIS_URL).test_client()
    other.environ_base["REMOTE_ADDR"] = address
    assert other.sign_in("x@example.org", "wrong").status_code == 429


def test_an_app_made_with_limits_off_leaves_them_on_for_the_next(make_app):
    """The limiter is one object for every app (flask-limiter keeps the last app's setting):
    a bench's app made with RATELIMIT_ENABLED off in a test's process once left every later
    app of that process unlimited."""
    make_app(RATELIMIT_ENABLED=False)
    client = make_app().test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.1.{uuid.uuid4().int % 250}.1"
    statuses = [client.sign_in("x@example.org", "wrong").status_code for _ in range(11)]
    assert statuses[-1] == 429, statuses


def test_behind_a_trusted_proxy_the_visitor_address_is_used(make_app):
    app = make_app(TRUSTED_PROXY_COUNT=1)

    @app.get("/whoami")
    def whoami():
        from flask import request

        return request.remote_addr or ""

    response = app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.7"})
    assert response.get_data(as_text=True) == "203.0.113.7"
