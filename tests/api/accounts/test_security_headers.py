"""Browser protections on every page: the Content-Security-Policy (no inline script or style),
no framing, nosniff, the referrer policy, HSTS only over TLS and only when configured."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.api.accounts.test_web_pages import web_login
from wger_flask import security

TEMPLATES = Path(security.__file__).parent / "templates"
STATIC = Path(security.__file__).parent / "static"
ANONYMOUS_PAGES = [
    "/user/login/",
    "/user/signup/",
    "/api/v2/?format=api",
    "/api/v2/exercise/?format=api",
    "/api/v2/schema/ui/",
    "/api/v2/schema/redoc/",
    "/no/such/page/",  # the HTML error page
]
SIGNED_IN_PAGES = ["/user/api-key/", "/user/2fa/", "/user/sessions/", "/api/v2/userprofile/.api"]


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_protected(response, where: str) -> None:
    headers = response.headers
    policy = directives(headers["Content-Security-Policy"])
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"], where
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"], where
    every_source = [value for values in policy.values() for value in values]
    assert "'unsafe-inline'" not in every_source and "'unsafe-eval'" not in every_source, where
    assert "*" not in every_source and not any(v.startswith("http") for v in every_source)
    assert headers["X-Frame-Options"] == "DENY", where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] == "same-origin", where
    assert "Strict-Transport-Security" not in headers, where  # plain HTTP, off by default


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_anonymous_page_is_protected(client, path):
    response = client.get(path)
    assert response.mimetype == "text/html", path
    assert_protected(response, path)


def test_every_signed_in_page_is_protected(client, user):
    web_login(client)
    for path in SIGNED_IN_PAGES:
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "text/html", path
        assert_protected(response, path)


def test_json_answers_keep_nosniff(client, user, auth_headers):
    for response in (
        client.get("/api/v2/exercise/"),
        client.get("/api/v2/userprofile/", headers=auth_headers(user)),
        client.get("/api/v2/userprofile/"),  # a 401
        client.get("/allauth/app/v1/config"),
    ):
        assert response.mimetype == "application/json"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers


def test_hsts_only_over_tls_and_only_when_configured(app, client, monkeypatch):
    assert (
        "Strict-Transport-Security" not in client.get("/user/login", base_url="https://x").headers
    )
    monkeypatch.setattr(app.extensions["talisman"], "strict_transport_security", True)
    tls = client.get("/user/login", base_url="https://localhost")
    assert tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/user/login").headers


def test_templates_have_no_inline_script_or_style():
    """What the policy would block, caught before a browser sees it: inline <script> code,
    <style> elements, style="" and on...="" attributes, javascript: URLs."""
    offences = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",
            r"<style\b",
            r"\sstyle\s*=",
            r"\son[a-z]+\s*=",
            r"javascript:",
        ):
            offences += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offences == []


def test_the_vendored_viewers_fetch_nothing_from_elsewhere():
    """ReDoc's footer logo came from cdn.redoc.ly (patched to a data: URI, see VERSION)."""
    for bundle in (STATIC / "vendor").rglob("*.js"):
        text = bundle.read_text(errors="replace")
        assert "cdn.redoc.ly" not in text and "fonts.googleapis.com" not in text, bundle.name


def test_the_qr_code_needs_no_inline_style(client, user):
    web_login(client)
    page = client.get("/user/2fa/").get_data(as_text=True)
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style" not in svg
