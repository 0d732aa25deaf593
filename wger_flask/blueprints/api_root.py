"""The API root, the version endpoints, and the OpenAPI document with its two viewers."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from wger_flask.rest import negotiation
from wger_flask.rest.smorest import Blueprint, current_api, set_doc

blp = Blueprint("api_root", __name__, url_prefix="/api/v2", description="Discovery and versions")

APPLICATION_VERSION = "2.7.0"
MIN_APP_VERSION = "2.0.0"
MIN_SERVER_VERSION = "2.5.0"


@blp.route("/", endpoint="index", methods=["GET"])
def index() -> Response:
    """Every endpoint of the API and the absolute URL of its list."""
    negotiation.page_context().name = "Api Root"
    base = request.host_url.rstrip("/")
    endpoints = {
        resource.name: f"{base}/api/v2/{resource.name}/"
        for resource in current_app.extensions["wger_resources"]
    }
    return negotiation.render(endpoints)


def _version_view(value: str, summary: str) -> Callable[[], Response]:
    def view() -> Response:
        return negotiation.render(value)

    view.__doc__ = summary
    set_doc(
        view,
        {
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
    view_func=_version_view(APPLICATION_VERSION, "The version of this server's API."),
)
blp.add_url_rule(
    "/min-app-version/",
    endpoint="min_app_version",
    methods=["GET"],
    view_func=_version_view(MIN_APP_VERSION, "The oldest mobile app version this server supports."),
)
blp.add_url_rule(
    "/min-server-version/",
    endpoint="min_server_version",
    methods=["GET"],
    view_func=_version_view(MIN_SERVER_VERSION, "The oldest server version current apps support."),
)


# The document and its viewers are not part of the document itself: a plain Flask route table.
def schema() -> WerkzeugResponse:
    """The OpenAPI 3 document of this API."""
    body = current_api().document_json()
    response = Response(body, mimetype="application/json")
    response.set_etag(negotiation.etag_for(body))
    return response.make_conditional(request)


def swagger_ui() -> str:
    """Swagger UI, served with its own assets (works offline)."""
    return render_template("docs/swagger.html", spec_url=url_for("api_root.schema"))


def redoc() -> str:
    """ReDoc, served with its own assets (works offline)."""
    return render_template("docs/redoc.html", spec_url=url_for("api_root.schema"))


def register_document_routes(app: Flask) -> None:
    app.add_url_rule("/api/v2/schema/", "api_root.schema", schema, methods=["GET"])
    app.add_url_rule("/api/v2/schema/ui/", "api_root.swagger_ui", swagger_ui, methods=["GET"])
    app.add_url_rule("/api/v2/schema/redoc/", "api_root.redoc", redoc, methods=["GET"])
