"""`flask concerns …`: the scheduled job for Accord concerns.

flask concerns flag-overdue    tell the coordinator about cases past six weeks (daily)
"""

from __future__ import annotations

import click
from flask.cli import AppGroup

from accord.extensions import db
from registry.concerns import overdue

concerns_cli = AppGroup("concerns", help="Accord concerns: the six-week target.")


@concerns_cli.command("flag-overdue")
def flag_overdue() -> None:
    """Email the coordinators, and the appointed mediator, once about each open concern past
    its six-week target."""
    count = overdue.flag_overdue()
    db.session.commit()
    click.echo(f"overdue concerns flagged: {count}")
