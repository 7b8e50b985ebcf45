"""Commands: users, outbox, geo, demo, privacy (jobs add their own groups)."""

import csv
import json
import re
import time
from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from rq.worker import SimpleWorker
from sqlalchemy import select

from accord import accounts, demo, outbox, privacy
from accord.clock import utcnow
from accord.extensions import db
from accord.models import Organisation, OutboxMessage, Outcode
from accord.outbox import jobs

users_cli = AppGroup("users", help="Manage user accounts.")
outbox_cli = AppGroup("outbox", help="Inspect and send queued email.")
geo_cli = AppGroup("geo", help="Offline geography.")
demo_cli = AppGroup("demo", help="Demo data for Shropshire.")
privacy_cli = AppGroup("privacy", help="Retention purges, subject access and erasure.")

# What a terminal acts on rather than shows: C0 and C1 controls (ESC [ … recolours, moves the
# cursor, rewrites the title) and the bidirectional overrides that reorder what is read.
TERMINAL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def shown(value: str, keep: str = "") -> str:
    """User text to print on a terminal: each control character but those in `keep` written
    out as an escape (\\x1b), so stored text can never act on the screen of who reads it."""

    def escape(found: re.Match) -> str:
        char = found.group()
        if char in keep:
            return char
        return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"

    return TERMINAL_CONTROLS.sub(escape, value)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 12 characters.")
@click.option("--role", required=True, type=click.Choice(list(accounts.Role)))
@click.option("--org", "org_slug", default=None, help="Organisation slug (members need one).")
@click.option("--name", default="")
def create_user(email: str, password: str, role: str, org_slug: str | None, name: str) -> None:
    """Create a user with a role."""
    org = None
    if org_slug:
        org = accounts.organisation_by_slug(org_slug)
        if org is None:
            raise click.ClickException(f"No organisation with the slug {org_slug!r}")
    try:
        user = accounts.create_user(email, password, role, org, name=name)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {user.email} ({role}{' at ' + org.slug if org else ''})")


