"""Side-by-side load benchmark: this server against another one (upstream wger, or an older
build of this one), route by route, in the same run on the same machine.

    # start this checkout's server itself (2 gunicorn workers, 1 thread each):
    .venv/bin/python -m benchmarks.side_by_side --baseline-url http://127.0.0.1:8001
    # or compare two running servers:
    .venv/bin/python -m benchmarks.side_by_side --url http://127.0.0.1:8000 \\
        --baseline-url http://127.0.0.1:8001

Both servers must serve the same catalogue (``flask bootstrap`` / upstream's fixtures: the same
872 exercises) with rate limits off, and have the account ``--username`` (``--password``;
the server started here gets it made). The same user data is then written to both through
their REST API (``benchmarks.seed``: a plan of 4 meals × 6 items, 100 weight entries, a
routine) and the owner routes are read with a Bearer token (and a ``Token`` key where the
server hands one out: upstream's ``/api/v2/login/``; here one is issued directly).

For each route the two servers are loaded one after the other, the first one alternating
from route to route (``--rounds`` times, best rate kept) with ``wrk`` (Debian package
``wrk``; a Python load generator when it is missing), ``--connections`` keep-alive clients
for ``--duration`` seconds after a one-second warm-up: every run is bounded in time and only
loopback addresses are accepted. The table gives both rates, their ratio, both p99 latencies
and each route's share of its own server's ceiling (the version route, measured first and
again last, the better kept: the load of a shared machine drifts); then the memory of
both servers after the run, PSS and RSS of master and workers (``benchmarks.memory``).

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
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.harness import run_python
from benchmarks.memory import ServerMemory, server_memory
from benchmarks.seed import Seeded, seed

GZIP = {"Accept-Encoding": "gzip"}
ANONYMOUS, BEARER, TOKEN = "anonymous", "bearer", "token"
CEILING = "version (the framework's ceiling)"
# (name, path: ``{plan}`` and ``{routine}`` are each server's own seeded ids, credentials, extra headers)
ROUTES: list[tuple[str, str, str, dict[str, str]]] = [
    (CEILING, "/api/v2/version/", ANONYMOUS, {}),
    ("exerciseinfo limit=20", "/api/v2/exerciseinfo/?limit=20", ANONYMOUS, {}),
    ("exerciseinfo limit=20, gzip", "/api/v2/exerciseinfo/?limit=20", ANONYMOUS, GZIP),
    ("exerciseinfo limit=100", "/api/v2/exerciseinfo/?limit=100", ANONYMOUS, {}),
    ("exerciseinfo limit=100, gzip", "/api/v2/exerciseinfo/?limit=100", ANONYMOUS, GZIP),
    (
        "exerciseinfo name search",
        "/api/v2/exerciseinfo/?name__search=curl&language__code=en",
        ANONYMOUS,
        {},
    ),
    ("exerciseinfo detail", "/api/v2/exerciseinfo/9/", ANONYMOUS, {}),
    ("exercise limit=20", "/api/v2/exercise/?limit=20", ANONYMOUS, {}),
    ("exercise detail", "/api/v2/exercise/9/", ANONYMOUS, {}),
    ("exercise-translation limit=20", "/api/v2/exercise-translation/?limit=20", ANONYMOUS, {}),
    ("exercisealias", "/api/v2/exercisealias/", ANONYMOUS, {}),
    ("exercisecomment", "/api/v2/exercisecomment/", ANONYMOUS, {}),
    ("exerciseimage", "/api/v2/exerciseimage/", ANONYMOUS, {}),
    ("video", "/api/v2/video/", ANONYMOUS, {}),
    ("muscle", "/api/v2/muscle/", ANONYMOUS, {}),
    ("equipment", "/api/v2/equipment/", ANONYMOUS, {}),
    ("exercisecategory", "/api/v2/exercisecategory/", ANONYMOUS, {}),
    ("deletion-log", "/api/v2/deletion-log/", ANONYMOUS, {}),
    ("language", "/api/v2/language/", ANONYMOUS, {}),
    ("license", "/api/v2/license/", ANONYMOUS, {}),
    ("ingredient limit=20", "/api/v2/ingredient/?limit=20", ANONYMOUS, {}),
    ("ingredient name search", "/api/v2/ingredient/?name__search=butter", ANONYMOUS, {}),
    ("ingredientinfo limit=100", "/api/v2/ingredientinfo/?limit=100", ANONYMOUS, {}),
    ("userprofile, Bearer", "/api/v2/userprofile/", BEARER, {}),
    ("userprofile, Token", "/api/v2/userprofile/", TOKEN, {}),
    ("routine list", "/api/v2/routine/", BEARER, {}),
    ("routine structure", "/api/v2/routine/{routine}/structure/", BEARER, {}),
    ("weightentry limit=100", "/api/v2/weightentry/?limit=100", BEARER, {}),
    ("nutritionplaninfo detail", "/api/v2/nutritionplaninfo/{plan}/", BEARER, {}),
    ("nutritional_values", "/api/v2/nutritionplan/{plan}/nutritional_values/", BEARER, {}),
    ("trophy progress", "/api/v2/trophy/progress/", BEARER, {}),
    ("user-statistics", "/api/v2/user-statistics/", BEARER, {}),
]

_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass
class Measured:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


@dataclass
class Server:
    url: str
    seeded: Seeded | None

    def request(
        self, path: str, credentials: str, extra: dict[str, str]
    ) -> tuple[str, dict] | None:
        """The URL and headers of a route on this server (None: it cannot be asked here)."""
        headers = dict(extra)
        if credentials != ANONYMOUS:
            if self.seeded is None:
                return None
            chosen = self.seeded.bearer if credentials == BEARER else self.seeded.token
            if chosen is None:
                return None
            headers.update(chosen)
        if "{" in path:
            if self.seeded is None:
                return None
            path = path.format(plan=self.seeded.plan_id, routine=self.seeded.routine_id)
        return self.url + path, headers


def check_loopback(url: str) -> None:
    """Load is only ever sent to this machine."""
    host = urlsplit(url).hostname or ""
    address = socket.gethostbyname(host)
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"{url}: not a loopback address ({address}); refusing to load it")


def run_wrk(url: str, duration: int, connections: int, headers: dict[str, str]) -> Measured:
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
    latencies = {int(p): float(v) * _LATENCY_UNITS[u] for p, v, u in _LATENCY.findall(output)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return Measured(
        rate, latencies.get(50, 0.0), latencies.get(99, 0.0), int(errors.group(1)) if errors else 0
    )


def measure(target: tuple[str, dict], args: argparse.Namespace) -> Measured:
    url, headers = target
    if args.tool == "wrk":
        return run_wrk(url, args.duration, args.connections, headers)
    rate, p50, p99, errors = run_python(url, args.duration, args.connections)
    return Measured(rate, p50, p99, errors)


def best(runs: list[Measured]) -> Measured | None:
    return max(runs, key=lambda run: run.requests_per_second) if runs else None


Row = tuple[str, str, Measured | None, Measured | None]


def _rate(run: Measured | None) -> str:
    if run is None:
        return "–"
    errors = f" ({run.errors} non-2xx)" if run.errors else ""
    return f"{run.requests_per_second:.0f}{errors}"


def print_table(rows: list[Row], memory: dict[str, ServerMemory | None], tool: str) -> None:
    ceilings = {
        side: (rows[0][index].requests_per_second if rows and rows[0][index] else 0)
        for side, index in (("baseline", 2), ("this", 3))
    }

    def share(run: Measured | None, side: str) -> str:
        return f"{run.requests_per_second / ceilings[side]:.0%}" if run and ceilings[side] else "–"

    def p99(run: Measured | None) -> str:
        return f"{run.p99_ms:.1f}" if run else "–"

    print(
        "\n| route | path | baseline req/s | this req/s | ratio | baseline p99 ms | this p99 ms "
        "| baseline share of its ceiling | this share of its ceiling |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, path, baseline, this in rows:
        ratio = (
            f"{this.requests_per_second / baseline.requests_per_second:.1f}×"
            if baseline and this and baseline.requests_per_second
            else "–"
        )
        print(
            f"| {name} | `{path}` | {_rate(baseline)} | {_rate(this)} | {ratio} | {p99(baseline)} "
            f"| {p99(this)} | {share(baseline, 'baseline')} | {share(this, 'this')} |"
        )
    print("\n| server | PSS MB (master + workers) | RSS MB | per process PSS MB |")
    print("|---|---:|---:|---|")
    for side, measured in memory.items():
        if measured is None:
            print(f"| {side} | ? | ? | processes not visible |")
            continue
        processes = ", ".join(f"{p.pss_kb / 1024:.1f}" for p in measured.processes)
        print(f"| {side} | {measured.pss_mb:.1f} | {measured.rss_mb:.1f} | {processes} |")
    if memory.get("baseline") and memory.get("this"):
        print(f"\nPSS this / baseline: {memory['this'].pss_mb / memory['baseline'].pss_mb:.2f}")
    print(f"\nload tool: {tool}; load average: {os.getloadavg()[0]:.2f} (1 min) at the end")


@contextlib.contextmanager
def this_server(args: argparse.Namespace) -> Iterator[tuple[str, dict[str, str] | None]]:
    """This checkout's server (or the running one of ``--url``) with the benchmark user, and
    that user's ``Token`` header when it can be issued here."""
    if args.url:
        yield args.url.rstrip("/"), None
        return
    from wger_flask.testing import running_server

    workdir = Path(tempfile.mkdtemp(prefix="wger-side-by-side-"))
    try:
        with running_server(
            workdir,
            f"sqlite:///{workdir / 'bench.sqlite3'}",
            RATELIMIT_ENABLED="false",
            WEB_CONCURRENCY=str(args.workers),
            GUNICORN_THREADS="1",
        ) as live:
            made = live.flask("user", "create", args.username, "--password", args.password)
            if made.returncode != 0:
                raise SystemExit(f"could not create {args.username}: {made.stderr}")
            yield live.url, issue_key(live.env, args.username)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def issue_key(env: dict[str, str], username: str) -> dict[str, str] | None:
    """A ``Token`` key for ``username`` on this checkout's database (keys are handed out on a
    web page here, not over the API)."""
    script = (
        "from sqlalchemy import select\n"
        "from wger_flask import create_app\n"
        "from wger_flask.extensions import db\n"
        "from wger_flask.models.accounts import User\n"
        "from wger_flask.services.accounts import api_keys\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        f"    user = db.session.execute(select(User).where(User.username == {username!r})).scalar_one()\n"
        "    print(api_keys.issue(user))\n"
        "    db.session.commit()\n"
    )
    from wger_flask.testing import BIN, REPO

    result = subprocess.run(
        [str(BIN / "python"), "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        return None
    return {"Authorization": f"Token {result.stdout.strip().splitlines()[-1]}"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline-url", help="the other server, e.g. upstream wger")
    parser.add_argument("--url", help="this server, already running (default: start one here)")
    parser.add_argument("--username", default="benchmark", help="the account on both servers")
    parser.add_argument("--password", default="benchmark password 2026")
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
    wanted = [part.strip() for part in (args.only or "").split(",") if part.strip()]
    routes = [route for route in ROUTES if not wanted or any(w in route[0] for w in wanted)]
    if routes and routes[0][0] != CEILING:
        routes.insert(0, ROUTES[0])  # every share is of the server's own ceiling
    if args.tool == "python":
        routes = [route for route in routes if not route[3] and route[2] == ANONYMOUS]
    with this_server(args) as (this_url, this_key):
        check_loopback(this_url)
        servers = {"this": Server(this_url, seed(this_url, args.username, args.password, this_key))}
        if args.baseline_url:
            baseline_url = args.baseline_url.rstrip("/")
            check_loopback(baseline_url)
            servers["baseline"] = Server(
                baseline_url, seed(baseline_url, args.username, args.password)
            )
        print(
            f"{' vs '.join(f'{side} {server.url}' for side, server in servers.items())}: "
            f"{args.connections} connections, {args.duration} s per route and server, "
            f"{args.rounds} round(s), {args.tool}; load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        rows: list[Row] = []
        ceiling_runs: dict[str, list[Measured]] = {side: [] for side in servers}
        for position, (name, path, credentials, extra) in enumerate(routes):
            runs: dict[str, list[Measured]] = {side: [] for side in servers}
            for round_number in range(args.rounds):
                order = list(servers)
                if (position + round_number) % 2:
                    order.reverse()  # the server that goes first alternates
                for side in order:
                    target = servers[side].request(path, credentials, extra)
                    if target is not None:
                        runs[side].append(measure(target, args))
            if name == CEILING:
                ceiling_runs = runs
            this, baseline = best(runs["this"]), best(runs.get("baseline", []))
            rows.append((name, path, baseline, this))
            print(
                f"  {name:<34} baseline {_rate(baseline):>8}  this {_rate(this):>8} req/s",
                flush=True,
            )
        if rows and rows[0][0] == CEILING:  # the ceiling again, last: load drifts during a run
            for side in servers:
                ceiling_runs[side].append(
                    measure(servers[side].request(ROUTES[0][1], ANONYMOUS, {}), args)
                )
            rows[0] = (
                CEILING,
                ROUTES[0][1],
                best(ceiling_runs.get("baseline", [])),
                best(ceiling_runs["this"]),
            )
        memory = {side: server_memory(server.url) for side, server in servers.items()}
    print_table(rows, {"baseline": memory.get("baseline"), "this": memory["this"]}, args.tool)


if __name__ == "__main__":
    main()
