"""Emergency mode for CVEC: incidents, hubs, mutual aid, volunteers, maps, public help."""

from flask import Flask


def init_app(app: Flask) -> None:
    from emergency import models  # noqa: F401 - the tables
    from emergency.network_views import init_app as init_networks
    from emergency.views import bp

    app.register_blueprint(bp)
    init_networks(app)
