"""/api/v2/userprofile/, verify-email and check-permission."""

import pytest

from wger_flask.services.accounts import mail

REQUIRED = {
    "username",
    "email",
    "email_verified",
    "is_trustworthy",
    "date_joined",
    "gym",
    "is_temporary",
    "last_workout_notification",
}


def test_anonymous_is_401(client):
    response = client.get("/api/v2/userprofile/")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api"'


def test_profile_shape(client, user, auth_headers):
    body = client.get("/api/v2/userprofile/", headers=auth_headers(user)).get_json()
    assert set(body) >= REQUIRED
    assert body["username"] == "alice" and body["email_verified"] is True
    assert body["gender"] in ("1", "2", None) and body["weight_unit"] in ("kg", "lb")
    assert body["notification_language"] == 2


@pytest.mark.parametrize("method", ["patch", "put", "post"])
def test_update_methods(client, user, auth_headers, method):
    response = getattr(client, method)(
        "/api/v2/userprofile/",
        json={
            "height": 180,
            "weight_unit": "lb",
            "gender": "2",
            "weight_rounding": "2.5",
            "username": "ignored",
        },
        headers=auth_headers(user),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["height"], body["weight_unit"], body["gender"]) == (180, "lb", "2")
    assert body["weight_rounding"] == "2.50" and body["username"] == "alice"


@pytest.mark.parametrize(
    "payload,field",
    [
        ({"height": 100}, "height"),
        ({"age": 5}, "age"),
        ({"gender": "3"}, "gender"),
        ({"weight_unit": "stone"}, "weight_unit"),
        ({"calories": "lots"}, "calories"),
        ({"birthdate": "1850-01-01"}, "birthdate"),
        ({"notification_language": 9999}, "notification_language"),
        ({"weight_rounding": "123.456"}, "weight_rounding"),
    ],
)
def test_invalid_values_are_400_naming_the_field(client, user, auth_headers, payload, field):
    response = client.patch("/api/v2/userprofile/", json=payload, headers=auth_headers(user))
    assert response.status_code == 400
    assert field in response.get_json()


def test_delete_is_405_and_ids_404(client, user, auth_headers):
    assert client.delete("/api/v2/userprofile/", headers=auth_headers(user)).status_code == 405
    assert client.get("/api/v2/userprofile/1/", headers=auth_headers(user)).status_code == 404


def test_profile_writes_are_rate_limited(client, user, auth_headers):
    headers = auth_headers(user)
    statuses = [
        client.patch("/api/v2/userprofile/", json={"age": 30}, headers=headers).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert client.get("/api/v2/userprofile/", headers=headers).status_code == 200


def test_verify_email_sends_a_working_link(client, make_user, auth_headers):
    carol = make_user("carol", email="carol@example.com")
    response = client.post("/api/v2/userprofile/verify-email/", headers=auth_headers(carol))
    assert response.get_json() == {
        "status": "sent",
        "message": "A verification email was sent to carol@example.com",
    }
    link = next(
        line for line in mail.text_of(mail.outbox[-1]).splitlines() if "/user/verify-email/" in line
    )
    page = client.get(link.replace("http://localhost", ""))
    assert page.status_code == 200 and b"verified" in page.data
    again = client.post("/api/v2/userprofile/verify-email/", headers=auth_headers(carol))
    assert again.get_json()["status"] == "verified"
    assert client.get(link.replace("http://localhost", "")[:-3] + "abc").status_code == 400


def test_verify_email_without_address(client, make_user, auth_headers):
    dave = make_user("dave")
    response = client.post("/api/v2/userprofile/verify-email/", headers=auth_headers(dave))
    assert response.get_json() == {
        "result": "not sent",
        "message": "The user has no associated email",
    }


def test_check_permission(client, user, make_user, auth_headers):
    assert client.get("/api/v2/check-permission/?permission=exercises.add_exercise").get_json() == {
        "result": False
    }
    root = make_user("root", is_superuser=True)
    assert client.get(
        "/api/v2/check-permission/?permission=exercises.add_exercise", headers=auth_headers(root)
    ).get_json() == {"result": True}
    missing = client.get("/api/v2/check-permission/")
    assert missing.status_code == 400
    assert missing.get_json() == "Please pass a permission name in the 'permission' parameter"


def check(client, headers, permission):
    response = client.get(f"/api/v2/check-permission/?permission={permission}", headers=headers)
    assert response.status_code == 200
    return response.get_json()["result"]


def test_check_permission_answers_from_the_catalogue_grants(client, user, make_user, auth_headers):
    """Not superuser status: a moderator granted ``exercise.delete`` is told so (the web and
    mobile clients show the delete button from this answer); a plain user is told no."""
    from wger_flask.extensions import db
    from wger_flask.services.catalogue import permissions

    moderator = make_user("moderator", email="m@example.com")
    with client.application.app_context():
        permissions.grant(db.session.get(type(moderator), moderator.id), "exercise.delete")
        db.session.commit()
    headers = auth_headers(moderator)
    assert check(client, headers, "exercises.delete_exercise") is True
    assert check(client, headers, "exercise.delete") is True  # the short name too
    assert check(client, headers, "exercises.add_exercise") is False
    assert check(client, headers, "exercises.change_muscle") is False
    plain = auth_headers(user)
    assert check(client, plain, "exercises.delete_exercise") is False
    assert check(client, plain, "foo.bar_baz") is False
    root = auth_headers(make_user("root", is_superuser=True))
    assert check(client, root, "foo.bar_baz") is True  # Django: a superuser holds them all


def test_the_age_follows_the_birthdate_as_upstream(client, user, auth_headers):
    """Issue 25: upstream derives ``age`` from ``birthdate`` when a profile without an age is
    saved (its ``set_user_age``), on the user's today; an age the user set stays."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 7, 2, 45, tzinfo=dt.UTC), tick=False):
        headers = auth_headers(user)  # a token of that moment
        body = client.patch(
            "/api/v2/userprofile/", json={"birthdate": "1992-03-14"}, headers=headers
        ).get_json()
        assert (body["birthdate"], body["age"]) == ("1992-03-14", 34)
        # in Pago Pago it is still 6 December: the birthday is tomorrow there
        body = client.patch(
            "/api/v2/userprofile/",
            json={"age": None, "birthdate": "1985-12-07", "time_zone": "Pacific/Pago_Pago"},
            headers=headers,
        ).get_json()
        assert body["age"] == 40
        kept = client.patch(
            "/api/v2/userprofile/", json={"age": 30, "birthdate": "1970-01-30"}, headers=headers
        ).get_json()
        assert kept["age"] == 30
