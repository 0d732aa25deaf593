"""Whatever a client sends, the answer is a 4xx (or a success), never a 500."""

import pytest

ALLAUTH_POSTS = [
    "/allauth/app/v1/auth/login",
    "/allauth/app/v1/auth/signup",
    "/allauth/app/v1/auth/2fa/authenticate",
    "/allauth/app/v1/auth/reauthenticate",
    "/allauth/app/v1/auth/2fa/reauthenticate",
    "/allauth/app/v1/tokens/refresh",
    "/allauth/app/v1/account/authenticators/totp",
    "/allauth/app/v1/account/authenticators/recovery-codes",
    "/api/v2/token/refresh",
    "/api/v2/token/verify",
    "/api/v2/userprofile/",
    "/api/v2/issue-refresh-token",
    "/api/v2/userprofile/verify-email/",
]
BODIES = [
    ("application/json", b"[]"),
    ("application/json", b"null"),
    ("application/json", b"42"),
    ("application/json", b'"text"'),
    ("application/json", b"{bad json"),
    ("application/json", b'{"username": null, "password": null, "code": null, "refresh": null}'),
    ("application/json", b'{"username": 1, "email": [], "password": {}, "code": 123456}'),
    ("application/json", b'{"refresh_token": 5, "token": [], "refresh": {"a": 1}}'),
    ("application/json", ('{"username": "' + "x" * 100000 + '", "password": "p"}').encode()),
    ("application/json", b'{"username": "\\u0000", "password": "\\ud800"}'),
    ("text/plain", b"hello"),
    ("application/x-www-form-urlencoded", b"refresh=%00&token=%ff"),
    ("application/json", b"\xff\xfe"),
]


@pytest.mark.parametrize("path", ALLAUTH_POSTS)
@pytest.mark.parametrize("content_type,body", BODIES)
def test_hostile_bodies_never_500(client, user, auth_headers, path, content_type, body):
    for headers in ({}, auth_headers(user)):
        response = client.post(path, data=body, content_type=content_type, headers=headers)
        assert response.status_code < 500, (path, body[:60], response.data[:200])


@pytest.mark.parametrize(
    "header",
    [
        {"X-Session-Token": ""},
        {"X-Session-Token": "x" * 10000},
        {"X-Session-Token": "\u00e9"},
        {"Authorization": "Bearer " + "a" * 10000},
        {"Authorization": "Token " + "\u00e9" * 50},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Accept": "application/json; indent=-5"},
        {"Accept": "*/*;q=abc"},
        {"Accept": ";;;,,"},
    ],
)
def test_hostile_headers_never_500(client, header):
    for path in ("/api/v2/muscle/", "/allauth/app/v1/config", "/api/v2/userprofile/"):
        assert client.get(path, headers=header).status_code < 500


@pytest.mark.parametrize(
    "query",
    [
        "id=%00",
        "id__in=,,,",
        "uuid=not-a-uuid",
        "name__search=%25%25",
        "name__search=" + "a" * 5000,
        "language__code=,,",
        "ordering=" + ",".join(["-id"] * 200),
        "category__in=1,2,x",
        "variation_group__in=zz",
        "muscles=99999999999999999999999",
        "format=api&limit=-1",
    ],
)
def test_hostile_queries_never_500(client, query):
    response = client.get(f"/api/v2/exerciseinfo/?{query}")
    assert response.status_code in (200, 400, 404), (query, response.data[:200])
