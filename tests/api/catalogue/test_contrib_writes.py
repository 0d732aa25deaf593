"""Writes to the exercise catalogue under upstream's rule: trustworthy accounts (verified email,
older than 21 days) or holders of ``exercises.add_exercise`` add and edit; deleting needs
``exercises.delete_exercise``; others 403, anonymous 401."""

from __future__ import annotations

import pytest

from tests.api.catalogue.conftest import ENGLISH, GERMAN, old


def new_exercise(client, headers, **extra):
    body = {"category": 10, "muscles": [1], "equipment": [3], "license_author": "me", **extra}
    response = client.post("/api/v2/exercise/", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def new_translation(client, headers, exercise_id, **extra):
    body = {
        "exercise": exercise_id,
        "name": "Floor press",
        "description_source": ENGLISH,
        "language": 2,
        "license_author": "me",
        **extra,
    }
    response = client.post("/api/v2/exercise-translation/", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_trusted_user_adds_and_edits_every_kind_of_row(client, trusted):
    exercise = new_exercise(client, trusted)
    assert exercise["category"] == 10 and exercise["muscles"] == [1]
    translation = new_translation(client, trusted, exercise["id"])
    alias = client.post(
        "/api/v2/exercisealias/",
        json={"translation": translation["id"], "alias": "Boden-Drücken"},
        headers=trusted,
    )
    assert alias.status_code == 201
    comment = client.post(
        "/api/v2/exercisecomment/",
        json={"translation": translation["id"], "comment": "Keep the elbows in"},
        headers=trusted,
    )
    assert comment.status_code == 201

    patched = client.patch(
        f"/api/v2/exercise/{exercise['id']}/", json={"category": 11}, headers=trusted
    )
    assert patched.status_code == 200 and patched.get_json()["category"] == 11
    renamed = client.patch(
        f"/api/v2/exercise-translation/{translation['id']}/",
        json={"name": "Floor press, close grip"},
        headers=trusted,
    )
    assert renamed.status_code == 200

    # the very next read shows every write
    info = client.get(f"/api/v2/exerciseinfo/{exercise['id']}/").get_json()
    assert info["category"]["id"] == 11
    [shown] = info["translations"]
    assert shown["name"] == "Floor press, close grip"
    assert [a["alias"] for a in shown["aliases"]] == ["Boden-Drücken"]
    assert [n["comment"] for n in shown["notes"]] == ["Keep the elbows in"]
    listed = client.get("/api/v2/exercise/?category=11&limit=1000").get_json()["results"]
    assert exercise["id"] in [row["id"] for row in listed]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("exercise", {"category": 10}),
        ("exercise-translation", {"exercise": 9, "name": "x", "language": 2}),
        ("exercisealias", {"translation": 1, "alias": "x"}),
        ("exercisecomment", {"translation": 1, "comment": "x"}),
    ],
)
def test_untrusted_users_may_not_write(client, user, newcomer, auth_headers, path, body):
    for headers in (auth_headers(user), newcomer):
        assert client.post(f"/api/v2/{path}/", json=body, headers=headers).status_code == 403
        assert client.patch(f"/api/v2/{path}/1/", json=body, headers=headers).status_code == 403
        assert client.delete(f"/api/v2/{path}/1/", headers=headers).status_code == 403
    assert client.post(f"/api/v2/{path}/", json=body).status_code == 401


def test_unverified_old_account_is_not_trusted(client, make_user, auth_headers):
    user = make_user("old", email="o@example.com", email_verified=False, date_joined=old(400))
    response = client.post("/api/v2/exercise/", json={"category": 10}, headers=auth_headers(user))
    assert response.status_code == 403


def test_trusted_user_may_not_delete(client, trusted):
    assert client.delete("/api/v2/exercise/9/", headers=trusted).status_code == 403
    assert client.delete("/api/v2/exercise-translation/1/", headers=trusted).status_code == 403
    assert client.get("/api/v2/exercise/9/").status_code == 200


def test_add_permission_lets_a_new_account_contribute(client, user, auth_headers, grant):
    headers = auth_headers(user)
    assert (
        client.post("/api/v2/exercise/", json={"category": 10}, headers=headers).status_code == 403
    )
    grant(user, "exercise.add")
    new_exercise(client, headers)
    assert client.delete("/api/v2/exercise/9/", headers=headers).status_code == 403


def test_delete_permission_deletes_and_logs(client, user, auth_headers, grant):
    grant(user, "exercises.delete_exercise")
    headers = auth_headers(user)
    cid = client.get("/api/v2/exercisecomment/").get_json()["results"][0]["id"]
    assert client.delete(f"/api/v2/exercisecomment/{cid}/", headers=headers).status_code == 204
    assert client.get(f"/api/v2/exercisecomment/{cid}/").status_code == 404
    translation = client.get("/api/v2/exercise-translation/1/").get_json()
    assert client.delete("/api/v2/exercise-translation/1/", headers=headers).status_code == 204
    logs = client.get("/api/v2/deletion-log/?model_type=translation").get_json()["results"]
    assert [row["uuid"] for row in logs] == [translation["uuid"]]
    # but adding still needs trust or the add permission
    assert (
        client.post("/api/v2/exercise/", json={"category": 10}, headers=headers).status_code == 403
    )


