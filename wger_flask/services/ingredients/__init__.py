"""The ingredient catalogue at a million rows: trigger-kept counts, the search ranking and its
per-worker cache, SQL-rendered JSON pages, the shipped fixtures and the synthetic load.

May import: models.ingredients, models.catalogue (read-only, for nested language and license),
schemas.ingredients, the catalogue's public functions (``services.catalogue``) and
``wger_flask.fixtures``.
"""
