"""The models' base and ``db``, and the engine set-up: SQLite made fit for a server, the same
SQL meaning on every backend.

``db`` lives here rather than in ``extensions.py`` so the generic layer (``rest/``) and the models
can use it without importing the extensions (which import the generic layer's ``Api``).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import sys
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, Table, event, text
from sqlalchemy.engine import Connection, CursorResult, Engine, Result
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session

if TYPE_CHECKING:
    import psycopg
    from flask_sqlalchemy.session import Session as FlaskSession

# Stable constraint names, so Alembic migrations read the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)

    if TYPE_CHECKING:
        # Every model maps one table (no model maps a join or a select).
        __table__: ClassVar[Table]


db = SQLAlchemy(model_class=Base)

# The base class of every model. At run time it is ``db.Model``: flask-sqlalchemy's copy of
# ``Base`` (same registry and metadata) with its query property and bind key; a type checker
# cannot follow that class made at run time, so to it the base is ``Base`` itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
# This app's own session factory (``db.session`` may be swapped, e.g. by a test joining its
# own transaction; a swapped-in factory makes sessions of this factory's class).
SESSION_FACTORY = db.session.session_factory


# ------------------------------------------------------------------------------ the session

# A session as the services take it: a plain ``Session`` or ``db.session``, the scoped proxy
# of the request's session (which has the same methods).
AnySession: TypeAlias = "Session | scoped_session[FlaskSession]"


AFTER_COMMIT = "wger.after_commit"


def session_events() -> Any:
    """The target of this app's session events: ``db``'s own session factory (its sessions
    and those of a factory made from its class), never SQLAlchemy's global ``Session``."""
    return SESSION_FACTORY


def listen_to_sessions(name: str, listener: Any) -> None:
    """Listen to ``name`` on this app's sessions (idempotent: apps in one process share ``db``)."""
    target = session_events()
    if not event.contains(target, name, listener):
        event.listen(target, name, listener)


def changed_rows(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE matched. ``Session.execute`` types its result as a plain
    ``Result``; for those statements it is a ``CursorResult``, which counts them."""
    return cast("CursorResult[Any]", result).rowcount


def after_commit(session: Any, callback: Any) -> None:
    """Run ``callback()`` once the session's transaction has committed (e.g. remove the files
    of rows it deleted); dropped if the transaction rolls back instead."""
    session.info.setdefault(AFTER_COMMIT, []).append(callback)


def _run_after_commit(session: Any) -> None:
    for callback in session.info.pop(AFTER_COMMIT, ()):
        callback()


def _drop_after_rollback(session: Any, transaction: Any) -> None:
    if transaction.parent is None:  # the session's own transaction ended without a commit
        session.info.pop(AFTER_COMMIT, None)


def init_session_events() -> None:
    """The session events of ``after_commit`` (called by ``create_app``)."""
    listen_to_sessions("after_commit", _run_after_commit)
    listen_to_sessions("after_transaction_end", _drop_after_rollback)


def _unicode_lower(value: str | bytes | int | float | None) -> str | bytes | int | float | None:
    return value.lower() if isinstance(value, str) else value


def configure_sqlite(dbapi_connection: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """WAL (readers never wait for the writer), a busy timeout instead of "database is
    locked", foreign keys enforced, and a Unicode-aware ``lower()`` as PostgreSQL has."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


WRITE_LOCKED = "wger_write_locked"
_READ_WORDS = frozenset({"SELECT", "PRAGMA", "EXPLAIN", "BEGIN", "COMMIT", "ROLLBACK", "RELEASE"})
_WRITE_IN_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def is_write_statement(statement: str) -> bool:
    """Whether a statement may write (conservative: anything but a plain read counts)."""
    head = statement.lstrip().split(None, 1)
    if not head:
        return False
    word = head[0].upper()
    if word == "WITH":
        return bool(_WRITE_IN_CTE.search(statement))
    return word not in _READ_WORDS


def take_write_lock(connection: Any, statement: str) -> None:
    """Before the first writing statement of a SQLite transaction, hold the write lock.

    A transaction that read under a plain ``BEGIN`` and then writes cannot wait for the lock:
    SQLite answers "database is locked" at once (its snapshot may be stale), whatever the busy
    timeout. So at the first write the read-only transaction is ended and a
    ``BEGIN IMMEDIATE`` takes its place: that waits up to the busy timeout for the lock, and
    from there on the transaction sees every committed row (PostgreSQL's READ COMMITTED, which
    also lets a later statement see rows committed after an earlier one). Nothing is lost:
    until this point the transaction only read (any statement but a read counts as a write).
    Reads never take the lock, so they stay concurrent under WAL; the lock is held from the
    first write to the commit only, not while a request hashes a password between two reads.
    """
    if connection.info.get(WRITE_LOCKED, True) or not is_write_statement(statement):
        return
    hold_write_lock(connection)


