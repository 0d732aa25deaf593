"""Account mail: the local outbox a development server shows at /dev/mail/, and real SMTP
against a local server the test starts (aiosmtpd): sent in the background, plain text and HTML
with the site's name and address, a refusing or missing server logged and retried, never a 500.
"""

from __future__ import annotations

import logging
import re
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.api.accounts.test_web_pages import csrf_of, web_login
from wger_flask.extensions import limiter
from wger_flask.services.accounts import mail
from wger_flask.testing import free_port

LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}


@pytest.fixture(autouse=True)
def empty_outbox(app):
    folder = Path(app.config["MAIL_OUTBOX_PATH"])
    for path in folder.glob("*.eml"):
        path.unlink()
    mail.outbox.clear()
    yield
    mail.outbox.clear()


def sign_up(client, username: str, email: str):
    page = client.get("/user/signup/")
    return client.post(
        "/user/signup/",
        data={
            "csrf_token": csrf_of(page),
            "username": username,
            "email": email,
            "password": "fresh mountain sprint 42",
            "password2": "fresh mountain sprint 42",
        },
    )


# ------------------------------------------------------------------ the local outbox


def test_signing_up_sends_the_verification_mail_at_once_to_the_outbox(client):
    client.environ_base.update(LOOPBACK)
    signed_up = sign_up(client, "olga", "olga@example.com")
    assert signed_up.status_code == 302
    page = client.get(signed_up.headers["Location"]).get_data(as_text=True)
    assert "A link to verify olga@example.com was sent" in page
    assert "local outbox" in page and 'href="/dev/mail/"' in page

    outbox = client.get("/dev/mail/").get_data(as_text=True)
    assert "olga@example.com" in outbox and "Verify your email address · wger" in outbox
    message_url = re.search(r'href="(/dev/mail/[^"/]+/)"', outbox).group(1)
    shown = client.get(message_url)
    assert "no-store" in shown.headers["Cache-Control"]
    link = re.search(r'href="(http://localhost/user/verify-email/[^"]+)"', shown.get_data(True))
    verified = client.get(link.group(1).replace("http://localhost", ""))
    assert verified.status_code == 200 and b"is verified" in verified.data
    html = client.get(message_url + "html/")
    assert html.status_code == 200 and b"Verify my email address" in html.data


def test_the_outbox_is_for_this_machine_only(app, client, monkeypatch):
    client.environ_base.update(LOOPBACK)
    assert client.get("/dev/mail/").status_code == 200
    stranger = app.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert stranger.get("/dev/mail/").status_code == 404
    monkeypatch.setitem(app.config, "NUMBER_OF_PROXIES", 1)  # everyone comes from the proxy
    assert client.get("/dev/mail/").status_code == 404
    monkeypatch.setitem(app.config, "NUMBER_OF_PROXIES", 0)
    monkeypatch.setitem(app.config, "MAIL_OUTBOX", False)  # a mail server, or a public site
    assert client.get("/dev/mail/").status_code == 404
    assert client.get("/dev/mail/../../secret_key/").status_code == 404


def test_production_configuration_never_has_an_outbox(monkeypatch):
    from wger_flask.config import Config

    monkeypatch.setenv("SITE_URL", "https://wger.example.com")
    assert Config().MAIL_OUTBOX is False
    monkeypatch.setenv("SITE_URL", "http://127.0.0.1:8000")
    assert Config().MAIL_OUTBOX is True
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.com")
    assert Config().MAIL_OUTBOX is False


def test_every_page_that_mails_says_where_it_went(client, make_user):
    client.environ_base.update(LOOPBACK)
    make_user("nina", email="nina@example.com")
    web_login(client, "nina")
    for url, page, data in [
        ("/user/account/verify-email/", "/user/account/", {}),
        ("/user/account/email/", "/user/account/", {"email": "n2@example.com"}),
    ]:
        limiter.reset()  # one verification mail per few minutes: each case its own
        token = csrf_of(client.get(page))
        answer = client.post(
            url, data={"csrf_token": token, "password": "correct horse battery", **data}
        )
        assert answer.status_code == 302, answer.data
        shown = client.get(answer.headers["Location"]).get_data(as_text=True)
        assert 'href="/dev/mail/"' in shown, url
    anonymous = client.application.test_client()
    anonymous.environ_base.update(LOOPBACK)
    page = anonymous.get("/user/password/reset/")
    answer = anonymous.post(
        "/user/password/reset/", data={"csrf_token": csrf_of(page), "email": "n2@example.com"}
    )
    assert 'href="/dev/mail/"' in anonymous.get(answer.headers["Location"]).get_data(True)
    assert client.get("/dev/mail/").get_data(True).count('<li class="card">') == 4


