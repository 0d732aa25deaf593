"""The released typed client (wger-api-client 2.7.0, unmodified) against the real server:
a user logs a workout, reads trophies, progress and statistics; the recompute command run
against the live database changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request

import pytest

pytestmark = pytest.mark.e2e
client_module = pytest.importorskip("wger_api_client")

PASSWORD = "trophy test passphrase"


def access_token(url: str, username: str) -> str:
    request = urllib.request.Request(
        url + "/allauth/app/v1/auth/login",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]["access"]


def test_the_released_client_logs_and_reads_trophies(live_server):
    from wger_api_client.api.trophy import trophy_list, trophy_progress_list
    from wger_api_client.api.user_statistics import user_statistics_list
    from wger_api_client.api.user_trophy import user_trophy_list
    from wger_api_client.api.workoutlog import workoutlog_create
    from wger_api_client.api.workoutsession import workoutsession_create
    from wger_api_client.models import WorkoutLogRequest, WorkoutSessionRequest

    created = live_server.flask("user", "create", "trophy-hunter", "--password", PASSWORD)
    assert created.returncode == 0, created.stderr
    api = client_module.AuthenticatedClient(
        base_url=live_server.url,
        token=access_token(live_server.url, "trophy-hunter"),
        raise_on_unexpected_status=True,
    )
    # Noon of the server's today (the profile's zone is UTC): no early-bird or night-owl
    # trophy whatever hour the suite runs at, and the streak counts today.
    started = dt.datetime.combine(dt.datetime.now(dt.UTC).date(), dt.time(12), dt.UTC)
    session = workoutsession_create.sync(
        client=api, body=WorkoutSessionRequest(datetime_start=started)
    )
    for weight in ("100", "105"):
        workoutlog_create.sync(
            client=api,
            body=WorkoutLogRequest(
                exercise=9, session=session.id, weight=weight, repetitions="5", weight_unit=1
            ),
        )
    statistics = user_statistics_list.sync(client=api).results[0]
    assert statistics.total_workouts == 1
    assert statistics.total_weight_lifted == "1025.00"
    assert statistics.current_streak == 1  # today
    names = sorted(row.trophy.name for row in user_trophy_list.sync(client=api).results)
    assert names == ["Beginner", "Personal Record", "Personal Record"]
    progress = {row.trophy.name: row for row in trophy_progress_list.sync(client=api)}
    assert progress["Beginner"].is_earned
    assert progress["Elephant lifter"].progress_display == "1025/5000"
    # upstream's catalogue: 8 visible trophies, and the hidden Personal Record once earned
    assert trophy_list.sync(client=api).count == 9

    recomputed = live_server.flask("trophies", "recompute")
    assert recomputed.returncode == 0, recomputed.stderr
    again = user_statistics_list.sync(client=api).results[0]
    assert (again.total_workouts, again.total_weight_lifted, again.longest_streak) == (
        statistics.total_workouts,
        statistics.total_weight_lifted,
        statistics.longest_streak,
    )
    after = sorted(row.trophy.name for row in user_trophy_list.sync(client=api).results)
    assert after == names
