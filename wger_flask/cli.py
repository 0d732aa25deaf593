"""The ``flask`` commands: ``bootstrap``, ``user create/activate/deactivate/export/delete/
grant/revoke``, ``catalogue load``, ``generate-jwt-keys``."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, TextIO, cast

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.sql.schema import ColumnDefault

if TYPE_CHECKING:
    from wger_flask.models.accounts import User
    from wger_flask.services.wger_import.people import UserResult
from sqlalchemy import func, select

from wger_flask.extensions import db
from wger_flask.rest.transaction import commit


def migrate_database() -> None:
    """Bring the schema to the newest migration (the only way the schema changes)."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


def register_shipped_data() -> None:
    """Each domain says which shipped fixture files it owns, in load order (lookups first)."""
    from wger_flask.services.catalogue.fixtures import register_fixtures as catalogue_fixtures
    from wger_flask.services.ingredients.fixtures import register_fixtures as ingredient_fixtures
    from wger_flask.services.trophies.fixtures import register_fixtures as trophy_fixtures

    catalogue_fixtures()
    ingredient_fixtures()
    trophy_fixtures()


def load_catalogue() -> int:
    from wger_flask import fixtures

    register_shipped_data()
    report = fixtures.load()
    commit()
    return report.total


@click.command("bootstrap")
@with_appcontext
def bootstrap_command() -> None:
    """Migrate the database and load the shipped catalogue (running it twice changes nothing)."""
    started = time.monotonic()
    migrate_database()
    inserted = load_catalogue()
    click.echo(
        f"Database ready: {inserted} catalogue rows inserted in {time.monotonic() - started:.1f} s."
    )
    from wger_flask.models.accounts import User

    if db.session.execute(select(User.id).limit(1)).first() is None:
        click.echo(FIRST_ACCOUNT_HINT)


FIRST_ACCOUNT_HINT = """\
No account exists yet. Create the first (staff) account in another shell, in this folder:
    make user NAME=admin EMAIL=admin@example.com
  or, the same without make:
    .venv/bin/flask --app wsgi user create admin --superuser --email admin@example.com
  (the password is asked twice). Anyone can also sign up at /user/signup/."""


catalogue_group = AppGroup("catalogue", help="The shipped public catalogue.")


@catalogue_group.command("load")
def catalogue_load_command() -> None:
    """Insert the shipped catalogue rows that are missing."""
    click.echo(f"{load_catalogue()} rows inserted.")


@catalogue_group.command("synthesize")
@click.option("--count", default=1_000_000, show_default=True, help="Ingredients to add.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same rows).")
def catalogue_synthesize_command(count: int, seed: int) -> None:
    """Add a synthetic ingredient catalogue (varied real rows) for benchmarks and scale tests."""
    from wger_flask.services.ingredients import synthesis as ingredient_synthesis

    started = time.monotonic()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == count:
            click.echo(f"  {done:,} ingredients ({time.monotonic() - started:.0f} s)")

    added = ingredient_synthesis.synthesize(count, seed, progress)
    commit()
    ingredient_synthesis.optimize_search()
    commit()
    ingredient_synthesis.refresh_statistics()
    commit()
    click.echo(f"{added:,} synthetic ingredients added in {time.monotonic() - started:.0f} s.")


user_group = AppGroup("user", help="User accounts.")


@user_group.command("create")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    envvar="PASSWORD",
    help="The new user's password (asked for when not given; or the PASSWORD variable).",
)
@click.option("--email", default="", help="Email address.")
@click.option("--superuser", is_flag=True, help="Make the user a superuser (and staff).")
@click.option(
    "--verified/--unverified",
    default=True,
    show_default=True,
    help="Whether the email address counts as verified (you, the administrator, vouch for it).",
)
def user_create_command(
    username: str, password: str, email: str, superuser: bool, verified: bool
) -> None:
    """Create a user account (its email address verified unless --unverified)."""
    from wger_flask.models.accounts import User, UserProfile
    from wger_flask.models.catalogue import Language
    from wger_flask.services.accounts import users

    default = UserProfile.__table__.c.notification_language_id.default
    assert isinstance(default, ColumnDefault)  # the column's default language id
    default_language = default.arg
    if db.session.get(Language, default_language) is None:
        click.echo(
            "Error: the catalogue (languages) is not loaded: run `.venv/bin/flask --app wsgi bootstrap` (or `make bootstrap`).",
            err=True,
        )
        sys.exit(1)
    try:
        user = users.create_user(
            username, password, email=email, superuser=superuser, email_verified=verified
        )
    except users.AccountError as error:
        click.echo(f"Error: {error.field}: {error}", err=True)
        sys.exit(1)
    commit()
    total = db.session.execute(select(func.count()).select_from(User)).scalar_one()
    kind = "superuser" if superuser else "user"
    click.echo(f"Created {kind} {user.username!r} (id {user.id}); {total} users in all.")


