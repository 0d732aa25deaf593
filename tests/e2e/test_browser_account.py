"""A new user's whole account life in a real browser (Debian's chromium, Playwright) against
the real server, on a phone-sized screen: sign up, verify the address from the mail the
sign-up sent (read in the local outbox the page links to, as on `make run`), turn on 2FA, mint and use a key, write a routine through the
browsable API's forms, change the password (old tokens refused), reset a forgotten one from
the mail, export the data and delete the account (nothing of it left in the database)."""

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine, func, select

from tests.e2e.test_browser import api_get, refresh
from wger_flask.testing import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

USERNAME = "newcomer"
EMAIL = "newcomer@example.com"
FIRST, SECOND, THIRD = "first passphrase 1", "second passphrase 2", "third passphrase 3"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(tmp_path_factory, server_database):
    # No MAIL_SERVER and a loopback SITE_URL, as `make run`: mail goes to the local outbox.
    with running_server(
        tmp_path_factory.mktemp("account"), server_database, bootstrap=False
    ) as server:
        yield server


def open_newest_mail_link(page, subject: str, path: str) -> None:
    """From the page that sent a mail: its link to the local outbox, the newest mail with
    ``subject``, then the link in it to ``/user/<path>/...``, as a person would click."""
    page.get_by_role("link", name="Open the local outbox").click()
    page.get_by_role("link", name=subject).first.click()
    page.locator(f'pre a[href*="/user/{path}/"]').first.click()


def status_of(url: str, header: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": header})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def refresh_status(url: str, token: str) -> int:
    try:
        refresh(url, token)
    except urllib.error.HTTPError as error:
        return error.code
    return 200


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def send_api_form(page, method: str, body: dict | None = None) -> dict | None:
    """Open a browsable-page form, send it, and read the answer shown on the page."""
    details = page.locator(f"details:has(#api-form-{method.lower()})")
    if not details.evaluate("element => element.open"):
        details.locator("summary").click()
    if body is not None:
        page.locator(f"#api-form-{method.lower()}-content").fill(json.dumps(body))
    # Hide the answer of the form sent before, so the wait below is for this one's answer.
    page.evaluate(
        "() => { const box = document.getElementById('api-live-response'); if (box) box.hidden = true; }"
    )
    page.locator(f"#api-form-{method.lower()}").get_by_role("button", name=method).click()
    answer = page.locator('#api-live-response[data-state="done"]')  # shown, page refreshed
    answer.wait_for(state="visible")
    text = page.locator("#api-live-body").inner_text()
    return {
        "head": page.locator("#api-live-headers").inner_text(),
        "json": json.loads(text) if text.strip() else None,
    }


def rows_left(database_url: str, user_id: int, username: str) -> dict[str, int]:
    import wger_flask.models  # noqa: F401 (every table in the metadata)
    from wger_flask.extensions import db

    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))
    counts = {}
    with engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if "user_id" in table.c:
                counts[table.name] = connection.scalar(
                    select(func.count()).select_from(table).where(table.c.user_id == user_id)
                )
        users = db.metadata.tables["auth_user"]
        counts["auth_user"] = connection.scalar(
            select(func.count()).select_from(users).where(users.c.username == username)
        )
    engine.dispose()
    return counts


