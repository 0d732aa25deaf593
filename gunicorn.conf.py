"""gunicorn settings, from the environment (the README's table lists them).

In-process rate-limit counters are only right inside one process: with more than one worker
they must live in Redis (``RATELIMIT_STORAGE_URI=redis://...``), so starting several workers
without it is refused (``on_starting``, on the final worker count, ``-w`` included) instead of
silently multiplying every quota.
"""

import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Off by default: the app writes one line per request itself (rest/requestlog.py: request id,
# route template, user, statements; LOG_FORMAT=json for JSON lines). gunicorn's access line
# holds the raw path and query string, which can carry a reset key: opt in with "-".
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The app is loaded once, in the master, after the start-up checks (``on_starting``), and the
# workers are forked from it: its code, libraries and start-up data are shared between them
# (copy-on-write) instead of built again in each, and a few public catalogue reads are
# answered there first (``WARM_UP``), so what they build is shared too (``wger_flask.preload``).
# Off (``PRELOAD_APP=false``) only to let a HUP reload changed code.
PRELOAD = os.environ.get("PRELOAD_APP", "true").strip().lower() not in ("0", "false", "no", "off")
WARM_UP = os.environ.get("WARM_UP", "true").strip().lower() not in ("0", "false", "no", "off")

# Prometheus multiprocess mode (rest/metrics.py): every worker writes its values to files in
# one directory per server start, /metrics adds them up. Set before any worker (or a preloaded
# app) imports prometheus_client, which picks its value store at import.
METRICS_DIR_MADE_HERE = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    import tempfile

    METRICS_DIR_MADE_HERE = tempfile.mkdtemp(prefix="wger-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = METRICS_DIR_MADE_HERE

if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    # gunicorn's own lines (boot, worker exits, timeouts) as JSON lines too
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "wger_flask.rest.requestlog.JsonFormatter"}},
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json",
                              "stream": "ext://sys.stderr"},
            "console": {"class": "logging.StreamHandler", "formatter": "json",
                        "stream": "ext://sys.stdout"},
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
            # the app's request line replaces the access line (which holds raw paths)
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }  # fmt: skip


def rate_limit_refusal(worker_count: int, environ: dict[str, str]) -> str | None:
    """Why ``worker_count`` workers must not start with these settings (None: they may)."""
    storage = environ.get("RATELIMIT_STORAGE_URI", "memory://")
    enabled = environ.get("RATELIMIT_ENABLED", "true").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )
    if worker_count > 1 and enabled and storage.startswith("memory"):
        return (
            f"Refusing to start {worker_count} workers with in-process rate-limit counters: each "
            "worker would count on its own and every quota would be multiplied. Set "
            "RATELIMIT_STORAGE_URI=redis://HOST:6379/0 (shared counters), or one worker "
            "(WEB_CONCURRENCY=1 or -w 1; more GUNICORN_THREADS), or RATELIMIT_ENABLED=false."
        )
    return None


def on_starting(server) -> None:
    """Before any worker starts, on the final settings (``-w`` on the command line included):
    refuse what would run wrong, each with one line (gunicorn prints "Error: ..." and exits 1).

    - several workers with in-process rate-limit counters (every quota multiplied);
    - a setting the app refuses (a short ``SECRET_KEY``, a malformed ``DATABASE_URL``), or
      no ``SITE_URL`` (the public address mail links are built from);
    - a database that cannot be reached or was never bootstrapped.

    The final worker count goes to the workers as ``WGER_WORKERS``: while Redis is down each
    allows its share of every quota.
    """
    count = server.cfg.workers
    _clear_metrics_directory(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    refusal = rate_limit_refusal(count, dict(os.environ))
    if refusal:
        raise RuntimeError(refusal)
    os.environ["WGER_WORKERS"] = str(count)

    from wger_flask.config import Config, serving_problem
    from wger_flask.database import check_database

    try:
        config = Config()
    except SystemExit as error:
        raise RuntimeError(str(error.code)) from None
    refusal = serving_problem(config)
    if refusal:
        raise RuntimeError(refusal)
    problem = check_database(config.SQLALCHEMY_DATABASE_URI)
    if problem:
        raise RuntimeError(problem)
    server.log.info("wger-flask at %s", config.SITE_URL)
    server.log.info("%s", mail_delivery_note(config))
    if PRELOAD and not server.cfg.reload:  # ``--reload`` needs each worker to import anew
        load_app_in_master(server)


def load_app_in_master(server) -> None:
    """Load the app in the master (gunicorn's ``preload_app``, done here so the checks above
    answer first, in one line), warm it up and prepare it for the fork (``wger_flask.preload``):
    the workers inherit it."""
    from wger_flask.preload import prepare_for_fork

    app = server.app.wsgi()  # gunicorn keeps it: the forked workers' ``wsgi()`` returns it
    prepare_for_fork(app, warm=WARM_UP)


def mail_delivery_note(config) -> str:
    """One line on the console saying where this server's mail goes."""
    if config.MAIL_SERVER:
        return f"Mail: sent through {config.MAIL_SERVER}:{config.MAIL_PORT}."
    if config.MAIL_OUTBOX:
        return (
            f"Mail: no MAIL_SERVER is set, so mails go to the local outbox: open "
            f"{config.SITE_URL}/dev/mail/ on this machine."
        )
    return "Mail: no MAIL_SERVER is set, so mails are written to this log (links masked)."


def post_fork(server, worker) -> None:
    """In each new worker: forget the database connections inherited from the master (a
    worker opens its own). The random module is reseeded by Python itself at fork, ``secrets``
    and ``uuid4`` read the OS; the rate limiter's Redis client connects lazily and redis-py
    drops the connections of another process."""
    app = getattr(server.app, "callable", None)
    if app is None:  # not preloaded: the worker loads the app itself
        return
    from wger_flask.preload import forget_inherited_connections

    forget_inherited_connections(app)


def post_worker_init(worker) -> None:
    """The app is loaded: move its long-lived objects out of the cycle collector's reach, so
    a full collection triggered by a large answer does not walk them all mid-request."""
    import gc

    gc.collect()
    gc.freeze()


def child_exit(server, worker) -> None:
    """A worker is gone (restart, crash, SIGTERM): its live gauges stop counting (metrics)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server) -> None:
    """The server stops: remove the metrics directory it made (a given one is left alone)."""
    if METRICS_DIR_MADE_HERE:
        import shutil

        shutil.rmtree(METRICS_DIR_MADE_HERE, ignore_errors=True)


def _clear_metrics_directory(directory: str) -> None:
    """The values of an earlier run must not add to this one's (prometheus_client's rule)."""
    import glob

    os.makedirs(directory, exist_ok=True)
    for path in glob.glob(os.path.join(directory, "*.db")):
        os.unlink(path)
