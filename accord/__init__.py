"""The shell every job shares: create_app wires settings, extensions, pages and the jobs."""

import logging

from flask import Flask
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from sqlalchemy import event
from sqlalchemy.engine import make_url
from werkzeug.middleware.proxy_fix import ProxyFix

from accord import banners, clock, emails, layout, links, reads, settings, text
from accord.extensions import csrf, db, limiter, login, migrate
from accord.requests import AccordRequest


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides what the environment says (tests pass TESTING etc.)."""
    app = Flask(
        __name__,
        static_folder=str(settings.ROOT / "accord" / "static"),
        instance_path=str(settings.INSTANCE),
    )
    app.config.update(settings.load(overrides=config))
    app.request_class = AccordRequest
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        db_file = settings.Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :])
        db_file.parent.mkdir(parents=True, exist_ok=True)
    if proxies := app.config["TRUSTED_PROXY_COUNT"]:
        # Rate limits and logs need the visitor's address, not the load balancer's. (Flask's
        # documented way to wrap the WSGI app; its type stubs call wsgi_app a method.)
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    _init_templates(app)
    _init_extensions(app)
    _init_shell(app)
    _init_jobs(app)
    return app


def _init_templates(app: Flask) -> None:
    """Our templates first, then GOV.UK Frontend's macros; the filters every page uses."""
    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(settings.ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    # Cheaper imports, and base.html's unchanging parts rendered once (accord/layout.py).
    layout.init_app(app)
    # Dates and times the GOV.UK way, on Shropshire's clocks: "3 December 2026", "3:05pm".
    app.add_template_filter(clock.to_uk, "uk")
    app.add_template_filter(clock.date_text, "date")
    app.add_template_filter(clock.short_date, "short_date")
    app.add_template_filter(clock.time_text, "time")
    app.add_template_filter(clock.datetime_text, "datetime")
    # Emails (accord/emails.py): links from the route table, user text on one line.
    app.add_template_global(links.absolute_url, "absolute_url")
    app.add_template_filter(emails.oneline, "oneline")
    # Phone numbers are tel: links everywhere: `{{ service.phone | tel }}`.
    app.add_template_filter(text.phone_link, "tel")
    # ... and inside free text (a network's contact, a hub's key-holders): `{{ x | phones }}`.
    app.add_template_filter(text.phones_linked, "phones")

    @app.template_filter("labels")
    def labels(keys: list[str] | None, mapping: dict[str, str]) -> list[str]:
        """Stored keys → the words people read, e.g. ["step_free"] → ["Step-free access"]."""
        return [mapping.get(key, key) for key in keys or []]

    @app.context_processor
    def shell_context() -> dict:
        # Asked when base.html lists them: a GOV.UK form field's own render_template runs the
        # context processors again and never reads them (no database query per field).
        return {"banners": layout.Lazy(banners.active), "app_env": app.config["APP_ENV"]}


# Every PostgreSQL connection's planner settings, set once when it opens (not per request):
# - plans made for each statement's values: a generic plan, which PostgreSQL may pick for a
#   statement psycopg has prepared, guesses a handful of rows and took seconds for a search
#   for a common word in a town;
# - a county's data is a few tens of MB read from memory, so a lookup by index costs about
#   what reading the next page does, not four times as much (the default, for spinning
#   disks): the search's matches are looked up by key rather than every link hashed.
POSTGRESQL_OPTIONS = "-c plan_cache_mode=force_custom_plan -c random_page_cost=1.1"
# Every SQLite connection's settings, for the same reasons: a search's temporary table of
# matches kept in memory, not written to a temporary file; and a 64 MiB page cache, not the
# default 2 MiB, so a county's indexes stay in the connection instead of being read from the
# operating system again on every search (a sixth of a search's CPU at 50,000 services was
# the kernel copying pages: bench/search_mix.py).
SQLITE_PRAGMAS = ("temp_store = MEMORY", "cache_size = -65536")


def _sqlite_settings(connection, record) -> None:
    for pragma in SQLITE_PRAGMAS:
        connection.execute(f"PRAGMA {pragma}")


def _init_extensions(app: Flask) -> None:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "postgresql":
        # Beside any options the address gives (a search_path, say), which connect_args
        # would otherwise replace.
        engine = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        given = dict(engine.get("connect_args") or {})
        ours = [given.get("options") or url.query.get("options") or "", POSTGRESQL_OPTIONS]
        given["options"] = " ".join(str(part) for part in ours if part)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**engine, "connect_args": given}
    db.init_app(app)
    reads.init_app(app)
    if url.get_backend_name() == "sqlite":
        with app.app_context():
            event.listen(db.engine, "connect", _sqlite_settings)
    migrate.init_app(app, db, directory=str(settings.ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    # One limiter for every app, and flask-limiter keeps the last app's RATELIMIT_ENABLED for
    # the apps made after it that do not say: each app says its own, so one made with limits
    # off (a bench, in the process of a test) does not leave them off for the next.
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    _init_login(app)
    WTFormsHelpers(app)


def _init_shell(app: Flask) -> None:
    """The shell's own pages, headers, error pages and commands."""
    from accord import admin, cli, errors, member_views, security, views
    from accord.outbox import jobs

    security.init_app(app)
    jobs.init_app(app)
    errors.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(member_views.bp)
    cli.init_app(app)
    import accord.demo_data  # noqa: F401 - registers the shell's demo loader


def _init_jobs(app: Flask) -> None:
    # The jobs: the only place accord names them, so the app can be assembled.
    import directory
    import emergency
    import registry

    for job in (registry, directory, emergency):
        job.init_app(app)


def _init_login(app: Flask) -> None:
    from accord.accounts import load_user

    login.init_app(app)
    login.login_view = "core.sign_in"
    login.login_message = "Sign in to see that page."
    login.session_protection = "strong"
    login.user_loader(load_user)
