"""SQLAlchemy models by domain; importing this package registers every table."""

from wger_flask.models import (  # noqa: F401
    accounts,
    body,
    catalogue,
    ingredients,
    nutrition,
    routines,
    trophies,
)
