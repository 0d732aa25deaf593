"""Shared benchmark machinery: start a real server, drive load, print a table.

Load is driven by ``wrk`` when it is installed (C, event loop: it leaves the CPU to the server),
else by a Python generator (one keep-alive connection per client thread). Each target runs for
``duration`` seconds with ``connections`` concurrent clients after a short warm-up; the table
gives requests per second and the 50th and 99th latency percentiles, and each target's
throughput as a share of the ceiling target (the app's most trivial endpoint).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from wger_flask.testing import running_server


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str


@contextlib.contextmanager
def server(
    env_overrides: dict[str, str] | None = None,
    database_url: str | None = None,
    bootstrap: bool = True,
) -> Iterator[str]:
    """A gunicorn server, rate limits off, on a fresh instance folder (or the given database);
    yields its URL."""
    workdir = Path(tempfile.mkdtemp(prefix="wger-bench-"))
    try:
        with running_server(
            workdir,
            database_url or f"sqlite:///{workdir / 'bench.sqlite3'}",
            bootstrap=bootstrap,
            RATELIMIT_ENABLED="false",
            **(env_overrides or {}),
        ) as live:
            yield live.url
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


_WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, duration: int, connections: int) -> tuple[float, float, float, int]:
    threads = min(2, connections)
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", url], capture_output=True, check=True)  # warm-up
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latencies = {int(p): float(v) * _UNITS[u] for p, v, u in _WRK_LATENCY.findall(output)}
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(errors_match.group(1)) if errors_match else 0
    return rps, latencies[50], latencies[99], errors


def run_python(url: str, duration: int, connections: int) -> tuple[float, float, float, int]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client() -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        own: list[float] = []
        while time.monotonic() < stop:
            started = time.perf_counter()
            connection.request("GET", target)
            response = connection.getresponse()
            response.read()
            own.append((time.perf_counter() - started) * 1000)
            if response.status >= 400:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return len(latencies) / elapsed, quantiles[49], quantiles[98], errors[0]


def measure(
    base_url: str, targets: list[tuple[str, str]], duration: int, connections: int, tool: str
) -> list[Result]:
    runner = run_wrk if tool == "wrk" else run_python
    results = []
    for name, path in targets:
        rps, p50, p99, errors = runner(base_url + path, duration, connections)
        results.append(Result(name, path, rps, p50, p99, errors, tool))
        print(
            f"  measured {name:<34} {rps:9.1f} req/s  p50 {p50:7.2f} ms  p99 {p99:7.2f} ms",
            flush=True,
        )
    return results


def print_table(title: str, results: list[Result], ceiling: str | None = None) -> None:
    reference = next((r for r in results if r.name == ceiling), None)
    print(f"\n## {title}\n")
    print("| target | path | req/s | p50 ms | p99 ms | non-2xx | vs ceiling |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for result in results:
        share = (
            f"{result.requests_per_second / reference.requests_per_second:.0%}" if reference else ""
        )
        print(
            f"| {result.name} | `{result.path}` | {result.requests_per_second:.0f} | "
            f"{result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.errors} | {share} |"
        )
    if results:
        print(f"\nload tool: {results[0].tool}")


def common_arguments(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--url", help="benchmark a running server instead of starting one")
    parser.add_argument("--duration", type=int, default=10, help="seconds per target")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers when started here")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--database-url", help="DATABASE_URL for the started server")
    parser.add_argument(
        "--tool", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python"
    )
    return parser
