"""Upstream's uploaded files (its ``MEDIA_ROOT``, given as ``--media``), read safely, and the
files this import stored, so that they are removed again if their user's transaction fails.

Names come from the source database, so they are resolved strictly inside the media folder
(no ``..``, no absolute paths, no symbolic links out). Files are stored only through the
domains' own upload functions (the gallery's and the catalogue's), which write through the one
media storage layer; never to the disk directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, TypeVar

from wger_flask.services import media

T = TypeVar("T")


class MediaFiles:
    def __init__(self, root: str | Path | None, *, dry_run: bool = False) -> None:
        self.root = Path(root).resolve() if root else None
        self.dry_run = dry_run
        self.stored: list[str] = []

    def path(self, name: str | None) -> Path | None:
        if not name or self.root is None:
            return None
        candidate = (self.root / str(name)).resolve()
        if self.root not in candidate.parents or not candidate.is_file():
            return None
        return candidate

    def open(self, name: str | None) -> IO[bytes] | None:
        path = self.path(name)
        return path.open("rb") if path is not None else None

    def missing_reason(self, name: str | None) -> str:
        if self.root is None:
            return f"no media folder given (--media): file {name!r} not imported"
        return f"file {name!r} is not in the media folder {self.root}"

    def keep(self, stored: T) -> T:
        """Note a stored file (anything with ``name`` and maybe ``thumbnails``)."""
        names: list[Any] = [getattr(stored, "name", None)]
        names.extend(getattr(stored, "thumbnails", {}).values())
        self.stored.extend(name for name in names if name)
        return stored

    def discard(self) -> None:
        """The transaction failed or was a dry run: remove what it stored."""
        storage = media.storage()
        for name in self.stored:
            storage.delete(name)
        self.stored = []

    def settle(self) -> None:
        """The transaction committed: its files stay."""
        self.stored = []
