"""Emergency mode for CVEC: incidents, hubs, mutual aid, volunteers, maps, public help."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import banners
    from emergency import demo_data, incidents, models  # noqa: F401 - tables, demo loader
    from emergency.cli import emergency_cli
    from emergency.network_views import init_app as init_networks
    from emergency.views import bp
    from emergency.volunteer_cli import purge_volunteers
    from emergency.volunteer_views import bp as volunteers_bp

    app.register_blueprint(bp)
    app.register_blueprint(volunteers_bp)
    init_networks(app)
    emergency_cli.add_command(purge_volunteers)
    app.cli.add_command(emergency_cli)
    banners.register(incidents.banners)
