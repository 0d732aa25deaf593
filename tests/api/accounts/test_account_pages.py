"""The account pages over HTTP: verification mail from the page, password change and reset,
email change, settings, deactivation, export and deletion; POST/redirect/GET everywhere."""

import json
import logging
import re

import pyotp
import pytest
from sqlalchemy import func, select

from tests.accounts_helpers import PASSWORD, login, tokens_of
from tests.api.accounts.test_web_pages import csrf_of, web_login
from tests.api.routine_api import plan
from wger_flask.extensions import db
from wger_flask.models.accounts import ApiKey, AppSession, User, UserProfile
from wger_flask.models.routines import Routine, SlotEntry, WorkoutLog
from wger_flask.services.accounts import mail

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture(autouse=True)
def empty_outbox():
    mail.outbox.clear()
    yield
    mail.outbox.clear()


def link_in(message, path: str) -> str:
    return re.search(rf"http://localhost(/user/{path}/[^/\s]+/)", mail.text_of(message)).group(1)


def post_form(client, url: str, page_url: str, **data):
    token = csrf_of(client.get(page_url))
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def unverified(make_user):
    return make_user("nina", email="nina@example.com")


# ------------------------------------------------------------------ the account page


def test_account_page_needs_a_login_and_shows_the_account(client, user):
    assert client.get("/user/account/").status_code == 302
    web_login(client)
    html = client.get("/user/account/").get_data(as_text=True)
    assert "alice" in html and "alice@example.com" in html and "verified" in html
    for target in ("/user/api-key/", "/user/2fa/", "/user/password/", "/user/account/export/"):
        assert f'href="{target}"' in html
    assert "Send verification email" not in html  # already verified
    assert 'name="viewport"' in html and "style=" not in html and "<script>" not in html


def test_account_forms_refuse_a_post_without_csrf(client, user):
    web_login(client)
    for url in ("/user/account/delete/", "/user/account/deactivate/", "/user/password/"):
        assert client.post(url, data={"password": PASSWORD}).status_code == 400
    with client.application.app_context():
        assert db.session.get(User, user.id).is_active


# ------------------------------------------------------------------ verification mail


def test_two_factor_page_sends_the_verification_mail_and_the_link_verifies(client, unverified):
    web_login(client, "nina")
    page = client.get("/user/2fa/").get_data(as_text=True)
    assert "Verify your email first" in page and "Send verification email" in page
    sent = post_form(client, "/user/account/verify-email/", "/user/2fa/", next="/user/2fa/")
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/user/2fa/")
    assert len(mail.outbox) == 1 and mail.outbox[0]["To"] == "nina@example.com"
    shown = client.get("/user/2fa/").get_data(as_text=True)
    assert "A verification link was sent to nina@example.com" in shown

    again = post_form(client, "/user/account/verify-email/", "/user/2fa/", next="/user/2fa/")
    assert again.status_code == 302 and len(mail.outbox) == 1  # rate-limited: no second mail
    assert "a moment ago" in client.get("/user/2fa/").get_data(as_text=True)

    verified = client.get(link_in(mail.outbox[0], "verify-email"))
    assert verified.status_code == 200 and "is verified" in verified.get_data(as_text=True)
    assert 'id="totp-secret"' in client.get("/user/2fa/").get_data(as_text=True)


def test_verification_next_must_stay_on_the_site(client, unverified):
    web_login(client, "nina")
    sent = post_form(
        client, "/user/account/verify-email/", "/user/account/", next="https://evil.example/"
    )
    assert sent.headers["Location"].startswith("/") and "evil" not in sent.headers["Location"]


