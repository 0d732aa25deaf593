"""The server behind PgBouncer in transaction mode (Debian's package, a private instance on a
free port): bootstrap (migrations, catalogue), logins, writes with their trophies, catalogue
and ingredient pages read again and again (statements psycopg would otherwise prepare after
five runs: a prepared statement lives on one server connection, which transaction pooling
does not keep), with more client threads than server connections. PostgreSQL suite only."""

from __future__ import annotations

import concurrent.futures
import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_ADMIN_URL, fresh_postgres_database, postgres_reachable
from wger_flask.testing import free_port, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
PGBOUNCER = shutil.which("pgbouncer") or (
    "/usr/sbin/pgbouncer" if Path("/usr/sbin/pgbouncer").exists() else None
)
PASSWORD = "pooled passphrase here"
SERVER_CONNECTIONS = 3


@pytest.fixture(scope="module")
def pooled_url(request, tmp_path_factory):
    if request.config.getoption("--database") != "postgres":
        pytest.skip("PgBouncer test SKIPPED: needs the PostgreSQL suite (--database postgres)")
    if PGBOUNCER is None:
        pytest.skip(
            "PgBouncer test SKIPPED: pgbouncer is not installed (apt-get install pgbouncer)"
        )
    if not postgres_reachable():
        pytest.skip("PgBouncer test SKIPPED: PostgreSQL is not reachable")
    folder = tmp_path_factory.mktemp("pgbouncer")
    folder.chmod(0o755)  # pgbouncer drops to an unprivileged user; it reads these files
    target = sa.engine.make_url(POSTGRES_ADMIN_URL)
    port = free_port()
    (folder / "users.txt").write_text(f'"{target.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n* = host={target.host} port={target.port or 5432}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nauth_type = trust\n"
        f"auth_file = {folder / 'users.txt'}\npool_mode = transaction\nunix_socket_dir =\n"
        f"default_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 200\n"
        "ignore_startup_parameters = extra_float_digits\n"
    )
    for path in folder.iterdir():
        path.chmod(0o644)
    log = open(folder / "pgbouncer.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [PGBOUNCER, "-u", "nobody", str(folder / "pgbouncer.ini")], stdout=log, stderr=log
    )
    try:
        with fresh_postgres_database() as direct:
            name = sa.engine.make_url(direct).database
            yield target.set(port=port, database=name).render_as_string(hide_password=False)
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def call(url, method="GET", payload=None, headers=None):
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_server_works_through_pgbouncer_in_transaction_mode(tmp_path, pooled_url):
    with running_server(tmp_path, pooled_url, DATABASE_TRANSACTION_POOLER="true",
                        GUNICORN_THREADS="8", RATELIMIT_ENABLED="false") as server:  # fmt: skip
        made = server.flask("user", "create", "pooled", "--password", PASSWORD)
        assert made.returncode == 0, made.stderr
        status, body = call(server.url + "/allauth/app/v1/auth/login", "POST",
                            {"username": "pooled", "password": PASSWORD})  # fmt: skip
        assert status == 200, body
        bearer = {"Authorization": f"Bearer {body['data']['access']}"}
        server.secrets.append(body["data"]["access"])

        def work(number: int) -> list[int]:
            statuses = []
            entry = {"date": f"2026-11-{number % 28 + 1:02d}T08:00:00Z", "weight": "80.5"}
            statuses.append(call(server.url + "/api/v2/weightentry/", "POST", entry, bearer)[0])
            for path in ("/api/v2/exerciseinfo/?limit=5", "/api/v2/ingredientinfo/?limit=5",
                         "/api/v2/weightentry/", "/api/v2/routine/"):  # fmt: skip
                statuses.append(call(server.url + path, headers=bearer)[0])
            return statuses

        # 10 rounds of each statement (past psycopg's prepare threshold of 5), 8 threads on 3
        # server connections
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(work, range(24)))
        assert [status for statuses in results for status in statuses] == (
            [201, 200, 200, 200, 200] * 24
        ), results
        status, body = call(server.url + "/readyz/")
        assert status == 200 and body["database"] == "ok", body
        assert "prepared statement" not in server.log()
