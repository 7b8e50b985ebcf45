"""A database that cannot be reached or cannot write gives a GOV.UK 503, never a traceback.

Real failures, no mocks: a PostgreSQL address nobody listens on, and the test's SQLite file
opened read-only (as on a read-only mount).
"""

import pytest
from sqlalchemy import create_engine, func, select, text

from accord.extensions import db
from registry.signatories.models import SignUp, SignUpDraft
from tests.registry.signatories.journey import ANSWERS, answer, publish_accord

NOBODY_LISTENS = "postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2"


def test_an_unreachable_database_is_a_503_page_without_a_traceback(make_app):
    app = make_app(NOBODY_LISTENS, TESTING=False, APP_ENV="testing")
    response = app.test_client().get("/signatories")
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.content_type.startswith("text/html")
    assert "Sorry, the service is unavailable" in body
    assert 'class="govuk-heading-l"' in body
    # Neither the driver's words nor SQL reach the page.
    for leak in ("Traceback", "psycopg", "OperationalError", "SELECT", "127.0.0.1:9"):
        assert leak not in body


@pytest.mark.engine("sqlite")  # read-only files are SQLite's
def test_a_read_only_database_refuses_a_sign_up_clearly_and_still_reads(
    app, make_app, database_url
):
    publish_accord()
    path = database_url[len("sqlite:///") :]
    read_only = make_app(
        f"sqlite:///file:{path}?mode=ro&uri=true", TESTING=False, APP_ENV="testing"
    )
    client = read_only.test_client()
    # The sign-up's answers wait in a draft row from the first step: that write is refused.
    response = answer(client, "organisation", ANSWERS["organisation"])
    body = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Sorry, we cannot save what you entered right now" in body
    assert "Nothing has been saved" in body
    assert "readonly" not in body and "Traceback" not in body
    # The same worker goes on answering reads from the same database.
    assert client.get("/accord").status_code == 200
    assert db.session.scalar(select(func.count(SignUp.id))) == 0
    assert db.session.scalar(select(func.count(SignUpDraft.id))) == 0


@pytest.mark.engine("postgresql")  # terminating a server process is PostgreSQL's
def test_a_connection_lost_as_the_request_ends_is_not_a_500(make_app, database_url):
    """PostgreSQL going down between a page's last query and the end of its request: the
    session's closing rollback fails on a dead connection, after the page is made."""
    app = make_app(TESTING=False, APP_ENV="testing")

    @app.get("/connection-lost")
    def connection_lost():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        killer = create_engine(database_url)
        with killer.begin() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        killer.dispose()
        return "made before the connection was lost"

    client = app.test_client()
    response = client.get("/connection-lost")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "made before the connection was lost"
    # The worker goes on: the pool replaces the dead connection.
    assert client.get("/healthz").status_code == 200
