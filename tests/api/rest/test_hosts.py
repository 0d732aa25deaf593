"""Links are never built from a client's Host header (``rest/hosts.py``): unset
``TRUSTED_HOSTS`` pins every request to ``SITE_URL``'s host; set, other hosts are a 400. Mail
links always come from ``SITE_URL``. Tested with the attacker's request."""

from __future__ import annotations

import re

import pytest

from wger_flask.services.accounts import mail

EVIL = {"Host": "evil.example"}


@pytest.fixture(autouse=True)
def empty_outbox():
    mail.outbox.clear()
    yield
    mail.outbox.clear()


def test_a_reset_request_for_evil_host_mails_a_link_on_the_site(app, client, user, monkeypatch):
    monkeypatch.setitem(app.config, "SITE_URL", "https://wger.example.com")
    answer = client.post(
        "/allauth/app/v1/auth/password/request", json={"email": user.email}, headers=EVIL
    )
    assert answer.status_code == 200
    text = mail.text_of(mail.outbox[-1])
    links = re.findall(r"https?://[^\s/]+/user/password/reset/\S+", text)
    assert links and all(link.startswith("https://wger.example.com/") for link in links)
    assert "evil.example" not in text and "evil.example" not in (mail.html_of(mail.outbox[-1]))


def test_the_web_reset_form_and_verification_mail_use_the_site_too(app, client, user, make_user):
    from tests.api.accounts.test_web_pages import csrf_of

    page = client.get("/user/password/reset/", headers=EVIL)
    client.post(
        "/user/password/reset/",
        data={"csrf_token": csrf_of(page), "email": user.email},
        headers=EVIL,
    )
    assert "http://localhost/user/password/reset/" in mail.text_of(mail.outbox[-1])


def test_without_trusted_hosts_links_name_the_site_whatever_the_host(client):
    body = client.get("/api/v2/exercise/", headers=EVIL).get_json()
    assert body["next"] == "http://localhost/api/v2/exercise/?limit=20&offset=20"
    root = client.get("/api/v2/", headers=EVIL).get_json()
    assert all(url.startswith("http://localhost/api/v2/") for url in root.values())
    info = client.get("/api/v2/exerciseinfo/?limit=3", headers=EVIL).get_json()
    assert "evil.example" not in str(info)


def test_with_trusted_hosts_other_hosts_are_a_400(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["wger.example.com", ".wger.example.org"])
    refused = client.get("/api/v2/exercise/", headers=EVIL)
    assert refused.status_code == 400 and b"TRUSTED_HOSTS" in refused.data
    reset = client.post(
        "/allauth/app/v1/auth/password/request", json={"email": "a@b.example"}, headers=EVIL
    )
    assert reset.status_code == 400 and mail.outbox == []
    trusted = client.get("/api/v2/exercise/", base_url="https://api.wger.example.org")
    assert trusted.status_code == 200
    assert trusted.get_json()["next"].startswith("https://api.wger.example.org/api/v2/exercise/")
    assert client.get("/api/v2/", base_url="https://wger.example.com").status_code == 200
