"""What gunicorn serves in the bench (`gunicorn "bench.serve:app()"`): the app as deployed,
settings from the environment, but with per-address rate limits off, since every bench
request comes from 127.0.0.1; and `trivial()`, a one-route Flask app as the baseline."""

from __future__ import annotations

from flask import Flask

from accord import create_app


def app() -> Flask:
    return create_app({"RATELIMIT_ENABLED": False})


def trivial() -> Flask:
    bare = Flask("baseline")
    bare.get("/")(lambda: "ok")
    return bare
