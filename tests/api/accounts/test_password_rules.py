"""The password rules at every place a password is chosen, with the reason shown; and an
account whose password predates the rules still logs in."""

from __future__ import annotations

from tests.accounts_helpers import PASSWORD, bearer, login, tokens_of
from tests.api.accounts.test_web_pages import csrf_of, web_login
from wger_flask.extensions import db
from wger_flask.models.accounts import User
from wger_flask.services.accounts.passwords import hash_password

SIGNUP = "/allauth/app/v1/auth/signup"


def test_headless_sign_up_refuses_a_breached_password_with_its_code(client):
    answer = client.post(SIGNUP, json={"username": "kim", "password": "sunshine1"})
    assert answer.status_code == 400
    (error,) = answer.get_json()["errors"]
    assert error["code"] == "password_too_common" and error["param"] == "password"
    similar = client.post(
        SIGNUP,
        json={
            "username": "kim",
            "email": "kimberly.stone@example.com",
            "password": "KimberlyStone",
        },
    )
    assert similar.get_json()["errors"][0]["code"] == "password_too_similar"
    assert client.post(SIGNUP, json={"username": "kim", "password": PASSWORD}).status_code == 200


def test_the_web_form_shows_the_reason_next_to_the_field(client):
    page = client.get("/user/signup/")
    answer = client.post(
        "/user/signup/",
        data={
            "csrf_token": csrf_of(page),
            "username": "lee",
            "email": "",
            "password": "qwerty123",
            "password2": "qwerty123",
        },
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="password-error"' in html and "too common" in html
    assert 'value="lee"' in html  # what was typed stays


def test_a_password_change_to_the_username_is_refused(client, user):
    access, _ = tokens_of(login(client, "alice"))
    answer = client.post(
        "/allauth/app/v1/account/password/change",
        json={"current_password": PASSWORD, "new_password": "alice2024"},
        headers=bearer(access),
    )
    assert answer.get_json()["errors"][0]["code"] == "password_too_similar"


def test_an_account_with_an_old_weak_password_is_not_locked_out(app, client, user):
    with app.app_context():
        row = db.session.get(User, user.id)
        row.password_hash = hash_password("password1")  # set before the rules existed
        db.session.commit()
    assert login(client, "alice", "password1").status_code == 200
    assert web_login(client, "alice", "password1").status_code == 302
