"""Moving a running upstream wger server in (``flask import-wger``) and out again
(``flask export-wger``): its users with their passwords, second factors, keys, history and
files, ids kept, catalogue rows matched by UUID.

Owns no table: it writes the other domains' rows, in one transaction per user (the caller
commits), and reads the source database read-only. May import: models (every domain's, to
write their rows), ``database``, and the other domains' **packages** (``accounts`` for adopting
hashes, second factors and keys; ``body`` and ``catalogue`` for storing files as uploads are
stored; ``media`` for the storage; ``routines`` for the session times; ``trophies`` for the
recompute). Public: ``Source``, ``SourceError``, ``run_import``, ``Report``, ``run_export``.
"""

from wger_flask.services.wger_import.export import ExportError, ExportReport, run_export
from wger_flask.services.wger_import.report import render_summary
from wger_flask.services.wger_import.run import Report, run_import
from wger_flask.services.wger_import.source import Source, SourceError
from wger_flask.services.wger_import.writer import import_row

__all__ = [
    "ExportError",
    "ExportReport",
    "Report",
    "Source",
    "SourceError",
    "import_row",
    "render_summary",
    "run_export",
    "run_import",
]
