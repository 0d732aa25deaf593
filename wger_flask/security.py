"""Browser protections on every response (Flask-Talisman) and the server-side web session.

The policy, for every page (the API's JSON answers get the same headers; they are harmless
there and ``nosniff`` matters most on them):

- ``Content-Security-Policy``: everything from this origin only, no inline script or style
  (no ``'unsafe-inline'``, no ``'unsafe-eval'``; three fixed inline styles of the vendored
  viewers allowed by hash, see ``STYLE_HASHES``), ``data:`` images (Swagger UI's icons), ``blob:`` workers (ReDoc's
  search), ``frame-ancestors 'none'``,
  ``form-action 'self'``, ``base-uri 'none'``, ``object-src 'none'``.
- ``X-Frame-Options: DENY`` (for browsers that predate ``frame-ancestors``),
  ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``.
- ``Strict-Transport-Security`` on answers that came over HTTPS, when
  ``STRICT_TRANSPORT_SECURITY`` is on (off by default: plain-HTTP development).
- Cookies: ``HttpOnly``, ``SameSite=Lax``, and ``Secure`` when ``SESSION_COOKIE_SECURE`` is
  on or the request came over HTTPS (directly or through the ``NUMBER_OF_PROXIES`` trusted
  proxies; ``ProxyFix`` sets the scheme).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_talisman import Talisman

F = TypeVar("F", bound=Callable[..., Any])
SELF = "'self'"
# The only inline styles allowed, each by the SHA-256 of its exact text (a <style> with any
# other content, e.g. an injected one, is refused):
# - the empty string: Swagger UI and ReDoc (styled-components) create EMPTY <style> elements
#   and fill them through the CSSOM (``insertRule``), which CSP does not govern;
# - Swagger UI 5.35.0's logo: an SVG with a fixed <style> of two rules;
# - ReDoc 2.5.4's perfect-scrollbar stylesheet, which its bundle writes into a <style>.
# A nonce cannot serve: browsers hide it from ``getAttribute``, where ReDoc reads it. When a
# vendored viewer is updated, the browser test names the new hash of any changed style.
STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",  # "" (empty <style>)
    "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",  # Swagger UI's logo
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",  # ReDoc's perfect-scrollbar
]
CONTENT_SECURITY_POLICY = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": [SELF, *STYLE_HASHES, "'report-sample'"],
    "img-src": [SELF, "data:"],
    "font-src": SELF,
    "connect-src": SELF,
    "worker-src": [SELF, "blob:"],
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": SELF,
    "frame-ancestors": "'none'",
}


def view_headers(**headers: str) -> Callable[[F], F]:
    """A view that needs its own value of a header the site sets on every answer (e.g. a
    password-reset page's ``Referrer-Policy: no-referrer``, a stored file's sandboxing
    ``Content-Security-Policy``): ``@view_headers(Referrer_Policy="no-referrer")``
    (underscores for dashes). Applied after Talisman's headers, so the view's own win."""

    def decorate(view: F) -> F:
        # a marker the after-request hook reads from the view function
        view.own_headers = {name.replace("_", "-"): value for name, value in headers.items()}  # type: ignore[attr-defined]  # see above
        return view

    return decorate


def _apply_view_headers(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    response.headers.update(getattr(view, "own_headers", {}))
    return response


def init_app(app: Flask) -> None:
    """Install the headers and the server-side session (called once by ``create_app``)."""
    from wger_flask.blueprints.accounts.session_store import ServerSessionInterface

    app.session_interface = ServerSessionInterface()
    # Registered before Talisman, so it runs after Talisman's hook (Flask runs them in reverse)
    # and a view's own policy wins over the site-wide one Talisman sets on every answer.
    app.after_request(_apply_view_headers)
    app.extensions["talisman"] = Talisman(  # one per app: its settings live on the object
        app,
        force_https=False,  # a proxy in front terminates TLS and redirects; tests speak HTTP
        frame_options="DENY",
        content_security_policy=CONTENT_SECURITY_POLICY,
        referrer_policy="same-origin",
        strict_transport_security=app.config["STRICT_TRANSPORT_SECURITY"],
        strict_transport_security_max_age=app.config["STRICT_TRANSPORT_SECURITY_MAX_AGE"],
        strict_transport_security_include_subdomains=False,
        session_cookie_secure=False,  # per request instead: see session_store
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
        x_content_type_options=True,
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
