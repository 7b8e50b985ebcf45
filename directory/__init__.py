"""Directory: services and community buildings (Open Referral UK), search, signposting."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import home
    from directory.views import bp, building_count

    app.register_blueprint(bp)
    home.register_counter("buildings", "community buildings listed", building_count)
