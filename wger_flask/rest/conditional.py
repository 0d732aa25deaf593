"""Conditional reads of a user's own data: a weak ETag on every authenticated JSON answer and
``304 Not Modified`` when the client already holds it (the mobile app and scripts poll).

The tag is a hash of the answer as it is now, so it can never be stale: a write that changes
what the caller would read changes the tag, one that changes nothing keeps it. It is weak
(``W/"…"``): the same data for the caller, not byte-for-byte the catalogue's strong tags that
the gzip layer keeps compressed bodies under (``rest.compression`` leaves weak tags alone, so
users' answers never fill the shared compressed-body store). ``Cache-Control: private,
no-cache`` lets the caller's own client keep the answer and ask again with it, never a shared
cache; ``Vary`` names the credentials it depends on.

The answer is still computed to be compared: what a 304 saves is the transfer and the client's
parsing, and the statements of a read are already few and constant (see
``docs/performance.md``). On the routes ``rest.owner_answers`` keeps, the answer is the kept
one (no view runs) and is tagged here the same way.
"""

from __future__ import annotations

from flask import Flask, Response, g, request

from wger_flask.rest.negotiation import JSON_MIMETYPE, etag_for

PRIVATE = "private, no-cache"


def _conditional(response: Response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and g.get("_api_user") is not None  # someone's own data, authenticated
        and response.status_code == 200
        and response.mimetype == JSON_MIMETYPE
        and not response.is_streamed
        and not response.direct_passthrough
        and "ETag" not in response.headers
    )


def tag_own_data(response: Response) -> Response:
    """``after_request``: tag an authenticated JSON answer; 304 when the client holds it."""
    if not _conditional(response):
        return response
    tag = etag_for(response.get_data())
    vary = response.headers.get("Vary")
    response.headers["Vary"] = f"{vary}, Authorization, Cookie" if vary else "Authorization, Cookie"
    response.headers.setdefault("Cache-Control", PRIVATE)
    if request.if_none_match.contains_weak(tag):
        return Response(
            status=304,
            headers={
                "ETag": f'W/"{tag}"',
                "Vary": response.headers["Vary"],
                "Cache-Control": response.headers["Cache-Control"],
            },
        )
    response.set_etag(tag, weak=True)
    return response


def init_app(app: Flask) -> None:
    """Register after ``rest.compression``'s hook, so that it runs before it (Flask runs them in
    reverse): the gzip layer then sees the weak tag and leaves the answer as it is."""
    app.after_request(tag_own_data)
