"""SIGTERM finishes the requests in flight and takes no new ones (gunicorn's graceful stop,
``GUNICORN_GRACEFUL_TIMEOUT``): a request whose body is still arriving when the signal comes
gets its whole answer, while new connections are refused from then on."""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from wger_flask.testing import running_server

pytestmark = pytest.mark.e2e
PROC_TCP = Path("/proc/net/tcp")


def accept_queue(port: int) -> int:
    """Connections waiting in the kernel for the server to accept them (Linux: the receive
    queue of the listening socket in /proc/net/tcp)."""
    for line in PROC_TCP.read_text().splitlines()[1:]:
        fields = line.split()
        local, state, queues = fields[1], fields[3], fields[4]
        if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
            return int(queues.split(":")[1], 16)
    return 0


def refused(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) != 0


def test_sigterm_lets_the_request_in_flight_finish(tmp_path, server_database):
    if not PROC_TCP.exists():
        pytest.skip("needs Linux's /proc/net/tcp to see that the server took the request")
    with running_server(tmp_path, server_database, bootstrap=False, GUNICORN_THREADS="2") as server:
        address = urlsplit(server.url)
        body = json.dumps({"username": "nobody", "password": "not the password"}).encode()
        head = (
            f"POST /allauth/app/v1/auth/login HTTP/1.1\r\nHost: {address.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n"
        ).encode()
        in_flight = socket.create_connection((address.hostname, address.port), timeout=30)
        in_flight.sendall(head + body[:10])  # the app now waits for the rest of the body
        deadline = time.monotonic() + 30
        while accept_queue(address.port):
            assert time.monotonic() < deadline, "the server never took the connection"
        # one whole request after it: the worker's loop has handed ours to a thread
        with urllib.request.urlopen(server.url + "/healthz/", timeout=10) as answer:
            assert answer.status == 200

        server.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 20
        while not refused(address.hostname, address.port):  # no new connections from now on
            assert time.monotonic() < deadline, "the server kept accepting after SIGTERM"
        in_flight.sendall(body[10:])
        answer = b""
        while chunk := in_flight.recv(65536):
            answer += chunk
        in_flight.close()
        status_line, _, rest = answer.partition(b"\r\n")
        assert status_line.upper() == b"HTTP/1.1 400 BAD REQUEST", answer[:300]
        assert b"X-Request-ID:" in rest and rest.rstrip().endswith(b"}")  # the whole answer
        assert server.process.wait(timeout=40) == 0
