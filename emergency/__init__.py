"""Emergency mode for CVEC: incidents, hubs, mutual aid, volunteers, maps, public help.

Incidents, hubs, floods, the sitrep and map layers sit here; networks/, volunteers/,
callouts/, requests/, updates/ and readiness/ are features of their own."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import banners, outbox
    from emergency import (  # noqa: F401 - tables, demo loader
        debrief_views,  # noqa: F401 - its routes, on bp
        demo_data,
        hub_views,  # noqa: F401 - its routes, on bp
        incidents,
        map_views,  # noqa: F401 - its routes, on bp
        models,
        review,
    )
    from emergency.callouts import models as callout_models  # noqa: F401 - the tables
    from emergency.callouts.views import bp as callouts_bp
    from emergency.cli import emergency_cli
    from emergency.networks import models as network_models  # noqa: F401 - the tables
    from emergency.networks.views import init_app as init_networks
    from emergency.readiness import models as readiness_models  # noqa: F401 - the tables
    from emergency.readiness.views import bp as readiness_bp
    from emergency.requests import models as request_models  # noqa: F401 - the tables
    from emergency.requests.views import bp as requests_bp
    from emergency.updates.views import bp as updates_bp
    from emergency.views import bp
    from emergency.volunteers import details as volunteer_details
    from emergency.volunteers import models as volunteer_models  # noqa: F401 - the tables
    from emergency.volunteers import privacy as volunteer_privacy
    from emergency.volunteers.cli import purge_volunteers
    from emergency.volunteers.views import bp as volunteers_bp
    from registry.notices.review import register_review_section

    app.register_blueprint(bp)
    app.register_blueprint(volunteers_bp)
    app.register_blueprint(callouts_bp)
    app.register_blueprint(updates_bp)
    app.register_blueprint(readiness_bp)
    app.register_blueprint(requests_bp)
    init_networks(app)
    emergency_cli.add_command(purge_volunteers)
    app.cli.add_command(emergency_cli)
    banners.register(incidents.banners)
    register_review_section("emergencies", review.section)
    volunteer_privacy.register()
    outbox.on_permanent_failure(volunteer_details.mark_failing)
