"""Web sessions live on the server: the cookie is an opaque token, and logout, a password
change, deactivation and "log out everywhere" make a copied cookie anonymous at once.

Every attack is the attacker's request: a cookie copied while it worked, replayed later."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.accounts_helpers import PASSWORD, bearer, enable_totp, login, tokens_of
from tests.api.accounts.test_web_pages import csrf_of, web_login
from wger_flask.extensions import db
from wger_flask.models.accounts import AppSession, User
from wger_flask.rest.owner_answers import owner_answers
from wger_flask.services.accounts import app_sessions, users

COOKIE = "session"
# Every page that shows an account, and the browsable API with the account's data.
PRIVATE_PAGES = ["/user/api-key/", "/user/2fa/", "/user/sessions/"]


def cookie_of(client) -> str | None:
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie is not None else None


def signed_in(app, token: str) -> bool:
    """Replay a copied cookie token from a fresh client (the attacker's browser)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, token)
    pages = [thief.get(path) for path in PRIVATE_PAGES]
    browsable = thief.get("/api/v2/userprofile/?format=api")
    as_json = thief.get("/api/v2/userprofile/")
    opened = [page.status_code == 200 for page in pages]
    opened += [browsable.status_code == 200, as_json.status_code == 200]
    assert all(opened) or not any(opened), (opened, [page.status_code for page in pages])
    if not any(opened):  # anonymous: pages go to the login page, the API says 401/403
        assert all(page.status_code == 302 and "/user/login" in page.location for page in pages)
        assert as_json.status_code in (401, 403)
        assert "alice" not in browsable.get_data(as_text=True)
    return all(opened)


def test_the_cookie_is_an_opaque_token_and_the_session_is_on_the_server(app, client, user):
    web_login(client)
    token = cookie_of(client)
    assert re.fullmatch(r"[a-z0-9]{32}", token)  # no signed payload: nothing to decode
    with app.app_context():
        record = db.session.execute(
            select(AppSession).where(AppSession.kind == app_sessions.BROWSER)
        ).scalar_one()
        assert record.user_id == user.id and token not in record.digest
        assert record.digest == app_sessions._digest(token)  # only the digest is stored
    assert signed_in(app, token)


def test_a_cookie_copied_before_logout_is_anonymous_after_it(app, client, user):
    web_login(client)
    stolen = cookie_of(client)
    assert signed_in(app, stolen)
    client.post("/user/logout", data={"csrf_token": csrf_of(client.get("/user/api-key"))})
    assert not signed_in(app, stolen)
    assert client.get("/user/api-key").status_code == 302  # the owner is logged out too


def test_a_cookie_copied_before_a_password_change_is_anonymous_after_it(app, client, user):
    web_login(client)
    stolen = cookie_of(client)
    with app.app_context():
        users.set_password(db.session.get(User, user.id), "a brand new passphrase")
        db.session.commit()
    assert not signed_in(app, stolen)


def test_a_cookie_copied_before_deactivation_is_anonymous_after_it(app, client, user):
    web_login(client)
    stolen = cookie_of(client)
    with app.app_context():
        users.deactivate(db.session.get(User, user.id))
        db.session.commit()
    assert not signed_in(app, stolen)


def test_log_out_everywhere_ends_every_browser_and_app_session(app, client, user):
    web_login(client)
    other_browser = app.test_client()
    web_login(other_browser)
    stolen = cookie_of(other_browser)
    app_login = login(app.test_client(), "alice")
    access, refresh = tokens_of(app_login)
    session_token = app_login.get_json()["meta"]["session_token"]

    page = client.get("/user/sessions/")
    response = client.post(
        "/user/sessions/", data={"action": "everywhere", "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 302 and "/user/login" in response.location

    assert not signed_in(app, stolen)
    assert client.get("/user/api-key/").status_code == 302
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401
    assert (
        client.get(
            "/allauth/app/v1/auth/session", headers={"X-Session-Token": session_token}
        ).status_code
        == 410
    )
    assert client.post("/api/v2/token/refresh", json={"refresh": refresh}).status_code == 401


def test_the_sessions_page_lists_browsers_and_apps_and_ends_one(app, client, user):
    web_login(client)
    app_client = app.test_client()
    app_login = login(
        app_client,
        "alice",
        headers={"User-Agent": "wger-app/1.8 (Android 14)"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    access, _ = tokens_of(app_login)
    page = client.get("/user/sessions/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "203.0.113.9" in html and "wger-app/1.8" in html and "this browser" in html
    with app.app_context():
        app_session_id = db.session.execute(
            select(AppSession.id).where(AppSession.kind == app_sessions.APP)
        ).scalar_one()
    ended = client.post(
        "/user/sessions/", data={"session_id": app_session_id, "csrf_token": csrf_of(page)}
    )
    assert ended.status_code == 302
    assert client.get("/api/v2/userprofile/", headers=bearer(access)).status_code == 401
    assert client.get("/user/sessions/").status_code == 200  # this browser stays signed in
    assert "wger-app/1.8" not in client.get("/user/sessions/").get_data(as_text=True)


def test_nobody_ends_another_users_session(app, client, user, other_user):
    victim = app.test_client()
    web_login(victim)
    with app.app_context():
        victims = db.session.execute(
            select(AppSession.id).where(AppSession.user_id == user.id)
        ).scalar_one()
    web_login(client, "mallory")
    page = client.get("/user/sessions/")
    assert "alice" not in page.get_data(as_text=True)
    response = client.post(
        "/user/sessions/",
        data={"session_id": victims, "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    assert "already ended" in response.get_data(as_text=True)
    assert victim.get("/user/api-key/").status_code == 200


def test_ending_sessions_needs_the_csrf_token(client, user):
    web_login(client)
    response = client.post("/user/sessions/", data={"action": "everywhere"})
    assert response.status_code == 400
    assert client.get("/user/api-key/").status_code == 200


def test_the_session_id_rotates_at_login_no_fixation(app, client, user):
    client.get("/user/login")  # the attacker's visit: a session with a CSRF token
    planted = cookie_of(client)
    assert planted is not None
    web_login(client)  # the victim logs in with the planted cookie
    assert cookie_of(client) != planted
    assert not signed_in(app, planted)


def test_the_session_id_rotates_at_the_password_step_and_at_2fa(app, client, user):
    totp = enable_totp(client, tokens_of(login(client, "alice"))[0])
    client.get("/user/login")
    before = cookie_of(client)
    web_login(client)
    pending = cookie_of(client)
    assert pending != before
    page = client.get("/user/login/2fa/")
    client.post(
        "/user/login/2fa/",
        data={"code": totp.at(dt.datetime.now().timestamp() + 30), "csrf_token": csrf_of(page)},
    )
    final = cookie_of(client)
    assert final not in (before, pending)
    assert client.get("/user/api-key/").status_code == 200
    thief = app.test_client()
    thief.set_cookie(COOKIE, pending)  # the password-step session opens nothing now
    assert thief.get("/user/login/2fa/").status_code == 302
    assert not signed_in(app, pending)


@pytest.fixture
def clock(monkeypatch):
    """Move the sessions' clock forward without sleeping."""
    now = [app_sessions.utcnow()]
    monkeypatch.setattr(app_sessions, "utcnow", lambda: now[0])

    def advance(**delta) -> None:
        now[0] += dt.timedelta(**delta)

    return advance


def test_an_idle_session_ends_after_the_idle_timeout(app, client, user, clock):
    web_login(client)
    clock(minutes=29)
    assert client.get("/user/api-key/").status_code == 200  # activity: the idle timer restarts
    clock(minutes=29)
    assert client.get("/user/api-key/").status_code == 200
    clock(minutes=31)
    assert client.get("/user/api-key/").status_code == 302


def test_a_busy_session_ends_at_its_absolute_lifetime(app, client, user, clock):
    web_login(client)
    for _ in range(12 * 3 - 1):  # a request every 20 minutes for (almost) 12 hours
        clock(minutes=20)
        assert client.get("/user/api-key/").status_code == 200
    clock(minutes=21)
    assert client.get("/user/api-key/").status_code == 302


def test_lifetimes_are_configuration(app, client, user, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_TIMEOUT_MINUTES", 5)
    web_login(client)
    clock(minutes=6)
    assert client.get("/user/api-key/").status_code == 302


def test_an_authenticated_page_costs_one_statement_for_session_and_user(
    app, client, user, count_queries
):
    """The session row joined to its user is the request's only authentication statement;
    last_seen is written at most once a minute (none here: the login just wrote it)."""
    web_login(client)
    client.get("/api/v2/userprofile/")  # warm
    owner_answers(app).clear()  # the view's own cost, not the kept answer's
    with count_queries() as counter:
        response = client.get("/api/v2/userprofile/")
    assert response.status_code == 200
    assert counter.count == 2, counter.statements  # the session with its user; the profile
    assert "accounts_appsession" in counter.statements[0]
    assert "auth_user" in counter.statements[0]


def test_a_request_without_the_cookie_touches_no_session(client, user, count_queries):
    with count_queries() as counter:
        client.get("/api/v2/version/")
    assert counter.count == 0


def test_token_clients_get_no_cookie(client, user, auth_headers):
    response = client.get("/api/v2/userprofile/", headers=auth_headers(user))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    app_login = login(client, "alice")
    assert "Set-Cookie" not in app_login.headers
    assert client.get_cookie(COOKIE) is None


def test_the_cookie_is_secure_over_https_only(app, client, user):
    plain = client.get("/user/login").headers["Set-Cookie"]
    assert "Secure" not in plain
    assert "HttpOnly" in plain and "SameSite=Lax" in plain
    tls = app.test_client().get("/user/login", base_url="https://localhost")
    assert "; Secure" in tls.headers["Set-Cookie"]


def test_a_dead_cookie_is_deleted(app, client, user):
    web_login(client)
    client.post("/user/logout", data={"csrf_token": csrf_of(client.get("/user/api-key"))})
    thief = app.test_client()
    thief.set_cookie(COOKIE, "x" * 32)
    response = thief.get("/user/login/")
    assert response.status_code == 200
    assert cookie_of(thief) != "x" * 32


def test_purge_deletes_old_and_idle_anonymous_sessions(app, client, user, clock):
    client.get("/user/login")  # an anonymous visitor's session (its CSRF token)
    web_login(app.test_client())
    with app.app_context():
        assert db.session.query(AppSession).count() == 2
    clock(hours=1)
    with app.app_context():
        assert app_sessions.purge() == 1  # the idle anonymous one; the login stays
        db.session.commit()
    clock(days=40)
    with app.app_context():
        assert app_sessions.purge() == 1
        db.session.commit()
        assert db.session.query(AppSession).count() == 0


def test_password_change_still_lets_the_user_log_in_again(app, client, user):
    web_login(client)
    with app.app_context():
        users.set_password(db.session.get(User, user.id), "a brand new passphrase")
        db.session.commit()
    assert client.get("/user/api-key/").status_code == 302
    assert web_login(client, password=PASSWORD).status_code == 400
    assert web_login(client, password="a brand new passphrase").status_code == 302
    assert client.get("/user/api-key/").status_code == 200


def test_the_cookie_is_secure_when_a_trusted_proxy_says_https(app, monkeypatch, user):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    untrusted = app.test_client().get("/user/login", headers=forwarded)
    assert "Secure" not in untrusted.headers["Set-Cookie"]  # anyone can send the header
    # NUMBER_OF_PROXIES=1: create_app wraps the app in this ProxyFix
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1))
    trusted = app.test_client().get("/user/login", headers=forwarded)
    assert "; Secure" in trusted.headers["Set-Cookie"]


def test_keep_signed_in_after_a_password_change_rotates_the_changing_browser(app, client, user):
    """What a password-change page does: every other session ends, this browser continues
    under a new id."""
    import flask

    from wger_flask.blueprints.accounts.session_store import keep_signed_in

    web_login(client)
    old = cookie_of(client)
    elsewhere = app.test_client()
    web_login(elsewhere)
    with app.test_request_context("/user/account/", headers={"Cookie": f"{COOKIE}={old}"}):
        me = db.session.get(User, user.id)
        users.set_password(me, "a brand new passphrase")
        keep_signed_in(me)
        db.session.commit()
        response = app.response_class()
        app.session_interface.save_session(app, flask.session, response)
        new = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    assert new != old
    assert signed_in(app, new)
    assert not signed_in(app, old)
    assert not signed_in(app, cookie_of(elsewhere))


def test_the_sessions_page_costs_two_statements(client, user, count_queries):
    """The session with its user, then the user's live sessions: whatever their number."""
    web_login(client)
    login(client, "alice")
    login(client, "alice")
    client.get("/user/sessions/")
    with count_queries() as counter:
        response = client.get("/user/sessions/")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<tr>") == 4  # header + 1 browser + 2 apps
    assert counter.count == 2, counter.statements
