# flask-talisman 1.1.0: the names wger_flask uses (stubs/README.md).
from typing import Any

from flask import Flask

class Talisman:
    def __init__(self, app: Flask | None = None, **kwargs: Any) -> None: ...
    def init_app(
        self,
        app: Flask,
        feature_policy: str | dict[str, Any] = ...,
        permissions_policy: str | dict[str, Any] = ...,
        document_policy: str | dict[str, Any] = ...,
        force_https: bool = True,
        force_https_permanent: bool = False,
        force_file_save: bool = False,
        frame_options: str | None = ...,
        frame_options_allow_from: str | None = None,
        strict_transport_security: bool = True,
        strict_transport_security_preload: bool = False,
        strict_transport_security_max_age: int = ...,
        strict_transport_security_include_subdomains: bool = True,
        content_security_policy: str | dict[str, Any] | None = ...,
        content_security_policy_report_uri: str | None = None,
        content_security_policy_report_only: bool = False,
        content_security_policy_nonce_in: list[str] | None = None,
        referrer_policy: str = ...,
        session_cookie_secure: bool = True,
        session_cookie_http_only: bool = True,
        session_cookie_samesite: str | None = ...,
        x_content_type_options: bool = True,
        x_xss_protection: bool = False,
    ) -> None: ...
