"""Pagination: DRF's limit/offset envelope ``{count, next, previous, results}``.

20 rows by default, ``?limit=`` and ``?offset=`` with **no upper cap** (the seed), links that
are absolute URLs on the request's own scheme and host. Bad values fall back as DRF's
``LimitOffsetPagination`` does: a limit that is not a positive whole number means the default,
an offset that is not a non-negative whole number means 0.

Cursor pagination (``ingredient-sync``) uses DRF's ``CursorPagination`` cursors: base64 of a
query string ``o=<offset>&r=<1 if reversed>&p=<position>``, so links DRF servers hand out and
links this server hands out are interchangeable; a cursor that does not decode is a 404.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from flask import request
from werkzeug.datastructures import MultiDict

from wger_flask.rest.filtering import INT64_MAX

DEFAULT_LIMIT = 20
LIMIT_PARAM = "limit"
OFFSET_PARAM = "offset"
CURSOR_PARAM = "cursor"
CURSOR_OFFSET_CUTOFF = 1000  # DRF's ``offset_cutoff``


def whole_number(raw: str | None, *, strict: bool) -> int | None:
    """DRF's ``_positive_int``: a non-negative int (positive when strict), else None."""
    if raw is None:
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        return None
    if value < 0 or (strict and value == 0):
        return None
    return min(value, INT64_MAX)  # no cap (the seed), but a number the database can take


@dataclass(frozen=True)
class PageRequest:
    """The window a client asked for."""

    limit: int
    offset: int

    @classmethod
    def from_args(
        cls, args: MultiDict[str, str], default_limit: int = DEFAULT_LIMIT
    ) -> PageRequest:
        limit = whole_number(args.get(LIMIT_PARAM), strict=True) or default_limit
        offset = whole_number(args.get(OFFSET_PARAM), strict=False) or 0
        return cls(limit=limit, offset=offset)


def page_url(base_url: str, args: MultiDict[str, str], **replace: int | None) -> str:
    """``base_url`` with the query string of ``args``, some parameters replaced or removed."""
    pairs = [(key, value) for key, value in args.items(multi=True) if key not in replace]
    pairs.extend((key, str(value)) for key, value in replace.items() if value is not None)
    return f"{base_url}?{urlencode(pairs)}" if pairs else base_url


def links(
    page: PageRequest, count: int, base_url: str, args: MultiDict[str, str]
) -> tuple[str | None, str | None]:
    """The ``next`` and ``previous`` URLs of a page, as DRF builds them."""
    next_url = None
    if page.offset + page.limit < count:
        next_url = page_url(base_url, args, limit=page.limit, offset=page.offset + page.limit)
    previous_url = None
    if page.offset > 0:
        if page.offset - page.limit <= 0:
            previous_url = page_url(base_url, args, limit=page.limit, offset=None)
        else:
            previous_url = page_url(
                base_url, args, limit=page.limit, offset=page.offset - page.limit
            )
    return next_url, previous_url


def request_base_url() -> str:
    """The absolute URL of this request without its query: scheme and host as the client used."""
    from wger_flask.rest.negotiation import ORIGINAL_PATH_ENVIRON_KEY

    original = request.environ.get(ORIGINAL_PATH_ENVIRON_KEY)
    if original:
        return request.host_url.rstrip("/") + request.script_root + str(original)
    base_url: str = request.base_url
    return base_url


def envelope(page: PageRequest, count: int, results: list[Any]) -> dict[str, Any]:
    """The paginated body for the current request."""
    next_url, previous_url = links(page, count, request_base_url(), request.args)
    return {"count": count, "next": next_url, "previous": previous_url, "results": results}


# --------------------------------------------------------------------------------------
# Cursor pagination


class InvalidCursor(ValueError):
    """The ``cursor`` parameter does not decode (DRF answers 404 "Invalid cursor")."""


@dataclass(frozen=True)
class Cursor:
    """A position in an ordered list: after (or, reversed, before) ``position``."""

    position: str | None = None
    reverse: bool = False
    offset: int = 0


def decode_cursor(raw: str | None) -> Cursor:
    """The cursor of a ``?cursor=`` value (no value: the start of the list)."""
    if raw is None:
        return Cursor()
    try:
        query = base64.b64decode(raw.encode("ascii")).decode("ascii")
        tokens = parse_qs(query, keep_blank_values=True)
        offset = whole_number(tokens.get("o", ["0"])[0], strict=False)
        reverse = bool(int(tokens.get("r", ["0"])[0]))
    except (UnicodeError, binascii.Error, ValueError):
        raise InvalidCursor() from None
    if offset is None:
        raise InvalidCursor()
    position = tokens.get("p", [None])[0]
    return Cursor(position, reverse, min(offset, CURSOR_OFFSET_CUTOFF))


def encode_cursor(cursor: Cursor) -> str:
    tokens: dict[str, str] = {}
    if cursor.offset:
        tokens["o"] = str(cursor.offset)
    if cursor.reverse:
        tokens["r"] = "1"
    if cursor.position is not None:
        tokens["p"] = cursor.position
    return base64.b64encode(urlencode(tokens).encode("ascii")).decode("ascii")


def cursor_url(cursor: Cursor) -> str:
    """The current request's URL with its ``cursor`` parameter replaced."""
    pairs = [(key, value) for key, value in request.args.items(multi=True) if key != CURSOR_PARAM]
    pairs.append((CURSOR_PARAM, encode_cursor(cursor)))
    return f"{request_base_url()}?{urlencode(pairs)}"
