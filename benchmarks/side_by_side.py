"""Side-by-side load benchmark: this server against another one (upstream wger, or an older
build of this one), route by route, in the same run on the same machine.

    # upstream wger on :8001 (docs/performance.md, "Side by side": how to install and start it),
    # then this checkout's server started here (2 gunicorn workers, 1 thread each) against it:
    /work/upstream/start.sh 2 8001 && PYTHONPATH=$PWD .venv/bin/python -m benchmarks.side_by_side \\
        --baseline-url http://127.0.0.1:8001 --baseline-token "$(cat /work/upstream/token.txt)"
    # or compare two running servers:
    .venv/bin/python -m benchmarks.side_by_side --url http://127.0.0.1:8000 \\
        --baseline-url http://127.0.0.1:8001

Both servers must serve the same catalogue (``flask bootstrap`` / upstream's fixtures: the same
872 exercises) with rate limits off, and have the account ``--username`` (``--password``;
the server started here gets it made). Both first get the same warm-up (``benchmarks.memory``'s
``WARM_UP``) and their memory is read; then the same user data is written to both through
their REST API (``benchmarks.seed``: a plan of 4 meals × 6 items, 100 weight entries, a
routine; an earlier run's data of that user is deleted first) and the owner routes are read
with a Bearer token from the app login (renewed before it expires: upstream's live 5 minutes)
and a ``Token`` key (upstream hands keys out on a web page only: ``--baseline-token``; here one
is issued directly). Every route is asked once on each server first, and one that does not
answer 200 is named.

For each route the two servers are loaded one after the other, the first one alternating
from route to route (``--rounds`` times, best rate kept) with ``wrk`` (Debian package
``wrk``; a Python load generator when it is missing), ``--connections`` keep-alive clients
for ``--duration`` seconds after a one-second warm-up: every run is bounded in time and only
loopback addresses are accepted. The table gives both rates, their ratio, both p99 latencies
and each route's share of its own server's ceiling (the version route, measured first and
again last, the better kept: the load of a shared machine drifts); then the memory of
both servers after the warm-up and after the run, PSS and RSS of master and workers
(``benchmarks.memory``), and the time and load averages at the start and the end.

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
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from benchmarks.harness import run_python
from benchmarks.memory import ServerMemory, server_memory, warm_up
from benchmarks.seed import Seeded, bearer_header, call, seed

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

# A Bearer token older than this is replaced before a route is loaded: upstream's allauth access
# tokens live 5 minutes and a whole run takes longer (one route's load lasts at most 121 s).
BEARER_RENEWAL_SECONDS = 120.0
# Requests per path of benchmarks.memory's warm-up, sent to both servers before the first memory
# reading (the figure issue 28 bounds) and before seeding.
WARM_UP_REQUESTS = 10

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
    login: tuple[str, str] | None = None  # username and password, to renew the Bearer token
    bearer_since: float = field(default_factory=time.monotonic)

    def renew_bearer(self) -> None:
        """A new access token when the one in hand is near its end (see BEARER_RENEWAL_SECONDS)."""
        if self.seeded is None or self.login is None:
            return
        if time.monotonic() - self.bearer_since > BEARER_RENEWAL_SECONDS:
            self.seeded.bearer = bearer_header(self.url, *self.login)
            self.bearer_since = time.monotonic()

    def request(
        self, path: str, credentials: str, extra: dict[str, str]
    ) -> tuple[str, dict] | None:
        """The URL and headers of a route on this server (None: it cannot be asked here)."""
        headers = dict(extra)
        if credentials != ANONYMOUS:
            if self.seeded is None:
                return None
            if credentials == BEARER:
                self.renew_bearer()
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
    # a server that finishes few requests in the time (upstream on a cold cache) keeps a decimal
    rate = run.requests_per_second
    return f"{rate:.1f}{errors}" if rate < 10 else f"{rate:.0f}{errors}"


Memory = dict[str, dict[str, ServerMemory | None]]  # stage -> side -> reading


def load_averages() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def utc_now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())


def print_table(rows: list[Row], memory: Memory, tool: str) -> None:
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
    print(
        "\n| stage | server | PSS MB (master + workers) | RSS MB "
        "| per process PSS MB (master first) | PSS this / baseline |"
    )
    print("|---|---|---:|---:|---|---:|")
    for stage, sides in memory.items():
        baseline, this = sides.get("baseline"), sides.get("this")
        ratio = f"{this.pss_mb / baseline.pss_mb:.2f}" if baseline and this else "–"
        for side in ("baseline", "this"):
            if side not in sides:
                continue
            measured = sides[side]
            if measured is None:
                print(f"| {stage} | {side} | ? | ? | processes not visible | |")
                continue
            processes = ", ".join(f"{p.pss_kb / 1024:.1f}" for p in measured.processes)
            print(
                f"| {stage} | {side} | {measured.pss_mb:.1f} | {measured.rss_mb:.1f} "
                f"| {processes} | {ratio if side == 'this' else ''} |"
            )
    print(f"\nload tool: {tool}; ended {utc_now()}, load averages {load_averages()} (1, 5, 15 min)")


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


def token_key(key: str | None) -> dict[str, str] | None:
    return {"Authorization": f"Token {key}"} if key else None


def check_routes(servers: dict[str, Server], routes: list[tuple]) -> None:
    """Ask every route once on each server and say which do not answer 200 (a route one server
    lacks, a wrong id): its rates would measure an error page."""
    for name, path, credentials, extra in routes:
        for side, server in servers.items():
            target = server.request(path, credentials, extra)
            if target is None:
                print(f"  {name}: not asked of {side} (no credentials for it)", flush=True)
                continue
            url, headers = target
            status, _ = call(server.url, "GET", url.removeprefix(server.url), None, headers)
            if status != 200:
                print(f"  {name}: {side} answers {status}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline-url", help="the other server, e.g. upstream wger")
    parser.add_argument("--url", help="this server, already running (default: start one here)")
    parser.add_argument(
        "--baseline-token",
        help="a `Token` key of the account on the baseline server (upstream hands keys out on a "
        "web page, not over the API: see docs/performance.md for the shell command)",
    )
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
    started = f"started {utc_now()}, load averages {load_averages()} (1, 5, 15 min)"
    with this_server(args) as (this_url, this_key):
        urls = {"this": this_url}
        if args.baseline_url:
            urls["baseline"] = args.baseline_url.rstrip("/")
        for url in urls.values():
            check_loopback(url)
        # both servers get the same first requests, then are read as issue 28 bounds them
        memory: Memory = {"after the warm-up": {}, "after the run": {}}
        for side, url in urls.items():
            warm_up(url, WARM_UP_REQUESTS)
            memory["after the warm-up"][side] = server_memory(url)
        keys = {"this": this_key, "baseline": token_key(args.baseline_token)}
        login = (args.username, args.password)
        servers = {
            side: Server(url, seed(url, *login, keys[side]), login) for side, url in urls.items()
        }
        print(
            f"{' vs '.join(f'{side} {server.url}' for side, server in servers.items())}: "
            f"{args.connections} connections, {args.duration} s per route and server, "
            f"{args.rounds} round(s), {args.tool}; {started}",
            flush=True,
        )
        check_routes(servers, routes)
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
        for side, server in servers.items():
            memory["after the run"][side] = server_memory(server.url)
    print_table(rows, memory, args.tool)


if __name__ == "__main__":
    main()
