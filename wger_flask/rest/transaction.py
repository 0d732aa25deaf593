"""The request's one commit point, and the named early commit for the few deliberate others.

Every write path ends in ``commit()``: REST views, web pages, commands. A commit anywhere else
is refused by ``tests/unit/architecture``; services never commit. ``commit_early`` is for a
write that must stand whatever happens next in the request (a revoked token family while the
request itself fails, bookkeeping kept apart from the view's transaction); each call says why.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from wger_flask.database import db
from wger_flask.rest.errors import ValidationFailed, integrity_errors, not_found


def commit() -> None:
    """The request's one commit point; an integrity error is the client's 400 naming the
    fields, not a 500 (a value the database cannot hold is ``errors.handle_data_error``'s); a
    row deleted by another request between this one's read and its write (an UPDATE that
    matched nothing) is the 404 it would have got a moment later, not a 500."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise ValidationFailed(integrity_errors(error)) from None
    except StaleDataError:
        db.session.rollback()
        raise not_found() from None


def commit_early(reason: str) -> None:
    """Commit now, before the request's end, because ``reason`` (said at every call site:
    the architecture test requires one)."""
    if not reason.strip():
        raise ValueError("commit_early needs its reason")
    commit()
