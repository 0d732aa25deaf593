"""Format negotiation (suffix, ``?format=``, ``Accept``) and the two renderers: JSON and the
browsable HTML page.

DRF's rules, as clients meet them: JSON by default and for ``*/*``;
``Accept: application/json; indent=4`` indents; ``text/html``, ``?format=api`` and the ``.api``
suffix give the browsable page; ``.json`` and ``?format=json`` force JSON.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import parse_qs

import orjson
from flask import Response, current_app, g, render_template, request
from markupsafe import Markup, escape
from werkzeug.exceptions import NotAcceptable, NotFound

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

JSON = "json"
API = "api"
FORMAT_SUFFIXES = (JSON, API)
SUFFIX_ENVIRON_KEY = "wger.format_suffix"
ORIGINAL_PATH_ENVIRON_KEY = "wger.original_path"
MAX_INDENT = 8
JSON_MIMETYPE = "application/json"
HTML_MIMETYPE = "text/html"

STATIC_PREFIX = "/static/"
# Answers about credentials and sessions must not be kept by any cache (allauth sends this).
NO_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
_SUFFIX_RE = re.compile(r"^(?P<path>/api/v2/.*?)\.(?P<format>json|api)/?$")


class PathNormalizer:
    """WSGI middleware that gives every route its spellings before routing.

    - ``/api/v2/muscle.json`` → ``/api/v2/muscle/`` with the format noted: every API route gets
      ``.json`` and ``.api`` for free, on lists and details alike (DRF's format suffixes).
    - A missing trailing slash is added (static files aside): every rule is declared with one,
      so ``/api/v2/muscle`` and ``/api/v2/muscle/`` are the same route, with the right 405 for
      a wrong method, and never a redirect (clients do not follow them).
    """

    def __init__(self, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path.startswith("/api/v2/"):
            apply_form_override(environ)
        if path.startswith("/api/v2/") and "." in path:
            match = _SUFFIX_RE.match(path)
            if match:
                environ[ORIGINAL_PATH_ENVIRON_KEY] = path
                environ[SUFFIX_ENVIRON_KEY] = match["format"]
                path = match["path"] + "/"
        if not path.endswith("/") and not path.startswith(STATIC_PREFIX):
            path += "/"
        environ["PATH_INFO"] = path
        return self.wsgi_app(environ, start_response)


# The browsable page's write forms, usable without JavaScript (DRF's raw-data form): a plain
# HTML form POST carrying ``_method``, ``_content_type`` and ``_content`` becomes that method
# with that body before routing; its ``csrf_token`` field moves to the X-CSRFToken header,
# where the API's cookie-session check looks for it. Nothing else changes: the request is
# authenticated and CSRF-checked like any other.
FORM_OVERRIDE_ENVIRON_KEY = "wger.form_override"
FORM_MIMETYPE = "application/x-www-form-urlencoded"
OVERRIDE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_FORM_OVERRIDE_BYTES = 2 * 1024 * 1024


def apply_form_override(environ: dict[str, Any]) -> None:
    """Turn a browsable-page form POST into the request it stands for (in place)."""
    if environ.get("REQUEST_METHOD") != "POST":
        return
    if environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower() != FORM_MIMETYPE:
        return
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return
    if length <= 0 or length > MAX_FORM_OVERRIDE_BYTES:
        return
    raw = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(raw)  # untouched for everyone else
    if b"_content" not in raw:
        return
    fields = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
    method = (fields.get("_method") or ["POST"])[0].upper()
    if "_content" not in fields or method not in OVERRIDE_METHODS:
        return
    content = fields["_content"][0].encode() if method != "DELETE" else b""
    content_type = (fields.get("_content_type") or [JSON_MIMETYPE])[0].strip() or JSON_MIMETYPE
    environ["REQUEST_METHOD"] = method
    environ["CONTENT_TYPE"] = content_type
    environ["CONTENT_LENGTH"] = str(len(content))
    environ["wsgi.input"] = io.BytesIO(content)
    environ[FORM_OVERRIDE_ENVIRON_KEY] = True
    token = (fields.get("csrf_token") or [""])[0]
    if token and "HTTP_X_CSRFTOKEN" not in environ:
        environ["HTTP_X_CSRFTOKEN"] = token


@dataclass(frozen=True)
class Negotiated:
    """The outcome of negotiation: which renderer, and the JSON indent if one was asked for."""

    format: str
    indent: int | None = None

    @property
    def is_html(self) -> bool:
        return self.format == API


def _parse_accept(header: str) -> list[tuple[str, dict[str, str], float]]:
    """Split an Accept header into (media type, params, q) triples, best first."""
    items = []
    for position, part in enumerate(header.split(",")):
        pieces = [piece.strip() for piece in part.split(";")]
        media_type = pieces[0].lower()
        if not media_type:
            continue
        params: dict[str, str] = {}
        for piece in pieces[1:]:
            if "=" in piece:
                key, _, value = piece.partition("=")
                params[key.strip().lower()] = value.strip().strip('"')
        try:
            quality = float(params.pop("q", "1"))
        except ValueError:
            quality = 1.0
        specificity = 0 if media_type == "*/*" else 1 if media_type.endswith("/*") else 2
        items.append((media_type, params, quality, specificity, position))
    items.sort(key=lambda item: (-item[2], -item[3], item[4]))
    return [(media_type, params, quality) for media_type, params, quality, _, _ in items]


def _indent_from(params: dict[str, str]) -> int | None:
    raw = params.get("indent")
    if raw is None:
        return None
    try:
        return max(0, min(int(raw), MAX_INDENT))
    except ValueError:
        return None


def negotiate_from(suffix: str | None, format_param: str | None, accept: str) -> Negotiated:
    """Pick the renderer for a request; pure, so it is unit-tested without a request."""
    forced = suffix or format_param
    accepted = _parse_accept(accept) if accept.strip() else []
    if forced is not None:
        if forced not in FORMAT_SUFFIXES:
            raise NotFound()
        indent = None
        if forced == JSON:
            for media_type, params, _ in accepted:
                if media_type == JSON_MIMETYPE:
                    indent = _indent_from(params)
                    break
        return Negotiated(forced, indent)
    if not accepted:
        return Negotiated(JSON)
    for media_type, params, quality in accepted:
        if quality <= 0:
            continue
        if media_type in (JSON_MIMETYPE, "application/*", "*/*"):
            return Negotiated(JSON, _indent_from(params))
        if media_type in (HTML_MIMETYPE, "text/*"):
            return Negotiated(API)
    raise NotAcceptable("Could not satisfy the request Accept header.")


def negotiated() -> Negotiated:
    """The current request's negotiated format, computed once per request."""
    outcome = g.get("_negotiated")
    if outcome is None:
        outcome = negotiate_from(
            request.environ.get(SUFFIX_ENVIRON_KEY),
            request.args.get("format"),
            request.headers.get("Accept", ""),
        )
        g._negotiated = outcome
    return cast(Negotiated, outcome)


def negotiated_or_json() -> Negotiated:
    """Like ``negotiated`` but never raises: error pages must always render."""
    try:
        return negotiated()
    except (NotAcceptable, NotFound):
        return Negotiated(JSON)


# --------------------------------------------------------------------------------------
# JSON encoding


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (uuid.UUID,)):
        return str(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def dumps(data: Any, indent: int | None = None) -> bytes:
    """Encode to JSON bytes: orjson for the compact hot path, stdlib for any other indent."""
    try:
        if indent is None:
            return orjson.dumps(data, default=_json_default, option=orjson.OPT_NON_STR_KEYS)
        if indent == 2:
            return orjson.dumps(
                data, default=_json_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
            )
    except TypeError:
        pass  # an integer beyond 64 bits (PostgreSQL gives 1e30 in a JSON document back so)
    text = json.dumps(
        data,
        indent=indent or None,
        ensure_ascii=False,
        default=_json_default,
        separators=(",", ": ") if indent else (",", ":"),
    )
    return text.encode()


# --------------------------------------------------------------------------------------
# The browsable page


@dataclass
class PageContext:
    """What the browsable page shows beside the data: set by the view that answered."""

    name: str = ""
    description: str = ""
    pagination: dict[str, str | None] = field(default_factory=dict)
    filters: list[tuple[str, str]] = field(default_factory=list)
    ordering: list[str] = field(default_factory=list)


def page_context() -> PageContext:
    """The browsable-page context of this request (views fill it in)."""
    context = g.get("_page_context")
    if context is None:
        context = PageContext()
        g._page_context = context
    return cast(PageContext, context)


# A JSON string that is a whole URL, in the escaped text: it ends at its closing quote (an
# escaped ``&#34;``), so a query's ``&`` (escaped ``&amp;``) stays part of it.
_URL_RE = re.compile(r"(&#34;)(https?://(?:(?!&#34;)[^\s<>\\])+)(&#34;)")


def _urlize_json(text: str) -> Markup:
    """Escape the pretty JSON and make the URL strings in it clickable."""
    escaped = str(escape(text))
    return Markup(_URL_RE.sub(r'\1<a href="\2">\2</a>\3', escaped))


@dataclass(frozen=True)
class WriteForm:
    """One of the browsable page's request forms: a method and the body it starts with."""

    method: str
    content: str = ""


def _page_resource() -> tuple[Any, bool] | None:
    """The declared resource (``rest.resources.Resource``) answering this request, if any,
    and whether this is its detail route; found through the blueprint's registry."""
    blueprint = current_app.blueprints.get(request.blueprint or "")
    endpoint = (request.endpoint or "").rsplit(".", 1)[-1]
    for resource in getattr(blueprint, "resources", None) or ():
        if endpoint == f"{resource.name}-list":
            return resource, False
        if endpoint == f"{resource.name}-detail":
            return resource, True
    return None


def _blank_value(schema_field: Any) -> Any:
    """What a new object's field starts as in the form (DRF's raw form: empty values)."""
    from marshmallow import fields as ma
    from marshmallow import missing

    default = schema_field.load_default
    if default is not missing:
        return default() if callable(default) else default
    if isinstance(schema_field, ma.Boolean):
        return False
    if isinstance(schema_field, (ma.DateTime,)):
        return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    if isinstance(schema_field, ma.Date):
        return dt.date.today().isoformat()
    if isinstance(schema_field, ma.String):
        return ""
    if isinstance(schema_field, ma.List):
        return []
    if isinstance(schema_field, ma.Dict):
        return {}
    return None


def _writable_fields(resource: Any) -> dict[str, Any]:
    """The fields a client may send, by their wire name."""
    schema = resource.create_schema
    return {
        (item.data_key or name): item for name, item in schema.fields.items() if not item.dump_only
    }


def _write_forms(data: Any, status: int, allowed: list[str]) -> list[WriteForm]:
    """The request forms of this page: POST (list or action) pre-filled with the resource's
    fields, PUT and PATCH with the object's current values, DELETE; only for a signed-in
    user who may write here."""
    from flask_login import current_user as session_user

    if not session_user.is_authenticated or status in (404, 410):
        return []  # nothing here to write to (e.g. the page of an object just deleted)
    found = _page_resource()
    resource, is_detail = found if found else (None, False)
    permission = resource.rules.permission if resource is not None else None
    if permission is not None and not permission(session_user, "create"):
        return []
    writable = _writable_fields(resource) if resource is not None else None
    forms = []
    if "POST" in allowed:
        if writable is not None and not is_detail:
            start = {key: _blank_value(item) for key, item in writable.items()}
        else:
            start = {}
        forms.append(WriteForm("POST", dumps(start, indent=4).decode()))
    current = data if isinstance(data, dict) and status == 200 else {}
    if writable is not None:
        current = {key: value for key, value in current.items() if key in writable}
    for method in ("PUT", "PATCH"):
        if method in allowed:
            forms.append(WriteForm(method, dumps(current, indent=4).decode()))
    if "DELETE" in allowed:
        forms.append(WriteForm("DELETE"))
    return forms


def _view_docstring() -> str:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    doc = (view_class or view).__doc__ if (view_class or view) else None
    return (doc or "").strip()


def _allowed_methods() -> list[str]:
    adapter = current_app.url_map.bind("")
    try:
        methods = adapter.allowed_methods(request.path)
    except Exception:  # an unroutable path still gets a page
        methods = []
    order = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
    return [method for method in order if method in methods]


def render_browsable(data: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """Render the browsable API page around ``data``."""
    context = page_context()
    pretty = dumps(data, indent=4).decode() if data is not None else ""
    allowed = _allowed_methods()
    shown_headers = {"Allow": ", ".join(allowed), "Content-Type": JSON_MIMETYPE, "Vary": "Accept"}
    shown_headers.update(headers or {})
    original_path = request.environ.get(ORIGINAL_PATH_ENVIRON_KEY, request.path)
    json_url = request.base_url.rstrip("/") + ".json"
    if request.query_string:
        json_url += "?" + request.query_string.decode("latin-1")
    body = render_template(
        "rest/browsable.html",
        name=context.name or _default_name(),
        description=context.description or _view_docstring(),
        method=request.method,
        path=original_path,
        query=request.query_string.decode("latin-1"),
        status=status,
        status_phrase=_status_phrase(status),
        headers=shown_headers,
        content=_urlize_json(pretty),
        allowed_methods=allowed,
        pagination=context.pagination,
        filters=context.filters,
        ordering=context.ordering,
        json_url=json_url,
        write_forms=_write_forms(data, status, allowed),
        form_action=request.path,
    )
    # A 204 has no body, so a browser would stay on the form's page as if nothing happened:
    # the answer to a form of this page is shown with its status, on a 200 page.
    sent_status = (
        200 if status == 204 and request.environ.get(FORM_OVERRIDE_ENVIRON_KEY) else status
    )
    response = Response(body, status=sent_status, mimetype=HTML_MIMETYPE)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    response.headers["Vary"] = "Accept"
    return response


def _default_name() -> str:
    segments = [part for part in request.path.split("/") if part][2:]
    if not segments:
        return "Api Root"
    return " ".join(segment.replace("-", " ").title() for segment in segments)


def _status_phrase(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# --------------------------------------------------------------------------------------
# Responses


def etag_for(body: bytes) -> str:
    """A strong validator for a response body."""
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def render(
    data: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    *,
    etag: bool = False,
) -> Response:
    """Render ``data`` in the negotiated format. ``etag`` adds a validator and answers 304."""
    outcome = negotiated()
    if outcome.is_html:
        return render_browsable(data, status, headers)
    body = dumps(data, outcome.indent) if status != 204 else b""
    return render_encoded(body, status, headers, etag=etag)


def render_encoded(
    body: bytes,
    status: int = 200,
    headers: dict[str, str] | None = None,
    *,
    etag: bool = False,
) -> Response:
    """Send a body already encoded as JSON (negotiation done by the caller)."""
    response = Response(body, status=status, mimetype=JSON_MIMETYPE if status != 204 else None)
    if headers:
        for key, value in headers.items():
            response.headers[key] = value
    response.headers["Vary"] = "Accept"
    if etag and status == 200:
        tag = etag_for(body)
        response.set_etag(tag)
        if request.if_none_match.contains(tag):
            response = Response(status=304, headers={"ETag": f'"{tag}"', "Vary": "Accept"})
    return response


def render_stream(chunks: Iterable[bytes], status: int = 200) -> Response:
    """Send an already-encoded JSON body piece by piece (large pages)."""

    def generate() -> Iterator[bytes]:
        yield from chunks

    response = Response(generate(), status=status, mimetype=JSON_MIMETYPE)
    response.headers["Vary"] = "Accept"
    return response
