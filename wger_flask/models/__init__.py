"""SQLAlchemy models by domain; importing this package registers every table."""

from wger_flask.models import accounts, core, exercises, nutrition, routines  # noqa: F401
