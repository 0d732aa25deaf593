"""The PowerSync service's own storage in wger-flask's PostgreSQL database: a login role and a
schema it owns (``PS_STORAGE_PG_URI`` names both the role and its password), made or brought
up to date; running it again changes nothing but the password."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SCHEMA = "powersync"


class StorageSetupError(Exception):
    """The storage cannot be set up as configured; the message says what to change."""


@dataclass(frozen=True)
class StorageTarget:
    user: str
    password: str
    database: str


def parse_storage_uri(uri: str) -> StorageTarget:
    """The role, password and database of ``PS_STORAGE_PG_URI``."""
    try:
        url = make_url(uri.strip())
    except ArgumentError:
        raise StorageSetupError("PS_STORAGE_PG_URI is not a database URL") from None
    if not url.drivername.startswith("postgres"):
        raise StorageSetupError("PS_STORAGE_PG_URI must be a postgresql:// URL")
    if not (url.username and url.password and url.database):
        raise StorageSetupError("PS_STORAGE_PG_URI must name a user, a password and a database")
    return StorageTarget(url.username, url.password, url.database)


def set_up_storage(connection: Connection, target: StorageTarget, schema: str) -> list[str]:
    """Make the role and its schema in the connected database (not committed); what was done.

    Identifiers and the password are quoted by the server (``format('%I', ...)``, ``%L``), so
    nothing in the URL can change the statements.
    """
    if connection.dialect.name != "postgresql":
        raise StorageSetupError("PowerSync needs PostgreSQL: this database is not")
    here = connection.execute(text("SELECT current_database()")).scalar_one()
    if target.database != here:
        raise StorageSetupError(
            f"PS_STORAGE_PG_URI names database {target.database!r}, wger-flask uses {here!r}: "
            "make the role and schema there by hand (docs/powersync.md)"
        )
    exists = connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": target.user}
    ).first()
    template = (
        "ALTER ROLE %I WITH LOGIN PASSWORD %L" if exists else "CREATE ROLE %I LOGIN PASSWORD %L"
    )
    statements = [
        (template, [target.user, target.password]),
        ("CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I", [schema, target.user]),
        ("GRANT CONNECT ON DATABASE %I TO %I", [here, target.user]),
    ]
    for pattern, values in statements:
        placeholders = ", ".join(f"CAST(:v{index} AS text)" for index in range(len(values)))
        statement = connection.execute(
            text(f"SELECT format(CAST(:pattern AS text), {placeholders})"),
            {"pattern": pattern, **{f"v{index}": value for index, value in enumerate(values)}},
        ).scalar_one()
        connection.exec_driver_sql(statement.replace("%", "%%"))
    role = "password updated for role" if exists else "created role"
    return [f"{role} {target.user!r}", f"schema {schema!r} owned by {target.user!r}"]
