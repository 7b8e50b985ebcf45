"""One list of organisation types (accord.models.OrgType) for the form, the pages, the open
data and the demo; the migration moves the words of the old lists onto it."""

import csv
import io
from datetime import datetime

from flask_migrate import upgrade
from sqlalchemy import text

from accord import demo_data
from accord.extensions import db
from accord.models import ORG_TYPE_LABELS, OrgType, Sector
from registry import demo_data as registry_demo
from registry.signatories.forms import OrganisationForm
from registry.signatories.models import Signatory, SignatoryStatus
from tests.conftest import MIGRATIONS, scratch_database
from tests.registry.signatories.journey import publish_accord


def test_the_form_offers_the_one_list(app):
    with app.test_request_context():
        offered = [(c.value, c.label) for c in OrganisationForm().org_type.iter_choices()]
    assert [value for value, *_ in offered][1:] == [kind.value for kind in OrgType]
    assert [label for _, label, *_ in offered][1:] == [kind.label for kind in OrgType]


def test_the_demo_uses_the_one_list(app):
    types = {row["type"] for row in demo_data._rows("organisations.csv")}
    types |= {org_type for _, _, org_type, *_ in registry_demo.WAITING}
    assert types <= set(ORG_TYPE_LABELS)


def test_open_data_and_profile_use_the_one_list(client, make):
    version = publish_accord()
    for name, kind in (("Wem Larder", OrgType.charity), ("Clun Hall", OrgType.cio)):
        org = make.organisation(name=name, slug=name.lower().replace(" ", "-"), org_type=kind)
        db.session.add(
            Signatory(organisation=org, accord_version=version, status=SignatoryStatus.published)
        )
    db.session.commit()
    data = client.get("/signatories.json").json
    assert {row["type"] for row in data["signatories"]} == {"charity", "cio"}
    assert data["vocabularies"]["type"] == ORG_TYPE_LABELS
    assert data["vocabularies"]["sector"] == {sector.value: sector.label for sector in Sector}
    rows = list(csv.DictReader(io.StringIO(client.get("/signatories.csv").get_data(as_text=True))))
    assert {row["type"] for row in rows} == {"charity", "cio"}
    profile = client.get_page("/signatories/wem-larder").get_text()
    assert "Registered charity" in profile


def test_the_migration_moves_the_old_words_onto_the_list(make_app, database_url, tmp_path):
    said = {
        "a": "Charity",
        "b": "Registered charity",
        "c": "Town council",
        "d": "Police force",
        "e": "Registered provider of social housing",
        "f": "Friendly society",  # in neither list: kept as it is
    }
    with (
        scratch_database(database_url, tmp_path, "org_types_check") as url,
        make_app(url).app_context(),
    ):
        upgrade(directory=MIGRATIONS, revision="0013")
        for slug, words in said.items():
            db.session.execute(
                text(
                    "INSERT INTO organisation (uuid, slug, name, sector, org_type, website, "
                    "address, postcode, outcode, town, location_status, description, "
                    "created_at, updated_at) VALUES (:slug, :slug, :slug, 'vcs', :words, "
                    "'', '', '', '', '', 'found', '', :now, :now)"
                ),
                {"slug": slug, "words": words, "now": datetime(2026, 11, 1)},
            )
        db.session.commit()
        upgrade(directory=MIGRATIONS, revision="0014")
        rows = db.session.execute(text("SELECT slug, org_type FROM organisation"))
        found = {slug: org_type for slug, org_type in rows}
        assert found == {
            "a": "charity",
            "b": "charity",
            "c": "parish_council",
            "d": "emergency_service",
            "e": "housing_association",
            "f": "Friendly society",
        }
        db.session.remove()
