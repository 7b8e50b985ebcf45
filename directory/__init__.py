"""Directory: services and community buildings (Open Referral UK), search, signposting.

Services, buildings, provider editing and review sit here; each feature is a sub-package:
search/ (search and the signposting list), handoff/ (sending the list to a resident),
referrals/, claims/ (members asking to manage a listing), freshness/ (keeping listings
current), pickers/ (choosing a building), places/ (organisations adding and editing their
community buildings) and oruk/ (the API and the importer)."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import admin, home
    from accord.extensions import db
    from accord.models import Role
    from directory import demo_data, models  # noqa: F401 - the tables and demo loader
    from directory.admin_views import bp as admin_bp
    from directory.claims import models as claim_models  # noqa: F401 - the tables
    from directory.claims.views import bp as claims_bp
    from directory.cli import directory_cli
    from directory.freshness import views as freshness_views  # noqa: F401 - its routes
    from directory.handoff import models as handoff_models  # noqa: F401 - the table
    from directory.handoff import views as handoff_views  # noqa: F401 - its routes
    from directory.oruk.api import bp as oruk_bp
    from directory.pickers import views as picker_views  # noqa: F401 - its routes
    from directory.places import models as place_models  # noqa: F401 - the tables
    from directory.places.admin_views import bp as places_admin_bp
    from directory.places.views import bp as places_bp
    from directory.referrals import models as referral_models  # noqa: F401 - the tables
    from directory.referrals.cli import referrals_cli
    from directory.referrals.views import bp as referrals_bp
    from directory.search import matches, ranker
    from directory.search import views as search_views  # noqa: F401 - its routes
    from directory.views import bp, building_count, service_count

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(oruk_bp)
    app.register_blueprint(referrals_bp)
    app.register_blueprint(claims_bp)
    app.register_blueprint(places_bp)
    app.register_blueprint(places_admin_bp)
    app.cli.add_command(directory_cli)
    app.cli.add_command(referrals_cli)
    admin.register_queue("Listings from new providers", "directory_admin.reviews", Role.coordinator)
    admin.register_queue("Claimed listings", "claims.queue", Role.coordinator)
    admin.register_queue(
        "Community buildings: new ones to check, recent edits",
        "buildings_admin.queue",
        Role.coordinator,
    )
    admin.register_queue(
        "Referrals: anonymous figures and unmet need", "referrals.statistics", Role.coordinator
    )
    admin.register_queue(
        "Listings not checked for a while", "directory.upkeep_dashboard", Role.coordinator
    )
    home.register_counter("services", "local services listed", service_count)
    home.register_counter("buildings", "community buildings listed", building_count)
    with app.app_context():
        # PostgreSQL: the search's table of matches made with each connection, not per search.
        matches.keep_table(db.engine)
        if db.engine.dialect.name == "sqlite":
            # SQLite's relevance function, handed to SQLite before the app opens a connection:
            # a connection has it only if opened after (ranker.py).
            ranker.ready()
