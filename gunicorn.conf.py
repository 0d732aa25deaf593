"""gunicorn settings, from the environment (the README's table lists them).

In-process rate-limit counters are only right inside one process: with more than one worker
they must live in Redis (``RATELIMIT_STORAGE_URI=redis://...``), so starting several workers
without it is refused instead of silently multiplying every quota.
"""

import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "1"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None  # empty: no access log
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def _check_rate_limit_storage() -> None:
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    enabled = os.environ.get("RATELIMIT_ENABLED", "true").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )
    if workers > 1 and enabled and storage.startswith("memory"):
        raise SystemExit(
            f"Refusing to start {workers} workers with in-process rate-limit counters: each worker "
            "would count on its own and every quota would be multiplied. Set "
            "RATELIMIT_STORAGE_URI=redis://HOST:6379/0 (shared counters), or WEB_CONCURRENCY=1 "
            "(one worker, more GUNICORN_THREADS), or RATELIMIT_ENABLED=false."
        )


_check_rate_limit_storage()


def post_worker_init(worker) -> None:
    """The app is loaded: move its long-lived objects out of the cycle collector's reach, so
    a full collection triggered by a large answer does not walk them all mid-request."""
    import gc

    gc.collect()
    gc.freeze()
