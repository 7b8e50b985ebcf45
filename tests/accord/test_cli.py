"""The contract's commands: users create, demo load, geo import-outcodes."""

from sqlalchemy import func, select

from accord.extensions import db
from accord.models import AuditEvent, Location, Organisation, Outcode, User
from registry.models import AccordVersion
from registry.signatories.models import Signatory, SignatoryStatus


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_users_create(app, make):
    org = make.organisation(slug="ludlow-larder")
    result = run(
        app,
        "users",
        "create",
        "--email",
        "Lead@Example.org",
        "--password",
        "a long enough password",
        "--role",
        "member",
        "--org",
        "ludlow-larder",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "lead@example.org"))
    assert user.organisation_ids() == {org.id}
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.created")
    ).target_id == str(user.id)


def test_users_create_explains_what_is_wrong(app, make):
    make.user(email="taken@example.org")
    cases = [
        (
            [
                "--email",
                "taken@example.org",
                "--password",
                "a long enough password",
                "--role",
                "admin",
            ],
            "already exists",
        ),
        (["--email", "a@example.org", "--password", "short", "--role", "admin"], "at least 12"),
        (
            [
                "--email",
                "b@example.org",
                "--password",
                "a long enough password",
                "--role",
                "member",
            ],
            "belongs to an organisation",
        ),
        (
            [
                "--email",
                "c@example.org",
                "--password",
                "x" * 12,
                "--role",
                "member",
                "--org",
                "nope",
            ],
            "No organisation",
        ),
        (
            ["--email", "d@example.org", "--password", "a long enough password", "--role", "king"],
            "Invalid value",
        ),
    ]
    for args, message in cases:
        result = run(app, "users", "create", *args)
        assert result.exit_code != 0
        assert message in result.output, (args, result.output)


def _counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, Location, User, Signatory, AccordVersion)
    }


def test_demo_load_is_believable_and_idempotent(app):
    first = run(app, "demo", "load")
    assert first.exit_code == 0, first.output
    counts = _counts()
    assert counts["Organisation"] >= 30
    assert counts["Location"] >= 20
    assert 25 <= counts["Signatory"] <= 35
    assert counts["AccordVersion"] == 1
    for role in ("admin", "coordinator", "cvec", "frontline", "member"):
        assert f"{role}@demo.example.org" in first.output
    assert "password:" in first.output

    second = run(app, "demo", "load")
    assert second.exit_code == 0, second.output
    assert _counts() == counts

    sectors = set(db.session.scalars(select(Organisation.sector)))
    assert sectors == {"vcs", "public", "private", "parish"}
    # Real postcodes with coordinates inside Shropshire's rough bounding box.
    for place in db.session.scalars(select(Location)):
        assert 52.3 < place.latitude < 53.0 and -3.3 < place.longitude < -2.2, place.name
    published = db.session.scalar(
        select(func.count(Signatory.id)).where(Signatory.status == SignatoryStatus.published)
    )
    assert published == counts["Signatory"]


def test_demo_users_can_sign_in(app, client):
    run(app, "demo", "load")
    response = client.sign_in("cvec@demo.example.org", "shropshire-demo-2025")
    assert response.location == "/emergency"  # CVEC lands on its coordination page
    client.get_page("/emergency")


def test_geo_import_outcodes(app, tmp_path):
    csv_file = tmp_path / "outcodes.csv"
    csv_file.write_text(
        "Postcode,Latitude,Longitude,Town/Area\nSY1,52.7197,-2.74338,Shrewsbury\n"
        "TF9,52.8981,-2.47237,Market Drayton\nBAD,,,\n",
        encoding="utf-8",
    )
    result = run(app, "geo", "import-outcodes", str(csv_file))
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 1 skipped" in result.output
    result = run(app, "geo", "import-outcodes", str(csv_file))
    assert "0 added, 2 updated" in result.output
    assert db.session.get(Outcode, "SY1").town == "Shrewsbury"


def test_geo_import_the_shipped_districts(app):
    from accord.geo import DATA

    result = run(app, "geo", "import-outcodes", str(DATA / "postcode-districts-gb.csv"))
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(Outcode.code))) > 3000