def hold_write_lock(connection: Any) -> None:
    """Turn the connection's read-only SQLite transaction into a writing one (waiting up to
    the busy timeout for the lock); nothing when it already writes or is not in one."""
    if connection.info.get(WRITE_LOCKED, True):
        return
    raw = connection.connection.dbapi_connection
    if raw.in_transaction:
        raw.execute("ROLLBACK")
    raw.execute("BEGIN IMMEDIATE")  # "database is locked" after the busy timeout: a 503
    connection.info[WRITE_LOCKED] = True


def serialize_on(session: Any, *key: object) -> None:
    """Hold a lock named by ``key`` until the transaction ends, so that two requests that
    look for a row and insert it when missing run one after the other, on every backend:
    a transaction-scoped advisory lock on PostgreSQL, the database's write lock on SQLite."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        digest = hashlib.blake2b(repr(key).encode(), digest_size=8).digest()
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"),
            {"key": int.from_bytes(digest, "big", signed=True)},
        )
    elif connection.dialect.name == "sqlite":
        hold_write_lock(connection)


def describe_unreachable(url: str, error: BaseException) -> str:
    """One line saying which database could not be used and why (no password shown)."""
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    return f"wger-flask: cannot use the database {shown}: {reason[0] if reason else error}"


def check_database(url: str) -> str | None:
    """Connect once and look for the schema: None when the database is ready, else one line
    saying what is wrong (unreachable, missing, or never bootstrapped)."""
    from sqlalchemy import create_engine, inspect

    engine = create_engine(url, connect_args=_connect_timeout(url))
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return (
                    f"wger-flask: the database {engine.url.render_as_string(hide_password=True)}"
                    " has no tables yet: run `.venv/bin/flask --app wsgi bootstrap` (`make run` does)."
                )
    except Exception as error:
        return describe_unreachable(url, error)
    finally:
        engine.dispose()
    return None


def _connect_timeout(url: str) -> dict[str, Any]:
    return {"connect_timeout": 5} if url.startswith("postgresql") else {}


def _one_line_for_database_errors(url: str) -> None:
    """A command that dies because the database cannot be reached (``flask bootstrap`` on a
    missing database) ends with one clear line instead of a traceback."""
    from sqlalchemy.exc import OperationalError

    previous = sys.excepthook

    def hook(kind: type[BaseException], value: BaseException, traceback: Any) -> None:
        if isinstance(value, OperationalError) and value.connection_invalidated is False:
            print(describe_unreachable(url, value), file=sys.stderr)
            return
        previous(kind, value, traceback)

    hook.wger_database_hook = True  # type: ignore[attr-defined]  # a marker: install the hook once
    if not getattr(previous, "wger_database_hook", False):
        sys.excepthook = hook


def install_sqlite_hooks(engine: Engine, busy_timeout_ms: int) -> None:
    """The connection settings of ``configure_sqlite`` and the transaction handling of
    ``take_write_lock`` on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, connection_record: object) -> None:
        configure_sqlite(dbapi_connection, busy_timeout_ms)
        # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs; let
        # SQLAlchemy emit BEGIN itself (the documented recipe).
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def do_begin(connection: Connection) -> None:
        connection.info[WRITE_LOCKED] = False
        connection.exec_driver_sql("BEGIN")

    @event.listens_for(engine, "before_cursor_execute")
    def lock_before_writing(
        connection: Connection,
        cursor: object,
        statement: str,
        parameters: object,
        context: object,
        many: bool,
    ) -> None:
        take_write_lock(connection, statement)


def init_engine(app: Flask) -> None:
    """Attach the connection hooks to the app's engine (called once per app)."""
    engine: Engine = db.engine
    if not app.testing:
        _one_line_for_database_errors(app.config["SQLALCHEMY_DATABASE_URI"])
    if engine.dialect.name == "sqlite":
        install_sqlite_hooks(engine, app.config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    elif engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def no_jit(dbapi_connection: psycopg.Connection[Any], connection_record: object) -> None:
            configure_postgresql(dbapi_connection)


def configure_postgresql(dbapi_connection: psycopg.Connection[Any]) -> None:
    """No JIT compilation: it pays off for long analytic queries, while this API's are short.
    A prepared statement's generic plan can be estimated above ``jit_above_cost`` (a LIMIT
    taken as unknown) and then every execution compiles for tens of milliseconds."""
    dbapi_connection.execute("SET jit = off")
    dbapi_connection.commit()
