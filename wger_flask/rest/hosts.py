"""Which host a request is for, decided by the configuration and never by the client alone.

Every absolute link the server writes (pagination ``next``/``previous``, media and image URLs,
the API index, the browsable page's links) is built from ``request.host_url``. A client picks
its own ``Host`` header, so left alone it would pick the host of those links too (a
password-reset mail pointing at ``evil.example`` was the worst case; mail links now come from
``SITE_URL`` only). Two settings decide instead:

- ``TRUSTED_HOSTS`` set (Flask's setting, Django's ``ALLOWED_HOSTS``): a request for any other
  host is answered 400 before routing; a trusted host is used as the client sent it.
- unset: the request is treated as addressed to ``SITE_URL``'s host, whatever its ``Host``
  header says, so every link names the configured site. (The scheme stays the connection's:
  a client cannot choose it, and it decides whether cookies are ``Secure``.)

The proxy headers (``X-Forwarded-Host``, ``-Proto``) count only through ``NUMBER_OF_PROXIES``
trusted proxies (``ProxyFix``, outside this middleware), so the same two rules apply to them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from werkzeug.exceptions import SecurityError
from werkzeug.sansio.utils import get_host

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
BAD_HOST = b"Bad Request: this server does not answer for that host (TRUSTED_HOSTS).\n"


class PublicHost:
    """WSGI middleware: refuse untrusted hosts, or pin the host to ``SITE_URL``'s."""

    def __init__(self, app: WSGIApp, config: Mapping[str, Any]) -> None:
        self.app = app
        self.config = config  # read per request: a test may change it

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        trusted_hosts = self.config.get("TRUSTED_HOSTS")
        site_url = self.config.get("SITE_URL")
        if trusted_hosts:
            try:
                get_host(
                    environ["wsgi.url_scheme"],
                    environ.get("HTTP_HOST"),
                    (environ.get("SERVER_NAME", ""), environ.get("SERVER_PORT")),
                    trusted_hosts,
                )
            except SecurityError:
                start_response(
                    "400 Bad Request",
                    [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                )
                return [BAD_HOST]
        elif site_url:
            environ["wger.client_host"] = environ.get("HTTP_HOST")
            environ["HTTP_HOST"] = urlsplit(site_url).netloc  # the scheme is the connection's own
        return self.app(environ, start_response)
