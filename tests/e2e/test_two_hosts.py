"""Two hosts behind a real reverse proxy, as docs/deployment.md lays them out: two gunicorn
servers (two workers each) with separate working directories (no shared disk), HAProxy from
Debian in front (round robin, health checks on ``/readyz``), one PostgreSQL, one Redis, one S3
server (moto). Everything is started here; each missing part skips the module, saying which.

Through the proxy: a photo uploaded through one host is served through the other; a login
quota is exact across both; a catalogue write on one is in the other's next read; logout on
one ends the session on the other; request ids come back and are in the serving host's JSON
log; the metrics of both hosts add up to the requests sent; one host restarted during 30 s of
steady load from several clients fails no request.

PostgreSQL only: two hosts cannot share a SQLite file without sharing a disk, which is what
this test proves they do not need.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import fresh_postgres_database, postgres_reachable
from tests.s3_server import MOTO_SERVER, start_s3_server, stop_s3_server
from wger_flask.testing import free_port, leaked_secrets, start_server, stop_server

from .test_redis_outage import PrivateRedis

pytestmark = [pytest.mark.e2e, pytest.mark.postgres, pytest.mark.redis]

HAPROXY = shutil.which("haproxy") or (
    "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
)
PASSWORD = "two hosts one passphrase"
ADMIN_PASSWORD = "the catalogue keeper's phrase"
METRICS_TOKEN = "metrics-bearer-token-for-the-two-host-test"
LOAD_SECONDS = 30
LOAD_CLIENTS = 4
# the routes the load and the tests drive (health checks and scrapes are not counted)
NOT_COUNTED = ("/readyz/", "/healthz/", "/metrics/")

SHIPPED_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "haproxy" / "haproxy.cfg"


def haproxy_config(port: int, hosts: dict[str, str]) -> str:
    """The shipped configuration with this test's addresses: its bind and server lines
    replaced, everything else as an operator would run it."""
    lines = []
    for line in SHIPPED_CONFIG.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("bind "):
            line = f"    bind 127.0.0.1:{port}"
        elif stripped.startswith("server "):
            continue
        lines.append(line)
    lines.extend(
        f"    server {name} {address.removeprefix('http://')} check"
        for name, address in hosts.items()
    )
    return "\n".join(lines) + "\n"


def missing_part(request) -> str | None:
    if request.config.getoption("--database") != "postgres":
        return "needs the PostgreSQL suite (--database postgres): two hosts share no SQLite file"
    if not postgres_reachable():
        return "PostgreSQL is not reachable"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    if HAPROXY is None:
        return "HAProxy is not installed (apt-get install haproxy; .ci/run installs it)"
    if MOTO_SERVER is None:
        return "moto_server is not installed (pip install 'moto[server]')"
    return None


class Proxy:
    def __init__(self, folder: Path, hosts: dict[str, str], port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        self.config = folder / "haproxy.cfg"
        self.config.write_text(haproxy_config(port, hosts))
        check = subprocess.run([HAPROXY, "-c", "-f", str(self.config)], capture_output=True)
        assert check.returncode == 0, check.stdout + check.stderr
        self.log = folder / "haproxy.log"
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(self.config)], stdout=log, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def call(url: str, method: str = "GET", body: bytes | None = None, headers=None):
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def call_json(url: str, method: str = "GET", payload=None, headers=None):
    body = json.dumps(payload).encode() if payload is not None else None
    status, answer_headers, data = call(
        url, method, body, {"Content-Type": "application/json", **(headers or {})}
    )
    return status, answer_headers, json.loads(data) if data else None


def multipart(fields: dict[str, str], name: str, filename: str, content: bytes):
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"'
        f"\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Site:
    def __init__(self, proxy, hosts, redis, s3, bucket) -> None:
        self.proxy, self.hosts, self.redis, self.s3, self.bucket = proxy, hosts, redis, s3, bucket
        self.url = proxy.url

    def get(self, path: str, **headers):
        return call(self.url + path, headers=headers)

    def wait_until_both_serve(self, timeout: float = 30) -> None:
        """Until the proxy's round robin reaches both hosts (health checks passed)."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while seen != set(self.hosts):
            assert time.monotonic() < deadline, f"only {seen} serve:\n{self.proxy.log.read_text()}"
            try:
                status, headers, _ = self.get("/healthz/")
            except OSError:
                continue
            if status == 200:
                seen.add(headers["X-Served-By"])

    def login(self, username: str, password: str):
        status, headers, body = call_json(
            self.url + "/allauth/app/v1/auth/login",
            "POST",
            {"username": username, "password": password},
        )
        return status, headers, body

    def tokens(self, username: str, password: str) -> tuple[str, str]:
        status, _, body = self.login(username, password)
        assert status == 200, body
        return body["data"]["access"], body["meta"]["session_token"]


