"""SQLAlchemy models by domain; importing this package registers every table."""

from wger_flask.models import accounts, catalogue, ingredients, nutrition, routines  # noqa: F401