def test_the_mail_log_masks_links_unless_debug(app, client, unverified, caplog, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", False)  # a public site without a server
    web_login(client, "nina")
    with caplog.at_level(logging.INFO, logger="wger_flask.mail"):
        post_form(client, "/user/account/verify-email/", "/user/account/")
    page = client.get("/user/account/").get_data(as_text=True)
    assert "the mail was written to the server" in page and "/dev/mail/" not in page
    token = link_in(mail.outbox[-1], "verify-email").split("/")[-2]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "nina@example.com" in logged and token not in logged and "[hidden" in logged

    caplog.clear()
    app.config["MAIL_LOG_LEVEL"] = "DEBUG"
    try:
        with app.test_request_context():
            mail.send(
                "x@example.com",
                "s",
                "verify_email",
                secrets=["SECRET123"],
                username="x",
                email="x@example.com",
                link="http://localhost/a/SECRET123/",
            )
    finally:
        app.config["MAIL_LOG_LEVEL"] = "INFO"
    debug = [record for record in caplog.records if "SECRET123" in record.getMessage()]
    assert debug and all(record.levelno == logging.DEBUG for record in debug)


# ------------------------------------------------------------------ password change


def test_password_change_checks_and_ends_every_other_credential(client, app, user):
    access, refresh = tokens_of(login(client, "alice"))
    app_session = login(client, "alice").get_json()["meta"]["session_token"]
    other_browser = app.test_client()
    web_login(other_browser)
    web_login(client)
    key_page = client.get("/user/api-key/")
    client.post("/user/api-key/", data={"action": "create_key", "csrf_token": csrf_of(key_page)})
    key = re.search(r'id="new-key">(\w+)<', client.get("/user/api-key/").get_data(True)).group(1)

    wrong = post_form(
        client,
        "/user/password/",
        "/user/password/",
        current_password="nope",
        new_password=NEW_PASSWORD,
        new_password2=NEW_PASSWORD,
    )
    assert wrong.status_code == 400 and 'id="current_password-error"' in wrong.get_data(True)
    short = post_form(
        client,
        "/user/password/",
        "/user/password/",
        current_password=PASSWORD,
        new_password="short",
        new_password2="short",
    )
    assert short.status_code == 400 and "too short" in short.get_data(as_text=True)
    differ = post_form(
        client,
        "/user/password/",
        "/user/password/",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        new_password2=NEW_PASSWORD + "x",
    )
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)
    assert login(client, "alice").status_code == 200  # nothing changed yet

    changed = post_form(
        client,
        "/user/password/",
        "/user/password/",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        new_password2=NEW_PASSWORD,
    )
    assert changed.status_code == 302 and changed.headers["Location"].endswith("/user/account/")
    assert "Your password is changed" in client.get("/user/account/").get_data(as_text=True)
    assert client.get("/user/account/").status_code == 200  # this browser stays in
    assert other_browser.get("/user/account/").status_code == 302  # the other one is out
    bearer = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/v2/userprofile/", headers=bearer).status_code == 401
    assert client.post("/api/v2/token/refresh", data={"refresh": refresh}).status_code == 401
    token_header = {"Authorization": f"Token {key}"}
    assert client.get("/api/v2/userprofile/", headers=token_header).status_code == 401
    gone = client.get("/allauth/app/v1/auth/session", headers={"X-Session-Token": app_session})
    assert gone.status_code == 410
    assert login(client, "alice").status_code == 400
    assert login(client, "alice", NEW_PASSWORD).status_code == 200


# ------------------------------------------------------------------ password reset


def request_reset(client, email: str):
    return post_form(client, "/user/password/reset/", "/user/password/reset/", email=email)


def test_reset_request_gives_no_hint_whether_the_address_exists(client, user):
    known = request_reset(client, "ALICE@example.com")
    known_page = client.get(known.headers["Location"]).get_data(as_text=True)
    unknown = request_reset(client, "nobody@example.com")
    unknown_page = client.get(unknown.headers["Location"]).get_data(as_text=True)
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    strip = lambda html: re.sub(r'value="[^"]+"', "", html)  # noqa: E731 (csrf tokens differ)
    assert strip(known_page) == strip(unknown_page)
    assert [message["To"] for message in mail.outbox] == ["alice@example.com"]
    bad = request_reset(client, "not an address")
    assert bad.status_code == 400 and 'id="email-error"' in bad.get_data(as_text=True)