def requests_by_route(host_url: str) -> Counter:
    """``wger_http_requests_total`` of a host (all its workers), by route, method, status."""
    status, _, body = call(host_url + "/metrics/")
    assert status == 200
    found: Counter = Counter()
    for family in text_string_to_metric_families(body.decode()):
        for sample in family.samples:
            if sample.name == "wger_http_requests_total":
                labels = sample.labels
                found[(labels["route"], labels["method"], labels["status"])] += sample.value
    return found


@pytest.fixture(scope="module")
def site(request, tmp_path_factory):
    reason = missing_part(request)
    if reason:
        pytest.skip(f"two-host test SKIPPED: {reason}")
    folder = tmp_path_factory.mktemp("two-hosts")
    redis = PrivateRedis(folder)
    redis.start()
    s3 = start_s3_server(folder / "moto.log")
    bucket = s3.make_bucket()
    hosts: dict[str, object] = {}
    try:
        with fresh_postgres_database() as database:
            ports = {name: free_port() for name in ("a", "b")}
            proxy_port = free_port()
            shared = {
                **s3.env(bucket),
                "SITE_URL": f"http://127.0.0.1:{proxy_port}",
                "NUMBER_OF_PROXIES": "1",
                "RATELIMIT_STORAGE_URI": redis.url,
                "READYZ_REQUIRE_REDIS": "false",
                "WEB_CONCURRENCY": "2",
                "GUNICORN_THREADS": "4",
                "LOG_FORMAT": "json",
                "METRICS_TOKEN": METRICS_TOKEN,
                "SECRET_KEY": "two-hosts-share-this-signing-key-" + uuid.uuid4().hex,
                "RATE_LIMIT_LOGIN": "1000/minute",
                "RATE_LIMIT_LOGIN_FAILED_ADDRESS": "5/5minute",
            }
            for name, port in ports.items():
                workdir = folder / f"host-{name}"  # each host its own folder: no shared disk
                workdir.mkdir()
                hosts[name] = start_server(
                    workdir, database, bootstrap=name == "a", PORT=str(port), **shared
                )
            made = hosts["a"].flask("user", "create", "alice", "--email", "alice@example.com",
                                    "--password", PASSWORD)  # fmt: skip
            assert made.returncode == 0, made.stderr
            made = hosts["a"].flask("user", "create", "keeper", "--email", "k@example.com",
                                    "--superuser", "--password", ADMIN_PASSWORD)  # fmt: skip
            assert made.returncode == 0, made.stderr
            proxy = Proxy(folder, {name: host.url for name, host in hosts.items()}, proxy_port)
            site = Site(proxy, hosts, redis, s3, bucket)
            try:
                site.wait_until_both_serve()
                yield site
            finally:  # before the database goes
                proxy.stop()
                for host in hosts.values():
                    stop_server(host)
    finally:
        for host in hosts.values():
            stop_server(host)
        stop_s3_server(s3)
        redis.stop()
    for host in hosts.values():
        host.secrets.extend([PASSWORD, ADMIN_PASSWORD, METRICS_TOKEN])
        assert leaked_secrets(host) == [], f"secrets in {host.log_path}"


