"""Sending mail through a configurable backend: ``log`` (the default) writes each message to
the log, ``smtp`` sends it (``MAIL_SMTP_HOST``, ``MAIL_SMTP_PORT``, ``MAIL_FROM``).

Links that act as credentials (email verification, password reset) are passed as ``secrets``:
the log backend writes the message with them masked at INFO, and in full only at DEBUG, which
the ``wger_flask.mail`` logger shows when ``MAIL_LOG_LEVEL=DEBUG`` (development). A production
log at INFO never holds a working link.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("wger_flask.mail")
# Every message the log backend "sent", newest last (tests and development read it).
outbox: list[EmailMessage] = []
OUTBOX_LIMIT = 100
MASK = "[hidden: MAIL_LOG_LEVEL=DEBUG shows it]"


def mask(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret replaced by a placeholder."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    return text


def send(to: str, subject: str, text: str, *, secrets: Iterable[str] = ()) -> None:
    """Send ``text`` to ``to``; ``secrets`` are substrings never to be logged at INFO."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(text)
    backend = current_app.config.get("MAIL_BACKEND", "log")
    if backend == "smtp":
        host, port = current_app.config["MAIL_SMTP_HOST"], current_app.config["MAIL_SMTP_PORT"]
        with smtplib.SMTP(host, port, timeout=10) as connection:
            connection.send_message(message)
        return
    outbox.append(message)
    del outbox[:-OUTBOX_LIMIT]
    log.setLevel(current_app.config.get("MAIL_LOG_LEVEL", "INFO"))
    secrets = list(secrets)
    if secrets and log.isEnabledFor(logging.DEBUG):
        log.debug("mail to %s: %s\n%s", to, subject, text)
    else:
        log.info("mail to %s: %s\n%s", to, subject, mask(text, secrets))
