"""``flask powersync setup-storage``: the PowerSync service's storage role and schema."""

from __future__ import annotations

import click
from flask import current_app

from wger_flask.blueprints.powersync.routes import blp
from wger_flask.extensions import db
from wger_flask.rest.transaction import commit
from wger_flask.services.powersync import storage


@blp.cli.command("setup-storage")
@click.option("--schema", default=storage.DEFAULT_SCHEMA, show_default=True, help="Schema name.")
def setup_storage_command(schema: str) -> None:
    """Make the storage role of PS_STORAGE_PG_URI and its schema in this PostgreSQL database
    (safe to run again: the password is brought up to date). Without PS_STORAGE_PG_URI: nothing."""
    uri = current_app.config.get("PS_STORAGE_PG_URI", "")
    if not uri.strip():
        click.echo("PS_STORAGE_PG_URI is not set: no PowerSync storage to set up.")
        return
    try:
        done = storage.set_up_storage(
            db.session.connection(), storage.parse_storage_uri(uri), schema
        )
    except storage.StorageSetupError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    commit()
    click.echo("PowerSync storage ready: " + "; ".join(done) + ".")
