"""`flask concerns …`: the scheduled job for Accord concerns.

flask concerns flag-overdue    tell the coordinator about cases past six weeks (daily)
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from accord.extensions import db
from registry.concerns import concerns

concerns_cli = AppGroup("concerns", help="Accord concerns: the six-week target.")


def link_for(concern) -> str:
    """A case's address for emails sent outside a request (PUBLIC_BASE_URL)."""
    base = current_app.config["SERVER_NAME_FOR_LINKS"].rstrip("/")
    return f"{base}{concerns.PATH}{concern.uuid}"


@concerns_cli.command("flag-overdue")
def flag_overdue() -> None:
    """Email the coordinators, and the appointed mediator, once about each open concern past
    its six-week target."""
    count = concerns.flag_overdue(link_for)
    db.session.commit()
    click.echo(f"overdue concerns flagged: {count}")
