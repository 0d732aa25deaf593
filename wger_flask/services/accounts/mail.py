"""Account mail (verification, password reset, notices): one message with a plain-text and an
HTML body, delivered one of three ways, chosen by the configuration (``config.py``):

- ``smtp``: ``MAIL_SERVER`` is set. The message is queued and a background thread of the
  worker sends it (``smtp_sending``: TLS or STARTTLS and a login when configured, a bounded
  timeout per attempt). A server that is down or refuses is logged and tried again after
  each of ``MAIL_RETRY_DELAYS``; the request that sent the mail never waits or fails for it.
- ``outbox``: no mail server, on a development site (``SITE_URL`` on a loopback address). The
  message is written to the instance folder's outbox, which ``/dev/mail/`` shows to loopback
  clients (``outbox_messages``, ``outbox_message``): links can be opened without a mail server.
- ``log``: no mail server and a public site. The message goes to the log; links that act as
  credentials (``secrets``) are masked at INFO and shown only at DEBUG (``MAIL_LOG_LEVEL``).

Mail is sent after the request's commit, so a failed request sends nothing.
"""

from __future__ import annotations

import heapq
import logging
import os
import re
import secrets as random
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from typing import Any, cast

from flask import current_app, render_template

from wger_flask.models.types import utcnow

log = logging.getLogger("wger_flask.mail")
SMTP, OUTBOX, LOG = "smtp", "outbox", "log"
# Every message the outbox or the log received, newest last (tests read it).
outbox: list[EmailMessage] = []
OUTBOX_LIMIT = 100  # messages kept, in memory and in the outbox folder
MASK = "[hidden: MAIL_LOG_LEVEL=DEBUG shows it]"
OUTBOX_ID = re.compile(r"^\d{8}T\d{6}\d{6}Z-[0-9a-f]{8}$")


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by a placeholder."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def delivery() -> str:
    """How this site delivers mail: SMTP, OUTBOX or LOG (see the module's docstring)."""
    config = current_app.config
    if config.get("MAIL_SERVER"):
        return SMTP
    return OUTBOX if config.get("MAIL_OUTBOX") else LOG


def site_context() -> dict[str, str]:
    """What every mail names: the site and its public address (``SITE_URL``)."""
    return {
        "site_name": current_app.config.get("SITE_NAME", "wger"),
        "site_url": current_app.config["SITE_URL"],
    }


def compose(to: str, subject: str, template: str, **context: Any) -> EmailMessage:
    """A message from ``mail/<template>.txt`` and ``.html`` (rendered with the site's name and
    address), the plain text first and the HTML as its alternative."""
    context = {**site_context(), **context}
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = f"{subject} · {context['site_name']}"
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="wger.local")
    message.set_content(render_template(f"mail/{template}.txt", **context))
    message.add_alternative(render_template(f"mail/{template}.html", **context), subtype="html")
    return message


def send(
    to: str, subject: str, template: str, *, secrets: Iterable[str] = (), **context: Any
) -> str:
    """Compose and deliver a mail; returns how it went (SMTP, OUTBOX or LOG). ``secrets`` are
    substrings never written to an INFO log line."""
    message = compose(to, subject, template, **context)
    how = delivery()
    if how == SMTP:
        sender(current_app).enqueue(message)
        return how
    outbox.append(message)
    del outbox[:-OUTBOX_LIMIT]
    if how == OUTBOX:
        store_in_outbox(message, Path(current_app.config["MAIL_OUTBOX_PATH"]))
        log.info("mail to %s: %s (in the local outbox, /dev/mail/)", to, message["Subject"])
        return how
    log.setLevel(current_app.config.get("MAIL_LOG_LEVEL", "INFO"))
    text = text_of(message)
    secrets = list(secrets)
    if secrets and log.isEnabledFor(logging.DEBUG):
        log.debug("mail to %s: %s\n%s", to, message["Subject"], text)
    else:
        log.info("mail to %s: %s\n%s", to, message["Subject"], mask(text, secrets))
    return how


def text_of(message: EmailMessage) -> str:
    """The plain-text body of a message."""
    body = message.get_body(("plain",))
    assert body is not None  # every message this app sends has a plain-text part
    text: str = body.get_content()
    return text


def html_of(message: EmailMessage) -> str | None:
    body = message.get_body(("html",))
    return body.get_content() if body is not None else None


# ------------------------------------------------------------------ the local outbox


def store_in_outbox(message: EmailMessage, folder: Path) -> str:
    """Write a message to the outbox folder (shared by every worker); keeps the newest
    ``OUTBOX_LIMIT``. Returns its id."""
    folder.mkdir(parents=True, exist_ok=True)
    message_id = f"{utcnow().strftime('%Y%m%dT%H%M%S%f')}Z-{random.token_hex(4)}"
    temporary = folder / f".{message_id}.tmp"
    temporary.write_bytes(message.as_bytes(policy=policy.SMTP))
    temporary.replace(folder / f"{message_id}.eml")  # readers never see half a message
    for old in sorted(folder.glob("*.eml"))[:-OUTBOX_LIMIT]:
        old.unlink(missing_ok=True)
    return message_id


