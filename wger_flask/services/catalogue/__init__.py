"""The exercise catalogue and the shared lookups (languages, licenses, units): loading the
shipped rows, searching exercises, and contributions (who may write: ``permissions``; the
translations' HTML: ``sanitize``; language detection: ``language``; author history:
``history``; submissions: ``submission``; deletions with a replacement: ``deletion``).

May import: models.catalogue, models.accounts (granted permissions, the trust rule),
models.routines (repointing entries and logs to a replacement exercise), the extensions and
``wger_flask.fixtures``. Other domains read
the catalogue through the public functions re-exported here, never its modules.
"""

from wger_flask.services.catalogue.search import language_ids

__all__ = ["language_ids"]
