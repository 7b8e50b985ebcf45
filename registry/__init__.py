"""Registry: the Accord text, sign-up, moderation and the published list of signatories.

The Accord's text (content, publish, its pages) sits here; each feature is a sub-package:
signatories/, concerns/, notices/ (consultations, funding notices, ambassadors, annual
review), funding/ (the funding opportunities board) and self_assessment/."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import admin, cli, home
    from accord.models import Role
    from registry import admin_views, demo_data, models, views  # noqa: F401 - tables, demo loader
    from registry.cli import accord_cli, registry_cli
    from registry.concerns import models as concern_models  # noqa: F401 - the tables
    from registry.concerns import retention as concern_retention
    from registry.concerns.cli import concerns_cli
    from registry.concerns.views import bp as concerns_bp
    from registry.funding import demo_data as funding_demo  # noqa: F401 - the demo loader
    from registry.funding import models as funding_models  # noqa: F401 - the tables
    from registry.funding.views import bp as funding_bp
    from registry.notices import demo_data as notice_demo  # noqa: F401 - the demo loader
    from registry.notices import models as notice_models  # noqa: F401 - the tables
    from registry.notices.views import bp as notices_bp
    from registry.publish import published_count
    from registry.self_assessment import models as self_assessment_models  # noqa: F401
    from registry.self_assessment.views import bp as self_assessment_bp
    from registry.signatories import admin_views as signup_admin  # noqa: F401 - its routes
    from registry.signatories import badge_views  # noqa: F401 - its routes
    from registry.signatories import models as signatory_models  # noqa: F401 - the tables
    from registry.signatories import retention as signup_retention
    from registry.signatories import views as signatory_views  # noqa: F401 - its routes
    from registry.signatories.signup import pending_locations

    # The signatories' pages join the Accord's own blueprints before those are registered.
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(funding_bp)
    app.register_blueprint(self_assessment_bp)
    app.register_blueprint(concerns_bp)
    app.cli.add_command(accord_cli)
    app.cli.add_command(registry_cli)
    app.cli.add_command(concerns_cli)
    cli.register_pending_locations(pending_locations)
    signup_retention.register()
    concern_retention.register()
    home.register_counter("signatories", "organisations have signed the Accord", published_count)
    admin.register_queue(
        "Sign-ups waiting for a decision", "registry_admin.signups", Role.coordinator
    )
    admin.register_queue(
        "Publish a revised Accord", "registry_admin.accord_versions", Role.coordinator
    )
    admin.register_queue("Accord Ambassadors", "notices.admin_ambassadors", Role.coordinator)
    admin.register_queue("Annual review", "notices.review_latest", Role.coordinator)
    admin.register_queue(
        "Self-assessment: county results", "self_assessment.results", Role.coordinator
    )
    admin.register_queue("Accord concerns", "concerns.index", Role.coordinator)
