"""Every setting of wger-flask, read from the environment in this one module."""

from __future__ import annotations

import functools
import ipaddress
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment; an unknown word is a configuration error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}={raw!r}: expected one of true/false/1/0/yes/no/on/off")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Read a non-negative integer from the environment."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ValueError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Read one of a fixed set of words; anything else stops the start, naming the choices."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    word = raw.strip().lower()
    if word not in choices:
        raise ConfigurationError(f"{name}={raw!r}: expected one of {', '.join(choices)}")
    return word


def env_delays(name: str, default: tuple[float, ...]) -> tuple[float, ...]:
    """Read a comma-separated list of non-negative seconds (``10,60,300``)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = tuple(float(part) for part in raw.split(","))
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected seconds separated by commas") from None
    if any(value < 0 for value in values):
        raise ValueError(f"{name}={raw!r}: seconds cannot be negative")
    return values


def checked_site_url(raw: str) -> str:
    """``SITE_URL`` without its trailing slash: an absolute http(s) URL, or empty (unset)."""
    url = raw.strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ConfigurationError(
            f"SITE_URL={raw!r} is not the site's public address; expected e.g. "
            "https://wger.example.com (scheme and host, and a path if the site lives under one)."
        )
    return url


def is_loopback_url(url: str) -> bool:
    """Whether a URL names this machine (localhost, 127.0.0.0/8, ::1): a development site."""
    host = urlsplit(url).hostname if url else None
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


SITE_URL_MISSING = (
    "SITE_URL is not set. Mail links (email verification, password reset) are built from the "
    "site's public address and never from a request's Host header, which a client chooses; set "
    "SITE_URL to the address people use, e.g. SITE_URL=https://wger.example.com (make run sets "
    "it to the address it serves)."
)


def serving_problem(config: object) -> str | None:
    """Why the server must not start serving with these settings (None: it may). ``config``:
    a ``Config`` or the app's ``config`` mapping."""
    site_url = (
        config.get("SITE_URL") if isinstance(config, dict) else getattr(config, "SITE_URL", "")
    )
    if not site_url:
        return SITE_URL_MISSING
    return None


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and select the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_path() -> Path:
    """The instance folder: SQLite database and the generated secret key live here."""
    default = Path(__file__).resolve().parent.parent / "instance"
    return Path(os.environ.get("WGER_INSTANCE_PATH", default)).resolve()


class ConfigurationError(SystemExit):
    """A setting the server cannot start with: ends the process with this one line (a
    ``SystemExit`` prints its message, not a traceback)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"wger-flask: {message}")


MIN_SECRET_KEY_BYTES = 32  # HS256 needs a key at least as long as its hash (RFC 7518 3.2)


def checked_secret_key(value: str, name: str = "SECRET_KEY") -> str:
    """A signing key given in the environment, refused when too short to sign with."""
    if len(value.encode()) < MIN_SECRET_KEY_BYTES:
        raise ConfigurationError(
            f"{name} is {len(value.encode())} bytes long; it must be at least "
            f"{MIN_SECRET_KEY_BYTES} (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(48))'), or unset it to use a generated one."
        )
    return value


def checked_database_url(url: str) -> str:
    """A URL SQLAlchemy can use, for a driver that is installed; one clear line otherwise."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
        parsed.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise ConfigurationError(
            f"DATABASE_URL is not a usable database URL ({error}); expected e.g. "
            "postgresql://USER:PASSWORD@HOST:5432/NAME or sqlite:////path/to/wger.sqlite3"
        ) from None
    return url


def persistent_secret_key(folder: Path) -> str:
    """A random key made once per instance folder, so every worker signs alike."""
    folder.mkdir(parents=True, exist_ok=True)
    key_file = folder / "secret_key"
    if not key_file.exists():
        candidate = secrets.token_urlsafe(48)
        try:
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first: use theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(candidate)
    return key_file.read_text().strip()


def engine_options(database_uri: str, transaction_pooler: bool = False) -> dict[str, object]:
    """A server database can drop idle connections: test each one on checkout. SQLite files
    cannot, and the extra statement per request would be pure cost. Behind a pooler in
    transaction mode (PgBouncer ``pool_mode = transaction``) consecutive transactions may run
    on different server connections, so psycopg must not prepare statements (a prepared
    statement lives on one server connection)."""
    if database_uri.startswith("sqlite"):
        return {}
    options: dict[str, object] = {"pool_pre_ping": True}
    if transaction_pooler:
        options["connect_args"] = {"prepare_threshold": None}
    return options


