"""routine, templates, public-templates: the life of a routine and who may see it."""

import pytest

from tests.api.routine_api import create, ids, plan, results, routine

ROUTINE_FIELDS = {
    "id",
    "name",
    "description",
    "created",
    "start",
    "end",
    "fit_in_week",
    "is_template",
    "is_public",
}


@pytest.mark.parametrize("path", ["routine/", "templates/", "public-templates/"])
def test_anonymous_gets_401_with_a_challenge(client, path):
    response = client.get(f"/api/v2/{path}")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/api/v2/routine/", json={}).status_code == 401


def test_create_sets_the_owner_and_upstream_defaults(client, alice):
    made = routine(client, alice, description="Three days")
    assert set(made) == ROUTINE_FIELDS
    assert made["start"] == "2024-01-01" and made["end"] == "2024-01-28"
    assert (made["fit_in_week"], made["is_template"], made["is_public"]) == (False,) * 3
    assert made["created"].endswith("Z")
    assert client.get(f"/api/v2/routine/{made['id']}/", headers=alice).get_json() == made


def test_only_templates_can_be_public(client, alice):
    assert routine(client, alice, is_public=True)["is_public"] is False
    template = routine(client, alice, is_template=True, is_public=True)
    assert template["is_public"] is True
    patched = client.patch(
        f"/api/v2/routine/{template['id']}/", json={"is_template": False}, headers=alice
    ).get_json()
    assert (patched["is_template"], patched["is_public"]) == (False, False)


@pytest.mark.parametrize(
    "body,field",
    [
        ({"start": "2024-02-01", "end": "2024-01-01"}, "end"),
        ({"start": "2024-01-01", "end": "2024-05-01"}, "end"),  # 121 days
        ({"end": "2024-01-01"}, "start"),
        ({"start": "2024-01-01"}, "end"),
        ({"start": "01/01/2024", "end": "2024-01-02"}, "start"),
        ({"start": "2024-01-01", "end": "2024-01-02", "name": "x" * 26}, "name"),
        ({"start": "2024-01-01", "end": "2024-01-02", "description": "x" * 1001}, "description"),
        ({"start": "2024-01-01", "end": "2024-01-02", "fit_in_week": "maybe"}, "fit_in_week"),
    ],
)
def test_invalid_routines_are_400_naming_the_field(client, alice, body, field):
    response = client.post("/api/v2/routine/", json=body, headers=alice)
    assert response.status_code == 400
    assert list(response.get_json()) == [field]
    assert results(client, alice, "/api/v2/routine/") == []


def test_a_routine_may_last_120_days(client, alice):
    assert routine(client, alice, start="2024-01-01", end="2024-04-30")["end"] == "2024-04-30"


def test_patch_is_checked_against_the_stored_dates(client, alice):
    made = routine(client, alice)
    response = client.patch(
        f"/api/v2/routine/{made['id']}/", json={"start": "2024-02-01"}, headers=alice
    )
    assert response.status_code == 400 and "end" in response.get_json()
    assert client.get(f"/api/v2/routine/{made['id']}/", headers=alice).get_json() == made


def test_update_and_delete_own_routine(client, alice):
    made = plan(client, alice)
    routine_id = made["routine"]
    patched = client.patch(f"/api/v2/routine/{routine_id}/", json={"name": "Legs"}, headers=alice)
    assert patched.status_code == 200 and patched.get_json()["name"] == "Legs"
    put = client.put(
        f"/api/v2/routine/{routine_id}/",
        json={"name": "Full", "start": "2024-03-01", "end": "2024-03-31"},
        headers=alice,
    )
    assert put.status_code == 200 and put.get_json()["start"] == "2024-03-01"
    assert client.delete(f"/api/v2/routine/{routine_id}/", headers=alice).status_code == 204
    assert client.get(f"/api/v2/routine/{routine_id}/", headers=alice).status_code == 404
    # the days, slots, entries and configs went with it
    for resource in ("day", "slot", "slot-entry", "sets-config", "weight-config"):
        assert results(client, alice, f"/api/v2/{resource}/") == []


def test_list_holds_own_routines_and_public_templates_of_others(client, alice, mallory):
    mine = routine(client, alice, name="Mine")
    theirs = routine(client, mallory, name="Theirs")
    shared = routine(client, mallory, name="Shared", is_template=True, is_public=True)
    private_template = routine(client, mallory, name="Private", is_template=True)
    listed = ids(client, alice, "/api/v2/routine/")
    assert set(listed) == {mine["id"], shared["id"]}
    assert theirs["id"] not in listed and private_template["id"] not in listed


