"""Helpers the account tests share: log in over the headless API, drive TOTP set-up."""

from __future__ import annotations

import time

import pyotp

LOGIN = "/allauth/app/v1/auth/login"
TWO_FACTOR = "/allauth/app/v1/auth/2fa/authenticate"
PASSWORD = "correct horse battery"


def login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, json={"username": username, "password": password}, **extra)


def tokens_of(response) -> tuple[str, str]:
    data = response.get_json()["data"]
    return data["access"], data["refresh"]


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


def enable_totp(client, access: str) -> pyotp.TOTP:
    """Turn TOTP on for the token's user over the headless API; returns the generator."""
    offer = client.get("/allauth/app/v1/account/authenticators/totp", headers=bearer(access))
    assert offer.status_code == 404, offer.get_json()
    secret = offer.get_json()["meta"]["secret"]
    totp = pyotp.TOTP(secret)
    done = client.post(
        "/allauth/app/v1/account/authenticators/totp",
        json={"code": totp.now()},
        headers=bearer(access),
    )
    assert done.status_code == 200, done.get_json()
    return totp


def code_at(totp: pyotp.TOTP, steps_ahead: int) -> str:
    """The code of a later time step (within the tolerated drift), without sleeping."""
    return totp.at(time.time() + 30 * steps_ahead)


def login_with_totp(client, username: str, totp: pyotp.TOTP, steps_ahead: int = 1):
    """Password, then the TOTP step; returns the final response."""
    token = login(client, username).get_json()["meta"]["session_token"]
    return client.post(
        TWO_FACTOR, json={"code": code_at(totp, steps_ahead)}, headers={"X-Session-Token": token}
    )
