"""A user's own data answers conditional reads: a weak ETag, ``304 Not Modified`` while it is
unchanged, a new answer (and tag) right after any write that changes it, and never a tag a
shared cache could serve to someone else."""

import pytest

ROUTES = [
    "/api/v2/weightentry/?limit=100",
    "/api/v2/nutritionplaninfo/{plan}/",
    "/api/v2/nutritionplan/{plan}/nutritional_values/",
    "/api/v2/trophy/progress/",
    "/api/v2/user-statistics/",
    "/api/v2/routine/",
    "/api/v2/userprofile/",
]


@pytest.fixture
def data(client, alice):
    """Alice's plan of one meal and one item, a weight entry and a routine."""
    ingredient = client.get("/api/v2/ingredient/?limit=1").get_json()["results"][0]["id"]

    def made(path, body):
        response = client.post(path, json=body, headers=alice)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    plan = made("/api/v2/nutritionplan/", {"description": "Mine"})
    meal = made("/api/v2/meal/", {"plan": plan["id"], "name": "Breakfast", "time": "07:30"})
    item = made(
        "/api/v2/mealitem/", {"meal": meal["id"], "ingredient": ingredient, "amount": "100"}
    )
    made("/api/v2/weightentry/", {"weight": "80", "date": "2026-01-02T08:00:00Z"})
    routine = made("/api/v2/routine/", {"name": "Push", "start": "2026-01-05", "end": "2026-02-01"})
    return {"plan": plan["id"], "item": item["id"], "routine": routine["id"]}


def tagged(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_json()
    tag = response.headers["ETag"]
    assert tag.startswith('W/"'), tag
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Authorization" in response.headers["Vary"]
    return tag


@pytest.mark.parametrize("route", ROUTES)
def test_an_unchanged_answer_is_304_without_a_body(client, alice, data, route):
    path = route.format(**data)
    tag = tagged(client, alice, path)
    again = client.get(path, headers={**alice, "If-None-Match": tag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == tag
    other = client.get(path, headers={**alice, "If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.data


WRITES = {
    "/api/v2/weightentry/?limit=100": (
        "post",
        "/api/v2/weightentry/",
        {"weight": "81", "date": "2026-01-03T08:00:00Z"},
    ),
    "/api/v2/nutritionplaninfo/{plan}/": ("patch", "/api/v2/mealitem/{item}/", {"amount": "150"}),
    "/api/v2/nutritionplan/{plan}/nutritional_values/": (
        "patch",
        "/api/v2/mealitem/{item}/",
        {"amount": "150"},
    ),
    "/api/v2/routine/": ("patch", "/api/v2/routine/{routine}/", {"name": "Pull"}),
    "/api/v2/userprofile/": ("patch", "/api/v2/userprofile/", {"weight_unit": "lb"}),
}


@pytest.mark.parametrize("route", sorted(WRITES))
def test_a_write_is_in_the_next_read(client, alice, data, route):
    path = route.format(**data)
    tag = tagged(client, alice, path)
    method, target, body = WRITES[route]
    written = getattr(client, method)(target.format(**data), json=body, headers=alice)
    assert written.status_code in (200, 201), written.get_json()
    after = client.get(path, headers={**alice, "If-None-Match": tag})
    assert after.status_code == 200, "a stale 304 after a write"
    assert after.headers["ETag"] != tag


def test_anothers_tag_gets_their_own_answer_not_a_304(client, alice, mallory, data):
    tag = tagged(client, alice, "/api/v2/weightentry/?limit=100")
    response = client.get(
        "/api/v2/weightentry/?limit=100", headers={**mallory, "If-None-Match": tag}
    )
    assert response.status_code == 200
    assert response.get_json()["count"] == 0


def test_anonymous_and_catalogue_answers_keep_their_own_validators(client, alice):
    anonymous = client.get("/api/v2/version/")
    assert "ETag" not in anonymous.headers and "Cache-Control" not in anonymous.headers
    catalogue = client.get("/api/v2/exerciseinfo/9/", headers=alice)
    assert not catalogue.headers["ETag"].startswith("W/")  # the catalogue's strong tag
