"""The exercise catalogue and the shared lookups (languages, licenses, units): loading the
shipped rows, searching exercises, keeping what was rendered from them current
(``generation``: trigger-kept numbers; ``rendering``: the per-worker stores checked against
them), and contributions (who may write: ``permissions``; the translations' HTML:
``sanitize``; language detection: ``language``; author history: ``history``; submissions:
``submission``; deletions with a replacement: ``deletion``; the write rules of every catalogue
table: ``rules``).

May import: models.catalogue, models.accounts (granted permissions, the trust rule),
models.routines (repointing entries and logs to a replacement exercise), the trophies package
(moving the personal records of a replaced exercise) and the body package (the one-rep-max
categories naming it), the extensions, the generic layer's errors, filtering, writes and cache
list (``rest.caches``), Flask's app context and
``wger_flask.fixtures``. Other domains read the catalogue through the public functions
re-exported here, never its modules.
"""

from wger_flask.services.catalogue.images import UploadRejected, store_image, store_video
from wger_flask.services.catalogue.permissions import holds as holds_permission
from wger_flask.services.catalogue.rendering import forget_rendered
from wger_flask.services.catalogue.rules import RULES, may_contribute
from wger_flask.services.catalogue.search import language_ids

__all__ = [
    "RULES",
    "UploadRejected",
    "forget_rendered",
    "holds_permission",
    "language_ids",
    "may_contribute",
    "store_image",
    "store_video",
]
