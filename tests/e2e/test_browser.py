"""A real browser (Debian's chromium, driven by Playwright) against the real server: log in,
turn on 2FA, log in again with a code, mint both secrets and use them against the API; walk
every page with the Content-Security-Policy in force, failing on any violation the browser
reports; end sessions from the sessions page and see a copied cookie become anonymous."""

import json
import time
import urllib.request

import pyotp
import pytest

from wger_flask.testing import running_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "browser test passphrase"


@pytest.fixture(scope="module")
def site(tmp_path_factory, server_database):
    with running_server(
        tmp_path_factory.mktemp("browser"), server_database, bootstrap=False
    ) as server:
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


# Every violation the browser sees is written to the console, where the test collects it.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective + " blocked " + event.blockedURI
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


class Watched:
    """A browser context whose pages report CSP violations and uncaught script errors."""

    def __init__(self, browser, **options):
        self.context = browser.new_context(**options)
        self.context.add_init_script(REPORT_VIOLATIONS)
        self.problems: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("CSP violation"):
            self.problems.append(text)

    def visit(self, url: str, ready: str | None = None):
        """Open a page; check its security headers; wait until ``ready`` shows."""
        response = self.page.goto(url)
        assert response is not None and response.ok, (url, response and response.status)
        check_security_headers(url, response.all_headers())
        if ready:
            self.page.locator(ready).first.wait_for(state="visible", timeout=30_000)
        self.assert_clean(url)
        return response

    def assert_clean(self, where: str) -> None:
        self.page.wait_for_load_state("networkidle")
        assert self.problems == [], (where, self.problems)

    def close(self) -> None:
        self.context.close()


def check_security_headers(url: str, headers: dict[str, str]) -> None:
    policy = headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, (url, policy)
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)
    assert headers.get("x-frame-options") == "DENY", url
    assert headers.get("x-content-type-options") == "nosniff", url
    assert headers.get("referrer-policy") == "same-origin", url


def test_login_2fa_and_both_secrets_in_a_real_browser(browser, site):
    watched = Watched(browser, viewport={"width": 390, "height": 844})  # a phone
    context, page = watched.context, watched.page
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
    watched.assert_clean("the 2FA and API-key flow")
    context.close()


def test_every_page_keeps_to_the_content_security_policy(browser, site):
    assert site.flask("user", "create", "roamer", "--password", PASSWORD).returncode == 0
    watched = Watched(browser)
    page = watched.page
    watched.visit(site.url + "/user/signup/", "text=Create an account")
    watched.visit(site.url + "/user/login/", "text=Log in")
    page.get_by_label("Username or email").fill("roamer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/user/api-key/")
    watched.assert_clean("login")
    watched.visit(site.url + "/user/api-key/", "text=Permanent API key")
    watched.visit(site.url + "/user/2fa/", "figure.qr svg")  # the QR code's SVG, inline
    watched.visit(site.url + "/user/sessions/", "text=this browser")
    account = page.goto(site.url + "/user/account/")
    if account is not None and account.status != 404:  # the account page, where it exists
        assert account.ok
        check_security_headers("/user/account/", account.all_headers())
        watched.assert_clean("/user/account/")
    watched.visit(site.url + "/dev/mail/", "text=Local outbox")  # a development server's
    page.goto(site.url + "/user/password/reset/")
    page.get_by_label("Email address").fill("nobody@example.com")
    page.get_by_role("button", name="Send reset link").click()  # no mail: an unknown address
    watched.assert_clean("the reset request")
    watched.visit(site.url + "/favicon.ico", "svg")
    watched.visit(site.url + "/api/v2/", "text=Api Root")
    watched.visit(site.url + "/api/v2/exercise/?format=api", "pre.response-body")
    watched.visit(site.url + "/api/v2/userprofile/?format=api", "pre.response-body")
    watched.visit(site.url + "/api/v2/schema/ui/", ".swagger-ui .info .title")
    page.locator(".opblock-summary").first.click()  # open an operation: more of its UI draws
    watched.assert_clean("Swagger UI, an operation opened")
    watched.visit(site.url + "/api/v2/schema/redoc/", "h1")
    page.locator("[role=search] input, input[placeholder*=Search]").first.fill("routine")
    watched.assert_clean("ReDoc, searched")
    watched.close()


def test_a_copied_cookie_is_worthless_after_ending_its_session(browser, site):
    assert site.flask("user", "create", "copied", "--password", PASSWORD).returncode == 0
    owner = Watched(browser)
    owner.visit(site.url + "/user/login/")
    owner.page.get_by_label("Username or email").fill("copied")
    owner.page.get_by_label("Password").fill(PASSWORD)
    owner.page.get_by_role("button", name="Log in").click()
    owner.page.wait_for_url("**/user/api-key/")
    stolen = owner.context.cookies()
    thief = Watched(browser)
    thief.context.add_cookies(stolen)
    thief.visit(site.url + "/user/sessions/", "text=this browser")  # the copy works, for now
    owner.visit(site.url + "/user/sessions/")
    owner.page.get_by_role("button", name="Log out everywhere").click()
    owner.page.wait_for_url("**/user/login/")
    thief.page.goto(site.url + "/user/sessions/")
    thief.page.wait_for_url("**/user/login/**")  # anonymous: sent to the login page
    owner.assert_clean("sessions page")
    owner.close()
    thief.close()
