"""SQLAlchemy models by domain; importing this package registers every table."""

from wger_flask.models import accounts, catalogue, ingredients, routines, trophies  # noqa: F401
