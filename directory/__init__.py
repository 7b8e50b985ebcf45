"""Directory: services and community buildings (Open Referral UK), search, signposting."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import home
    from directory import demo_data, models  # noqa: F401 - the tables and demo loader
    from directory.views import bp, building_count, service_count

    app.register_blueprint(bp)
    home.register_counter("services", "local services listed", service_count)
    home.register_counter("buildings", "community buildings listed", building_count)
