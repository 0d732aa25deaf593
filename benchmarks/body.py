"""Body tracking benchmarks.

1. ``measurement/aggregate/`` in-process over 5 years of hourly readings in one category
   (43,824 rows): milliseconds per request (wall and CPU, p50 and p99), SQL statements per
   request, rows answered. Target: ``bucket=auto&max_points=200`` under 30 ms.
2. A 10 MB photo uploaded to a real gunicorn worker: the worker's RSS before (its peak reset)
   and its peak (``VmHWM``) during the upload, against the file's size and decoded pixels. Target: the upload is
   streamed to disk, not held in memory more than once.

.venv/bin/python -m benchmarks.body                      # a fresh SQLite file
.venv/bin/python -m benchmarks.body --database-url postgresql+psycopg://root@127.0.0.1/empty
.venv/bin/python -m benchmarks.body --skip-upload        # only the aggregation
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import random
import shutil
import tempfile
import time
import urllib.request
import uuid
from decimal import Decimal
from pathlib import Path

from benchmarks.routines import build_app, counting_statements, time_route

YEARS = 5
QUERIES = [
    ("auto, 200 points", "bucket=auto&max_points=200"),
    ("auto, 200 points, Europe/Berlin", "bucket=auto&max_points=200&tz=Europe/Berlin"),
    ("day (1,827 buckets)", "bucket=day"),
    ("week, Europe/Berlin", "bucket=week&tz=Europe/Berlin"),
    ("auto, last 30 days", "bucket=auto&date__gte={recent}"),
]


def prepare(app) -> tuple[dict[str, str], str, int]:
    """A user, their Bearer header, a category with an hourly reading over ``YEARS`` years."""
    from wger_flask.extensions import db
    from wger_flask.models.body import Measurement, MeasurementCategory
    from wger_flask.models.types import uuid7
    from wger_flask.services.accounts import tokens, users

    with app.app_context():
        user = users.create_user(f"bench{time.time_ns()}", "benchmark password")
        db.session.flush()
        category = MeasurementCategory(id=uuid7(), user_id=user.id, name="Heart", unit="bpm")
        db.session.add(category)
        db.session.flush()
        start = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
        hours = YEARS * 365 * 24 + 24
        generator = random.Random(7)
        rows = [
            {
                "id": uuid.UUID(int=generator.getrandbits(128)),
                "category_id": category.id,
                "date": start + dt.timedelta(hours=hour),
                "value": Decimal(generator.randint(5000, 9000)) / 100,
                "notes": "",
                "source": "apple",
            }
            for hour in range(hours)
        ]
        for first in range(0, len(rows), 5000):
            db.session.execute(Measurement.__table__.insert(), rows[first : first + 5000])
        db.session.commit()
        headers = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
        return headers, str(category.id), hours


def aggregate_benchmark(database_url: str | None, requests: int) -> None:
    app = build_app(database_url)
    headers, category, rows = prepare(app)
    client = app.test_client()
    client.get("/api/v2/measurement-category/", headers=headers)  # official categories made
    gc.collect()
    gc.freeze()
    recent = "2025-12-01T00:00:00Z"
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    print(
        f"\n## measurement/aggregate/ over {rows:,} hourly readings ({dialect}, {requests} req)\n"
    )
    print("| query | p50 ms | p99 ms | CPU p50 ms | SQL | buckets |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, query in QUERIES:
        url = f"/api/v2/measurement/aggregate/?category={category}&{query.format(recent=recent)}"
        with counting_statements(app) as statements:
            answer = client.get(url, headers=headers)
        assert answer.status_code == 200, answer.get_json()
        figures = time_route(client, url, headers, requests)
        print(
            f"| {label} | {figures['wall_p50']:.1f} | {figures['wall_p99']:.1f} | "
            f"{figures['cpu_p50']:.1f} | {len(statements)} | {len(answer.get_json()):,} |",
            flush=True,
        )
    url = f"/api/v2/measurement/value-counts/?category={category}"
    figures = time_route(client, url, headers, max(requests // 5, 5))
    print(
        f"| value-counts (all rows) | {figures['wall_p50']:.1f} | {figures['wall_p99']:.1f} | "
        f"{figures['cpu_p50']:.1f} | | |"
    )


# ------------------------------------------------------------------------------ upload


def noisy_jpeg(target_bytes: int) -> tuple[bytes, tuple[int, int]]:
    """A JPEG of random pixels of about ``target_bytes`` (noise does not compress)."""
    from PIL import Image

    side = 1000
    while True:
        picture = Image.frombytes(
            "RGB", (side, side), random.Random(side).randbytes(side * side * 3)
        )
        buffer = io.BytesIO()
        picture.save(buffer, "JPEG", quality=92)
        if buffer.tell() >= target_bytes:
            return buffer.getvalue(), picture.size
        side += 250


def worker_pids(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


def rss_kib(pid: int, field: str = "VmHWM") -> int:
    """``VmHWM`` (peak resident set) or ``VmRSS`` (current) of a process, in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field}")


