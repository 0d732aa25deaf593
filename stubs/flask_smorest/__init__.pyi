# flask-smorest 0.47.0: the names wger_flask uses (stubs/README.md).
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any, TypeVar

import flask
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask.views import View
from webargs.flaskparser import FlaskParser
from werkzeug.routing import BaseConverter

_F = TypeVar("_F", bound=Callable[..., Any])
_Status = int | str | HTTPStatus

class Api:
    spec: APISpec
    ma_plugin: MarshmallowPlugin
    config: Mapping[str, Any]
    def __init__(
        self,
        app: flask.Flask | None = None,
        *,
        spec_kwargs: dict[str, Any] | None = None,
        config_prefix: str = "",
    ) -> None: ...
    def init_app(self, app: flask.Flask, *, spec_kwargs: dict[str, Any] | None = None) -> None: ...
    def register_converter(
        self, converter: type[BaseConverter], func: Callable[[BaseConverter], dict[str, Any]]
    ) -> None: ...
    def register_blueprint(
        self, blp: Blueprint, *, parameters: list[Any] | None = None, **options: Any
    ) -> None: ...
    def _register_error_handlers(self) -> None: ...

class Blueprint(flask.Blueprint):
    ARGUMENTS_PARSER: FlaskParser
    description: str
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
    # A view function or a MethodView class (flask-smorest documents each of its methods).
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: Callable[..., Any] | type[View] | None = None,
        provide_automatic_options: bool | None = None,
        *,
        parameters: list[Any] | None = None,
        tags: list[str] | None = None,
        **options: Any,
    ) -> None: ...
    def arguments(
        self,
        schema: Any,
        *,
        location: str = "json",
        content_type: str | None = None,
        required: bool = True,
        description: str | None = None,
        example: Any = None,
        examples: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> Callable[[_F], _F]: ...
    def response(
        self,
        status_code: _Status,
        schema: Any = None,
        *,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
    ) -> Callable[[_F], _F]: ...
    def alt_response(
        self,
        status_code: _Status,
        response: Any = None,
        *,
        schema: Any = None,
        content_type: str | None = None,
        description: str | None = None,
        example: Any = None,
        examples: Mapping[str, Any] | None = None,
        headers: Mapping[str, Any] | None = None,
        success: bool = False,
    ) -> Callable[[_F], _F]: ...
    @staticmethod
    def doc(**kwargs: Any) -> Callable[[_F], _F]: ...