def _find_user(username: str) -> User:
    from wger_flask.models.accounts import User

    user = db.session.execute(
        select(User).where(func.lower(User.username) == username.strip().lower())
    ).scalar_one_or_none()
    if user is None:
        click.echo(f"Error: no user {username!r}.", err=True)
        sys.exit(1)
    return user


@user_group.command("deactivate")
@click.argument("username")
def user_deactivate_command(username: str) -> None:
    """Switch an account off: no login; every session, token and the API key end."""
    from wger_flask.services.accounts import lifecycle

    user = _find_user(username)
    lifecycle.deactivate(user)
    commit()
    click.echo(f"Deactivated {user.username!r}: every session and token has ended.")


@user_group.command("activate")
@click.argument("username")
def user_activate_command(username: str) -> None:
    """Switch a deactivated account on again (it logs in with its password)."""
    from wger_flask.services.accounts import lifecycle

    user = _find_user(username)
    lifecycle.activate(user)
    commit()
    click.echo(f"Activated {user.username!r}.")


@user_group.command("export")
@click.argument("username")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    show_default=True,
    help="File to write the JSON to (- for standard output).",
)
def user_export_command(username: str, output: str) -> None:
    """Write all of a user's data as one JSON document (what the account page downloads)."""
    from wger_flask.rest.negotiation import dumps
    from wger_flask.services.accounts import lifecycle

    document = dumps(lifecycle.export_user(_find_user(username)), indent=2)
    with click.open_file(output, "wb") as handle:
        handle.write(document + b"\n")
    if output != "-":
        click.echo(f"Exported {username!r} to {output}.", err=True)


@user_group.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def user_delete_command(username: str, yes: bool) -> None:
    """Delete an account with all its data and files (export it first if it is wanted)."""
    from wger_flask.services.accounts import lifecycle

    user = _find_user(username)
    if not yes:
        click.confirm(f"Delete {user.username!r} and all its data for good?", abort=True)
    name = user.username
    lifecycle.delete_user(user)
    commit()  # the files go once the rows have gone
    click.echo(f"Deleted {name!r} and all its data.")


@user_group.command("logout-everywhere")
@click.argument("username")
def user_logout_everywhere_command(username: str) -> None:
    """End every browser and app session and refresh token of an account (its key stays)."""
    from wger_flask.services.accounts import users

    user = _find_user(username)
    users.end_all_sessions(user)
    commit()
    click.echo(f"Every session of {user.username!r} has ended.")


@user_group.command("grant")
@click.argument("username")
@click.argument("permission")
def user_grant_command(username: str, permission: str) -> None:
    """Give an account a permission: exercise.add (add and edit the exercise catalogue without
    being trustworthy yet) or exercise.delete (delete from it); upstream's names work too."""
    from wger_flask.services.catalogue import permissions

    user = _find_user(username)
    try:
        name = permissions.canonical(permission)
        added = permissions.grant(user, name)
    except permissions.UnknownPermission as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    commit()
    state = "now holds" if added else "already held"
    click.echo(f"{user.username!r} {state} {name}.")


@user_group.command("revoke")
@click.argument("username")
@click.argument("permission")
def user_revoke_command(username: str, permission: str) -> None:
    """Take a permission granted with ``user grant`` away again."""
    from wger_flask.services.catalogue import permissions

    user = _find_user(username)
    try:
        name = permissions.canonical(permission)
        removed = permissions.revoke(user, name)
    except permissions.UnknownPermission as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    commit()
    state = "no longer holds" if removed else "did not hold"
    click.echo(f"{user.username!r} {state} {name}.")


