"""wger-flask: the wger REST API as a Flask service.

``create_app`` binds everything in a fixed order: config → extensions → blueprints → errors
→ CLI. ``wsgi.py`` calls it for gunicorn.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from wger_flask.config import Config

MIGRATIONS_DIRECTORY = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Any = None, *, serving: bool = False) -> Flask:
    """Build the application. ``config`` is a Config instance (default: from the environment);
    ``serving``: for a WSGI server (``wsgi.py``), without what only the commands use."""
    config = config or Config()
    app = Flask(__name__, instance_path=config.INSTANCE_PATH, instance_relative_config=False)
    app.config.from_object(config)
    app.url_map.strict_slashes = False  # rules end in "/"; PathNormalizer adds missing ones
    _configure_logging(app)
    _load_powersync_keys(app)  # first: a malformed key stops the start before anything is bound

    _init_extensions(app)
    if not serving:
        _init_migrations(app)
    _register_blueprints(app)

    from wger_flask.rest.errors import register_error_handlers

    register_error_handlers(app)

    from wger_flask import cli

    cli.register(app)
    _install_middleware(app)
    return app


def _configure_logging(app: Flask) -> None:
    from wger_flask.rest.requestlog import configure_logging

    if not app.debug and not app.testing:
        configure_logging(app.config["LOG_FORMAT"])  # plain text or JSON lines (LOG_FORMAT)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _init_extensions(app: Flask) -> None:
    from wger_flask import models  # noqa: F401  (registers every table)
    from wger_flask.database import init_engine, init_session_events
    from wger_flask.extensions import csrf, db, jwt, login_manager
    from wger_flask.rest.smorest import API_EXTENSION, Api

    db.init_app(app)
    with app.app_context():
        init_engine(app)
        engine = db.engine

    from wger_flask.rest import metrics, requestlog

    metrics.init_app(app)
    # first of the after-request hooks, so it runs last and logs the answer as sent
    requestlog.init_app(app, engine)
    init_session_events()
    app.config["JWT_ALGORITHM"] = "HS256"
    app.config["JWT_DECODE_ALGORITHMS"] = ["HS256"]  # pinned: "none" and RS/HS confusion fail
    app.config["JWT_TOKEN_LOCATION"] = ["headers"]
    app.config["JWT_COOKIE_CSRF_PROTECT"] = False
    jwt.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    api = app.extensions[API_EXTENSION] = Api()
    api.init_app(app)

    from wger_flask.rest import compression, conditional, owner_answers, throttling

    throttling.init_app(app)
    compression.init_app(app)
    conditional.init_app(app)  # after compression: its hook runs first
    owner_answers.init_app(app)  # after conditional: a kept answer is tagged as a fresh one

    from wger_flask import security
    from wger_flask.services.accounts import credentials

    credentials.init_app(app, login_manager)
    security.init_app(app)

    from wger_flask.rest import writes
    from wger_flask.services import body, catalogue, nutrition, routines, trophies

    # every domain's write rules, per table, for every writer (``rest.writes.rules_of``)
    writes.init_app(app, body.RULES, catalogue.RULES, nutrition.RULES, routines.RULES)
    trophies.init_app(app)  # statistics and trophies follow every workout write
    body.init_calculated(app)  # calculated categories follow the readings and logs they read


def _init_migrations(app: Flask) -> None:
    """Flask-Migrate, for ``flask db ...`` and ``bootstrap``. A served app goes without it: it
    imports alembic, mako and pygments (about 11 MB a process) that serving never runs."""
    from flask_migrate import Migrate

    from wger_flask.extensions import db

    Migrate(app, db, directory=MIGRATIONS_DIRECTORY, render_as_batch=True)


def _load_powersync_keys(app: Flask) -> None:
    """The PowerSync key pair, read once: a malformed one stops the start with one line; none
    at all is a warning (the PowerSync routes answer 503 saying what to set)."""
    from wger_flask.config import ConfigurationError
    from wger_flask.services import powersync

    try:
        pair = powersync.load_key_pair(app.config["JWT_PRIVATE_KEY"], app.config["JWT_PUBLIC_KEY"])
    except powersync.InvalidKey as error:
        raise ConfigurationError(str(error)) from None
    app.extensions[powersync.EXTENSION_KEY] = pair
    if pair is None:
        logging.getLogger("wger_flask.powersync").warning(
            "%s Until then the mobile app 2.x cannot sync with this server.",
            powersync.WHAT_TO_SET,
        )


def _register_blueprints(app: Flask) -> None:
    from wger_flask.blueprints import api_blueprints, site_blueprints
    from wger_flask.blueprints.api_root import blp as api_root_blp
    from wger_flask.blueprints.api_root import register_document_routes
    from wger_flask.extensions import csrf
    from wger_flask.rest.smorest import API_EXTENSION

    api = app.extensions[API_EXTENSION]
    resources = []
    api.register_blueprint(api_root_blp)
    for blueprint in api_blueprints():
        api.register_blueprint(blueprint)
        resources.extend(blueprint.resources)
        csrf.exempt(blueprint)  # API writes check CSRF only for cookie sessions (rest.auth)
    csrf.exempt(api_root_blp)
    for blueprint in site_blueprints():
        app.register_blueprint(blueprint)
    app.extensions["wger_resources"] = resources
    register_document_routes(app)
    api.document_json()  # built once, at start-up


def _install_middleware(app: Flask) -> None:
    from wger_flask.rest.hosts import PublicHost
    from wger_flask.rest.negotiation import PathNormalizer

    # Flask's documented way to wrap its WSGI app, which its types declare as a method.
    app.wsgi_app = PathNormalizer(app.wsgi_app)  # type: ignore[method-assign]  # Flask's way to add middleware
    # Inside ProxyFix: the host a trusted proxy vouches for is checked (or pinned) like any.
    app.wsgi_app = PublicHost(app.wsgi_app, app.config)  # type: ignore[method-assign]  # as above
    proxies = app.config.get("NUMBER_OF_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # as above
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
