"""Per-route rate limits (flask-limiter), exact across workers and hosts.

- Quotas are configuration (``RATE_LIMITS`` in ``config.py``), applied by scope: routes that
  share a scope share one bucket (the ingredient and ingredientinfo lists; login and the 2FA
  step).
- The moving-window strategy counts every hit with its time, so no 60-second window ever holds
  more than the quota (a fixed window lets twice the quota through around its boundary). With
  ``RATELIMIT_STORAGE_URI=redis://...`` the count is shared by every worker and host.
- Counted after authentication, as DRF throttles after it authenticates and checks
  permissions: refused credentials get their 401, never a 429, and are not counted.
- Keyed per user when the request is authenticated, else per client IP. The IP is the socket
  address, or the ``X-Forwarded-For`` hop that ``NUMBER_OF_PROXIES`` trusted proxies vouch for
  (``ProxyFix`` in ``create_app``), so a client cannot pick its own key.
- If the storage becomes unreachable, counting falls back to the worker's memory (logged once
  per worker) and the API keeps serving; the shared storage is retried with back-off and
  used again as soon as it answers. While it is down each of the ``WORKERS`` workers allows
  its share of every quota (``quota // workers``, at least 1), so the deployment as a whole
  never lets more through than the quota.
- Every key, the per-account failure counters' too, starts with ``RATELIMIT_KEY_PREFIX``.
- Headers on throttled routes: ``RateLimit-Limit``, ``RateLimit-Remaining``, ``RateLimit-Reset``
  (seconds until the window frees a request), and ``Retry-After`` on a 429.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RequestLimit, RouteLimit
from limits import RateLimitItem, parse
from werkzeug.exceptions import HTTPException

from wger_flask.rest import metrics
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import RETRY_AFTER_PROVIDER

LOGIN = "login"
REGISTRATION = "registration"
LOGIN_FAILED_ACCOUNT = "login_failed_account"
MFA_FAILED_ACCOUNT = "mfa_failed_account"


def client_key() -> str:
    """``user:<id>`` for an authenticated request, else ``ip:<client address>``."""
    try:
        user = current_user()
    except HTTPException:  # bad credentials: exempt (refused_before_counting), the view's 401
        user = None
    if user is not None:
        return f"user:{user.id}"
    return f"ip:{request.remote_addr or 'unknown'}"


limiter = Limiter(key_func=client_key)


def quota(scope: str) -> Callable[[], str]:
    """The configured quota of a scope, read per request (so tests and config can change it);
    a worker's share of it while the shared storage is down."""
    return lambda: str(effective_limit(scope))


def storage_down() -> bool:
    """Whether counting has fallen back to this worker's memory (the shared storage failed)."""
    return bool(getattr(limiter, "_storage_dead", False))


def effective_limit(scope: str) -> RateLimitItem:
    """The quota of ``scope`` as a limit: the whole of it while counts are shared, this
    worker's share (``amount // WORKERS``, at least 1) while they are not."""
    limit = parse(current_app.config["RATE_LIMITS"][scope])
    workers = max(1, int(current_app.config.get("WORKERS", 1)))
    if (
        workers == 1
        or not storage_down()
        or current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory")
    ):
        return limit
    share = max(1, limit.amount // workers)
    return type(limit)(share, limit.multiples, limit.namespace)


def refused_before_counting(requires_user: bool) -> Callable[[], bool]:
    """DRF authenticates and checks permissions before it throttles: a request whose
    credentials are refused gets its 401 uncounted, never a 429 (and so does one without
    credentials on a route that ``requires_user``)."""

    def exempt() -> bool:
        try:
            user = current_user()
        except HTTPException:
            return True
        return requires_user and user is None

    return exempt


def throttle(
    scope: str, methods: list[str] | None = None, *, requires_user: bool = False
) -> RouteLimit:
    """Decorator: count the route's requests in the shared bucket ``scope`` (those it refuses
    for their credentials excepted: ``refused_before_counting``)."""
    return limiter.shared_limit(
        quota(scope),
        scope=scope,
        key_func=client_key,
        methods=methods,
        exempt_when=refused_before_counting(requires_user),
    )


def retry_after_seconds() -> int | None:
    """Whole seconds until the breached (or current) limit lets a request through."""
    current = limiter.current_limit
    if current is None:
        return None
    return max(1, _seconds_until_reset(current))


def _seconds_until_reset(current: RequestLimit) -> int:
    # The storage rounds the reset time up to the next whole second; never more than a window.
    return min(current.limit.get_expiry(), max(0, math.ceil(current.reset_at - time.time())))


def add_headers(response: Response) -> Response:
    """RateLimit-* on every throttled route (a 429's Retry-After comes with its error body,
    ``rest.errors``, so the header and the body's "available in N seconds" agree); and this
    worker's fallback state for ``/metrics``."""
    metrics.fallback_state(storage_down())
    current = limiter.current_limit if limiter.enabled else None
    if current is None:
        return response
    try:
        reset = _seconds_until_reset(current)
        response.headers["RateLimit-Limit"] = str(current.limit.amount)
        response.headers["RateLimit-Remaining"] = str(current.remaining)
        response.headers["RateLimit-Reset"] = str(reset)
    except Exception:  # the storage just failed: the answer matters more than its headers
        current_app.logger.warning("rate-limit headers unavailable", exc_info=True)
    return response


# ------------------------------------------------------------------ per-account failure counts


def _account_counter(operation: str, scope: str, identity: str, fallback: bool) -> bool:
    """Run one of the limiter's ``test``/``hit``/``clear`` on an account's bucket (its key
    under ``RATELIMIT_KEY_PREFIX``). When the shared storage fails, counting goes on in this
    worker's memory like every other limit (logged once); ``fallback`` when limits are off or
    even that fails: a lost count must not block logins."""
    if not limiter.enabled:
        return fallback
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    for _attempt in range(2):
        limit = effective_limit(scope)
        try:
            return bool(getattr(limiter.limiter, operation)(limit, prefix, scope, identity.lower()))
        except Exception:
            if not storage_down() and limiter._in_memory_fallback_enabled:
                current_app.logger.warning(
                    "Rate limit storage unreachable - falling back to in-memory storage"
                )
                limiter._storage_dead = True  # flask-limiter's own switch: it retries later
                continue
            current_app.logger.warning("rate-limit counting failed", exc_info=True)
            return fallback
    return fallback


def account_locked(scope: str, identity: str) -> bool:
    """Whether an account has used up its failed attempts (e.g. 5 wrong passwords in 5 min)."""
    return not _account_counter("test", scope, identity, fallback=True)


def record_failure(scope: str, identity: str) -> None:
    _account_counter("hit", scope, identity, fallback=True)


def clear_failures(scope: str, identity: str) -> None:
    """A success wipes the account's failed attempts."""
    _account_counter("clear", scope, identity, fallback=True)


def init_app(app: Flask) -> None:
    """Bind the limiter with the project's choices; register the header hook."""
    app.extensions[RETRY_AFTER_PROVIDER] = retry_after_seconds
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)  # ours: delta-seconds reset
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "wger")
    app.after_request(add_headers)
    limiter.init_app(app)
