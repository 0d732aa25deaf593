"""The web pages over HTTP (test client): login with 2FA, API key page, CSRF, sign-up."""

import re

import pyotp
import pytest

from tests.accounts_helpers import PASSWORD, code_at, login


def csrf_of(page) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def web_login(client, login_name="alice", password=PASSWORD, follow=False):
    token = csrf_of(client.get("/user/login"))
    return client.post(
        "/user/login",
        data={"login": login_name, "password": password, "csrf_token": token},
        follow_redirects=follow,
    )


def test_login_page_is_accessible_html(client):
    page = client.get("/user/login").get_data(as_text=True)
    assert '<label for="login">' in page and '<label for="password">' in page
    assert 'autocomplete="current-password"' in page
    assert 'name="viewport"' in page


def test_login_success_redirects_to_the_api_key_page(client, user):
    response = web_login(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/user/api-key/")
    assert "API key" in client.get("/user/api-key").get_data(as_text=True)


def test_login_failure_shows_the_error_on_the_page(client, user):
    response = web_login(client, password="wrong")
    assert response.status_code == 400
    assert "not correct" in response.get_data(as_text=True)
    empty = web_login(client, login_name="", password="")
    assert 'id="login-error"' in empty.get_data(as_text=True)


def test_login_requires_csrf(client, user):
    response = client.post("/user/login", data={"login": "alice", "password": PASSWORD})
    assert response.status_code == 400


def test_next_must_be_a_local_path(client, user):
    token = csrf_of(client.get("/user/login"))
    response = client.post(
        "/user/login?next=https://evil.example/",
        data={"login": "alice", "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/user/api-key/")
    client.post("/user/logout", data={"csrf_token": csrf_of(client.get("/user/api-key"))})
    token = csrf_of(client.get("/user/login"))
    response = client.post(
        "/user/login?next=//evil.example/x",
        data={"login": "alice", "password": PASSWORD, "csrf_token": token},
    )
    assert "evil.example" not in response.headers["Location"]


def test_settings_pages_need_a_login(client):
    for path in ("/user/api-key", "/user/2fa"):
        response = client.get(path)
        assert response.status_code == 302 and "/user/login" in response.headers["Location"]


def test_api_key_page_creates_shows_once_and_the_key_works(client, user):
    web_login(client)
    page = client.get("/user/api-key")
    created = client.post(
        "/user/api-key",
        data={"action": "create_key", "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    html = created.get_data(as_text=True)
    key = re.search(r'<code id="new-key">([0-9a-f]{40})</code>', html).group(1)
    assert (
        client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"}).status_code
        == 200
    )
    shown_again = client.get("/user/api-key").get_data(as_text=True)
    assert key not in shown_again and key[:8] in shown_again
    rotated = client.post(
        "/user/api-key",
        data={"action": "rotate_key", "csrf_token": csrf_of(created)},
        follow_redirects=True,
    )
    new_key = re.search(
        r'<code id="new-key">([0-9a-f]{40})</code>', rotated.get_data(as_text=True)
    ).group(1)
    assert (
        client.get("/api/v2/userprofile/", headers={"Authorization": f"Token {key}"}).status_code
        == 401
    )
    client.post("/user/api-key", data={"action": "delete_key", "csrf_token": csrf_of(rotated)})
    assert (
        client.get(
            "/api/v2/userprofile/", headers={"Authorization": f"Token {new_key}"}
        ).status_code
        == 401
    )


def test_api_key_page_mints_lists_and_revokes_refresh_tokens(client, user):
    web_login(client)
    page = client.get("/user/api-key")
    minted = client.post(
        "/user/api-key",
        data={"action": "mint_refresh_token", "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    html = minted.get_data(as_text=True)
    refresh = re.search(r'<code id="new-refresh-token">([^<]+)</code>', html).group(1)
    assert "Minted on this page" in html
    pair = client.post("/api/v2/token/refresh", data={"refresh": refresh}).get_json()
    listing = client.get("/user/api-key").get_data(as_text=True)
    jti = re.search(r'name="jti" value="([^"]+)"', listing).group(1)
    client.post(
        "/user/api-key",
        data={"action": "revoke_refresh_token", "jti": jti, "csrf_token": csrf_of(minted)},
    )
    assert (
        client.post("/api/v2/token/refresh", data={"refresh": pair["refresh"]}).status_code == 401
    )
    client.post(
        "/user/api-key", data={"action": "mint_refresh_token", "csrf_token": csrf_of(minted)}
    )
    client.post(
        "/user/api-key", data={"action": "revoke_all_refresh_tokens", "csrf_token": csrf_of(minted)}
    )
    assert "No refresh token is outstanding" in client.get("/user/api-key").get_data(as_text=True)


def test_the_refresh_token_list_shows_when_a_family_began_and_was_last_used(client, user):
    web_login(client)
    page = client.get("/user/api-key")
    minted = client.post(
        "/user/api-key",
        data={"action": "mint_refresh_token", "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    refresh = re.search(
        r'<code id="new-refresh-token">([^<]+)</code>', minted.get_data(as_text=True)
    ).group(1)
    assert refresh not in client.get("/user/api-key").get_data(as_text=True)  # shown once

    def row() -> list[str]:
        html = client.get("/user/api-key").get_data(as_text=True)
        cells = re.search(r"<td>Minted on this page</td>(.*?)</tr>", html, re.S).group(1)
        return re.findall(r"<td>([^<]*)</td>", cells)

    created, last_used, _ = row()
    assert last_used == "—"
    client.post("/api/v2/token/refresh", data={"refresh": refresh})
    assert row()[0] == created and row()[1] != "—"


def test_issue_refresh_token_by_cookie_needs_csrf(client, user):
    web_login(client)
    forged = client.post("/api/v2/issue-refresh-token")
    assert forged.status_code == 403 and "CSRF" in forged.get_json()["detail"]
    token = csrf_of(client.get("/user/api-key"))
    issued = client.post("/api/v2/issue-refresh-token", headers={"X-CSRFToken": token})
    assert issued.status_code == 200 and issued.get_json()["refresh_token"]


def test_api_and_page_logins_share_the_accounts_failure_quota(client, user):
    for _ in range(5):
        assert login(client, "alice", "a wrong guess").status_code == 400
    refused = web_login(client)
    assert refused.status_code == 400
    assert "Too many failed login attempts" in refused.get_data(as_text=True)
    assert client.get("/user/api-key").status_code == 302


def test_api_key_page_refuses_posts_without_csrf(client, user):
    web_login(client)
    response = client.post("/user/api-key", data={"action": "create_key"})
    assert response.status_code == 400


def test_cookie_session_on_the_api_needs_csrf_for_writes(client, user):
    web_login(client)
    assert client.get("/api/v2/userprofile/").status_code == 200  # reads work with the cookie
    forged = client.patch("/api/v2/userprofile/", json={"age": 40})
    assert forged.status_code == 403 and "CSRF" in forged.get_json()["detail"]
    token = csrf_of(client.get("/user/api-key"))
    ok = client.patch("/api/v2/userprofile/", json={"age": 40}, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and ok.get_json()["age"] == 40


def test_two_factor_page_full_cycle(client, user):
    web_login(client)
    page = client.get("/user/2fa")
    html = page.get_data(as_text=True)
    assert "<svg" in html
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]{32})</code>', html).group(1)
    totp = pyotp.TOTP(secret)
    wrong = client.post(
        "/user/2fa", data={"action": "enable", "code": "000000", "csrf_token": csrf_of(page)}
    )
    assert wrong.status_code == 400 and 'id="code-error"' in wrong.get_data(as_text=True)
    enabled = client.post(
        "/user/2fa",
        data={"action": "enable", "code": totp.now(), "csrf_token": csrf_of(page)},
        follow_redirects=True,
    )
    codes = re.findall(r"<li>(\d{8})</li>", enabled.get_data(as_text=True))
    assert len(codes) == 10
    assert not re.findall(r"<li>(\d{8})</li>", client.get("/user/2fa").get_data(as_text=True))

    client.post("/user/logout", data={"csrf_token": csrf_of(enabled)})
    step_one = web_login(client)
    assert step_one.headers["Location"].endswith("/user/login/2fa/")
    second = client.get("/user/login/2fa")
    assert client.get("/user/api-key").status_code == 302  # not logged in yet
    bad = client.post("/user/login/2fa", data={"code": "123456", "csrf_token": csrf_of(second)})
    assert bad.status_code == 400
    done = client.post(
        "/user/login/2fa", data={"code": code_at(totp, 1), "csrf_token": csrf_of(second)}
    )
    assert done.status_code == 302
    assert client.get("/user/api-key").status_code == 200

    client.post("/user/logout", data={"csrf_token": csrf_of(client.get("/user/api-key"))})
    web_login(client)
    second = client.get("/user/login/2fa")
    assert (
        client.post(
            "/user/login/2fa", data={"code": codes[0], "csrf_token": csrf_of(second)}
        ).status_code
        == 302
    )

    settings = client.get("/user/2fa")
    wrong = client.post(
        "/user/2fa",
        data={"action": "regenerate", "password": "nope", "csrf_token": csrf_of(settings)},
    )
    assert wrong.status_code == 400 and not re.findall(r"<li>(\d{8})</li>", wrong.get_data(True))
    regenerated = client.post(
        "/user/2fa",
        data={"action": "regenerate", "password": PASSWORD, "csrf_token": csrf_of(settings)},
        follow_redirects=True,
    )
    new_codes = re.findall(r"<li>(\d{8})</li>", regenerated.get_data(as_text=True))
    assert len(new_codes) == 10 and set(new_codes).isdisjoint(codes)
    assert not re.findall(r"<li>(\d{8})</li>", client.get("/user/2fa").get_data(as_text=True))
    client.post("/user/logout", data={"csrf_token": csrf_of(regenerated)})
    web_login(client)
    second = client.get("/user/login/2fa")
    old_code = client.post(
        "/user/login/2fa", data={"code": codes[1], "csrf_token": csrf_of(second)}
    )
    assert old_code.status_code == 400
    new_code = client.post(
        "/user/login/2fa", data={"code": new_codes[0], "csrf_token": csrf_of(second)}
    )
    assert new_code.status_code == 302

    settings = client.get("/user/2fa")
    refused = client.post(
        "/user/2fa", data={"action": "disable", "password": "nope", "csrf_token": csrf_of(settings)}
    )
    assert refused.status_code == 400 and "password is not right" in refused.get_data(as_text=True)
    client.post(
        "/user/2fa",
        data={"action": "disable", "password": PASSWORD, "csrf_token": csrf_of(settings)},
    )
    client.post("/user/logout", data={"csrf_token": csrf_of(client.get("/user/api-key"))})
    assert web_login(client).headers["Location"].endswith("/user/api-key/")


def test_logout_is_post_only(client, user):
    web_login(client)
    assert client.get("/user/logout").status_code == 405
    assert client.get("/user/api-key").status_code == 200


def test_signup_page(client):
    page = client.get("/user/signup")
    mismatch = client.post(
        "/user/signup",
        data={
            "username": "zed",
            "password": "long enough pass",
            "password2": "different",
            "csrf_token": csrf_of(page),
        },
    )
    assert mismatch.status_code == 400 and 'id="password2-error"' in mismatch.get_data(as_text=True)
    made = client.post(
        "/user/signup",
        data={
            "username": "zed",
            "password": "long enough pass",
            "password2": "long enough pass",
            "csrf_token": csrf_of(page),
        },
    )
    assert made.status_code == 302
    assert client.get("/user/api-key").status_code == 200


def test_signup_page_closed(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "ALLOW_REGISTRATION", False)
    assert client.get("/user/signup").status_code == 403


def test_language_prefixed_pages_redirect(client):
    response = client.get("/en/user/api-key")
    assert response.status_code == 302 and response.headers["Location"].endswith("/user/api-key")


@pytest.mark.parametrize("path", ["/user/login", "/user/signup"])
def test_pages_work_on_a_phone_width(client, path):
    html = client.get(path).get_data(as_text=True)
    assert 'content="width=device-width, initial-scale=1"' in html


def test_language_prefixed_pages_go_home_and_a_bad_prefix_is_a_404(client):
    # Found by the type checker: the 404 branch passed ``status`` twice and answered a 500.
    assert client.get("/en/user/api-key/").headers["Location"].endswith("/user/api-key")
    response = client.get("/e1/user/api-key/")
    assert response.status_code == 404
    assert "404 · Not Found" in response.get_data(as_text=True)
