"""Registry: the Accord text, sign-up, moderation and the published list of signatories."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import admin, cli, home
    from accord.models import Role
    from registry import (  # noqa: F401 - models and demo loaders register
        concern_models,
        demo_data,
        models,
        notice_demo,
        notice_models,
        self_assessment_models,
    )
    from registry.admin_views import bp as admin_bp
    from registry.cli import accord_cli
    from registry.concern_cli import concerns_cli
    from registry.concern_views import bp as concerns_bp
    from registry.notice_views import bp as notices_bp
    from registry.publish import published_count
    from registry.self_assessment_views import bp as self_assessment_bp
    from registry.signup import pending_locations
    from registry.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(notices_bp)
    app.register_blueprint(self_assessment_bp)
    app.register_blueprint(concerns_bp)
    app.cli.add_command(accord_cli)
    app.cli.add_command(concerns_cli)
    cli.register_pending_locations(pending_locations)
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
