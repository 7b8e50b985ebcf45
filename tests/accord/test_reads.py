"""A GET or HEAD that changed nothing ends its transaction in a commit (accord/reads.py); one
that changed something through the ORM, a failed one and any other method end as before,
with a rollback of what the view did not commit itself."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from accord.extensions import db
from accord.models import Organisation
from tests import factories


@pytest.fixture
def ends(app):
    """How each transaction on the app's engine ended, in order."""
    seen: list[str] = []
    event.listen(db.engine, "commit", lambda conn: seen.append("commit"))
    event.listen(db.engine, "rollback", lambda conn: seen.append("rollback"))
    return seen


@pytest.fixture
def views(app):
    """Views that read, change a row without committing, add one, or fail, by GET and POST."""

    def read() -> str:
        return str(db.session.execute(select(Organisation.id)).all())

    def rename(slug: str) -> str:
        db.session.scalars(select(Organisation).where(Organisation.slug == slug)).one().name = "Y"
        return "renamed"

    def add() -> str:
        db.session.add(
            Organisation(slug="added", name="X", sector="vcs", org_type="charity", town="Wem")
        )
        db.session.flush()  # written in the transaction: no longer "new" to the session
        return "added"

    def fail() -> str:
        db.session.execute(select(Organisation.id)).all()
        raise RuntimeError("the view failed")

    app.add_url_rule("/t/read", "t_read", read)
    app.add_url_rule("/t/rename/<slug>", "t_rename", rename)
    app.add_url_rule("/t/add", "t_add", add)
    app.add_url_rule("/t/fail", "t_fail", fail)
    app.add_url_rule("/t/post", "t_post", read, methods=["POST"])
    from accord.extensions import csrf

    csrf.exempt(app.view_functions["t_post"])
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def saved() -> dict[str, str]:
    """The organisations as stored, once what the request left uncommitted is rolled back (as
    the end of its app context does outside tests)."""
    db.session.rollback()
    rows = db.session.execute(select(Organisation.slug, Organisation.name)).all()
    db.session.rollback()
    return {slug: name for slug, name in rows}


def test_a_read_ends_in_a_commit(views, client, ends):
    assert client.get("/t/read").status_code == 200
    assert ends == ["commit"]
    assert client.head("/t/read").status_code == 200
    assert ends == ["commit", "commit"]


def test_a_read_that_changed_a_row_rolls_it_back(views, client, ends):
    factories.organisation(slug="kept", name="X")
    ends.clear()
    assert client.get("/t/rename/kept").status_code == 200
    assert "commit" not in ends
    assert saved()["kept"] == "X"


def test_a_read_that_flushed_a_new_row_rolls_it_back(views, client, ends):
    assert client.get("/t/add").status_code == 200
    assert "commit" not in ends
    assert "added" not in saved()


def test_a_failed_read_and_a_post_are_not_committed_at_their_end(views, client, ends):
    assert client.get("/t/fail").status_code == 500
    assert client.post("/t/post").status_code == 200
    assert "commit" not in ends
