"""Helpers of the trophy API tests: a user who logs sessions and sets through the API."""

from __future__ import annotations

from typing import Any

EXERCISE = 9
OTHER_EXERCISE = 12
KG, LB = 1, 2


def post(client, headers: dict, resource: str, **body: Any) -> dict:
    response = client.post(f"/api/v2/{resource}/", json=body, headers=headers)
    assert response.status_code == 201, (resource, response.status_code, response.get_json())
    return response.get_json()


def session(client, headers: dict, date: str, time_start: str | None = None) -> dict:
    body: dict[str, Any] = {"date": date}
    if time_start is not None:
        body["time_start"] = time_start
    return post(client, headers, "workoutsession", **body)


def log(
    client,
    headers: dict,
    session_id: str,
    weight: str | None = "100",
    repetitions: str | None = "5",
    exercise: int = EXERCISE,
    unit: int = KG,
    date: str | None = None,
    **extra: Any,
) -> dict:
    body: dict[str, Any] = {
        "session": session_id,
        "exercise": exercise,
        "weight": weight,
        "repetitions": repetitions,
        "weight_unit": unit,
        **extra,
    }
    if date is not None:
        body["date"] = date
    return post(client, headers, "workoutlog", **body)


def statistics(client, headers: dict) -> dict:
    response = client.get("/api/v2/user-statistics/", headers=headers)
    assert response.status_code == 200, response.get_json()
    results = response.get_json()["results"]
    assert len(results) == 1, results
    return results[0]


def earned(client, headers: dict) -> list[str]:
    """Names of the earned trophies, oldest first, a record once per record."""
    response = client.get("/api/v2/user-trophy/?limit=1000&ordering=earned_at", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [row["trophy"]["name"] for row in response.get_json()["results"]]


def progress(client, headers: dict, **params: str) -> dict[str, dict]:
    response = client.get("/api/v2/trophy/progress/", headers=headers, query_string=params)
    assert response.status_code == 200, response.get_json()
    return {row["trophy"]["name"]: row for row in response.get_json()}
