"""The routine lists cost the same statements whatever the number of the user's routines."""

import pytest

from wger_flask.rest.owner_answers import owner_answers


def routines(client, headers, count):
    for number in range(count):
        response = client.post(
            "/api/v2/routine/",
            json={"name": f"Routine {number}", "start": "2026-01-05", "end": "2026-02-01"},
            headers=headers,
        )
        assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("path", ["/api/v2/routine/", "/api/v2/routine/?limit=100"])
def test_the_routine_list_is_constant(app, client, alice, mallory, count_queries, path):
    routines(client, alice, 1)
    routines(client, mallory, 40)
    counts = []
    for headers in (alice, mallory):
        client.get(path, headers=headers)  # warm
        owner_answers(app).clear()  # the view's own cost, not the kept answer's
        with count_queries() as counter:
            response = client.get(path, headers=headers)
        assert response.status_code == 200
        counts.append((counter.count, response.get_json()["count"]))
    assert counts[0][0] == counts[1][0] <= 3, counts
    assert [count for _, count in counts] == [1, 40]
