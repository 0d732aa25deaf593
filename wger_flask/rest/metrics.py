"""Prometheus metrics: one registry per app, exposed at ``/metrics``, summed over every gunicorn
worker (``prometheus_client``'s multiprocess mode) on each host.

Under gunicorn, ``gunicorn.conf.py`` sets ``PROMETHEUS_MULTIPROC_DIR`` (a fresh directory per
server start, unless given) before any worker imports ``prometheus_client``: each worker
writes its values to memory-mapped files there and ``/metrics`` adds them up; the master marks
a dead worker's live gauges gone. Without it (tests, ``flask run``) values live in the process.

**Adding a metric from another module** (the hook; e.g. a per-worker cache's size)::

    from wger_flask.rest import metrics

    sizes = metrics.gauge(app, "wger_ingredient_cache_bytes", "Bytes kept by the cache.",
                          multiprocess_mode="liveall")  # one series per live worker (pid)
    sizes.set(size)  # in the worker, whenever the value changes

``metrics.gauge``/``counter``/``histogram`` register on the app's registry (idempotent by
name: a second call returns the same object), so they appear on ``/metrics`` of every worker.
A gauge's value must be set by the process that owns it (in multiprocess mode a
``set_function`` gauge would only ever show the scraping worker): set it when it changes, or
register a callback with ``metrics.on_scrape(app, callback)`` for a value any worker can
compute when scraped (it runs in the worker answering the scrape).

What is measured here (the request hooks call ``observe_request``):

- ``wger_http_requests_total{route,method,status}``: every answer, by route template;
- ``wger_http_request_duration_seconds{route,method}``: latency histogram;
- ``wger_sql_statements_per_request{route}``: statements sent per request;
- ``wger_catalogue_cache_total{store,result}``: kept catalogue answers and pieces, hit/miss
  (stores ``answers`` and ``pieces``: the exercise catalogue; ``ingredients``: the ingredient
  catalogue's answers);
- ``wger_rate_limit_refusals_total{route}``: 429 answers;
- ``wger_login_failures_total{reason}``: refused passwords, locked accounts, wrong 2FA codes;
- ``wger_ratelimit_fallback_workers``: workers counting limits in memory because the shared
  storage (Redis) is down (0 when it is up or not configured);
- ``wger_cache_bytes{cache}`` / ``wger_cache_max_bytes{cache}``: each worker's in-memory caches
  and their bounds in bytes (``rest/caches.py``; one series per worker under gunicorn).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable, Sequence
from typing import Any

from flask import Flask, has_app_context
from flask.globals import app_ctx

EXTENSION = "wger_metrics"
MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED_ROUTE = "(unmatched)"  # 404s: never the raw path (unbounded, and may hold secrets)
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
STATEMENT_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144)


class Metrics:
    """The app's registry and the metrics of the request path."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry

        self.registry = CollectorRegistry(auto_describe=True)
        self.by_name: dict[str, Any] = {}
        self.scrape_callbacks: list[Callable[[], None]] = []
        self.requests = self.add("Counter", "wger_http_requests_total",
                                 "HTTP answers by route template, method and status.",
                                 ("route", "method", "status"))  # fmt: skip
        self.latency = self.add("Histogram", "wger_http_request_duration_seconds",
                                "Time from the request's start to its answer, by route.",
                                ("route", "method"), buckets=LATENCY_BUCKETS)  # fmt: skip
        self.statements = self.add("Histogram", "wger_sql_statements_per_request",
                                   "SQL statements sent to the database per request.",
                                   ("route",), buckets=STATEMENT_BUCKETS)  # fmt: skip
        self.catalogue_cache = self.add("Counter", "wger_catalogue_cache_total",
                                        "Kept catalogue answers and exercise pieces: hits, misses.",
                                        ("store", "result"))  # fmt: skip
        self.refusals = self.add("Counter", "wger_rate_limit_refusals_total",
                                 "Requests refused by a rate limit (429), by route.",
                                 ("route",))  # fmt: skip
        self.login_failures = self.add("Counter", "wger_login_failures_total",
                                       "Refused logins by reason.", ("reason",))  # fmt: skip
        self.fallback = self.add("Gauge", "wger_ratelimit_fallback_workers",
                                 "Workers counting rate limits in memory (shared storage down).",
                                 multiprocess_mode="livesum")  # fmt: skip
        # per worker (a pid label under gunicorn): each worker's caches are its own memory
        self.cache_bytes = self.add("Gauge", "wger_cache_bytes",
                                    "Bytes a worker's in-memory cache holds (rest/caches.py).",
                                    ("cache",), multiprocess_mode="liveall")  # fmt: skip
        self.cache_max_bytes = self.add("Gauge", "wger_cache_max_bytes",
                                        "The bound in bytes of a worker's in-memory cache.",
                                        ("cache",), multiprocess_mode="liveall")  # fmt: skip
        self.requests_since_cache_report = 0

    def add(
        self, kind: str, name: str, documentation: str, labels: Sequence[str] = (), **options: Any
    ) -> Any:
        """A metric of this registry (the same object again for a name already added)."""
        if name not in self.by_name:
            import prometheus_client

            if kind != "Gauge":
                options.pop("multiprocess_mode", None)
            factory = getattr(prometheus_client, kind)
            self.by_name[name] = factory(
                name, documentation, labels, registry=self.registry, **options
            )
        return self.by_name[name]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Metrics()