def reset_peak_rss(pid: int) -> None:
    """Start the peak over from the current RSS (Linux: ``5`` to ``clear_refs``), so the
    worker's start-up peak does not hide the upload's."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def multipart(fields: dict[str, str], file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        )
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="{file_name}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload_benchmark() -> None:
    from wger_flask.testing import running_server

    photo, size = noisy_jpeg(10 * 1024 * 1024)
    workdir = Path(tempfile.mkdtemp(prefix="wger-body-bench-"))
    try:
        with running_server(
            workdir,
            f"sqlite:///{workdir / 'bench.sqlite3'}",
            RATELIMIT_ENABLED="false",
            MEDIA_ROOT=str(workdir / "media"),
            WEB_CONCURRENCY="1",
        ) as live:
            assert (
                live.flask("user", "create", "uploader", "--password", "upload pw 123").returncode
                == 0
            )
            login = urllib.request.Request(
                live.url + "/allauth/app/v1/auth/login",
                data=json.dumps({"username": "uploader", "password": "upload pw 123"}).encode(),
                headers={"Content-Type": "application/json"},
            )
            token = json.loads(urllib.request.urlopen(login, timeout=30).read())["meta"][
                "access_token"
            ]
            (worker,) = worker_pids(live.process.pid)
            auth = {"Authorization": f"Bearer {token}"}
            urllib.request.urlopen(
                urllib.request.Request(live.url + "/api/v2/gallery/", headers=auth), timeout=30
            ).read()  # warm: the routes and schemas are loaded
            reset_peak_rss(worker)
            before = rss_kib(worker, "VmRSS")
            body, content_type = multipart({"date": "2026-11-01"}, "photo.jpg", photo)
            started = time.perf_counter()
            answer = urllib.request.urlopen(
                urllib.request.Request(
                    live.url + "/api/v2/gallery/",
                    data=body,
                    headers={**auth, "Content-Type": content_type},
                ),
                timeout=120,
            )
            elapsed = (time.perf_counter() - started) * 1000
            created = json.loads(answer.read())
            after = rss_kib(worker)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    decoded = size[0] * size[1] * 3
    print("\n## A photo upload to one gunicorn worker\n")
    print("| figure | value |")
    print("|---|---:|")
    print(f"| file size | {len(photo) / 2**20:.1f} MiB |")
    print(f"| pixels | {size[0]}x{size[1]} ({decoded / 2**20:.1f} MiB decoded RGB) |")
    print(f"| worker RSS before (peak reset) | {before / 1024:.1f} MiB |")
    print(f"| worker peak RSS during the upload | {after / 1024:.1f} MiB |")
    print(f"| peak growth | {(after - before) / 1024:.1f} MiB |")
    print(
        f"| peak growth minus decoded pixels | {((after - before) * 1024 - decoded) / 2**20:.1f} MiB |"
    )
    print(f"| request time | {elapsed:.0f} ms |")
    print(f"| stored | {created['width']}x{created['height']} |")


def python_allocations_benchmark() -> None:
    """The same upload in-process under ``tracemalloc``: the Python-level peak shows whether
    the request body is ever held in memory (the decoded pixels are Pillow's, outside it)."""
    import tracemalloc

    from wger_flask.extensions import db
    from wger_flask.services.accounts import tokens, users

    app = build_app(None)
    app.config["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="wger-body-media-")
    with app.app_context():
        user = users.create_user("allocations", "benchmark password")
        db.session.commit()
        headers = {"Authorization": f"Bearer {tokens.mint_access(user)}"}
    photo, _ = noisy_jpeg(10 * 1024 * 1024)
    body, content_type = multipart({"date": "2026-11-01"}, "photo.jpg", photo)
    with tempfile.NamedTemporaryFile() as spooled:
        spooled.write(body)
        spooled.flush()
        size = len(body)
        del photo, body
        client = app.test_client()
        tracemalloc.start()
        with open(spooled.name, "rb") as stream:
            answer = client.post(
                "/api/v2/gallery/",
                input_stream=stream,
                headers={**headers, "Content-Type": content_type, "Content-Length": str(size)},
            )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert answer.status_code == 201, answer.get_json()
    shutil.rmtree(app.config["MEDIA_ROOT"], ignore_errors=True)
    print(
        f"| Python-level peak during an in-process upload (tracemalloc) | {peak / 2**20:.1f} MiB |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per query")
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--only-upload", action="store_true")
    args = parser.parse_args()
    if not args.only_upload:
        aggregate_benchmark(args.database_url, args.requests)
    if not args.skip_upload:
        upload_benchmark()
        python_allocations_benchmark()


if __name__ == "__main__":
    main()
