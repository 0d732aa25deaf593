"""Side-by-side load benchmark: this server against another one (upstream wger, or an older
build of this one), route by route, in the same run on the same machine.

    # start this checkout's server itself (2 gunicorn workers, 1 thread each):
    .venv/bin/python -m benchmarks.side_by_side --baseline-url http://127.0.0.1:8001
    # or compare two running servers:
    .venv/bin/python -m benchmarks.side_by_side --url http://127.0.0.1:8000 \\
        --baseline-url http://127.0.0.1:8001

Both servers must serve the same catalogue (``flask bootstrap`` / upstream's fixtures: the same
872 exercises) with rate limits off. For each route the two servers are loaded one after the
other (``--rounds`` times, alternating, best rate kept) with ``wrk`` (Debian package ``wrk``;
a Python load generator when it is missing), ``--connections`` keep-alive clients for
``--duration`` seconds after a one-second warm-up: every run is bounded in time and only
loopback addresses are accepted. The table gives both rates, their ratio, and the resident
memory (RSS) of each server's workers after the route: the processes holding the listening
socket of the URL's port, the gunicorn master left out.

To build an older version of this server beside this one::

    git worktree add /tmp/wger-old <commit>
    cd /tmp/wger-old && PYTHONPATH=. DATABASE_URL=sqlite:////tmp/wger-old.sqlite3 \\
        WGER_INSTANCE_PATH=/tmp/wger-old-instance <venv>/bin/flask --app wsgi bootstrap
    (same environment) RATELIMIT_ENABLED=false WEB_CONCURRENCY=2 GUNICORN_THREADS=1 \\
        PORT=8001 GUNICORN_ACCESSLOG= <venv>/bin/gunicorn --config gunicorn.conf.py wsgi:app
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.harness import run_python, server

GZIP = {"Accept-Encoding": "gzip"}
ROUTES: list[tuple[str, str, dict[str, str]]] = [
    ("version (the framework's ceiling)", "/api/v2/version/", {}),
    ("exerciseinfo limit=20", "/api/v2/exerciseinfo/?limit=20", {}),
    ("exerciseinfo limit=20, gzip", "/api/v2/exerciseinfo/?limit=20", GZIP),
    ("exerciseinfo limit=100", "/api/v2/exerciseinfo/?limit=100", {}),
    ("exerciseinfo limit=100, gzip", "/api/v2/exerciseinfo/?limit=100", GZIP),
    (
        "exerciseinfo name search",
        "/api/v2/exerciseinfo/?name__search=curl&language__code=en",
        {},
    ),
    ("exerciseinfo detail", "/api/v2/exerciseinfo/9/", {}),
    ("exercise limit=20", "/api/v2/exercise/?limit=20", {}),
    ("exercise detail", "/api/v2/exercise/9/", {}),
    ("exercise-translation limit=20", "/api/v2/exercise-translation/?limit=20", {}),
    ("exercisealias", "/api/v2/exercisealias/", {}),
    ("exercisecomment", "/api/v2/exercisecomment/", {}),
    ("exerciseimage", "/api/v2/exerciseimage/", {}),
    ("video", "/api/v2/video/", {}),
    ("muscle", "/api/v2/muscle/", {}),
    ("equipment", "/api/v2/equipment/", {}),
    ("exercisecategory", "/api/v2/exercisecategory/", {}),
    ("deletion-log", "/api/v2/deletion-log/", {}),
    ("language", "/api/v2/language/", {}),
    ("license", "/api/v2/license/", {}),
    ("ingredientinfo limit=100", "/api/v2/ingredientinfo/?limit=100", {}),
]

_LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Measured:
    requests_per_second: float
    p50_ms: float
    errors: int
    rss_mb: float | None


def check_loopback(url: str) -> None:
    """Load is only ever sent to this machine."""
    host = urlsplit(url).hostname or ""
    address = socket.gethostbyname(host)
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"{url}: not a loopback address ({address}); refusing to load it")


def run_wrk(
    url: str, duration: int, connections: int, headers: dict[str, str]
) -> tuple[float, float, int]:
    header_args = [
        argument for key, value in headers.items() for argument in ("-H", f"{key}: {value}")
    ]
    subprocess.run(
        ["wrk", "-t1", "-c2", "-d1s", *header_args, url], capture_output=True, check=True
    )
    output = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency"]
        + header_args
        + [url],
        capture_output=True,
        text=True,
        check=True,
        timeout=duration + 30,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    p50 = float(median.group(1)) * _LATENCY_UNITS[median.group(2)] if median else 0.0
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rate, p50, int(errors.group(1)) if errors else 0


def listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(fields[9])
    return inodes


def server_rss_mb(url: str) -> float | None:
    """Resident memory of the workers serving ``url`` (the processes that hold its listening
    socket, less the one whose children they are); None when they cannot be seen."""
    port = urlsplit(url).port or 80
    targets = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    holders: dict[int, tuple[int, int]] = {}  # pid -> (parent pid, RSS in kB)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = {os.readlink(fd) for fd in (entry / "fd").iterdir()}
            if not links & targets:
                continue
            status = (entry / "status").read_text()
        except OSError:
            continue
        parent = int(re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE).group(1))
        rss = re.search(r"^VmRSS:\s+(\d+)", status, re.MULTILINE)
        holders[int(entry.name)] = (parent, int(rss.group(1)) if rss else 0)
    if not holders:
        return None
    workers = [rss for parent, rss in holders.values() if parent in holders] or [
        rss for _, rss in holders.values()
    ]
    return sum(workers) / 1024


def measure(base: str, path: str, headers: dict[str, str], args: argparse.Namespace) -> Measured:
    url = base + path
    if args.tool == "wrk":
        rate, p50, errors = run_wrk(url, args.duration, args.connections, headers)
    else:
        rate, p50, _, errors = run_python(url, args.duration, args.connections)
    return Measured(rate, p50, errors, server_rss_mb(base))


def best(runs: list[Measured]) -> Measured:
    return max(runs, key=lambda run: run.requests_per_second)


def print_table(rows: list[tuple[str, str, Measured, Measured]], tool: str) -> None:
    print(
        "\n| route | path | baseline req/s | this req/s | ratio | baseline RSS MB | this RSS MB |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, path, baseline, this in rows:
        ratio = (
            this.requests_per_second / baseline.requests_per_second
            if baseline.requests_per_second
            else 0
        )
        errors = f" ({this.errors} non-2xx)" if this.errors else ""
        base_errors = f" ({baseline.errors} non-2xx)" if baseline.errors else ""

        def rss(run: Measured) -> str:
            return f"{run.rss_mb:.0f}" if run.rss_mb is not None else "?"

        print(
            f"| {name} | `{path}` | {baseline.requests_per_second:.0f}{base_errors} | "
            f"{this.requests_per_second:.0f}{errors} | {ratio:.1f}× | {rss(baseline)} | {rss(this)} |"
        )
    ceiling = rows[0][3].requests_per_second if rows else 0
    if ceiling:
        print("\nthis server, each route's rate as a share of its first route's:")
        for name, _, _, this in rows[1:]:
            print(f"  {name:<40} {this.requests_per_second / ceiling:6.0%}")
    print(f"\nload tool: {tool}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--baseline-url", required=True, help="the other server, e.g. upstream wger"
    )
    parser.add_argument("--url", help="this server, already running (default: start one here)")
    parser.add_argument("--duration", type=int, default=5, help="seconds per route and server")
    parser.add_argument("--rounds", type=int, default=1, help="alternating runs; the best is kept")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="workers of the server started here")
    parser.add_argument(
        "--only", help="only routes whose name contains one of these (comma-separated)"
    )
    parser.add_argument(
        "--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    args = parser.parse_args()
    if not 1 <= args.duration <= 120 or not 1 <= args.rounds <= 10:
        raise SystemExit("--duration must be 1..120 s and --rounds 1..10")
    baseline_url = args.baseline_url.rstrip("/")
    check_loopback(baseline_url)
    wanted = [part.strip() for part in (args.only or "").split(",") if part.strip()]
    routes = [route for route in ROUTES if not wanted or any(w in route[0] for w in wanted)]
    if args.tool == "python":
        routes = [route for route in routes if not route[2]]  # it sends no extra headers
    environment = {"WEB_CONCURRENCY": str(args.workers), "GUNICORN_THREADS": "1"}
    started = contextlib.nullcontext(args.url.rstrip("/")) if args.url else server(environment)
    with started as this_url:
        check_loopback(this_url)
        print(
            f"baseline {baseline_url} vs this {this_url}: {args.connections} connections, "
            f"{args.duration} s per route and server, {args.rounds} round(s), {args.tool}",
            flush=True,
        )
        rows = []
        for name, path, headers in routes:
            baseline_runs, this_runs = [], []
            for _ in range(args.rounds):
                baseline_runs.append(measure(baseline_url, path, headers, args))
                this_runs.append(measure(this_url, path, headers, args))
            baseline, this = best(baseline_runs), best(this_runs)
            rows.append((name, path, baseline, this))
            print(
                f"  {name:<40} baseline {baseline.requests_per_second:8.0f}  "
                f"this {this.requests_per_second:8.0f} req/s",
                flush=True,
            )
    print_table(rows, args.tool)


if __name__ == "__main__":
    main()