@click.command("import-wger")
@click.argument("source")
@click.option(
    "--media",
    "media_root",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Upstream's MEDIA_ROOT (gallery photos, exercise images and videos).",
)
@click.option("--dry-run", is_flag=True, help="Check and report everything, write nothing.")
@click.option("--quiet", is_flag=True, help="Only the summary (no progress, no per-user lines).")
@with_appcontext
def import_wger_command(source: str, media_root: str | None, dry_run: bool, quiet: bool) -> None:
    """Move a running upstream wger server in: every user (passwords, 2FA, API keys) and
    everything they own, from its database SOURCE (a PostgreSQL or SQLite URL, read-only).

    One transaction per user; running it again finishes an interrupted run and changes
    nothing else. See docs/import.md."""
    import datetime as dt

    from wger_flask.services import wger_import
    from wger_flask.services.wger_import.report import user_line

    try:
        upstream = wger_import.Source(source)
    except wger_import.SourceError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    started = time.monotonic()
    total = upstream.count("auth_user")
    # A bar on a terminal; otherwise (and always for a dry run, which reports per user) a line
    # per user.
    bar_shown = sys.stdout.isatty() and not quiet and not dry_run
    lines_shown = not quiet and not bar_shown
    try:
        with click.progressbar(
            length=total,
            label="importing",
            show_pos=True,
            # click only calls write() and flush() on the file
            file=None if bar_shown else cast(TextIO, _Discard()),
        ) as bar:

            def progress(result: UserResult) -> None:
                bar.update(1)
                if lines_shown:
                    click.echo(user_line(result))

            report = wger_import.run_import(
                upstream,
                db.session,
                media_root=media_root,
                dry_run=dry_run,
                now=dt.datetime.now(dt.UTC),
                commit=commit,  # the import's commit point: one per user
                rollback=db.session.rollback,
                on_user=progress,
            )
    finally:
        upstream.close()
    click.echo(wger_import.render_summary(report))
    elapsed = time.monotonic() - started
    click.echo(f"{'Dry run' if dry_run else 'Import'} of {total} users took {elapsed:.1f} s.")
    if any(user.status == "failed" for user in report.users):
        sys.exit(2)


@click.command("export-wger")
@click.argument("target")
@click.option(
    "--media",
    "media_folder",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder to copy the gallery photos to (the target server's MEDIA_ROOT).",
)
@with_appcontext
def export_wger_command(target: str, media_folder: str | None) -> None:
    """Move out: write every user and what they own into TARGET, an empty database of
    upstream wger's schema (PostgreSQL or SQLite URL). See docs/import.md."""
    from wger_flask.services import wger_import

    started = time.monotonic()
    try:
        report = wger_import.run_export(db.session, target, media_folder=media_folder)
    except wger_import.ExportError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    for table in sorted(report.rows):
        click.echo(f"{table:<40} {report.rows[table]:>9}")
    click.echo(
        f"Exported {report.users} users and {report.files} files in "
        f"{time.monotonic() - started:.1f} s (API keys and recovery codes stay here: "
        "they are stored only as digests)."
    )


class _Discard:
    """Where the progress bar goes when nobody watches it."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


sessions_group = AppGroup("sessions", help="Server-side sessions (web pages and apps).")


@sessions_group.command("purge")
@click.option("--days", default=30, show_default=True, help="Keep ended sessions this long.")
def sessions_purge_command(days: int) -> None:
    """Delete sessions ended or expired over DAYS ago, and idle anonymous ones (run daily)."""
    import datetime as dt

    from wger_flask.services.accounts import app_sessions

    removed = app_sessions.purge(dt.timedelta(days=days))
    commit()
    click.echo(f"{removed} sessions deleted.")


@click.command("generate-jwt-keys")
@click.option("--kid", default="wger", show_default=True, help="Key id (JWK and token header).")
@click.option("--key-size", default=2048, show_default=True, help="RSA key size in bits.")
def generate_jwt_keys_command(kid: str, key_size: int) -> None:
    """Print a new RS256 key pair for PowerSync tokens, in upstream's format (base64url JSON
    Web Keys), ready to paste into the environment (e.g. a docker prod.env)."""
    from wger_flask.services import powersync

    if key_size < 2048:
        raise click.BadParameter("at least 2048 bits", param_hint="--key-size")
    private, public = powersync.generate_key_pair(kid, key_size)
    click.echo("# Paste these into your environment file (e.g. prod.env).")
    click.echo("# Keep JWT_PRIVATE_KEY secret: never commit it to a repository.")
    click.echo("")
    click.echo(f"JWT_PRIVATE_KEY={private}")
    click.echo(f"JWT_PUBLIC_KEY={public}")


def register(app: Flask) -> None:
    app.cli.add_command(bootstrap_command)
    app.cli.add_command(catalogue_group)
    app.cli.add_command(user_group)
    app.cli.add_command(sessions_group)
    app.cli.add_command(import_wger_command)
    app.cli.add_command(export_wger_command)
    app.cli.add_command(generate_jwt_keys_command)