class Config:
    """Production settings: defaults that run on one machine, overridden by the environment."""

    def __init__(self) -> None:
        folder = instance_path()
        folder.mkdir(parents=True, exist_ok=True)  # the SQLite file lives here, whatever the key
        self.INSTANCE_PATH = str(folder)
        given_key = os.environ.get("SECRET_KEY")
        self.SECRET_KEY = checked_secret_key(given_key) if given_key else None
        self.SECRET_KEY = self.SECRET_KEY or persistent_secret_key(folder)
        default_db = f"sqlite:///{folder / 'wger.sqlite3'}"
        self.SQLALCHEMY_DATABASE_URI = checked_database_url(
            normalize_database_url(os.environ.get("DATABASE_URL") or default_db)
        )
        # DATABASE_URL names PgBouncer (or another pooler) in transaction mode: no prepared
        # statements (docs/deployment.md)
        self.DATABASE_TRANSACTION_POOLER = env_bool("DATABASE_TRANSACTION_POOLER", False)
        self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(
            self.SQLALCHEMY_DATABASE_URI, self.DATABASE_TRANSACTION_POOLER
        )
        self.SQLITE_BUSY_TIMEOUT_MS = env_int("SQLITE_BUSY_TIMEOUT_MS", 5000)

        # Tokens (the seed: ACCESS_TOKEN_LIFETIME minutes, REFRESH_TOKEN_LIFETIME hours)
        self.ACCESS_TOKEN_LIFETIME_MINUTES = env_int("ACCESS_TOKEN_LIFETIME", 10, minimum=1)
        self.REFRESH_TOKEN_LIFETIME_HOURS = env_int("REFRESH_TOKEN_LIFETIME", 2880, minimum=1)
        given_jwt_key = os.environ.get("JWT_SECRET_KEY")
        self.JWT_SECRET_KEY = (
            checked_secret_key(given_jwt_key, "JWT_SECRET_KEY")
            if given_jwt_key
            else self.SECRET_KEY
        )
        self.MFA_LOGIN_TIMEOUT_SECONDS = env_int("MFA_LOGIN_TIMEOUT", 900, minimum=1)
        self.ALLOW_REGISTRATION = env_bool("ALLOW_REGISTRATION", True)

        # Logs (docs/deployment.md): "plain" text (make run) or "json", one object per line;
        # either way one line per request with its id (X-Request-ID), route, status, duration.
        self.LOG_FORMAT = env_choice("LOG_FORMAT", ("plain", "json"), "plain")
        # /metrics: readable from loopback; from elsewhere only with this bearer token.
        self.METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

        # Rate limits (quotas are configuration, not code)
        self.RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
        # Namespace of the counters in shared storage (several deployments on one Redis).
        self.RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "wger")
        # Worker processes serving this deployment (set by gunicorn.conf.py from the final
        # worker count): while the shared storage is down each allows its share of a quota.
        self.WORKERS = env_int("WGER_WORKERS", env_int("WEB_CONCURRENCY", 1), minimum=1)
        self.NUMBER_OF_PROXIES = env_int("NUMBER_OF_PROXIES", 0)
        # /readyz answers 503 while the Redis above is down (default: 200 "degraded", since
        # the limits fall back to each worker's share and the API keeps serving).
        self.READYZ_REQUIRE_REDIS = env_bool("READYZ_REQUIRE_REDIS", False)
        # How long a device cookie (a browser or app that logged in before) is honoured.
        self.DEVICE_COOKIE_DAYS = env_int("DEVICE_COOKIE_DAYS", 365, minimum=1)
        # Quotas per scope ("N/period", the limits library's notation); RATE_LIMIT_<SCOPE>
        # overrides one, e.g. RATE_LIMIT_LOGIN="20/minute".
        defaults = {
            "login": "10/minute",  # POST auth/login and auth/2fa/authenticate, shared
            "registration": "5/minute",  # POST auth/signup and writes to userprofile
            "ingredient_list": "120/minute",  # GET ingredient and ingredientinfo lists
            "ingredient_detail": "300/minute",  # their detail routes (and get_values)
            "ingredient_sync": "600/minute",
            # Failed passwords for one username or email: from one client address, and from
            # all addresses together (higher, so a stranger cannot lock the owner out).
            "login_failed_address": "5/5minute",
            "login_failed_account": "50/5minute",
            # Failed passwords from a device that logged in to the account before (its device
            # cookie or app session): counted on their own, untouched by strangers' failures.
            "login_failed_device": "5/5minute",
            "mfa_failed_account": "5/5minute",  # wrong second-factor codes per account
            "verification_mail": "1/3minute",  # verification mails per account
            "password_reset": "20/minute",  # reset requests per client
            "password_reset_address": "5/hour",  # reset mails per address (known or not)
            "password_reset_confirm": "20/minute",  # new passwords from a reset link, per client
            "password_change": "5/minute",  # password changes per account
            "exercise_submission": "20/hour",  # exercise-submission/ (add permission exempt)
        }
        self.RATE_LIMITS = {
            scope: os.environ.get(f"RATE_LIMIT_{scope.upper()}", value)
            for scope, value in defaults.items()
        }

        # The public address of the site (upstream's SITE_URL): mail links are built from it,
        # never from a request's Host header. Serving without it is refused (``serving_problem``).
        self.SITE_URL = checked_site_url(os.environ.get("SITE_URL", ""))
        # Host names the site answers to (Flask's TRUSTED_HOSTS, Django's ALLOWED_HOSTS), comma
        # separated; once set, any other Host is a 400. Unset, every request is treated as
        # addressed to SITE_URL's host, so no link is ever built from a client's Host header.
        self.TRUSTED_HOSTS = [
            host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()
        ] or None
        self.SITE_NAME = os.environ.get("SITE_NAME", "wger")

        # Mail. With MAIL_SERVER it is sent over SMTP (by a background thread: a slow or failing
        # server never holds up or fails a request; failures are logged and retried). Without
        # one, on a development site (SITE_URL on a loopback address) mail goes to the local
        # outbox that /dev/mail/ shows; anywhere else it is written to the log, links masked.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER") or (
            os.environ.get("MAIL_SMTP_HOST", "localhost")
            if os.environ.get("MAIL_BACKEND") == "smtp"  # the earlier names still work
            else ""
        )
        self.MAIL_USE_SSL = env_bool("MAIL_USE_SSL", False)  # TLS from the first byte (465)
        self.MAIL_USE_TLS = env_bool("MAIL_USE_TLS", False)  # STARTTLS (587)
        default_port = 465 if self.MAIL_USE_SSL else 587 if self.MAIL_USE_TLS else 25
        self.MAIL_PORT = env_int("MAIL_PORT", env_int("MAIL_SMTP_PORT", default_port), minimum=1)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        self.MAIL_TIMEOUT = env_int("MAIL_TIMEOUT", 10, minimum=1)  # seconds per SMTP attempt
        # Seconds to wait before each retry of a mail the server did not take.
        self.MAIL_RETRY_DELAYS = env_delays("MAIL_RETRY_DELAYS", (10.0, 60.0, 300.0))
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "wger <noreply@localhost>")
        # The local outbox (/dev/mail/): only without a mail server and only for a loopback
        # SITE_URL; MAIL_OUTBOX=false switches it off there too.
        self.MAIL_OUTBOX = (
            env_bool("MAIL_OUTBOX", True)
            and not self.MAIL_SERVER
            and is_loopback_url(self.SITE_URL)
        )
        self.MAIL_OUTBOX_PATH = str(folder / "outbox")
        # The log fallback shows verification and reset links in full only at DEBUG.
        self.MAIL_LOG_LEVEL = os.environ.get("MAIL_LOG_LEVEL", "INFO").upper()

        # Cookies of the web pages
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
        self.WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
        # Web sessions live on the server: ended after this many idle minutes, and this many
        # hours after the login whatever happens (OWASP ASVS 3.3.2 level 2: 30 min / 12 h).
        self.SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT", 30, minimum=1)
        self.SESSION_LIFETIME_HOURS = env_int("SESSION_LIFETIME", 12, minimum=1)
        # Strict-Transport-Security on answers that came over HTTPS (directly or through the
        # NUMBER_OF_PROXIES trusted proxies). Off by default: plain-HTTP development.
        self.STRICT_TRANSPORT_SECURITY = env_bool("STRICT_TRANSPORT_SECURITY", False)
        self.STRICT_TRANSPORT_SECURITY_MAX_AGE = env_int(
            "STRICT_TRANSPORT_SECURITY_MAX_AGE", 365 * 24 * 3600
        )

        # The API's OpenAPI document (flask-smorest); the UIs are served by api_root.
        self.API_TITLE = "wger"
        self.API_VERSION = "2.7.0"
        self.OPENAPI_VERSION = "3.0.3"

        # Uploaded files (gallery photos; see docs/media.md): a directory every worker shares
        self.MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or str(folder / "media")
        # Where they are kept (docs/media.md): "local" (MEDIA_ROOT, the default) or "s3", an
        # S3-compatible bucket every host shares; boto3 reads credentials, region and
        # endpoint from the usual AWS_* variables, the MEDIA_S3_* ones override for media only.
        self.MEDIA_STORAGE = env_choice("MEDIA_STORAGE", ("local", "s3"), "local")
        self.MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "").strip()
        if self.MEDIA_STORAGE == "s3" and not self.MEDIA_S3_BUCKET:
            raise ConfigurationError(
                "MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET, the bucket uploads are kept in "
                "(credentials, region and endpoint come from the usual AWS_* variables)."
            )
        self.MEDIA_S3_PREFIX = os.environ.get("MEDIA_S3_PREFIX", "").strip("/")
        self.MEDIA_S3_ENDPOINT_URL = os.environ.get("MEDIA_S3_ENDPOINT_URL", "").strip()
        self.MEDIA_S3_REGION = os.environ.get("MEDIA_S3_REGION", "").strip()
        self.MEDIA_S3_ADDRESSING_STYLE = env_choice(
            "MEDIA_S3_ADDRESSING_STYLE", ("auto", "path", "virtual"), "auto"
        )
        # /media/ streams the object through the app (same headers as local files) or
        # redirects to a presigned URL valid this many seconds.
        self.MEDIA_S3_SERVE = env_choice("MEDIA_S3_SERVE", ("stream", "redirect"), "stream")
        self.MEDIA_S3_URL_SECONDS = env_int("MEDIA_S3_URL_SECONDS", 300, minimum=1)
        self.UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1)
        self.UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000, minimum=1)

        # PowerSync, the mobile app's sync service (docs/powersync.md): the RSA pair that signs
        # its tokens, in upstream's format (base64url-encoded JSON Web Keys, so an upstream
        # docker prod.env works unchanged), and where the app finds the service.
        self.JWT_PRIVATE_KEY = os.environ.get("JWT_PRIVATE_KEY", "")
        self.JWT_PUBLIC_KEY = os.environ.get("JWT_PUBLIC_KEY", "")
        self.POWERSYNC_URL = os.environ.get("POWERSYNC_URL", "")  # default: SITE_URL + /ps/
        self.POWERSYNC_URL_PATH = os.environ.get("POWERSYNC_URL_PATH", "ps")
        # The service's storage database (flask powersync setup-storage makes its role, schema)
        self.PS_STORAGE_PG_URI = os.environ.get("PS_STORAGE_PG_URI", "")

        # Users' own answers kept per worker under their data stamp (rest/owner_answers.py,
        # docs/performance.md "Owner data"): 8 MiB holds a few thousand answers; 0 turns the
        # store off.
        self.OWNER_ANSWER_CACHE_BYTES = env_int("OWNER_ANSWER_CACHE_BYTES", 8 * 1024 * 1024)

        self.JSON_SORT_KEYS = False
        self.MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", 25 * 1024 * 1024)


