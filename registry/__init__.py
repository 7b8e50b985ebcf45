"""Registry: the Accord text, sign-up, moderation and the published list of signatories."""

from flask import Flask


def init_app(app: Flask) -> None:
    from accord import home
    from registry import demo_data, models  # noqa: F401 - models and demo loader register
    from registry.cli import accord_cli
    from registry.publish import published_count
    from registry.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(accord_cli)
    home.register_counter("signatories", "organisations have signed the Accord", published_count)
