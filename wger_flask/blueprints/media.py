"""Serving stored media files under ``/media/``: the right content type, ``nosniff``, a sandbox
policy, never a directory listing nor a file this storage did not make (404)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from wger_flask import security
from wger_flask.services import media

blp = Blueprint("media", __name__, url_prefix=media.URL_PREFIX.rstrip("/"))


SANDBOX = "default-src 'none'; sandbox"  # a stored file never runs script nor loads anything


@blp.get("/<path:name>")
@security.view_headers(Content_Security_Policy=SANDBOX)
def serve(name: str) -> Response:
    """One stored file, or a 404 (unknown name, directory, unsafe path, other extension)."""
    # The app's PathNormalizer gives every path a trailing slash (static files aside).
    name = name.removesuffix("/")
    store = media.storage()
    try:
        path = store.path(name)
        mimetype = media.content_type(name)
    except media.UnsafeName:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=3600, etag=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
