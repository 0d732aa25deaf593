"""Serving stored media files under ``/media/``: the right content type, ``nosniff``, a sandbox
policy, never a directory listing nor a file this storage did not make (404).

With ``MEDIA_STORAGE=s3`` a file is streamed through the app (``MEDIA_S3_SERVE=stream``, the
default: exactly these headers) or answered with a redirect to a short-lived presigned URL of
the bucket (``redirect``: the bucket serves the bytes, its content type and ``inline`` pinned
by the signature).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, request
from werkzeug.wrappers import Response as BaseResponse

from wger_flask import security
from wger_flask.services import media

blp = Blueprint("media", __name__, url_prefix=media.URL_PREFIX.rstrip("/"))


SANDBOX = "default-src 'none'; sandbox"  # a stored file never runs script nor loads anything
MAX_AGE = 3600


@blp.get("/<path:name>")
@security.view_headers(Content_Security_Policy=SANDBOX)
def serve(name: str) -> BaseResponse:
    """One stored file, or a 404 (unknown name, directory, unsafe path, other extension)."""
    # The app's PathNormalizer gives every path a trailing slash (static files aside).
    name = name.removesuffix("/")
    try:
        mimetype = media.content_type(name)
    except media.UnsafeName:
        abort(404)
    store = media.storage()
    if isinstance(store, media.S3Storage) and current_app.config["MEDIA_S3_SERVE"] == "redirect":
        return _redirect(store, name)
    stored = store.stat(name)
    if stored is None:
        abort(404)
    response = Response(store.chunks(name), mimetype=mimetype, direct_passthrough=True)
    response.content_length = stored.size
    response.last_modified = stored.modified
    response.set_etag(stored.etag)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = f"private, max-age={MAX_AGE}"
    # 304 for a matching validator, 206 for a range: werkzeug answers both from these headers
    return response.make_conditional(request, accept_ranges=True, complete_length=stored.size)


def _redirect(store: media.S3Storage, name: str) -> BaseResponse:
    """A redirect to the object's presigned URL; a missing object is still a 404 here."""
    if store.stat(name) is None:
        abort(404)
    seconds = current_app.config["MEDIA_S3_URL_SECONDS"]
    url = store.presigned_url(name, seconds, cache_control=f"private, max-age={MAX_AGE}")
    response = redirect(url, code=302)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # the URL expires: a client may reuse the redirect for a part of its life only
    response.headers["Cache-Control"] = f"private, max-age={max(seconds // 2, 0)}"
    return response
