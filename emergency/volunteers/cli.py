"""`purge-volunteers`: delete emergency volunteers whose retention has ended.

Run daily on a schedule (cron or a systemd timer); safe on several machines at once. The lead
attaches it to the `flask emergency` group.
"""

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from accord.clock import today_uk
from accord.extensions import db
from emergency.volunteers import retention


@click.command("purge-volunteers")
@with_appcontext
def purge_volunteers() -> None:
    """Delete volunteers (and their deployments) kept past their retention date."""
    try:
        count = retention.purge(today_uk())
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise click.ClickException(f"Nothing deleted: the database refused ({reason})") from exc
    click.echo(f"Deleted {count} volunteer{'' if count == 1 else 's'} past their retention date")
