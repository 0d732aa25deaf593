"""The local outbox of a development server: ``/dev/mail/`` lists the mails the site "sent"
while no mail server is configured, and shows each one with working links.

It exists only where it cannot leak a mail: no ``MAIL_SERVER``, a ``SITE_URL`` on a loopback
address (``config.MAIL_OUTBOX``), no reverse proxy in front (``NUMBER_OF_PROXIES=0``), and a
client on the loopback interface. Anywhere else it is a 404, as if it did not exist. The pages
that send mail say where it went (``mail_notice``): the outbox (with a link), the log, or the
mail server.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, render_template, request, url_for

from wger_flask.rest import negotiation
from wger_flask.services.accounts import mail

blp = Blueprint("dev_mail", __name__, url_prefix="/dev/mail")


def outbox_open_to_this_client() -> bool:
    """Whether this request may read the local outbox."""
    config = current_app.config
    if not config.get("MAIL_OUTBOX") or config.get("NUMBER_OF_PROXIES", 0):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _folder() -> Path:
    if not outbox_open_to_this_client():
        abort(404)
    return Path(current_app.config["MAIL_OUTBOX_PATH"])


@blp.after_request
def never_cached(response: Any) -> Any:
    response.headers["Cache-Control"] = negotiation.NO_CACHE
    response.headers["Referrer-Policy"] = "no-referrer"  # mails hold links that are secrets
    return response


@blp.route("/")
def outbox() -> Any:
    """The local outbox, newest mail first."""
    return render_template("dev/outbox.html", messages=mail.outbox_messages(_folder()))


@blp.route("/<message_id>/")
def message(message_id: str) -> Any:
    """One mail of the local outbox: headers, the plain text with its links, the HTML part."""
    found = mail.outbox_message(_folder(), message_id)
    if found is None:
        abort(404)
    return render_template(
        "dev/message.html",
        message_id=message_id,
        message=found,
        text=mail.text_of(found),
        has_html=mail.html_of(found) is not None,
    )


@blp.route("/<message_id>/html/")
def message_html(message_id: str) -> Any:
    """The HTML part of a mail as the recipient's mail program would show it."""
    found = mail.outbox_message(_folder(), message_id)
    html = mail.html_of(found) if found is not None else None
    if html is None:
        abort(404)
    return current_app.response_class(html, mimetype="text/html")


@blp.app_context_processor
def mail_notice() -> dict[str, Any]:
    """``mail_notice``: where the mails of this site go, for the pages that send one."""

    def notice() -> dict[str, str | None]:
        how = mail.delivery()
        if how == mail.OUTBOX and outbox_open_to_this_client():
            return {
                "text": "No mail server is configured: it is in the local outbox.",
                "url": url_for("dev_mail.outbox"),
            }
        if how == mail.LOG:
            return {
                "text": "No mail server is configured: the mail was written to the server's log.",
                "url": None,
            }
        return {"text": None, "url": None}

    return {"mail_notice": notice}
