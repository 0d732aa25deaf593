"""Throughput of one host against two behind HAProxy (``deploy/haproxy/haproxy.cfg``,
docs/deployment.md), on one fresh
PostgreSQL database and one Redis, each host gunicorn with ``--workers`` workers.

.venv/bin/python -m benchmarks.hosts                 # 1 host, then 2, same proxy set-up
.venv/bin/python -m benchmarks.hosts --duration 20 --connections 16

Both runs go through the proxy (a connection per request to the hosts, as in production), so
the only difference is the number of hosts. On one machine the hosts share its cores: the
figures say what a second host costs and gives on this machine, not what a second machine
gives (there, each host brings its own cores and the database becomes the shared part).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from benchmarks.harness import common_arguments, measure, print_table
from tests.conftest import fresh_postgres_database
from tests.e2e.test_redis_outage import PrivateRedis
from tests.e2e.test_two_hosts import Proxy
from wger_flask.testing import free_port, start_server, stop_server, wait_until_up

TARGETS = [
    ("version (ceiling)", "/api/v2/version/"),
    ("muscle list", "/api/v2/muscle/"),
    ("exerciseinfo page (kept)", "/api/v2/exerciseinfo/?limit=20"),
    ("ingredientinfo page", "/api/v2/ingredientinfo/?limit=20&offset=40"),
]


@contextlib.contextmanager
def hosts_behind_proxy(count: int, database: str, redis_url: str, workers: int, threads: int):
    folder = Path(tempfile.mkdtemp(prefix="wger-hosts-"))
    proxy_port = free_port()
    hosts = {}
    proxy = None
    try:
        for number in range(count):
            workdir = folder / f"host-{number}"
            workdir.mkdir()
            hosts[f"h{number}"] = start_server(
                workdir,
                database,
                bootstrap=False,
                WEB_CONCURRENCY=str(workers),
                GUNICORN_THREADS=str(threads),
                RATELIMIT_STORAGE_URI=redis_url,
                RATE_LIMIT_INGREDIENT_LIST="1000000/minute",
                RATE_LIMIT_INGREDIENT_DETAIL="1000000/minute",
                NUMBER_OF_PROXIES="1",
                SITE_URL=f"http://127.0.0.1:{proxy_port}",
            )
        proxy = Proxy(folder, {name: host.url for name, host in hosts.items()}, proxy_port)
        wait_until_up(proxy.url, proxy.process, proxy.log)
        yield proxy.url
    finally:
        if proxy is not None:
            proxy.stop()
        for host in hosts.values():
            stop_server(host)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = common_arguments(__doc__)
    parser.add_argument("--hosts", default="1,2", help="host counts to measure, e.g. 1,2")
    args = parser.parse_args()
    redis = PrivateRedis(Path(tempfile.mkdtemp(prefix="wger-redis-")))
    redis.start()
    try:
        with fresh_postgres_database() as database:
            first = Path(tempfile.mkdtemp(prefix="wger-bootstrap-"))
            stop_server(start_server(first, database, RATELIMIT_ENABLED="false"))  # bootstrap
            for count in [int(part) for part in args.hosts.split(",")]:
                with hosts_behind_proxy(
                    count, database, redis.url, args.workers, args.threads
                ) as url:
                    print(f"{count} host(s) × {args.workers} workers × {args.threads} threads "
                          f"behind HAProxy {url}; load average {os.getloadavg()[0]:.1f}",
                          flush=True)  # fmt: skip
                    results = measure(url, TARGETS, args.duration, args.connections, args.tool)
                    print_table(f"{count} host(s)", results, ceiling="version (ceiling)")
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