def served_by_each(site: Site, send) -> dict[str, tuple]:
    """Send ``send()`` until each host has answered it once; the answers by host."""
    answers: dict[str, tuple] = {}
    for _ in range(6):
        answer = send()
        answers.setdefault(answer[1]["X-Served-By"], answer)
        if set(answers) == set(site.hosts):
            return answers
    raise AssertionError(f"round robin reached only {set(answers)}")


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 90)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_photo_uploaded_through_one_host_is_served_by_the_other(site):
    access, _ = site.tokens("alice", PASSWORD)
    body, content_type = multipart({"date": "2026-11-01", "description": "front"}, "image",
                                   "front.png", photo())  # fmt: skip
    status, headers, data = call(
        site.url + "/api/v2/gallery/",
        "POST",
        body,
        {"Content-Type": content_type, "Authorization": f"Bearer {access}"},
    )
    assert status == 201, data
    uploaded_by = headers["X-Served-By"]
    image_url = json.loads(data)["image"]
    assert image_url.startswith(site.url + "/media/gallery/")
    answers = served_by_each(site, lambda: site.get(image_url.removeprefix(site.url)))
    other = next(name for name in site.hosts if name != uploaded_by)
    status, headers, content = answers[other]
    assert status == 200 and headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert Image.open(io.BytesIO(content)).size == (40, 30)
    for host in site.hosts.values():  # no host keeps it on its disk
        assert not list((Path(host.env["WGER_INSTANCE_PATH"]) / "media").rglob("*.png"))
    assert len(site.s3.keys(site.bucket)) == 1
    for host in site.hosts.values():
        host.secrets.append(access)


def test_a_login_quota_is_exact_across_both_hosts(site):
    """5 wrong passwords per account and address in 5 minutes (RATE_LIMIT_LOGIN_FAILED_
    ADDRESS): the sixth is refused whichever host it reaches, the right password too."""
    made = site.hosts["b"].flask("user", "create", "quota", "--password", PASSWORD)
    assert made.returncode == 0, made.stderr
    answers = [site.login("quota", f"wrong guess {number}") for number in range(7)]
    served = Counter(headers["X-Served-By"] for _, headers, _ in answers)
    assert set(served) == set(site.hosts)  # both hosts counted
    codes = [body["errors"][0]["code"] for _, _, body in answers]
    assert len(set(codes[:5])) == 1 and codes[0] != "too_many_login_attempts"  # wrong password
    assert codes[5:] == ["too_many_login_attempts"] * 2
    status, _, body = site.login("quota", PASSWORD)
    assert status == 400 and body["errors"][0]["code"] == "too_many_login_attempts"


def test_a_catalogue_write_on_one_host_is_in_the_others_next_read(site):
    access, _ = site.tokens("keeper", ADMIN_PASSWORD)
    bearer = {"Authorization": f"Bearer {access}"}
    before = served_by_each(site, lambda: call_json(site.url + "/api/v2/exerciseinfo/9/"))
    assert all(answer[0] == 200 for answer in before.values())  # both hosts keep the answer
    translation = before["a"][2]["translations"][0]
    name = f"Renamed on one host {uuid.uuid4().hex[:6]}"
    status, headers, body = call_json(
        site.url + f"/api/v2/exercise-translation/{translation['id']}/",
        "PATCH",
        {"name": name},
        bearer,
    )
    assert status == 200, body
    written_on = headers["X-Served-By"]
    after = served_by_each(site, lambda: call_json(site.url + "/api/v2/exerciseinfo/9/"))
    other = next(host for host in site.hosts if host != written_on)
    names = [item["name"] for item in after[other][2]["translations"]]
    assert name in names
    for host in site.hosts.values():
        host.secrets.append(access)


def test_logout_on_one_host_ends_the_session_on_the_other(site):
    access, session_token = site.tokens("alice", PASSWORD)
    session = {"X-Session-Token": session_token}
    status, headers, _ = call_json(site.url + "/allauth/app/v1/auth/session", "DELETE",
                                   headers=session)  # fmt: skip
    assert status == 401
    logged_out_on = headers["X-Served-By"]
    answers = served_by_each(site, lambda: call_json(site.url + "/allauth/app/v1/auth/session",
                                                     headers=session))  # fmt: skip
    other = next(host for host in site.hosts if host != logged_out_on)
    assert answers[other][0] == 410
    for host in site.hosts.values():
        host.secrets.extend([access, session_token])


