"""The same user data on any wger server, written through its REST API (so upstream wger and
this server get it alike): a nutrition plan of 4 meals × 6 items, 100 weight entries and a
routine with a day. Credentials too: a Bearer access token and, where the server hands one
out over the API, a permanent ``Token`` key.

Used by ``benchmarks.side_by_side``; every request goes to a loopback address only.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

MEALS, ITEMS, WEIGHT_ENTRIES = 4, 6, 100


class SeedFailed(RuntimeError):
    pass


def call(
    url: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        sent = {"Accept": "application/json", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        connection.request(method, path, body=payload, headers=sent)
        response = connection.getresponse()
        raw = response.read()
    finally:
        connection.close()
    try:
        return response.status, json.loads(raw) if raw else None
    except ValueError:
        return response.status, raw[:200]


def created(url: str, path: str, body: dict, headers: dict[str, str]) -> dict:
    status, answer = call(url, "POST", path, body, headers)
    if status != 201:
        raise SeedFailed(f"{url}{path} {body}: {status} {answer}")
    return answer


@dataclass
class Seeded:
    bearer: dict[str, str]
    token: dict[str, str] | None
    plan_id: int
    routine_id: int
    extra: dict[str, Any] = field(default_factory=dict)


def bearer_header(url: str, username: str, password: str) -> dict[str, str]:
    """An access token from allauth's app login (upstream 2.7 and this server: the token is in
    ``meta.access_token``), else from simplejwt's ``/api/v2/token/`` (older upstreams)."""
    credentials = {"username": username, "password": password}
    status, answer = call(url, "POST", "/allauth/app/v1/auth/login", credentials)
    if status == 200 and isinstance(answer, dict):
        access = (answer.get("meta") or {}).get("access_token")
        if access:
            return {"Authorization": f"Bearer {access}"}
    status, answer = call(url, "POST", "/api/v2/token/", credentials)
    if status == 200 and isinstance(answer, dict) and answer.get("access"):
        return {"Authorization": f"Bearer {answer['access']}"}
    raise SeedFailed(f"{url}: no access token for {username}: {status} {answer}")


def token_header(url: str, username: str, password: str) -> dict[str, str] | None:
    """Upstream's ``/api/v2/login/`` key (None where the server hands keys out elsewhere)."""
    status, answer = call(
        url, "POST", "/api/v2/login/", {"username": username, "password": password}
    )
    if status == 200 and isinstance(answer, dict) and answer.get("token"):
        return {"Authorization": f"Token {answer['token']}"}
    return None


# What the seed writes, by the list that holds it: deleting a plan or a routine deletes its
# meals and items or days with it (on both servers).
OWNED = ("nutritionplan", "weightentry", "routine")


def clear(url: str, headers: dict[str, str]) -> None:
    """Delete what an earlier run seeded for this user, so every run reads the same data (a
    server that is not started afresh, like upstream on its kept database, has it still)."""
    for endpoint in OWNED:
        status, page = call(url, "GET", f"/api/v2/{endpoint}/?limit=1000", None, headers)
        if status != 200:
            raise SeedFailed(f"{url}: cannot list {endpoint}: {status} {page}")
        for row in page["results"]:
            status, answer = call(url, "DELETE", f"/api/v2/{endpoint}/{row['id']}/", None, headers)
            if status not in (204, 404):
                raise SeedFailed(f"{url}: cannot delete {endpoint} {row['id']}: {status} {answer}")


def seed(url: str, username: str, password: str, token: dict[str, str] | None = None) -> Seeded:
    """Write the data for ``username`` on the server at ``url`` (replacing an earlier run's)."""
    headers = bearer_header(url, username, password)
    token = token or token_header(url, username, password)
    clear(url, headers)
    status, page = call(url, "GET", f"/api/v2/ingredient/?limit={MEALS * ITEMS}", None, headers)
    ingredients = [row["id"] for row in (page or {}).get("results", [])]
    if status != 200 or not ingredients:
        raise SeedFailed(f"{url}: no ingredients to put in a plan ({status})")
    plan = created(url, "/api/v2/nutritionplan/", {"description": "Benchmark plan"}, headers)
    for number in range(MEALS):
        meal = created(
            url,
            "/api/v2/meal/",
            {"plan": plan["id"], "name": f"Meal {number + 1}", "time": f"{7 + 3 * number:02d}:00"},
            headers,
        )
        for position in range(ITEMS):
            ingredient = ingredients[(number * ITEMS + position) % len(ingredients)]
            created(
                url,
                "/api/v2/mealitem/",
                {
                    "meal": meal["id"],
                    "ingredient": ingredient,
                    "amount": "125",
                    "order": position + 1,
                },
                headers,
            )
    first = dt.date(2025, 1, 1)
    for number in range(WEIGHT_ENTRIES):
        day = first + dt.timedelta(days=number)
        created(
            url,
            "/api/v2/weightentry/",
            {"weight": f"{80 + number % 7}.5", "date": f"{day.isoformat()}T07:30:00Z"},
            headers,
        )
    routine = created(
        url,
        "/api/v2/routine/",
        {"name": "Benchmark routine", "start": "2026-01-05", "end": "2026-03-29"},
        headers,
    )
    created(
        url,
        "/api/v2/day/",
        {"routine": routine["id"], "name": "Push", "order": 1, "is_rest": False},
        headers,
    )
    return Seeded(headers, token, plan["id"], routine["id"])
