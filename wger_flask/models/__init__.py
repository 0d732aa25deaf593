"""SQLAlchemy models by domain; importing this package registers every table."""

from wger_flask.models import accounts, body, catalogue, ingredients, routines  # noqa: F401
