"""`flask directory …`: the directory's commands.

flask directory import-oruk PATH_OR_URL   services from an Open Referral UK feed
flask directory remind                    email providers once about each listing unchecked for
                                          11 months, with a "still correct" link (cron, daily)
flask directory vocabulary                the spelling vocabulary's snapshot taken again on
                                          PostgreSQL (cron, daily: drops words no longer used),
                                          and the search indexes tidied
"""

import click
from flask.cli import AppGroup
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from accord.extensions import db
from directory import upkeep
from directory.oruk import fetch, upsert
from directory.oruk.shapes import FeedError
from directory.search import indexes, vocabulary

directory_cli = AppGroup("directory", help="The directory of services.")


@directory_cli.command("import-oruk")
@click.argument("path_or_url", metavar="PATH_OR_URL")
@click.option(
    "--details",
    is_flag=True,
    help="For a URL of a list page or an API: fetch each service's full record from "
    "/services/{id} (list pages carry a summary only).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each HTTP answer.",
)
def import_oruk(path_or_url: str, details: bool, timeout: float) -> None:
    """Create or update services from an ORUK 1.0 or 3.0 feed: a JSON file, a feed's URL or
    an ORUK API's base URL (every page is fetched). Running it again updates in place."""
    try:
        feed = fetch.load(path_or_url, timeout=timeout, details=details)
        result = upsert.import_services(feed.services, feed.source)
        db.session.commit()
    except FeedError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    except SQLAlchemyError as exc:
        db.session.rollback()
        # The driver's own error when there is one (DBAPIError.orig): it says what was refused.
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        message = f"the database refused the import, nothing saved: {reason}"
        raise click.ClickException(message) from exc
    if db.engine.dialect.name == "postgresql":
        # A big feed changes the tables' shape; plan the next searches on fresh statistics
        # rather than waiting for autovacuum.
        db.session.execute(text("ANALYZE service, service_search, service_at_location, location"))
        db.session.commit()
    click.echo(result.summary)
    for line in [*feed.notes, *result.lines]:
        click.echo(line)


@directory_cli.command("remind")
def remind() -> None:
    """Email the members of the organisation managing each listing not checked for 11 months,
    once (until it is next checked), with a one-click "still correct" link and a link to edit
    it; at 15 months it shows as "may be out of date". Run it daily."""
    count = upkeep.send_reminders()
    db.session.commit()
    click.echo(f"listings whose providers were reminded: {count}")


@directory_cli.command("vocabulary")
def vocabulary_snapshot() -> None:
    """Take the snapshot of the search index's words again (PostgreSQL; SQLite reads its index's
    own list, always current). Workers add new words within seconds without it; this drops the
    words no listing uses any more. Then tidy the search indexes (indexes.tidy): on SQLite
    each full-text index merged into one segment, on PostgreSQL the place-ordered index
    rewritten in order of place. Run it daily."""
    vocabulary.refresh()
    if not indexes.tidy():
        click.echo("the place-ordered search index was busy: left as it was until the next run")
    click.echo(f"words in the search index: {len(vocabulary.read_all().counts):,}")