def of(app: Flask | None = None) -> Metrics | None:
    """The metrics of ``app`` (default: the current one), None outside an app."""
    if app is None:
        if not has_app_context():
            return None
        app = app_ctx.app
    found: Metrics | None = app.extensions.get(EXTENSION)
    return found


def _registered(app: Flask) -> Metrics:
    found = of(app)
    if found is None:
        raise RuntimeError("metrics.init_app(app) has not run for this app")
    return found


# ------------------------------------------------------------------ the hook for other modules


def gauge(
    app: Flask,
    name: str,
    documentation: str,
    labels: Sequence[str] = (),
    multiprocess_mode: str = "liveall",
) -> Any:
    return _registered(app).add(
        "Gauge", name, documentation, labels, multiprocess_mode=multiprocess_mode
    )


def counter(app: Flask, name: str, documentation: str, labels: Sequence[str] = ()) -> Any:
    return _registered(app).add("Counter", name, documentation, labels)


def histogram(
    app: Flask,
    name: str,
    documentation: str,
    labels: Sequence[str] = (),
    buckets: Sequence[float] = LATENCY_BUCKETS,
) -> Any:
    return _registered(app).add("Histogram", name, documentation, labels, buckets=buckets)


def on_scrape(app: Flask, callback: Callable[[], None]) -> None:
    """Run ``callback`` in the worker answering each scrape, before the values are read."""
    _registered(app).scrape_callbacks.append(callback)


# ------------------------------------------------------------------ what the app measures


def report_cache_sizes(app: Flask) -> None:
    """Set this worker's ``wger_cache_bytes`` / ``wger_cache_max_bytes`` from
    ``rest.caches.report``: at a scrape this worker answers, and every
    ``CACHE_REPORT_EVERY`` requests it serves (a gauge in multiprocess mode is only ever set by
    the process that owns it)."""
    from wger_flask.rest import caches

    found = _registered(app)
    found.requests_since_cache_report = 0
    for name, size in caches.report(app).items():
        found.cache_bytes.labels(name).set(size.size_bytes)
        found.cache_max_bytes.labels(name).set(size.max_bytes)


CACHE_REPORT_EVERY = 256


def observe_request(
    route: str | None, method: str, status: int, seconds: float, statements: int
) -> None:
    found = of()
    if found is None:
        return
    found.requests_since_cache_report += 1
    if found.requests_since_cache_report >= CACHE_REPORT_EVERY:
        report_cache_sizes(app_ctx.app)
    route = route or UNMATCHED_ROUTE
    found.requests.labels(route, method, str(status)).inc()
    found.latency.labels(route, method).observe(seconds)
    found.statements.labels(route).observe(statements)
    if status == 429:
        found.refusals.labels(route).inc()


def catalogue_cache(store: str, hits: int = 0, misses: int = 0) -> None:
    """Count kept catalogue ``store`` look-ups (``answers``, ``pieces``, ``ingredients``)."""
    found = of()
    if found is None:
        return
    if hits:
        found.catalogue_cache.labels(store, "hit").inc(hits)
    if misses:
        found.catalogue_cache.labels(store, "miss").inc(misses)


def login_failure(reason: str) -> None:
    """Count a refused login (``credentials``, ``locked``, ``mfa``)."""
    found = of()
    if found is not None:
        found.login_failures.labels(reason).inc()


def fallback_state(fallen_back: bool) -> None:
    """Whether this worker counts rate limits in memory right now."""
    found = of()
    if found is not None:
        found.fallback.set(1 if fallen_back else 0)


# ------------------------------------------------------------------ exposition and access


def exposition(app: Flask) -> tuple[bytes, str]:
    """The text format of every metric: summed over the workers in multiprocess mode."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    found = _registered(app)
    report_cache_sizes(app)
    for callback in found.scrape_callbacks:
        callback()
    directory = os.environ.get(MULTIPROCESS_VARIABLE)
    if directory:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]  # prometheus_client leaves its __init__ unannotated
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(found.registry), CONTENT_TYPE_LATEST


def is_loopback(address: str | None) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def may_read(remote_addr: str | None, authorization: str, token: str) -> str | None:
    """Why the metrics must not be shown to this client (None: they may). The address is the
    one the trusted proxies report (``NUMBER_OF_PROXIES``); a configured token must match."""
    scheme, _, given = authorization.strip().partition(" ")
    if token and scheme.lower() == "bearer":
        if hmac.compare_digest(given.strip().encode(), token.encode()):
            return None
        return "invalid"
    if is_loopback(remote_addr):
        return None
    return "missing" if token else "forbidden"