def test_superuser_holds_every_permission(client, make_user, auth_headers):
    admin = make_user("root", email="r@example.com", is_superuser=True)
    headers = auth_headers(admin)
    new_exercise(client, headers)
    aid = client.get("/api/v2/exercisealias/").get_json()["results"][0]["id"]
    assert client.delete(f"/api/v2/exercisealias/{aid}/", headers=headers).status_code == 204


def test_description_is_rendered_and_sanitised(client, trusted):
    exercise = new_exercise(client, trusted)
    source = (
        ENGLISH + ' **Slowly.** <script>alert("x")</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">link</a> <span style="color:red">red</span>'
        '\n\n<p style="text-decoration: underline; position: fixed">under</p>'
    )
    translation = new_translation(client, trusted, exercise["id"], description_source=source)
    html = translation["description"]
    assert translation["description_source"] == source
    assert "<strong>Slowly.</strong>" in html
    for forbidden in ("script", "alert", "<img", "onerror", "<a", "javascript", "<span", "color"):
        assert forbidden not in html
    assert '<p style="text-decoration:underline">under</p>' in html
    assert "link" in html and "red" in html


def test_description_in_another_language_is_refused(client, trusted):
    exercise = new_exercise(client, trusted)
    body = {"exercise": exercise["id"], "name": "Bankdrücken", "language": 2}
    response = client.post(
        "/api/v2/exercise-translation/",
        json={**body, "description_source": GERMAN},
        headers=trusted,
    )
    assert response.status_code == 400
    assert "language" in response.get_json()
    assert client.get(f"/api/v2/exerciseinfo/{exercise['id']}/").get_json()["translations"] == []


def test_update_ignores_exercise_and_language(client, trusted):
    exercise = new_exercise(client, trusted)
    translation = new_translation(client, trusted, exercise["id"])
    response = client.patch(
        f"/api/v2/exercise-translation/{translation['id']}/",
        json={"exercise": 9, "language": 1},
        headers=trusted,
    )
    assert response.status_code == 200
    assert response.get_json()["exercise"] == exercise["id"]
    assert response.get_json()["language"] == 2


def test_one_translation_per_language(client, trusted):
    exercise = new_exercise(client, trusted)
    new_translation(client, trusted, exercise["id"])
    body = {
        "exercise": exercise["id"],
        "name": "Other",
        "description_source": ENGLISH,
        "language": 2,
    }
    response = client.post("/api/v2/exercise-translation/", json=body, headers=trusted)
    assert response.status_code == 400


def test_author_history_lists_every_author(client, trusted):
    exercise = new_exercise(client, trusted, license_author="Ann")
    translation = new_translation(client, trusted, exercise["id"], license_author="Cat")
    response = client.patch(
        f"/api/v2/exercise/{exercise['id']}/", json={"license_author": "Bob"}, headers=trusted
    )
    assert response.status_code == 200
    client.patch(
        f"/api/v2/exercise-translation/{translation['id']}/",
        json={"license_author": "Dan"},
        headers=trusted,
    )
    info = client.get(f"/api/v2/exerciseinfo/{exercise['id']}/").get_json()
    assert info["license_author"] == "Bob"
    assert info["author_history"] == ["Ann", "Bob"]
    assert info["translations"][0]["author_history"] == ["Cat", "Dan"]
    assert info["total_authors_history"] == ["Ann", "Bob", "Cat", "Dan"]


def test_shipped_rows_credit_their_author(client):
    info = client.get("/api/v2/exerciseinfo/9/").get_json()
    assert info["author_history"] == ["deusinvictus"]


def test_a_write_changes_etags_and_counts(client, trusted):
    first = client.get("/api/v2/exerciseinfo/9/")
    listed = client.get("/api/v2/exercise/?category=10&limit=1")
    count = listed.get_json()["count"]
    etag = first.headers["ETag"]
    assert client.get("/api/v2/exerciseinfo/9/", headers={"If-None-Match": etag}).status_code == 304

    response = client.patch("/api/v2/exercise/9/", json={"category": 11}, headers=trusted)
    assert response.status_code == 200
    again = client.get("/api/v2/exerciseinfo/9/", headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert again.get_json()["category"]["id"] == 11
    assert again.headers["ETag"] != etag
    assert client.get("/api/v2/exercise/?category=10&limit=1").get_json()["count"] == count - 1


def test_temporary_guest_accounts_are_not_trusted(app, client, make_user, auth_headers):
    from wger_flask.extensions import db
    from wger_flask.models.accounts import UserProfile

    guest = make_user("guest", email="g@example.com", email_verified=True, date_joined=old(60))
    with app.app_context():
        profile = db.session.get(UserProfile, guest.profile.id) if guest.profile else None
        if profile is None:
            profile = UserProfile(user_id=guest.id)
            db.session.add(profile)
        profile.is_temporary = True
        db.session.commit()
    response = client.post("/api/v2/exercise/", json={"category": 10}, headers=auth_headers(guest))
    assert response.status_code == 403


def test_editing_a_shipped_row_keeps_its_first_author(client, trusted):
    response = client.patch("/api/v2/exercise/9/", json={"license_author": "Eve"}, headers=trusted)
    assert response.status_code == 200
    info = client.get("/api/v2/exerciseinfo/9/").get_json()
    assert info["author_history"] == ["deusinvictus", "Eve"]
    assert {"deusinvictus", "Eve"} <= set(info["total_authors_history"])
