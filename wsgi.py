"""What gunicorn (or any WSGI server) serves: ``gunicorn wsgi:app`` (settings from the
environment). Serving without ``SITE_URL`` is refused with one sentence saying why; the
``flask --app wsgi ...`` commands load this module too and need no ``SITE_URL``."""

import click

from wger_flask import create_app
from wger_flask.config import ConfigurationError, serving_problem

app = create_app(serving=click.get_current_context(silent=True) is None)

if click.get_current_context(silent=True) is None:  # served, not a `flask` command
    problem = serving_problem(app.config)
    if problem:
        raise ConfigurationError(problem)
