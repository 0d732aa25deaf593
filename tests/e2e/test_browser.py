"""A real browser (Debian's chromium, driven by Playwright) against the real server: log in,
turn on 2FA, log in again with a code, mint both secrets and use them against the API."""

import json
import shutil
import time
import urllib.request

import pyotp
import pytest

from wger_flask.testing import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PASSWORD = "browser test passphrase"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "Debian's chromium is not installed (apt-get install chromium): browser test SKIPPED"
        )
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, server_database):
    with running_server(tmp_path_factory.mktemp("browser"), server_database) as server:
        assert server.flask("user", "create", "walker", "--password", PASSWORD).returncode == 0
        yield server


def api_get(url: str, header: str) -> dict:
    request = urllib.request.Request(url, headers={"Authorization": header})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def refresh(url: str, token: str) -> dict:
    request = urllib.request.Request(
        url + "/api/v2/token/refresh",
        data=f"refresh={token}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def log_in(page, site):
    page.goto(site.url + "/user/login")
    page.get_by_label("Username or email").fill("walker")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_login_2fa_and_both_secrets_in_a_real_browser(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    page = context.new_page()
    log_in(page, site)
    page.wait_for_url("**/user/api-key/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    page.goto(site.url + "/user/2fa")
    assert page.locator("figure.qr svg").is_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("#code-error").is_visible()
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    assert page.locator("#recovery-codes li").count() == 10

    page.get_by_role("button", name="Log out").click()
    log_in(page, site)
    page.wait_for_url("**/user/login/2fa/**")
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/user/api-key/")

    page.get_by_role("button", name="Create API key").click()
    key = page.locator("#new-key").inner_text().strip()
    assert len(key) == 40
    page.get_by_role("button", name="Mint a refresh token").click()
    refresh_token = page.locator("#new-refresh-token").inner_text().strip()
    assert page.get_by_role("button", name="Copy").first.is_visible()

    profile = api_get(site.url + "/api/v2/userprofile/", f"Token {key}")
    assert profile["username"] == "walker"
    pair = refresh(site.url, refresh_token)
    assert (
        api_get(site.url + "/api/v2/userprofile/", f"Bearer {pair['access']}")["username"]
        == "walker"
    )
    page.goto(site.url + "/user/api-key")  # a fresh GET: the secrets are not shown again
    assert key not in page.content() and refresh_token not in page.content()
    context.close()
