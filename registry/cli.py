"""`flask accord publish FILE --version V`; `flask registry renewals` (cron, daily)."""

from pathlib import Path

import click
from flask.cli import AppGroup

from accord.extensions import db
from registry.content import ContentError
from registry.publish import publish

accord_cli = AppGroup("accord", help="The Accord's text.")
registry_cli = AppGroup("registry", help="The signatories.")


@accord_cli.command("publish")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "version", default=None, help="Defaults to the file's own version.")
def publish_command(path: Path, version: str | None) -> None:
    """Publish (or re-publish) a version of the Accord from a Markdown file."""
    try:
        record = publish(path.read_text(encoding="utf-8"), version)
    except ContentError as exc:
        raise click.ClickException(f"{path}: {exc}") from exc
    db.session.commit()
    click.echo(
        f"Published {record.title} version {record.version}: "
        f"{len(record.themes)} themes, {len(record.sections)} sections"
    )


@registry_cli.command("renewals")
def renewals_command() -> None:
    """Email each signatory's Accord lead a month before its yearly renewal falls due, and on
    the day; once each. Run it daily."""
    from registry.signatories import renewals

    sent = renewals.send_reminders()
    db.session.commit()
    click.echo(f"renewal reminders queued: {sent}")


@registry_cli.command("import-register")
@click.argument("register", type=click.Choice(["charity-commission", "companies-house"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--extract-date", default=None, help="YYYY-MM-DD; defaults to the file's own.")
def import_register_command(register: str, path: Path, extract_date: str | None) -> None:
    """Load a public register's extract (the Charity Commission's register of charities, or
    Companies House's basic company data) to check organisations' numbers against."""
    from datetime import date

    from registry.signatories import registers

    try:
        when = date.fromisoformat(extract_date) if extract_date else None
        written, dated = registers.import_file(register, path, when)
    except (ValueError, registers.RegisterError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{register}: {written:,} entries loaded, extract of {dated.isoformat()}")


@registry_cli.command("consultations")
def consultations_command() -> None:
    """Email the members of each body whose consultation closed in the last 30 days without a
    response recorded, asking for its "You said, we did"; once each. Run it daily."""
    from registry.notices import consultations

    told = consultations.send_closing()
    db.session.commit()
    click.echo(f"closed consultations whose bodies were asked for a response: {told}")
