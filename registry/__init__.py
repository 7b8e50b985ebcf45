"""Registry: the Accord text, sign-up, moderation and the published list of signatories."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import admin, home
    from accord.models import Role
    from registry import demo_data, models  # noqa: F401 - models and demo loader register
    from registry.admin_views import bp as admin_bp
    from registry.cli import accord_cli
    from registry.publish import published_count
    from registry.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)
    app.cli.add_command(accord_cli)
    home.register_counter("signatories", "organisations have signed the Accord", published_count)
    admin.register_queue(
        "Sign-ups waiting for a decision", "registry_admin.signups", Role.coordinator
    )
    admin.register_queue(
        "Publish a revised Accord", "registry_admin.accord_versions", Role.coordinator
    )
