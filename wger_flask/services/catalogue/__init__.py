"""The exercise catalogue and the shared lookups (languages, licenses, units): loading the
shipped rows, searching exercises, and keeping what was rendered from them current
(``generation``: trigger-kept numbers; ``rendering``: the per-worker stores checked against
them).

May import: models.catalogue, the extensions, Flask's app context and ``wger_flask.fixtures``.
Other domains read the catalogue through the public functions re-exported here, never its
modules.
"""

from wger_flask.services.catalogue.rendering import forget_rendered
from wger_flask.services.catalogue.search import language_ids

__all__ = ["forget_rendered", "language_ids"]
