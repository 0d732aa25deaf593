"""Accounts for the contribution tests: trusted (verified, 22 days old), new, and holders of
granted permissions."""

from __future__ import annotations

import datetime as dt

import pytest

from wger_flask.extensions import db

ENGLISH = (
    "Lie on the bench, lower the bar slowly to your chest and press it back up until "
    "your arms are straight."
)
GERMAN = (
    "Lege dich auf die Bank, senke die Stange langsam zur Brust und drücke sie wieder "
    "nach oben, bis die Arme gestreckt sind."
)


def old(days: int = 22) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days)


@pytest.fixture
def trusted(make_user, auth_headers):
    user = make_user("trusted", email="t@example.com", email_verified=True, date_joined=old())
    return auth_headers(user)


@pytest.fixture
def newcomer(make_user, auth_headers):
    """Verified, but only 20 days old: not trustworthy yet."""
    user = make_user("newcomer", email="n@example.com", email_verified=True, date_joined=old(20))
    return auth_headers(user)


@pytest.fixture
def grant(app):
    def give(user, name: str) -> None:
        from wger_flask.services.catalogue import permissions

        with app.app_context():
            permissions.grant(db.session.get(type(user), user.id), name)
            db.session.commit()

    return give


@pytest.fixture
def media_root(app, tmp_path):
    """Uploaded files land in this test's own folder."""
    previous = app.config["MEDIA_ROOT"]
    app.config["MEDIA_ROOT"] = str(tmp_path / "media")
    yield tmp_path / "media"
    app.config["MEDIA_ROOT"] = previous
