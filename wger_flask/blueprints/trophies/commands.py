"""``flask trophies recompute [--user NAME]``: statistics and trophies from the logs."""

from __future__ import annotations

import time

import click
from sqlalchemy import select

from wger_flask.blueprints.trophies.resources import blp
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.rest.transaction import commit
from wger_flask.services.trophies import recompute


@blp.cli.command("recompute")
@click.option("--user", "username", default=None, help="Only this user (default: everyone).")
def recompute_command(username: str | None) -> None:
    """Recompute statistics, records and trophies from the logs (one transaction)."""
    started = time.monotonic()
    user_ids = None
    if username is not None:
        user_id = db.session.execute(select(User.id).where(User.username == username)).scalar()
        if user_id is None:
            raise click.ClickException(f"No user named {username!r}.")
        user_ids = [user_id]
    report = recompute(user_ids)
    commit()
    click.echo(
        f"{report['recomputed']} users recomputed, {report['skipped']} skipped (trophies "
        f"switched off) in {time.monotonic() - started:.1f} s."
    )
