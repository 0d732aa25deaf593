"""The exercise catalogue and the shared lookups (languages, licenses, units): loading the
shipped rows and searching exercises.

May import: models.catalogue, the extensions and ``wger_flask.fixtures``. Other domains read
the catalogue through the public functions re-exported here, never its modules.
"""

from wger_flask.services.catalogue.search import language_ids

__all__ = ["language_ids"]