# ------------------------------------------------------------------ SMTP


class Recorder:
    """An aiosmtpd handler that keeps what it received; refuses the first ``refuse`` tries."""

    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.tries = 0
        self.received: list = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.tries += 1
        if self.tries <= self.refuse:
            return "451 4.3.0 Try again later"
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        self.arrived.set()
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"wger" and auth_data.password == b"mail-secret"
    return AuthResult(success=ok)


@pytest.fixture
def smtp_server():
    started = []

    def start(refuse: int = 0) -> tuple[Recorder, int]:
        recorder, port = Recorder(refuse), free_port()
        controller = Controller(
            recorder,
            hostname="127.0.0.1",
            port=port,
            authenticator=authenticate,
            auth_require_tls=False,
        )
        controller.start()
        started.append(controller)
        return recorder, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def smtp_app(app, monkeypatch):
    """The app sending through MAIL_SERVER with a login, retrying fast."""

    def configure(port: int, delays=(0.05, 0.05)) -> None:
        for key, value in {
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_USERNAME": "wger",
            "MAIL_PASSWORD": "mail-secret",
            "MAIL_RETRY_DELAYS": delays,
            "MAIL_TIMEOUT": 5,
            "MAIL_OUTBOX": False,
        }.items():
            monkeypatch.setitem(app.config, key, value)
        app.extensions.pop(mail.SENDER_KEY, None)  # a sender with these settings

    yield configure
    app.extensions.pop(mail.SENDER_KEY, None)


def test_a_reset_mail_goes_through_smtp_in_text_and_html(client, user, smtp_server, smtp_app):
    recorder, port = smtp_server()
    smtp_app(port)
    answer = client.post("/allauth/app/v1/auth/password/request", json={"email": user.email})
    assert answer.status_code == 200
    assert recorder.arrived.wait(10), "the mail did not arrive"
    received = recorder.received[0]
    assert received["To"] == "alice@example.com"
    assert received["Subject"] == "Reset your password · wger"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "http://localhost/user/password/reset/" in text and "wger · http://localhost/" in text
    assert 'href="http://localhost/user/password/reset/' in html and "wger" in html
    assert mail.outbox == []  # not kept in memory or in the outbox


def test_a_refusing_server_is_logged_and_retried(client, user, smtp_server, smtp_app, caplog):
    recorder, port = smtp_server(refuse=1)
    smtp_app(port)
    with caplog.at_level(logging.INFO, logger="wger_flask.mail"):
        answer = client.post("/allauth/app/v1/auth/password/request", json={"email": user.email})
        assert answer.status_code == 200
        assert recorder.arrived.wait(10), "the retry did not deliver"
    assert recorder.tries == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("not sent, attempt 1" in line and "trying again" in line for line in warnings)
    assert all("/user/password/reset/" not in line for line in warnings)  # no secret logged


def test_no_server_at_all_is_never_a_500_and_is_given_up_in_the_log(
    app, client, user, smtp_app, caplog
):
    smtp_app(free_port(), delays=(0.01,))  # nothing listens there
    with caplog.at_level(logging.INFO, logger="wger_flask.mail"):
        answer = client.post("/allauth/app/v1/auth/password/request", json={"email": user.email})
        assert answer.status_code == 200
        sender = mail.sender(app)
        finished = threading.Event()

        def watch() -> None:
            while sender.given_up == 0:
                finished.wait(0.01)
            finished.set()

        threading.Thread(target=watch, daemon=True).start()
        assert finished.wait(10)
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("not sent after 2 attempts, given up" in line for line in errors)


def test_a_wrong_login_is_retried_then_given_up(app, user, smtp_server, smtp_app):
    recorder, port = smtp_server()
    smtp_app(port, delays=())
    app.config["MAIL_PASSWORD"] = "wrong"
    with app.test_request_context():
        mail.send("x@example.com", "Hello", "email_changed", username="x", new_email="y@z.example")
    sender = mail.sender(app)
    done = threading.Event()
    while not (sender.given_up or done.wait(0.01)):
        pass
    assert sender.given_up == 1 and recorder.received == []