def test_request_ids_come_back_and_are_in_the_serving_hosts_log(site):
    status, headers, _ = site.get("/api/v2/muscle/")
    made = headers["X-Request-ID"]
    assert status == 200 and len(made) >= 16  # made by the proxy
    status, headers, _ = site.get("/api/v2/muscle/", **{"X-Request-ID": "client-trace-42"})
    assert headers["X-Request-ID"] == "client-trace-42"
    host = site.hosts[headers["X-Served-By"]]
    lines = [json.loads(line) for line in host.log().splitlines() if line.startswith("{")]
    [line] = [entry for entry in lines if entry.get("request_id") == "client-trace-42"]
    assert line["route"] == "/api/v2/muscle/" and line["status"] == 200
    assert line["statements"] >= 0 and line["duration_ms"] > 0


def test_the_metrics_of_both_hosts_add_up_to_the_requests_sent(site):
    before = {name: requests_by_route(host.url) for name, host in site.hosts.items()}
    sent = Counter()
    for number in range(40):
        path = "/api/v2/muscle/" if number % 2 else "/api/v2/equipment/"
        status, _, _ = site.get(path)
        sent[(path, "GET", str(status))] += 1
    after = {name: requests_by_route(host.url) for name, host in site.hosts.items()}
    counted = Counter()
    for name in site.hosts:
        for key, total in after[name].items():
            if key[0] not in NOT_COUNTED:
                counted[key] += total - before[name].get(key, 0)
    assert +counted == sent
    assert all(after[name] != before[name] for name in site.hosts)  # both served
    # a host behind the proxy (NUMBER_OF_PROXIES=1) judges the client the proxy reports, not
    # the proxy's loopback socket: a remote client needs the token
    host = site.hosts["a"].url + "/metrics/"
    remote = {"X-Forwarded-For": "203.0.113.9"}
    assert call(host, headers=remote)[0] == 401
    assert call(host, headers={**remote, "Authorization": "Bearer wrong"})[0] == 401
    answered = call(host, headers={**remote, "Authorization": f"Bearer {METRICS_TOKEN}"})
    assert answered[0] == 200 and b"wger_http_requests_total" in answered[2]
    # the shipped proxy configuration keeps /metrics inside, token or not
    status, _, body = site.get("/metrics/", Authorization=f"Bearer {METRICS_TOKEN}")
    assert status == 403 and b"wger_http" not in body


def test_a_restart_under_steady_load_fails_no_request(site):
    failures: list[str] = []
    done = Counter()
    stop = threading.Event()
    paths = ["/api/v2/muscle/", "/api/v2/exerciseinfo/9/", "/api/v2/language/", "/readyz/"]

    def client(number: int) -> None:
        position = number
        while not stop.is_set():
            path = paths[position % len(paths)]
            position += 1
            try:
                status, headers, _ = site.get(path)
            except OSError as error:
                failures.append(f"{path}: {error}")
                continue
            if status != 200:
                failures.append(f"{path}: {status}")
            else:
                done[headers["X-Served-By"]] += 1

    workers = [threading.Thread(target=client, args=(n,)) for n in range(LOAD_CLIENTS)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    try:
        while sum(done.values()) < 20 and time.monotonic() - started < LOAD_SECONDS:
            stop.wait(0.1)
        host = site.hosts["a"]
        stop_server(host)  # SIGTERM: in-flight requests finish, the proxy sends the rest to b
        served_while_down = sum(done.values())
        host.start()  # the same folder and port
        restarted_at = time.monotonic()
        stop.wait(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=60)
    assert failures == [], failures[:10]
    assert sum(done.values()) > served_while_down  # the load went on through the restart
    assert time.monotonic() - restarted_at > 1
    site.wait_until_both_serve()
    print(f"\nsteady load: {dict(done)} answers in {time.monotonic() - started:.0f} s, 0 failed")
