"""Memory of a running server: proportional set size (PSS) and resident set size (RSS) of its
gunicorn master and each worker, read from ``/proc/<pid>/smaps_rollup`` (Linux 4.14+).

PSS divides each shared page among the processes mapping it, so the sum over master and
workers is what the server costs the machine; RSS counts a shared page in every process.

    # start this checkout's server with 2 and then 3 workers, warm each up, print both:
    .venv/bin/python -m benchmarks.memory
    # a running server (any: upstream wger too), found by the port it listens on:
    .venv/bin/python -m benchmarks.memory --url http://127.0.0.1:8001

The server's processes are those holding the URL's listening socket; the master is the one
whose parent is not among them. A warm-up (``WARM_UP``, ``--warm-up`` requests each) runs
before reading, so the figures include what requests load and keep.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from wger_flask.preload import WARM_UP_PATHS

# What a client does first: the same public reads the master's warm-up makes (wger_flask.preload),
# so both servers are measured after the same requests.
WARM_UP = list(WARM_UP_PATHS)


@dataclass
class ProcessMemory:
    pid: int
    pss_kb: int
    rss_kb: int


@dataclass
class ServerMemory:
    master: ProcessMemory | None
    workers: list[ProcessMemory]

    @property
    def pss_mb(self) -> float:
        return sum(p.pss_kb for p in self.processes) / 1024

    @property
    def rss_mb(self) -> float:
        return sum(p.rss_kb for p in self.processes) / 1024

    @property
    def processes(self) -> list[ProcessMemory]:
        return ([self.master] if self.master else []) + self.workers

    def line(self) -> str:
        workers = ", ".join(f"{w.pss_kb / 1024:.1f}" for w in self.workers)
        master = f"{self.master.pss_kb / 1024:.1f}" if self.master else "?"
        return (
            f"PSS {self.pss_mb:.1f} MB, RSS {self.rss_mb:.1f} MB "
            f"(master {master} + {len(self.workers)} workers {workers} MB PSS)"
        )


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


def rollup(pid: int) -> ProcessMemory | None:
    """A process's PSS and RSS in kB, or None when it cannot be read."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    values = {
        key: int(value) for key, value in re.findall(r"^(Pss|Rss):\s+(\d+) kB", text, re.MULTILINE)
    }
    return ProcessMemory(pid, values.get("Pss", 0), values.get("Rss", 0))


def server_memory(url: str) -> ServerMemory | None:
    """The memory of the processes serving ``url`` (None when they cannot be seen)."""
    port = urlsplit(url).port or 80
    targets = {f"socket:[{inode}]" for inode in listening_inodes(port)}
    parents: dict[int, int] = {}
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
        parents[int(entry.name)] = int(re.search(r"^PPid:\s+(\d+)", status, re.MULTILINE)[1])
    if not parents:
        return None
    masters = [pid for pid, parent in parents.items() if parent not in parents]
    master = rollup(masters[0]) if len(masters) == 1 and len(parents) > 1 else None
    workers = [rollup(pid) for pid in sorted(parents) if master is None or pid != master.pid]
    return ServerMemory(master, [w for w in workers if w is not None])


def warm_up(url: str, requests_each: int, paths: list[str] | None = None) -> None:
    """Send each warm-up path ``requests_each`` times over a few connections (every worker
    gets some), ignoring the answers' status (a server may lack a route)."""
    parts = urlsplit(url)
    for path in paths or WARM_UP:
        for _ in range(requests_each):
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            try:
                connection.request("GET", path)
                connection.getresponse().read()
            finally:
                connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running server (default: start this checkout's)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warm-up", type=int, default=10, help="requests per warm-up path")
    args = parser.parse_args()
    if args.url:
        warm_up(args.url, args.warm_up)
        print(f"{args.url}: {server_memory(args.url).line()}")
        return
    from benchmarks.harness import server

    measured = {}
    for workers in (args.workers, args.workers + 1):
        environment = {"WEB_CONCURRENCY": str(workers), "GUNICORN_THREADS": "1"}
        with server(environment) as url:
            warm_up(url, args.warm_up)
            measured[workers] = server_memory(url)
            print(f"{workers} workers: {measured[workers].line()}", flush=True)
    low, high = measured[args.workers], measured[args.workers + 1]
    print(
        f"\nmaster + {args.workers} workers: {low.pss_mb:.1f} MB PSS ({low.rss_mb:.1f} MB RSS); "
        f"one more worker: +{high.pss_mb - low.pss_mb:.1f} MB PSS"
    )


if __name__ == "__main__":
    main()
