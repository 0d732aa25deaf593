"""PowerSync tokens: upstream's claims, checked as the PowerSync service checks them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization

from wger_flask.services.powersync import keys, tokens

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def pair() -> keys.KeyPair:
    return keys.load_key_pair(*keys.generate_key_pair())


def test_claims_and_header_are_upstreams(pair):
    token = tokens.mint_token(pair, 42, NOW)
    header = pyjwt.get_unverified_header(token)
    claims = pyjwt.decode(token, options={"verify_signature": False})
    assert header == {"alg": "RS256", "kid": "wger", "typ": "JWT"}
    stamp = int(NOW.timestamp())
    assert claims == {"sub": "42", "iat": stamp, "aud": "powersync", "exp": stamp + 600}


def test_the_service_accepts_it_until_it_expires(pair):
    token = tokens.mint_token(pair, 42, NOW)
    assert tokens.verify_token(token, pair.jwks(), NOW + dt.timedelta(seconds=599))["sub"] == "42"
    with pytest.raises(tokens.InvalidPowerSyncToken, match="expired"):
        tokens.verify_token(token, pair.jwks(), NOW + dt.timedelta(seconds=600))


def test_a_token_signed_by_another_key_is_refused(pair):
    stranger = keys.load_key_pair(*keys.generate_key_pair())  # same kid "wger"
    token = tokens.mint_token(stranger, 42, NOW)
    with pytest.raises(tokens.InvalidPowerSyncToken, match="Signature verification failed"):
        tokens.verify_token(token, pair.jwks(), NOW)


def test_a_wrong_audience_is_refused(pair):
    token = pyjwt.encode(
        {"sub": "42", "iat": 1, "aud": "wger", "exp": int(NOW.timestamp()) + 60},
        pair.private_key,
        algorithm="RS256",
        headers={"kid": "wger"},
    )
    with pytest.raises(tokens.InvalidPowerSyncToken, match="Audience"):
        tokens.verify_token(token, pair.jwks(), NOW)


def test_alg_none_and_the_public_key_as_an_hmac_secret_are_refused(pair):
    claims = {"sub": "42", "iat": 1, "aud": "powersync", "exp": int(NOW.timestamp()) + 60}
    unsigned = pyjwt.encode(claims, None, algorithm="none", headers={"kid": "wger"})
    pem = pair.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    # pyjwt refuses to sign with a PEM as an HMAC secret, so the forgery is made by hand
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "kid": "wger", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    mac = hmac.new(pem, f"{head}.{body}".encode(), hashlib.sha256).digest()
    confused = f"{head}.{body}.{b64(mac)}"
    for forged in (unsigned, confused):
        with pytest.raises(tokens.InvalidPowerSyncToken):
            tokens.verify_token(forged, pair.jwks(), NOW)


def test_a_token_without_a_known_kid_is_refused(pair):
    token = pyjwt.encode(
        {"sub": "42", "iat": 1, "aud": "powersync", "exp": 10**10},
        pair.private_key,
        algorithm="RS256",
        headers={"kid": "other"},
    )
    with pytest.raises(tokens.InvalidPowerSyncToken, match="no key with kid 'other'"):
        tokens.verify_token(token, pair.jwks(), NOW)


@pytest.mark.parametrize(
    ("config", "url"),
    [
        ({"POWERSYNC_URL": "https://sync.example.org"}, "https://sync.example.org"),
        ({"SITE_URL": "https://wger.example.org/"}, "https://wger.example.org/ps/"),
        (
            {"SITE_URL": "https://wger.example.org", "POWERSYNC_URL_PATH": "/sync/"},
            "https://wger.example.org/sync/",
        ),
        ({}, "http://127.0.0.1:8000/ps/"),
        ({"POWERSYNC_URL_PATH": ""}, "http://127.0.0.1:8000/ps/"),
    ],
)
def test_the_service_url_follows_upstreams_rule(config, url):
    assert tokens.service_url(config, "http://127.0.0.1:8000/") == url