def test_other_users_routines_are_404_and_their_public_templates_read_only(client, alice, mallory):
    private = routine(client, mallory)
    shared = routine(client, mallory, is_template=True, is_public=True)
    url, shared_url = f"/api/v2/routine/{private['id']}/", f"/api/v2/routine/{shared['id']}/"
    assert client.get(url, headers=alice).status_code == 404
    assert client.patch(url, json={"name": "x"}, headers=alice).status_code == 404
    assert client.delete(url, headers=alice).status_code == 404
    assert client.get(shared_url, headers=alice).status_code == 200
    assert client.patch(shared_url, json={"name": "Stolen"}, headers=alice).status_code == 403
    assert client.put(shared_url, json={**shared, "name": "x"}, headers=alice).status_code == 403
    assert client.delete(shared_url, headers=alice).status_code == 403
    assert client.get(shared_url, headers=mallory).get_json() == shared


def test_default_ordering_is_newest_start_first(client, alice):
    for start in ("2024-01-01", "2024-03-01", "2024-02-01"):
        routine(client, alice, name=start, start=start, end=start)
    names = [row["name"] for row in results(client, alice, "/api/v2/routine/")]
    assert names == ["2024-03-01", "2024-02-01", "2024-01-01"]
    names = [row["name"] for row in results(client, alice, "/api/v2/routine/?ordering=name")]
    assert names == sorted(names)


def test_filters(client, alice):
    routine(client, alice, name="A", start="2024-01-01", end="2024-01-02")
    template = routine(client, alice, name="B", is_template=True, is_public=True)
    assert ids(client, alice, "/api/v2/routine/?is_template=True") == [template["id"]]
    assert ids(client, alice, "/api/v2/routine/?is_public=True") == [template["id"]]
    assert len(ids(client, alice, "/api/v2/routine/?is_public=yes")) == 2  # ignored
    assert len(ids(client, alice, "/api/v2/routine/?start=2024-01-01")) == 2
    assert ids(client, alice, "/api/v2/routine/?name=B") == [template["id"]]
    assert ids(client, alice, "/api/v2/routine/?end=2024-01-02&name=B") == []
    bad = client.get("/api/v2/routine/?start=soon", headers=alice)
    assert bad.status_code == 400 and "start" in bad.get_json()


def test_pagination(client, alice):
    for number in range(3):
        routine(client, alice, name=f"R{number}")
    page = client.get("/api/v2/routine/?limit=2", headers=alice).get_json()
    assert page["count"] == 3 and len(page["results"]) == 2
    assert page["next"].endswith("/api/v2/routine/?limit=2&offset=2")


def test_templates_are_the_users_own(client, alice, mallory):
    own = routine(client, alice, is_template=True)
    routine(client, alice)
    other = routine(client, mallory, is_template=True, is_public=True)
    assert ids(client, alice, "/api/v2/templates/") == [own["id"]]
    assert client.get(f"/api/v2/templates/{own['id']}/", headers=alice).status_code == 200
    assert client.get(f"/api/v2/templates/{other['id']}/", headers=alice).status_code == 404
    assert client.post("/api/v2/templates/", json={}, headers=alice).status_code == 405
    assert client.delete(f"/api/v2/templates/{own['id']}/", headers=alice).status_code == 405


def test_public_templates_list_everybodys_and_detail_only_ones_own(client, alice, mallory):
    own = routine(client, alice, is_template=True, is_public=True)
    other = routine(client, mallory, is_template=True, is_public=True)
    routine(client, mallory, is_template=True)
    assert set(ids(client, alice, "/api/v2/public-templates/")) == {own["id"], other["id"]}
    assert client.get(f"/api/v2/public-templates/{own['id']}/", headers=alice).status_code == 200
    refused = client.get(f"/api/v2/public-templates/{other['id']}/", headers=alice)
    assert refused.status_code == 403  # upstream's owner check on details
    assert client.post("/api/v2/public-templates/", json={}, headers=alice).status_code == 405


def test_writes_to_lists_and_unknown_ids(client, alice):
    assert client.put("/api/v2/routine/", json={}, headers=alice).status_code == 405
    assert client.delete("/api/v2/routine/", headers=alice).status_code == 405
    assert client.get("/api/v2/routine/999999/", headers=alice).status_code == 404
    assert client.get("/api/v2/routine/abc/", headers=alice).status_code == 404
    assert client.post("/api/v2/routine/", data="x", headers=alice).status_code == 415


def test_a_permanent_token_key_works_too(client, user, app):
    from wger_flask.services.accounts import api_keys

    with app.app_context():
        from wger_flask.extensions import db

        key = api_keys.issue(db.session.get(type(user), user.id))
        db.session.commit()
    headers = {"Authorization": f"Token {key}"}
    made = create(client, headers, "routine", start="2024-01-01", end="2024-01-02")
    assert ids(client, headers, "/api/v2/routine/") == [made["id"]]
