"""Sending mail through a configurable backend: ``log`` (the default) writes each message to
the log, ``smtp`` sends it (``MAIL_SMTP_HOST``, ``MAIL_SMTP_PORT``, ``MAIL_FROM``)."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("wger_flask.mail")
# Every message the log backend "sent", newest last (tests and development read it).
outbox: list[EmailMessage] = []
OUTBOX_LIMIT = 100


def send(to: str, subject: str, text: str) -> None:
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
    log.info("mail to %s: %s\n%s", to, subject, text)
