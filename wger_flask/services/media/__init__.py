"""The media domain: one storage layer for uploaded files (gallery photos, exercise images,
their thumbnails and videos).

Files live under ``MEDIA_ROOT`` (a local directory, the default) or in an S3-compatible
bucket (``MEDIA_STORAGE=s3``, ``s3.py``; see ``docs/media.md``): both backends have one
interface (``save``, ``delete``, ``delete_folder``, ``open``, ``exists``, ``stat``,
``chunks``, ``check``), and every writer goes through ``storage()``. Names are made here, never taken from a client: ``<folder>/<random>.<ext>``
with a folder chosen by the caller from safe characters. Writes are atomic (a temporary file
in the same directory, flushed and renamed into place), so a reader never sees half a file;
deletes are idempotent. ``media_url`` builds the public URL of a stored name; the ``media``
blueprint serves them with their content type and ``nosniff``, never a directory listing.

May import: the standard library, Flask's ``current_app`` (for the configured backend),
boto3 (the S3 backend), Pillow (``uploads``, ``metadata``) and PyAV (``metadata``: remuxing
videos).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from stat import S_ISREG
from typing import IO

from flask import current_app, request

from wger_flask.services.media.metadata import (
    MetadataError,
    orientation_of,
    remux_video,
    strip_image,
)
from wger_flask.services.media.names import (
    CONTENT_TYPES,
    SEGMENT,
    Chunks,
    StoredFile,
    UnsafeName,
    check_name,
    content_type,
    new_name,
)
from wger_flask.services.media.s3 import ADDRESSING_STYLES, S3Settings, S3Storage, make_client
from wger_flask.services.media.uploads import (
    IMAGE_FORMATS,
    UploadRejected,
    check_size,
    decode_image,
    upload_size,
)

URL_PREFIX = "/media/"
STORAGE_KINDS = ("local", "s3")
SERVE_MODES = ("stream", "redirect")


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

    def save(self, folder: str, extension: str, write: Callable[[IO[bytes]], object]) -> str:
        """Store a new file: ``write`` fills it; returns its name. Atomic: the file appears
        complete under its name or not at all."""
        name = new_name(folder, extension)
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
        if not all(SEGMENT.match(part) for part in folder.split("/")):
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
        return self.stat(name) is not None

    def stat(self, name: str) -> StoredFile | None:
        """Size, change time and a validator of a stored file; None when it is not there."""
        try:
            facts = self.path(name).stat()
        except (UnsafeName, FileNotFoundError, NotADirectoryError):
            return None
        if not S_ISREG(facts.st_mode):
            return None
        return StoredFile(
            size=facts.st_size,
            modified=dt.datetime.fromtimestamp(facts.st_mtime, dt.UTC),
            etag=f"{facts.st_mtime_ns:x}-{facts.st_size:x}",
        )

    def chunks(self, name: str) -> Chunks:
        """The file's bytes for an answer: opened at the first chunk, from a range's start."""

        def opener(start: int) -> IO[bytes]:
            handle = self.open(name)
            handle.seek(start)
            return handle

        return Chunks(opener)

    def check(self) -> None:
        """Raise unless the root is a directory this process can write to (``/readyz``)."""
        if not self.root.is_dir() and self.root.exists():
            raise NotADirectoryError(str(self.root))
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"{self.root} is not writable")


Storage = LocalStorage | S3Storage


def storage() -> Storage:
    """The storage of the running app: ``MEDIA_ROOT`` on this host, or the S3 bucket
    (``MEDIA_STORAGE=s3``) with one client per app and settings, shared by its threads."""
    config = current_app.config
    if config.get("MEDIA_STORAGE", "local") != "s3":
        return LocalStorage(config["MEDIA_ROOT"])
    settings = s3_settings(config)
    clients: dict[S3Settings, S3Storage] = current_app.extensions.setdefault("wger_media_s3", {})
    if settings not in clients:
        clients[settings] = S3Storage(settings, make_client(settings))
    return clients[settings]


def s3_settings(config: Mapping[str, object]) -> S3Settings:
    """The bucket settings of an app's configuration."""
    return S3Settings(
        bucket=str(config["MEDIA_S3_BUCKET"]),
        prefix=str(config.get("MEDIA_S3_PREFIX") or ""),
        endpoint_url=_text_or_none(config.get("MEDIA_S3_ENDPOINT_URL")),
        region=_text_or_none(config.get("MEDIA_S3_REGION")),
        # one of these three: config.py's env_choice refuses any other
        addressing_style=ADDRESSING_STYLES[str(config.get("MEDIA_S3_ADDRESSING_STYLE") or "auto")],
    )


def _text_or_none(value: object) -> str | None:
    return str(value) if value else None


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
    "SERVE_MODES",
    "STORAGE_KINDS",
    "LocalStorage",
    "S3Settings",
    "S3Storage",
    "Storage",
    "StoredFile",
    "s3_settings",
    "UnsafeName",
    "check_name",
    "content_type",
    "media_url",
    "storage",
]