@outbox_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--status", default=None, help="pending, sending, sent, failed or held")
def list_outbox(as_json: bool, status: str | None) -> None:
    """The messages waiting or sent (development and tests read confirmation links here)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if status:
        query = query.where(OutboxMessage.status == status)
    messages = list(db.session.scalars(query))
    if as_json:
        # ASCII only: JSON escapes C0 controls itself, but not C1 ones or bidi overrides.
        click.echo(json.dumps([_outbox_row(m) for m in messages], indent=2, ensure_ascii=True))
        return
    for m in messages:
        click.echo(f"#{m.id} {m.channel} [{m.state}] to {shown(m.to)}: {shown(m.subject)}")
        click.echo("    " + shown(m.body, keep="\n").replace("\n", "\n    "))


def _outbox_row(m: OutboxMessage) -> dict:
    return {
        "id": m.id,
        "channel": m.channel,
        "to": m.to,
        "subject": m.subject,
        "body": m.body,
        "kind": m.kind,
        "status": m.status,
        # queued, sending, sent, delivered, permanent-failure, temporary-failure, held …
        "state": m.state,
        "reference": m.reference,
        "attempts": m.attempts,
        "created_at": m.created_at.isoformat(),
        "sent_at": m.sent_at.isoformat() if m.sent_at else None,
        "last_error": m.last_error,
    }


@outbox_cli.command("send")
@click.option("--limit", default=100, show_default=True)
@click.option(
    "--watch", is_flag=True, help="Keep sending as messages are queued (where there is no Redis)."
)
@click.option("--every", default=2.0, show_default=True, help="Seconds between looks (--watch).")
def send_outbox(limit: int, watch: bool, every: float) -> None:
    """Deliver what is due: GOV.UK Notify when NOTIFY_API_KEY is set, else SMTP (MAIL_SERVER)
    or the log. Run it every minute from cron, the safety net for the RQ workers."""
    while True:
        counts = outbox.send_pending(limit)
        if not watch or any(counts.values()):
            click.echo(", ".join(f"{value} {key}" for key, value in counts.items()))
        if not watch:
            return
        if not any(counts.values()):
            time.sleep(every)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (tests, one-offs).")
@with_appcontext
def worker(burst: bool) -> None:
    """An RQ worker on REDIS_URL delivering messages the moment they are queued. Run several
    (README: under systemd); `flask outbox send` on cron stays the safety net."""
    if not current_app.config["REDIS_URL"]:
        raise click.ClickException("REDIS_URL is not set: use `flask outbox send --watch`")
    # In-process (SimpleWorker): each job runs in this app, on its database connections.
    SimpleWorker([jobs.queue()], connection=jobs.queue().connection).work(burst=burst)


@geo_cli.command("import-outcodes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_outcodes(path: str) -> None:
    """Load postcode-district centroids (CSV: Postcode, Latitude, Longitude[, Town/Area])."""
    existing = {o.code: o for o in db.session.scalars(select(Outcode))}
    added = updated = skipped = 0
    with open(path, newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            code = (row.get("Postcode") or row.get("postcode") or "").strip().upper()
            try:
                lat = float(row.get("Latitude") or row.get("latitude") or "")
                lon = float(row.get("Longitude") or row.get("longitude") or "")
            except ValueError:
                skipped += 1
                continue
            if not code or len(code) > 4:
                skipped += 1
                continue
            town = (row.get("Town/Area") or row.get("town") or "").strip()
            if code in existing:
                record = existing[code]
                record.latitude, record.longitude, record.town = lat, lon, town
                updated += 1
            else:
                existing[code] = Outcode(code=code, latitude=lat, longitude=lon, town=town)
                db.session.add(existing[code])
                added += 1
    db.session.commit()
    click.echo(f"{added} added, {updated} updated, {skipped} skipped")


# Rows with a postcode, latitude, longitude and location_status that `flask geo retry`
# settles: organisations here, and what other jobs register (the registry's sign-ups).
PendingLocations = Callable[[int], list]
_pending_sources: list[PendingLocations] = []


def register_pending_locations(source: PendingLocations) -> None:
    if source not in _pending_sources:
        _pending_sources.append(source)


def _pending_organisations(limit: int) -> list:
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.location_status == "pending").limit(limit)
        )
    )


@geo_cli.command("retry")
@click.option("--limit", default=500, show_default=True, help="Of each kind of record.")
def retry_locations(limit: int) -> None:
    """Geocode organisations and undecided sign-ups whose location is pending (the geocoder
    was down when they signed)."""
    from accord import geocoding

    sources = (_pending_organisations, *_pending_sources)
    pending = [row for source in sources for row in source(limit)]
    found = 0
    for row in pending:
        try:
            result = geocoding.lookup_postcode(row.postcode)
        except geocoding.GeocoderUnavailable:
            continue  # still down: stays pending for the next run
        if result is None or result.point is None:
            row.location_status = "not_found"
            continue
        row.latitude, row.longitude = result.point.latitude, result.point.longitude
        row.location_status = "found"
        found += 1
    db.session.commit()
    click.echo(f"{found} located, {len(pending) - found} still pending or not found")


@privacy_cli.command("purge")
def purge_personal_data() -> None:
    """Delete what is past its retention period: sent emails after OUTBOX_RETENTION_DAYS,
    closed concerns' details after CONCERN_RETENTION_DAYS, the contact details of rejected,
    unconfirmed and withdrawn sign-ups after SIGNUP_RETENTION_DAYS. Run it daily."""
    now = utcnow()
    counts = {"emails": outbox.prune(now, current_app.config["OUTBOX_RETENTION_DAYS"])}
    for holder in privacy.holders():
        if holder.purge is not None:
            counts[holder.kind] = holder.purge(now)
    db.session.commit()
    click.echo(", ".join(f"{kind}: {count} purged" for kind, count in counts.items()))


@privacy_cli.command("subject-access")
@click.argument("email")
def subject_access(email: str) -> None:
    """Print, as JSON, everything held under this email address: volunteering, sign-ups and
    signatures, concerns, and emails sent. (Residents in referrals: `flask referrals
    subject-access NAME`.)"""
    found = privacy.subject_access(privacy.normalised(email))
    db.session.commit()  # each access is audited
    click.echo(json.dumps(found, indent=2, ensure_ascii=True))
    click.echo(f"{sum(len(rows) for rows in found.values())} records found", err=True)


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase(email: str, yes: bool) -> None:
    """Forget the person with this email address everywhere it is held (right to erasure),
    and delete the emails sent to them. Check the subject access first."""
    email = privacy.normalised(email)
    found = privacy.subject_access(email)
    held = {kind: len(rows) for kind, rows in found.items() if rows}
    if not held:
        db.session.rollback()
        raise click.ClickException("nothing is held under that email address")
    listed = ", ".join(f"{count} {kind}" for kind, count in held.items())
    if not yes:
        click.confirm(f"Forget {shown(email)} in {listed}?", abort=True)
    for holder in privacy.holders():
        holder.erase(email)
    outbox.forget(email)
    db.session.commit()
    click.echo(f"erased: {listed}")


@demo_cli.command("load")
def load_demo() -> None:
    """Idempotent demo data for Shropshire, with a password for each demo user."""
    for line in demo.load_all():
        click.echo(line)


def init_app(app: Flask) -> None:
    for group in (users_cli, outbox_cli, geo_cli, demo_cli, privacy_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker)
