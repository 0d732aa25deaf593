"""Stored names and what is known of a stored file, shared by every storage backend.

Names are made here, never taken from a client: ``<folder>/<random>.<ext>`` with a folder of
safe characters chosen by the caller and an extension of the served list.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from collections.abc import Callable
from typing import IO

# The types this storage serves, by extension; anything else is never served.
CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "webm": "video/webm",
}
SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}\.([a-z0-9]{1,5})$")


class UnsafeName(ValueError):
    """A stored name that is not one this storage makes (traversal, odd characters, ...)."""


def check_name(name: str) -> str:
    """``name`` if it is a storage name (``folder/.../file.ext``), else ``UnsafeName``."""
    parts = name.split("/")
    if len(parts) < 2 or not all(SEGMENT.match(part) for part in parts[:-1]):
        raise UnsafeName(name)
    match = FILE.match(parts[-1])
    if match is None or match.group(1) not in CONTENT_TYPES:
        raise UnsafeName(name)
    return name


def new_name(folder: str, extension: str) -> str:
    """A fresh random name in ``folder`` (128 random bits: never guessed, never colliding)."""
    return check_name(f"{folder}/{secrets.token_hex(16)}.{extension}")


def content_type(name: str) -> str:
    """The content type a stored name is served with."""
    return CONTENT_TYPES[check_name(name).rsplit(".", 1)[1]]


@dataclasses.dataclass(frozen=True)
class StoredFile:
    """What serving needs to know of a stored file before reading it."""

    size: int
    modified: dt.datetime
    etag: str


CHUNK_BYTES = 256 * 1024


class Chunks:
    """A stored file's bytes as the answer's body: opened only when the first chunk is asked
    for (a 304 or a HEAD reads nothing), and seekable, so a byte range is read from its start
    (``opener(start)`` gives a reader positioned there) instead of skipped through."""

    def __init__(self, opener: Callable[[int], IO[bytes]]) -> None:
        self.opener = opener
        self.position = 0
        self.reader: IO[bytes] | None = None

    def seekable(self) -> bool:
        return True

    def seek(self, position: int) -> None:
        if self.reader is None:
            self.position = position
        elif position != self.position:
            raise OSError("seek after reading started")

    def tell(self) -> int:
        return self.position

    def __iter__(self) -> Chunks:
        return self

    def __next__(self) -> bytes:
        if self.reader is None:
            self.reader = self.opener(self.position)
        chunk = self.reader.read(CHUNK_BYTES)
        if not chunk:
            self.close()
            raise StopIteration
        self.position += len(chunk)
        return chunk

    def close(self) -> None:
        if self.reader is not None:
            self.reader.close()
