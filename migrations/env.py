"""Alembic environment: migrations run against the app's engine and the models' metadata."""

import logging

from alembic import context
from flask import current_app

log = logging.getLogger("alembic.env")
config = context.config
database = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Write the project's column types as ``types.X()`` with their import."""
    if type_ == "type" and obj.__class__.__module__ == "wger_flask.models.types":
        autogen_context.imports.add("from wger_flask.models import types")
        return f"types.{obj.__class__.__name__}()"
    return False


# Objects that migrations create with raw SQL, not from the models (search indexes such as the
# SQLite FTS5 table and its shadow tables): autogenerate must not propose to drop them.
UNMODELLED_PREFIXES = ("nutrition_ingredient_fts", "ix_nutrition_ingredient_name_trigram")


def include_object(obj, name, type_, reflected, compare_to):
    return not (reflected and compare_to is None and (name or "").startswith(UNMODELLED_PREFIXES))


def run_migrations_offline() -> None:
    context.configure(
        url=database.engine.url.render_as_string(hide_password=False),
        target_metadata=database.metadata,
        literal_binds=True,
        render_as_batch=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    def skip_empty(context_, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    with database.engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=database.metadata,
            process_revision_directives=skip_empty,
            render_as_batch=True,
            compare_type=True,
            render_item=render_item,
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
