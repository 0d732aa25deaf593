# flask-smorest 0.47.0: the names wger_flask uses (stubs/README.md).
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import flask
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

_F = TypeVar("_F", bound=Callable[..., Any])

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
    def register_blueprint(
        self, blp: Blueprint, *, parameters: list[Any] | None = None, **options: Any
    ) -> None: ...
    def _register_error_handlers(self) -> None: ...

class Blueprint(flask.Blueprint):
    description: str
    def __init__(self, *args: Any, **kwargs: Any) -> None: ...
