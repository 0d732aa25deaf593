"""gzip for large JSON answers that carry an ETag, compressed once per content, not per request.

An ETag here is a hash of the body, so the compressed body can be kept under it: the first
request for a content compresses it (level 6), later ones find it by the tag. Answers without
an ETag are sent as they are (compressing each one anew costs more CPU than it saves on the
loopback and LAN deployments this serves; the catalogue's large pages all carry tags).

Negotiation follows RFC 9110: ``Accept-Encoding: gzip`` (or ``*``) with a non-zero q-value.
The gzip representation has its own strong validator, ``"<tag>-gzip"``, and a conditional
request naming it is answered 304. ``Vary: Accept-Encoding`` goes on every answer that could
have been compressed, so shared caches keep the two apart. ``Content-Length`` is set by the
response from its body (streamed answers are chunked and left alone).
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

from wger_flask.rest import caches

MIN_SIZE = 1024  # smaller bodies fit a packet or two anyway
LEVEL = 6
MAX_KEPT_BYTES = 1024 * 1024  # compressed bodies kept per worker
GZIP_SUFFIX = "-gzip"


def accepts_gzip(header: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip."""
    if not header:
        return False
    allowed = None
    for part in header.split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if coding not in ("gzip", "x-gzip", "*"):
            continue
        quality = 1.0
        params = params.strip().lower()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if coding == "*":
            allowed = quality > 0 if allowed is None else allowed
        else:
            return quality > 0
    return bool(allowed)


class CompressedBodies(caches.BoundedLRU[bytes]):
    """Compressed bodies by ETag (``caches.BoundedLRU``); one over a quarter of the bound is
    compressed every time."""

    def __init__(self, max_bytes: int = MAX_KEPT_BYTES) -> None:
        super().__init__(max_bytes, len)

    def get_or_compress(self, tag: str, body: bytes) -> bytes:
        kept = self.get(tag)
        if kept is not None:
            return kept
        compressed = gzip.compress(body, compresslevel=LEVEL, mtime=0)
        if len(compressed) <= self.max_bytes // 4:
            self.put(tag, compressed)
        return compressed


BODIES = CompressedBodies()
caches.register("compressed_bodies", BODIES)


def _compressible(response: Response) -> bool:
    return (
        response.status_code == 200
        and response.mimetype == "application/json"
        and not response.is_streamed
        and not response.direct_passthrough
        and "Content-Encoding" not in response.headers
        and response.headers.get("ETag") is not None
        and (response.content_length or 0) >= MIN_SIZE
    )


def compress_response(response: Response) -> Response:
    """``after_request``: send the kept gzip body of a tagged JSON answer to clients that take
    it (and a 304 to those that hold it already)."""
    if request.method not in ("GET", "HEAD") or not _compressible(response):
        return response
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
    if not accepts_gzip(request.headers.get("Accept-Encoding")):
        return response
    tag, weak = response.get_etag()
    if weak or tag is None:
        return response
    gzip_tag = tag + GZIP_SUFFIX
    if request.if_none_match.contains(gzip_tag):
        return Response(
            status=304, headers={"ETag": f'"{gzip_tag}"', "Vary": response.headers["Vary"]}
        )
    response.set_data(BODIES.get_or_compress(tag, response.get_data()))
    response.headers["Content-Encoding"] = "gzip"
    response.set_etag(gzip_tag)
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_response)
