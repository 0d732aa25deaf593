"""The API root, the version endpoints, and the OpenAPI document with its two viewers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request, url_for

from wger_flask.rest import negotiation
from wger_flask.rest.smorest import OPTIONAL_AUTH, Blueprint, current_api, documented, set_doc

blp = Blueprint("api_root", __name__, url_prefix="/api/v2", description="Discovery and versions")

APPLICATION_VERSION = "2.7.0"
MIN_APP_VERSION = "2.0.0"
MIN_SERVER_VERSION = "2.5.0"


INDEX_DOC = {
    "operationId": "api_root_retrieve",
    "responses": {
        "200": {
            "description": "Each resource's name and the absolute URL of its list",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "format": "uri"},
                        "example": {"routine": "https://wger.example/api/v2/routine/"},
                    }
                }
            },
        }
    },
    "security": OPTIONAL_AUTH,
}


@blp.route("/", endpoint="index", methods=["GET"])
@documented(INDEX_DOC)
def index() -> Response:
    """Every endpoint of the API and the absolute URL of its list."""
    negotiation.page_context().name = "Api Root"
    base = request.host_url.rstrip("/")
    endpoints = {
        resource.name: f"{base}/api/v2/{resource.name}/"
        for resource in current_app.extensions["wger_resources"]
    }
    return negotiation.render(endpoints)


def _version_view(value: str, summary: str, operation_id: str) -> Callable[[], Response]:
    def view() -> Response:
        return negotiation.render(value)

    view.__doc__ = summary
    set_doc(
        view,
        {
            "operationId": operation_id,  # upstream's
            "responses": {
                "200": {
                    "description": summary,
                    "content": {"application/json": {"schema": {"type": "string"}}},
                }
            },
            "security": [],
        },
    )
    return view


blp.add_url_rule(
    "/version/",
    endpoint="version",
    methods=["GET"],
    view_func=_version_view(
        APPLICATION_VERSION, "The version of this server's API.", "version_retrieve"
    ),
)
blp.add_url_rule(
    "/min-app-version/",
    endpoint="min_app_version",
    methods=["GET"],
    view_func=_version_view(
        MIN_APP_VERSION,
        "The oldest mobile app version this server supports.",
        "min_app_version_retrieve",
    ),
)
blp.add_url_rule(
    "/min-server-version/",
    endpoint="min_server_version",
    methods=["GET"],
    view_func=_version_view(
        MIN_SERVER_VERSION,
        "The oldest server version current apps support.",
        "min_server_version_retrieve",
    ),
)


SCHEMA_DOC = {
    "operationId": "schema_retrieve",  # upstream's
    "parameters": [
        {
            "in": "query",
            "name": "format",
            "required": False,
            "schema": {"type": "string", "enum": ["json"]},
            "description": "JSON, the only format served (upstream also offers YAML)",
        },
        {
            "in": "query",
            "name": "lang",
            "required": False,
            "schema": {"type": "string"},
            "description": "Accepted for upstream's clients; the document is in English",
        },
    ],
    "responses": {
        "200": {
            "description": "This document (with an ETag: a conditional request may get 304)",
            "content": {
                "application/json": {"schema": {"type": "object", "additionalProperties": {}}}
            },
        },
        "304": {"description": "Not modified since the ETag given in If-None-Match"},
    },
    "security": OPTIONAL_AUTH,
}


# The document itself is part of the document (as upstream's is); its two viewers are pages.
@blp.route("/schema/", endpoint="schema", methods=["GET"])
@documented(SCHEMA_DOC)
def schema() -> Response:
    """The OpenAPI 3 document of this API."""
    body = current_api().document_json()
    response = Response(body, mimetype="application/json")
    response.set_etag(negotiation.etag_for(body))
    response.make_conditional(request)  # a 304 when the ETag matches; returns the response
    return response


def swagger_ui() -> str:
    """Swagger UI, served with its own assets (works offline)."""
    return render_template("docs/swagger.html", spec_url=url_for("api_root.schema"))


def redoc() -> str:
    """ReDoc, served with its own assets (works offline)."""
    return render_template("docs/redoc.html", spec_url=url_for("api_root.schema"))


def register_document_routes(app: Flask) -> None:
    app.add_url_rule("/api/v2/schema/ui/", "api_root.swagger_ui", swagger_ui, methods=["GET"])
    app.add_url_rule("/api/v2/schema/redoc/", "api_root.redoc", redoc, methods=["GET"])
