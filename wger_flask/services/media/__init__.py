"""The media domain: one storage layer for uploaded files (gallery photos today, exercise
images and videos later).

Files live under ``MEDIA_ROOT`` (a local directory by default; see ``docs/media.md`` for
several hosts). Names are made here, never taken from a client: ``<folder>/<random>.<ext>``
with a folder chosen by the caller from safe characters. Writes are atomic (a temporary file
in the same directory, flushed and renamed into place), so a reader never sees half a file;
deletes are idempotent. ``media_url`` builds the public URL of a stored name; the ``media``
blueprint serves them with their content type and ``nosniff``, never a directory listing.

May import: the standard library, Flask's ``current_app`` (for the configured root), Pillow
(``uploads``, ``metadata``) and PyAV (``metadata``: remuxing videos).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from flask import current_app, request

from wger_flask.services.media.metadata import (
    MetadataError,
    orientation_of,
    remux_video,
    strip_image,
)
from wger_flask.services.media.uploads import (
    IMAGE_FORMATS,
    UploadRejected,
    check_size,
    decode_image,
    upload_size,
)

# The types this storage serves, by extension; anything else is never served.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
URL_PREFIX = "/media/"
_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}\.([a-z0-9]{1,5})$")


class UnsafeName(ValueError):
    """A stored name that is not one this storage makes (traversal, odd characters, ...)."""


def check_name(name: str) -> str:
    """``name`` if it is a storage name (``folder/.../file.ext``), else ``UnsafeName``."""
    parts = name.split("/")
    if len(parts) < 2 or not all(_SEGMENT.match(part) for part in parts[:-1]):
        raise UnsafeName(name)
    match = _FILE.match(parts[-1])
    if match is None or match.group(1) not in CONTENT_TYPES:
        raise UnsafeName(name)
    return name


def content_type(name: str) -> str:
    """The content type a stored name is served with."""
    return CONTENT_TYPES[check_name(name).rsplit(".", 1)[1]]


class LocalStorage:
    """Files in a directory on this host (or a shared mount: see ``docs/media.md``)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def path(self, name: str) -> Path:
        """The file of a stored name, guaranteed inside the root."""
        path = (self.root / check_name(name)).resolve()
        if self.root not in path.parents:
            raise UnsafeName(name)
        return path

    def save(self, folder: str, extension: str, write: Callable[[IO[bytes]], None]) -> str:
        """Store a new file: ``write`` fills it; returns its name. Atomic: the file appears
        complete under its name or not at all."""
        name = check_name(f"{folder}/{secrets.token_hex(16)}.{extension}")
        target = self.path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o644)  # readable, never executable
            os.replace(temporary, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return name

    def delete(self, name: str) -> None:
        """Remove a stored file; a missing one is no error (deletes may be retried)."""
        with contextlib.suppress(FileNotFoundError, UnsafeName):
            self.path(name).unlink()

    def delete_folder(self, folder: str) -> None:
        """Remove every stored file of a folder (e.g. a user's gallery) and the folder."""
        if not all(_SEGMENT.match(part) for part in folder.split("/")):
            raise UnsafeName(folder)
        directory = (self.root / folder).resolve()
        if self.root not in directory.parents or not directory.is_dir():
            return
        for child in directory.iterdir():
            if child.is_file():
                child.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            directory.rmdir()

    def open(self, name: str) -> IO[bytes]:
        """Read a stored file (``FileNotFoundError`` when it is not there)."""
        return self.path(name).open("rb")

    def exists(self, name: str) -> bool:
        try:
            return self.path(name).is_file()
        except UnsafeName:
            return False


def storage() -> LocalStorage:
    """The storage of the running app (``MEDIA_ROOT``)."""
    return LocalStorage(current_app.config["MEDIA_ROOT"])


def media_url(name: str | None) -> str | None:
    """The absolute URL of a stored name on the current request's scheme and host."""
    if not name:
        return None
    return request.host_url.rstrip("/") + URL_PREFIX + name


__all__ = [
    "CONTENT_TYPES",
    "MetadataError",
    "orientation_of",
    "remux_video",
    "strip_image",
    "IMAGE_FORMATS",
    "UploadRejected",
    "check_size",
    "decode_image",
    "upload_size",
    "URL_PREFIX",
    "LocalStorage",
    "UnsafeName",
    "check_name",
    "content_type",
    "media_url",
    "storage",
]
