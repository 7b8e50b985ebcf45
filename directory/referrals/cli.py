"""`flask referrals …`: the scheduled jobs and the information governance lead's tools.

flask referrals purge                 forget residents past retention (cron, daily)
flask referrals flag-overdue          tell both sides about unanswered referrals (daily)
flask referrals subject-access NAME   everything held about a person, as JSON
flask referrals erase NAME --reference R-…   forget a person (after checking it is them)
flask referrals rotate-keys           re-seal every referral with the newest key
"""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from accord.extensions import db
from directory.referrals import referrals, retention

referrals_cli = AppGroup("referrals", help="Referrals: retention, overdue flags, subject access.")


@referrals_cli.command("purge")
def purge() -> None:
    """Delete residents' details from closed referrals after REFERRAL_RETENTION_DAYS, from
    referrals never accepted after REFERRAL_UNACCEPTED_DAYS and from abandoned drafts.
    The anonymous statistics stay."""
    count = retention.purge(
        current_app.config["REFERRAL_RETENTION_DAYS"],
        current_app.config["REFERRAL_UNACCEPTED_DAYS"],
    )
    db.session.commit()
    click.echo(f"referrals whose personal details were purged: {count}")


@referrals_cli.command("flag-overdue")
def flag_overdue() -> None:
    """Email the provider and the referrer once about each referral with no answer after
    its service's working days."""
    count = referrals.flag_overdue()
    db.session.commit()
    click.echo(f"overdue referrals flagged: {count}")


@referrals_cli.command("subject-access")
@click.argument("name")
def subject_access(name: str) -> None:
    """Print, as JSON, every referral held about the person with this name (case, spacing
    and accents ignored). Names are not unique: check each one is theirs before sending."""
    found = retention.subject_access(name)
    db.session.commit()  # the access is audited
    click.echo(json.dumps(found, indent=2, ensure_ascii=False))
    click.echo(f"{len(found)} referrals found", err=True)


@referrals_cli.command("erase")
@click.argument("name")
@click.option(
    "--reference",
    "references",
    multiple=True,
    help="Only these referrals (repeat it); without it, every referral found for the name.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(name: str, references: tuple[str, ...], yes: bool) -> None:
    """Forget the person in their referrals (right to erasure); statistics stay."""
    found = [r for r in retention.of_subject(name) if not references or r.reference in references]
    if not found:
        raise click.ClickException("no referrals found for that name")
    listed = ", ".join(r.reference for r in found)
    if not yes:
        click.confirm(f"Forget the person in {len(found)} referrals ({listed})?", abort=True)
    retention.erase(found)
    db.session.commit()
    click.echo(f"erased the personal details of {len(found)} referrals: {listed}")


@referrals_cli.command("rotate-keys")
def rotate_keys() -> None:
    """Re-seal every referral with the first of SEALING_KEYS; then older keys can go."""
    count = retention.rotate_keys()
    db.session.commit()
    click.echo(f"re-sealed {count} referrals with the newest key")