@dataclass(frozen=True)
class OutboxEntry:
    """A message of the local outbox as its list shows it."""

    id: str
    to: str
    subject: str
    date: str


def outbox_messages(folder: Path) -> list[OutboxEntry]:
    """The outbox, newest first."""
    entries = []
    for path in sorted(folder.glob("*.eml"), reverse=True):
        message = read_outbox_file(path)
        if message is not None:
            sent = parsedate_to_datetime(message["Date"]).strftime("%Y-%m-%d %H:%M:%S UTC")
            entries.append(OutboxEntry(path.stem, message["To"], message["Subject"], sent))
    return entries


def outbox_message(folder: Path, message_id: str) -> EmailMessage | None:
    """One message of the outbox by id (None if there is no such message)."""
    if not OUTBOX_ID.match(message_id):
        return None
    return read_outbox_file(folder / f"{message_id}.eml")


def read_outbox_file(path: Path) -> EmailMessage | None:
    try:
        with path.open("rb") as handle:
            return BytesParser(policy=policy.default).parse(handle)
    except FileNotFoundError:
        return None


# ------------------------------------------------------------------ SMTP, in the background


@dataclass(frozen=True)
class SmtpSettings:
    server: str
    port: int
    use_ssl: bool
    use_tls: bool
    username: str
    password: str
    timeout: float
    retry_delays: tuple[float, ...]

    @classmethod
    def from_config(cls, config: Any) -> SmtpSettings:
        return cls(
            server=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            username=config.get("MAIL_USERNAME", ""),
            password=config.get("MAIL_PASSWORD", ""),
            timeout=float(config.get("MAIL_TIMEOUT", 10)),
            retry_delays=tuple(config.get("MAIL_RETRY_DELAYS", (10.0, 60.0, 300.0))),
        )


def smtp_send(settings: SmtpSettings, message: EmailMessage) -> None:
    """One attempt to hand a message to the mail server (raises on any failure)."""
    context = ssl.create_default_context()
    if settings.use_ssl:
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        connection = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with connection:
        if settings.use_tls and not settings.use_ssl:
            connection.starttls(context=context)
        if settings.username:
            connection.login(settings.username, settings.password)
        connection.send_message(message)


@dataclass(order=True)
class _Attempt:
    due: float
    number: int = field(compare=False)
    message: EmailMessage = field(compare=False)


class SmtpSender:
    """A queue of messages and the thread that sends them, one per worker process. Each
    message is tried at once, then after each retry delay; every failure is logged (the
    recipient and subject, never the body), the last one as an error."""

    def __init__(
        self,
        settings: SmtpSettings,
        send: Callable[[SmtpSettings, EmailMessage], None] = smtp_send,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings, self._send, self._clock = settings, send, clock
        self._queue: list[_Attempt] = []
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._busy = 0
        self.delivered = 0
        self.given_up = 0

    def enqueue(self, message: EmailMessage) -> None:
        with self._wake:
            heapq.heappush(self._queue, _Attempt(self._clock(), 0, message))
            self._ensure_thread()
            self._wake.notify()

    def idle(self) -> bool:
        """Nothing queued or being sent (tests and shutdown wait for this)."""
        with self._wake:
            return not self._queue and not self._busy

    def _ensure_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive() or self._pid != os.getpid():
            self._pid = os.getpid()  # after a fork the parent's thread does not exist here
            self._thread = threading.Thread(target=self._run, name="wger-mail", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._queue or self._queue[0].due > self._clock():
                    timeout = self._queue[0].due - self._clock() if self._queue else None
                    self._wake.wait(timeout)
                attempt = heapq.heappop(self._queue)
                self._busy += 1
            try:
                self._attempt(attempt)
            finally:
                with self._wake:
                    self._busy -= 1
                    self._wake.notify_all()

    def _attempt(self, attempt: _Attempt) -> None:
        message = attempt.message
        try:
            self._send(self.settings, message)
        except Exception as error:  # any failure: the server, the network, TLS, the login
            delays = self.settings.retry_delays
            if attempt.number < len(delays):
                delay = delays[attempt.number]
                log.warning(
                    "mail to %s (%s) not sent, attempt %d: %s; trying again in %.0f s",
                    message["To"],
                    message["Subject"],
                    attempt.number + 1,
                    error,
                    delay,
                )
                with self._wake:
                    heapq.heappush(
                        self._queue, _Attempt(self._clock() + delay, attempt.number + 1, message)
                    )
            else:
                self.given_up += 1
                log.error(
                    "mail to %s (%s) not sent after %d attempts, given up: %s",
                    message["To"],
                    message["Subject"],
                    attempt.number + 1,
                    error,
                )
            return
        self.delivered += 1
        log.info("mail to %s sent: %s", message["To"], message["Subject"])


SENDER_KEY = "wger_mail_sender"
_sender_lock = threading.Lock()


def sender(app: Any) -> SmtpSender:
    """The app's SMTP sender (made on first use, in the worker that sends)."""
    with _sender_lock:
        found = app.extensions.get(SENDER_KEY)
        if found is None:
            found = app.extensions[SENDER_KEY] = SmtpSender(SmtpSettings.from_config(app.config))
        return cast(SmtpSender, found)
