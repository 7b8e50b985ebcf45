"""Emergency mode for CVEC: incidents, hubs, mutual aid, volunteers, maps, public help."""

from flask import Flask


def init_app(app: Flask) -> None:
    from emergency import models  # noqa: F401 - the tables
    from emergency.views import bp
    from emergency.volunteer_views import bp as volunteers_bp

    app.register_blueprint(bp)
    app.register_blueprint(volunteers_bp)
