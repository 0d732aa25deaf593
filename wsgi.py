"""What gunicorn serves: ``gunicorn wsgi:app`` (settings from the environment)."""

from wger_flask import create_app

app = create_app()