def test_a_new_users_account_life_in_a_real_browser(browser, site, server_database):
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()

    # Sign up
    page.goto(site.url + "/user/signup")
    page.get_by_label("Username").fill(USERNAME)
    page.get_by_label("Email (optional)").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(FIRST)
    page.get_by_label("Password again").fill(FIRST)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/user/api-key/")

    # The sign-up mailed a verification link at once; the page says where the mail went
    assert page.get_by_text(f"A link to verify {EMAIL} was sent").is_visible()
    open_newest_mail_link(page, "Verify your email address · wger", "verify-email")
    assert page.get_by_text(f"{EMAIL} is verified").is_visible()
    page.get_by_role("link", name="Back to your account").click()
    page.wait_for_url("**/user/account/")

    # Turn on 2FA: the recovery codes are shown once, a reload repeats nothing
    page.goto(site.url + "/user/2fa")
    totp = pyotp.TOTP(page.locator("#totp-secret").inner_text().strip())
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_url("**/user/2fa/")
    assert page.locator("#recovery-codes li").count() == 10
    page.reload()
    assert page.locator("#recovery-codes li").count() == 0
    assert page.get_by_text("Recovery codes left").is_visible()

    # Mint a key and a refresh token; reloading neither rotates nor mints again
    page.goto(site.url + "/user/api-key")
    page.get_by_role("button", name="Create API key").click()
    key = page.locator("#new-key").inner_text().strip()
    page.reload()
    assert key not in page.content() and key[:8] in page.content()
    assert api_get(site.url + "/api/v2/userprofile/", f"Token {key}")["username"] == USERNAME
    page.get_by_role("button", name="Mint a refresh token").click()
    refresh_token = page.locator("#new-refresh-token").inner_text().strip()
    page.reload()
    assert refresh_token not in page.content()
    assert page.get_by_role("button", name="Revoke", exact=True).count() == 1

    # Create, edit and delete a routine through the browsable API's forms
    page.goto(site.url + "/api/v2/routine/")
    assert fits_the_phone(page)
    created = send_api_form(
        page, "POST", {"name": "Browser made", "start": "2026-01-05", "end": "2026-02-01"}
    )
    assert "HTTP 201" in created["head"] and created["json"]["name"] == "Browser made"
    routine_url = f"{site.url}/api/v2/routine/{created['json']['id']}/"
    page.goto(routine_url)
    patched = send_api_form(page, "PATCH", {"name": "Renamed"})
    assert "HTTP 200" in patched["head"] and patched["json"]["name"] == "Renamed"
    put = json.loads(page.locator("#api-form-put-content").input_value())
    assert put["name"] == "Renamed"  # the forms were refreshed after the write
    put_answer = send_api_form(page, "PUT", {**put, "name": "Put in place", "fit_in_week": True})
    assert "HTTP 200" in put_answer["head"]
    patch_form = json.loads(page.locator("#api-form-patch-content").input_value())
    assert patch_form["name"] == "Put in place" and patch_form["fit_in_week"] is True
    assert "Put in place" in page.locator("#api-resource .response-body").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    deleted = send_api_form(page, "DELETE")
    assert "HTTP 204" in deleted["head"]
    page.locator("#api-forms").wait_for(state="detached")  # nothing left to write to
    assert "HTTP 404" in page.locator("#api-resource .response-headers").inner_text()
    assert status_of(routine_url, f"Token {key}") == 404
    page.goto(routine_url)
    assert page.locator("#api-forms").count() == 0
    page.goto(site.url + "/api/v2/routine/")
    kept = send_api_form(page, "POST", {"name": "Kept", "start": "2026-01-05", "end": "2026-02-01"})
    assert "HTTP 201" in kept["head"]

    # Change the password: this browser stays in, the old key and tokens are refused
    page.goto(site.url + "/user/password")
    assert fits_the_phone(page)
    page.get_by_label("Current password").fill(FIRST)
    page.get_by_label("New password", exact=True).fill(SECOND)
    page.get_by_label("New password again").fill(SECOND)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_url("**/user/account/")
    assert page.get_by_text("Your password is changed").is_visible()
    assert status_of(site.url + "/api/v2/userprofile/", f"Token {key}") == 401
    assert refresh_status(site.url, refresh_token) == 401

    # Forget it: reset from the link in the mail
    page.get_by_role("button", name=re.compile("^Log out")).click()
    page.goto(site.url + "/user/password/reset")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_role("button", name="Send reset link").click()
    assert page.get_by_text("If an account uses this address").is_visible()
    open_newest_mail_link(page, "Reset your password · wger", "password/reset")
    page.get_by_label("New password", exact=True).fill(THIRD)
    page.get_by_label("New password again").fill(THIRD)
    page.get_by_role("button", name="Set new password").click()
    page.wait_for_url("**/user/login/")
    page.get_by_label("Username or email").fill(USERNAME)
    page.get_by_label("Password").fill(THIRD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/user/login/2fa/**")
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/user/api-key/")

    # Export, then delete
    page.goto(site.url + "/user/account")
    assert fits_the_phone(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download my data").click()
    document = json.loads(Path(download_info.value.path()).read_text())
    user_id = document["user"]["id"]
    assert [row["name"] for row in document["data"]["routines"]["routine"]] == ["Kept"]
    assert "password_hash" not in json.dumps(document)
    page.get_by_label("Type your username to confirm").fill(USERNAME)
    page.locator("#delete-password").fill(THIRD)
    page.get_by_role("button", name="Delete my account and all its data").click()
    page.wait_for_url("**/user/login/")
    assert page.get_by_text("Your account and all its data are deleted").is_visible()
    left = rows_left(server_database, user_id, USERNAME)
    assert set(left.values()) == {0}, left
    context.close()