def test_reset_link_sets_a_new_password_once(client, user):
    access, _ = tokens_of(login(client, "alice"))
    request_reset(client, "alice@example.com")
    link = link_in(mail.outbox[0], "password/reset")
    page = client.get(link)
    assert page.status_code == 200 and "alice" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    weak = client.post(
        link,
        data={"csrf_token": csrf_of(page), "new_password": "alice", "new_password2": "alice"},
    )
    assert weak.status_code == 400 and 'id="new_password-error"' in weak.get_data(as_text=True)
    done = client.post(
        link,
        data={
            "csrf_token": csrf_of(page),
            "new_password": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/user/login/")
    assert login(client, "alice", NEW_PASSWORD).status_code == 200
    assert login(client, "alice").status_code == 400
    assert (
        client.get(
            "/api/v2/userprofile/", headers={"Authorization": f"Bearer {access}"}
        ).status_code
        == 401
    )
    used = client.get(link)
    assert used.status_code == 400 and "not valid" in used.get_data(as_text=True)
    replay = client.post(
        link,
        data={"csrf_token": csrf_of(page), "new_password": "x" * 12, "new_password2": "x" * 12},
    )
    assert replay.status_code == 400 and login(client, "alice", NEW_PASSWORD).status_code == 200


def test_reset_link_expires_and_forged_links_fail(app, client, user):
    import time

    from wger_flask.services.accounts import lifecycle

    with app.test_request_context():
        fresh = db.session.get(User, user.id)
        key = lifecycle.password_reset_key(fresh)
        assert lifecycle.user_for_reset_key(key, now=time.time() + 3500).id == user.id
        with pytest.raises(lifecycle.InvalidResetKey):
            lifecycle.user_for_reset_key(key, now=time.time() + 3700)
    assert client.get(f"/user/password/reset/{key[:-2]}xx/").status_code == 400
    assert client.get("/user/password/reset/garbage/").status_code == 400


def test_reset_requests_are_limited_per_address_and_per_client(app, client, user, monkeypatch):
    for _ in range(5):
        assert request_reset(client, "alice@example.com").status_code == 302
    over = request_reset(client, "alice@example.com")
    assert over.status_code == 429 and len(mail.outbox) == 5
    unknown_over = [request_reset(client, "ghost@example.com").status_code for _ in range(6)]
    assert unknown_over == [302] * 5 + [429]  # the same answer for an unknown address

    monkeypatch.setitem(app.config["RATE_LIMITS"], "password_reset", "2/minute")
    from wger_flask.extensions import limiter

    limiter.reset()
    codes = [request_reset(client, f"x{n}@example.com").status_code for n in range(3)]
    assert codes == [302, 302, 429]


def test_an_inactive_account_gets_no_reset_mail(client, make_user):
    make_user("sleeper", email="sleeper@example.com", is_active=False)
    assert request_reset(client, "sleeper@example.com").status_code == 302
    assert mail.outbox == []


# ------------------------------------------------------------------ email and settings


def test_email_change_needs_the_password_and_a_new_verification(client, user, other_user):
    web_login(client)
    wrong = post_form(
        client, "/user/account/email/", "/user/account/", email="new@example.com", password="x"
    )
    assert wrong.status_code == 400 and 'id="email-password-error"' in wrong.get_data(True)
    taken = post_form(
        client,
        "/user/account/email/",
        "/user/account/",
        email="MALLORY@example.com",
        password=PASSWORD,
    )
    assert taken.status_code == 400 and "already registered" in taken.get_data(as_text=True)
    changed = post_form(
        client,
        "/user/account/email/",
        "/user/account/",
        email="new@example.com",
        password=PASSWORD,
    )
    assert changed.status_code == 302
    with client.application.app_context():
        row = db.session.get(User, user.id)
        assert (row.email, row.email_verified) == ("new@example.com", False)
    assert sorted(message["To"] for message in mail.outbox) == [
        "alice@example.com",
        "new@example.com",
    ]
    notice = mail.text_of(next(m for m in mail.outbox if m["To"] == "alice@example.com"))
    assert "new@example.com" in notice and "/user/verify-email/" not in notice
    assert not re.search(r"/user/password/reset/[^/\s]+/", notice)  # no link that is a key
    page = client.get("/user/account/").get_data(as_text=True)
    assert "not verified" in page and "Send verification email" in page


def test_settings_save_and_bad_values_are_refused(client, user):
    web_login(client)
    saved = post_form(
        client,
        "/user/account/profile/",
        "/user/account/",
        weight_unit="lb",
        num_days_weight_reminder="7",
    )
    assert saved.status_code == 302
    assert client.get("/api/v2/userprofile/").get_json()["weight_unit"] == "lb"
    bad = post_form(
        client,
        "/user/account/profile/",
        "/user/account/",
        weight_unit="stone",
        num_days_weight_reminder="-3",
    )
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert 'id="weight_unit-error"' in html and 'id="num_days_weight_reminder-error"' in html
    assert client.get("/api/v2/userprofile/").get_json()["weight_unit"] == "lb"


# ------------------------------------------------------------------ deactivate, export, delete


def test_deactivation_needs_the_password_and_ends_everything(client, user):
    access, _ = tokens_of(login(client, "alice"))
    web_login(client)
    refused = post_form(client, "/user/account/deactivate/", "/user/account/", password="x")
    assert refused.status_code == 400 and 'id="deactivate-password-error"' in refused.get_data(True)
    done = post_form(client, "/user/account/deactivate/", "/user/account/", password=PASSWORD)
    assert done.status_code == 302 and done.headers["Location"].endswith("/user/login/")
    assert client.get("/user/account/").status_code == 302
    assert login(client, "alice").get_json()["errors"][0]["code"] == "account_inactive"
    bearer = {"Authorization": f"Bearer {access}"}
    assert client.get("/api/v2/userprofile/", headers=bearer).status_code == 401
    with client.application.app_context():
        assert db.session.get(User, user.id).is_active is False


def test_export_downloads_all_of_ones_data_and_no_secret(client, user, alice, mallory):
    plan(client, alice, name="Mine")
    plan(client, mallory, name="Theirs")
    web_login(client)
    client.post(
        "/user/api-key/",
        data={"action": "create_key", "csrf_token": csrf_of(client.get("/user/api-key/"))},
    )
    response = client.get("/user/account/export/")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="wger-export-alice-'
    )
    document = json.loads(response.get_data())
    assert document["format"] == "wger-flask account export" and document["user"]["id"] == user.id
    routines = document["data"]["routines"]
    assert [row["name"] for row in routines["routine"]] == ["Mine"]
    assert len(routines["slot-entry"]) == 1 and len(routines["sets-config"]) == 1
    accounts = document["data"]["accounts"]
    assert accounts["user"][0]["username"] == "alice"
    assert accounts["userprofile"][0]["user_id"] == user.id
    text = response.get_data(as_text=True)
    for secret in ("password_hash", "digest", "Theirs", "mallory", "secret"):
        assert secret not in text


def count_rows_of(user_id: int) -> dict[str, int]:
    """Rows left for a user in every table that has a user_id column (and the user row)."""
    counts = {"auth_user": db.session.scalar(select(func.count()).where(User.id == user_id))}
    for table in db.metadata.sorted_tables:
        if "user_id" in table.c:
            counts[table.name] = db.session.scalar(
                select(func.count()).select_from(table).where(table.c.user_id == user_id)
            )
    return counts


def test_delete_removes_the_account_and_all_its_data(client, app, user, alice, mallory):
    mine = plan(client, alice)
    theirs = plan(client, mallory)
    session = client.post(
        "/api/v2/workoutsession/",
        json={"routine": mine["routine"], "date": "2024-01-02"},
        headers=alice,
    ).get_json()
    client.post(
        "/api/v2/workoutlog/",
        json={"exercise": 9, "session": session["id"], "repetitions": 5, "weight": "50"},
        headers=alice,
    )
    login(client, "alice")
    web_login(client)
    refused = post_form(
        client,
        "/user/account/delete/",
        "/user/account/",
        confirm_username="alice",
        password="wrong",
    )
    assert refused.status_code == 400
    unconfirmed = post_form(
        client, "/user/account/delete/", "/user/account/", confirm_username="", password=PASSWORD
    )
    assert unconfirmed.status_code == 400 and 'id="confirm_username-error"' in (
        unconfirmed.get_data(as_text=True)
    )
    with app.app_context():
        before = count_rows_of(user.id)
        assert before["manager_routine"] == 1 and before["manager_workoutlog"] == 1
        assert before["accounts_appsession"] >= 1 and before["core_userprofile"] == 1

    done = post_form(
        client,
        "/user/account/delete/",
        "/user/account/",
        confirm_username="alice",
        password=PASSWORD,
    )
    assert done.status_code == 302 and done.headers["Location"].endswith("/user/login/")
    assert "are deleted" in client.get("/user/login/").get_data(as_text=True)
    with app.app_context():
        assert set(count_rows_of(user.id).values()) == {0}
        assert db.session.scalar(select(func.count()).select_from(SlotEntry)) == 1  # mallory's
        assert db.session.get(Routine, theirs["routine"]) is not None
        assert db.session.scalar(select(func.count()).select_from(WorkoutLog)) == 0
        assert db.session.scalar(select(func.count()).select_from(ApiKey)) == 0
        assert db.session.scalar(select(func.count()).select_from(UserProfile)) == 1
        assert (
            db.session.scalar(
                select(func.count()).select_from(AppSession).where(AppSession.user_id == user.id)
            )
            == 0
        )
    assert login(client, "alice").status_code == 400


# ------------------------------------------------------------------ POST/redirect/GET


def test_settings_actions_redirect_and_reloading_repeats_nothing(client, user):
    web_login(client)
    page = client.get("/user/api-key/")
    created = client.post(
        "/user/api-key/", data={"action": "create_key", "csrf_token": csrf_of(page)}
    )
    assert created.status_code == 302 and created.headers["Location"].endswith("/user/api-key/")
    shown = client.get("/user/api-key/").get_data(as_text=True)
    key = re.search(r'id="new-key">(\w{40})<', shown).group(1)
    reloaded = client.get("/user/api-key/").get_data(as_text=True)
    assert key not in reloaded and key[:8] in reloaded  # shown once, not rotated
    token_header = {"Authorization": f"Token {key}"}
    assert client.get("/api/v2/userprofile/", headers=token_header).status_code == 200

    minted = client.post(
        "/user/api-key/", data={"action": "mint_refresh_token", "csrf_token": csrf_of(page)}
    )
    assert minted.status_code == 302
    first = client.get("/user/api-key/").get_data(as_text=True)
    second = client.get("/user/api-key/").get_data(as_text=True)
    assert 'id="new-refresh-token"' in first and 'id="new-refresh-token"' not in second
    assert second.count('name="jti"') == 1  # the reload minted nothing


def test_two_factor_actions_redirect_and_show_the_codes_once(client, user):
    web_login(client)
    page = client.get("/user/2fa/")
    secret = re.search(r'id="totp-secret">(\w+)<', page.get_data(as_text=True)).group(1)
    enabled = client.post(
        "/user/2fa/",
        data={"action": "enable", "code": pyotp.TOTP(secret).now(), "csrf_token": csrf_of(page)},
    )
    assert enabled.status_code == 302 and enabled.headers["Location"].endswith("/user/2fa/")
    first = client.get("/user/2fa/").get_data(as_text=True)
    assert len(re.findall(r"<li>(\d{8})</li>", first)) == 10 and "is on" in first
    assert not re.findall(r"<li>(\d{8})</li>", client.get("/user/2fa/").get_data(as_text=True))
    regenerated = client.post(
        "/user/2fa/",
        data={"action": "regenerate", "password": PASSWORD, "csrf_token": csrf_of(page)},
    )
    assert regenerated.status_code == 302
    assert len(re.findall(r"<li>(\d{8})</li>", client.get("/user/2fa/").get_data(True))) == 10
    assert not re.findall(r"<li>(\d{8})</li>", client.get("/user/2fa/").get_data(as_text=True))


def test_a_secret_waiting_for_one_page_is_not_shown_on_another(client, user):
    web_login(client)
    page = client.get("/user/api-key/")
    client.post("/user/api-key/", data={"action": "create_key", "csrf_token": csrf_of(page)})
    assert "new-key" not in client.get("/user/2fa/").get_data(as_text=True)
    assert 'id="new-key"' not in client.get("/user/api-key/").get_data(as_text=True)


@pytest.mark.skipif(
    not hasattr(UserProfile, "time_zone"), reason="the profile has no time_zone column yet"
)
def test_the_time_zone_is_an_iana_name(client, user):
    web_login(client)
    saved = post_form(
        client,
        "/user/account/profile/",
        "/user/account/",
        weight_unit="kg",
        time_zone="Europe/Berlin",
    )
    assert saved.status_code == 302
    assert client.get("/api/v2/userprofile/").get_json()["time_zone"] == "Europe/Berlin"
    bad = post_form(
        client, "/user/account/profile/", "/user/account/", weight_unit="kg", time_zone="Mars/Base"
    )
    assert bad.status_code == 400 and 'id="time_zone-error"' in bad.get_data(as_text=True)
