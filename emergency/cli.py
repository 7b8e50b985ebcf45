"""`flask emergency …`: emergency-mode work run by hand or on a schedule."""

import click
from flask.cli import AppGroup

from accord import clock
from emergency import floods

emergency_cli = AppGroup("emergency", help="Emergency mode: flood warnings and scheduled work.")

PLACE = "Shropshire and Telford & Wrekin"


@emergency_cli.command("refresh-floods")
def refresh_floods() -> None:
    """Fetch the Environment Agency's flood warnings now. Run it every few minutes (cron or a
    systemd timer) so pages answer from the cache; several servers may run it at once."""
    state = floods.refresh(polygon_budget_s=floods.CLI_POLYGON_BUDGET_S)
    if state.error:
        kept = (
            f"the last good ones are from {clock.datetime_text(state.fetched_at)}"
            if state.fetched_at
            else "none were ever loaded"
        )
        raise click.ClickException(f"Flood warnings not updated ({state.error}); {kept}.")
    click.echo(summary(state))


def summary(state: floods.FloodState) -> str:
    total = len(state.warnings)
    if not total:
        return f"No flood warnings in force for {PLACE}."
    counts = state.counts_by_severity()
    parts = ", ".join(
        f"{counts[level]} {label.lower()}{'' if counts[level] == 1 else 's'}"
        for level, label in floods.SEVERITY_LABELS.items()
    )
    return f"{total} in force for {PLACE}: {parts}."


@emergency_cli.command("network-areas")
def network_areas() -> None:
    """Work out again where every mutual-aid network helps (the index /help reads). Edits keep
    it up to date; run it after loading networks around the app (SQL, a bulk import) or after
    upgrading to migration 0022."""
    from accord.extensions import db
    from emergency.networks import areas

    done = areas.rebuild()
    db.session.commit()
    click.echo(f"Areas worked out for {done} mutual-aid network{'' if done == 1 else 's'}.")