class TestConfig(Config):
    """Settings for the test suite: a throw-away database and fast password hashing."""

    __test__ = False  # not a pytest test class
    TESTING = True

    def __init__(self, database_url: str | None = None) -> None:
        super().__init__()
        self.TESTING = True
        self.SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256-signatures"
        self.JWT_SECRET_KEY = self.SECRET_KEY
        if database_url:
            self.SQLALCHEMY_DATABASE_URI = normalize_database_url(database_url)
            self.SQLALCHEMY_ENGINE_OPTIONS = engine_options(self.SQLALCHEMY_DATABASE_URI)
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.PASSWORD_HASH_FAST = True
        # The test client's host: links in answers and mails point at it.
        self.SITE_URL = "http://localhost"
        self.TRUSTED_HOSTS = None
        self.MAIL_SERVER = ""
        self.MAIL_OUTBOX = True
        self.MAIL_OUTBOX_PATH = str(instance_path() / "outbox")
        if not os.environ.get("JWT_PRIVATE_KEY"):
            self.JWT_PRIVATE_KEY, self.JWT_PUBLIC_KEY = test_powersync_keys()


@functools.cache
def test_powersync_keys() -> tuple[str, str]:
    """One PowerSync key pair per test process (RSA generation takes a moment)."""
    from wger_flask.services.powersync import generate_key_pair

    return generate_key_pair()
