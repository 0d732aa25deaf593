"""A real S3 server for the object-storage tests: moto's ``moto_server`` (the test extra pins
``moto[server]``), started on a free loopback port by the tests themselves, never a mock object.

``s3_server`` (session) starts one; ``s3_bucket`` makes a fresh bucket per test and yields the
app settings that select it. Tests skip, saying why, where ``moto_server`` is not installed.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from wger_flask.testing import free_port

MOTO_SERVER = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which(
    "moto_server"
)
# moto accepts any credentials; these are test values, and the secret-scan test looks for them
ACCESS_KEY = "AKIATESTMEDIAKEY0001"
SECRET_KEY = "test-secret-access-key-for-moto-do-not-log-Zq8"
REGION = "eu-central-1"


@dataclass
class S3Server:
    url: str
    process: subprocess.Popen

    def env(self, bucket: str) -> dict[str, str]:
        """The environment a server process needs to keep its media in ``bucket`` here."""
        return {
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_BUCKET": bucket,
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_DEFAULT_REGION": REGION,
        }

    def client(self):
        import boto3

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def make_bucket(self) -> str:
        name = f"wger-media-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def keys(self, bucket: str) -> list[str]:
        answer = self.client().list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in answer.get("Contents", []))


def start_s3_server(log_path: Path) -> S3Server:
    """``moto_server`` on a free loopback port, answering before this returns."""
    if MOTO_SERVER is None:
        pytest.skip("moto_server is not installed (pip install 'moto[server]'): S3 tests SKIPPED")
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"},
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited:\n{log_path.read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return S3Server(f"http://127.0.0.1:{port}", process)
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"moto_server did not answer in 30 s:\n{log_path.read_text()}")


def stop_s3_server(server: S3Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> Iterator[S3Server]:
    server = start_s3_server(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    stop_s3_server(server)


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    return s3_server.make_bucket()


@pytest.fixture
def s3_app(app, s3_server: S3Server, s3_bucket: str, monkeypatch) -> Iterator[object]:
    """The session's app with its media in a fresh bucket of the moto server (streamed)."""
    for variable, value in s3_server.env(s3_bucket).items():
        if variable.startswith("AWS_"):
            monkeypatch.setenv(variable, value)
    saved = {key: app.config.get(key) for key in S3_CONFIG_KEYS}
    app.config.update(
        MEDIA_STORAGE="s3",
        MEDIA_S3_BUCKET=s3_bucket,
        MEDIA_S3_PREFIX="",
        MEDIA_S3_ENDPOINT_URL=s3_server.url,
        MEDIA_S3_REGION=REGION,
        MEDIA_S3_ADDRESSING_STYLE="auto",
        MEDIA_S3_SERVE="stream",
        MEDIA_S3_URL_SECONDS=300,
    )
    yield app
    app.config.update(saved)


S3_CONFIG_KEYS = (
    "MEDIA_STORAGE",
    "MEDIA_S3_BUCKET",
    "MEDIA_S3_PREFIX",
    "MEDIA_S3_ENDPOINT_URL",
    "MEDIA_S3_REGION",
    "MEDIA_S3_ADDRESSING_STYLE",
    "MEDIA_S3_SERVE",
    "MEDIA_S3_URL_SECONDS",
)
