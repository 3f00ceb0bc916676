"""Django settings. Everything a deployment changes comes from HOSHIN_* environment variables."""

import os
import secrets
from pathlib import Path

import dj_database_url

from hoshin.core.limits import BODY_BYTES

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("HOSHIN_DATA_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    if key := os.environ.get("HOSHIN_SECRET_KEY"):
        return key
    # A self-hosted install should not need a manual step: keep a generated key beside the data.
    path = DATA_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


DEBUG = _env_bool("HOSHIN_DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = _env_list("HOSHIN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("HOSHIN_CSRF_TRUSTED_ORIGINS", "")


def _local_url() -> str:
    # Without HOSHIN_BASE_URL, links (the run banner, reminders) point at the address
    # `hoshin serve` listens on, which takes the same HOSHIN_HOST / HOSHIN_PORT.
    host = os.environ.get("HOSHIN_HOST", "127.0.0.1")
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{os.environ.get('HOSHIN_PORT', '8000')}"


BASE_URL = (os.environ.get("HOSHIN_BASE_URL") or _local_url()).rstrip("/")
# Slack's Web API (views.open for the check-in dialog); tests point it at a local server.
SLACK_API_URL = os.environ.get("HOSHIN_SLACK_API_URL", "https://slack.com/api")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    # Optional two-factor log-in for admins (hoshin.web.twofactor): authenticator-app
    # devices and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "hoshin.core",
    "hoshin.org",
    "hoshin.strategy",
    "hoshin.okrs",
    "hoshin.portfolio",
    "hoshin.analyzer",
    "hoshin.planning",
    "hoshin.catchball",
    "hoshin.notify",
    "hoshin.flags",
    "hoshin.pdca",
    "hoshin.reviews",
    "hoshin.audit",
    "hoshin.closing",
    "hoshin.planfile",
    "hoshin.analytics",
    "hoshin.sources",
    # Single sign-on with OpenID Connect (docs/integrations.md "Single sign-on").
    "hoshin.sso",
    "hoshin.webhooks",
    "hoshin.trackers",
    "hoshin.web",
    "hoshin.boardpack",
    "hoshin.demo",
    "hoshin.backup",
    # Last, so the project's django/forms/ templates (hoshin.web) override Django's own.
    "django.forms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "hoshin.core.middleware.RejectBadInput",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # HOSHIN_PASSWORD_LOGIN=off: the password pages and forms refuse (hoshin.sso).
    "hoshin.sso.middleware.PasswordLoginOff",
    "hoshin.web.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "hoshin.web.throttle.RetryAfterMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Every request's database work stops at its time limit (hoshin.core.timelimit).
    "hoshin.core.timelimit.RequestTimeLimit",
    # Last before the views: a retried API POST with the same Idempotency-Key is answered
    # from the first one's stored response (hoshin.core.idempotency).
    "hoshin.core.idempotency.IdempotencyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hoshin.urls"
WSGI_APPLICATION = "hoshin.wsgi.application"

# Forms render through the project's templates: django/forms/field.html (hoshin.web) drops
# the colon Django appends to labels and orders label, errors, input and help.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hoshin.web.context.roles",
                "hoshin.catchball.context.awaiting",
            ],
        },
    },
]

_default_db_url = f"sqlite:///{DATA_DIR / 'hoshin.sqlite3'}"
# Each worker thread keeps its connection between requests (checked before reuse, so one
# the server dropped is opened again): opening one, with its PRAGMAs on SQLite, cost more
# than a page's SQL. HOSHIN_DB_CONN_MAX_AGE=0 closes it after every request.
_CONN_MAX_AGE = int(os.environ.get("HOSHIN_DB_CONN_MAX_AGE", "600"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("HOSHIN_DATABASE_URL", _default_db_url),
        conn_max_age=_CONN_MAX_AGE, conn_health_checks=True,
    )
}
# How long a SQLite write waits for another's lock before "database is locked" (seconds).
_BUSY_TIMEOUT_S = float(os.environ.get("HOSHIN_DB_BUSY_TIMEOUT", "20"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's SQLite backend, plus `PRAGMA optimize` when a connection closes
    # (hoshin/core/sqlite: the statistics SQLite's planner needs, kept up cheaply).
    DATABASES["default"]["ENGINE"] = "hoshin.core.sqlite"
    DATABASES["default"]["OPTIONS"] = {
        # Run once per connection (persistent, so not once per request). WAL lets readers
        # run while one writer commits; IMMEDIATE avoids the "database is locked" upgrade
        # deadlock between two writing transactions.
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={int(_BUSY_TIMEOUT_S * 1000)};"
            "PRAGMA analysis_limit=1000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": _BUSY_TIMEOUT_S,
    }
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _env_bool("HOSHIN_DB_POOL"):
    # PostgreSQL: a pool per worker process (psycopg_pool) instead of one connection per
    # thread; Django refuses persistent connections beside a pool.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("HOSHIN_DB_POOL_SIZE", "4")),
        "timeout": 20,
    }

# Background work runs on a database-backed queue (`hoshin worker`); `hoshin scheduler`
# enqueues the periodic jobs. No threads are started from a request.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A check-in queues the re-judging of its key result's flags for the worker (run after the
# check-in commits) instead of judging them in the request; the test suite judges them in
# the check-in's transaction (tests/conftest.py), so a test sees a flag at once.
FLAGS_JUDGED_IN_CHECKIN = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Person"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The password policy (docs/security.md): long enough, not like the person's name or email,
# not one of 20,000 common passwords, not all digits. Applies wherever a password is set.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("HOSHIN_PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Served over HTTPS (HOSHIN_HTTPS, on by default when HOSHIN_BASE_URL is https://): cookies
# only over HTTPS, and HSTS so browsers never ask over plain HTTP again (docs/security.md).
HTTPS = _env_bool("HOSHIN_HTTPS", default=BASE_URL.startswith("https://"))
SESSION_COOKIE_SECURE = _env_bool("HOSHIN_SECURE_COOKIES", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = int(os.environ.get("HOSHIN_HSTS_SECONDS",
                                         str(365 * 24 * 60 * 60) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("HOSHIN_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_bool("HOSHIN_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = _env_bool("HOSHIN_SSL_REDIRECT")
# Behind a TLS-terminating proxy the request reaches the app as HTTP; trust the proxy's
# X-Forwarded-Proto so Django knows it was HTTPS (needed for HSTS and the redirect).
if _env_bool("HOSHIN_TRUST_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# A session ends 14 days after the log-in however active (hoshin.web.sessions), and after
# 8 hours without a request.
SESSION_COOKIE_AGE = int(float(os.environ.get("HOSHIN_SESSION_DAYS", "14")) * 24 * 60 * 60)
SESSION_IDLE_TIMEOUT = int(float(os.environ.get("HOSHIN_SESSION_IDLE_HOURS", "8")) * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
# Content Security Policy (django-csp): scripts and styles from the app's own static files
# only, plus <style> elements carrying the response's nonce; no inline script, handler or
# style= attribute, no eval, no framing, no plugins (docs/security.md).
from csp.constants import NONCE, NONE, SELF  # noqa: E402

_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if _env_bool("HOSHIN_CSP_REPORT_ONLY"):
    # Reported to the browser console, not enforced: to try a change of policy first.
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
# Single sign-on with OpenID Connect (hoshin.sso; docs/integrations.md "Single sign-on"):
# the provider's endpoints come from its discovery document. mozilla-django-oidc reads
# the OIDC_* names; the HOSHIN_OIDC_* ones are Hoshin's (claims, roles, units).
HOSHIN_OIDC_ISSUER = os.environ.get("HOSHIN_OIDC_ISSUER", "").rstrip("/")
HOSHIN_OIDC_PROVIDER_NAME = os.environ.get("HOSHIN_OIDC_PROVIDER_NAME", "")
OIDC_RP_CLIENT_ID = os.environ.get("HOSHIN_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("HOSHIN_OIDC_CLIENT_SECRET", "")
OIDC_RP_SCOPES = os.environ.get("HOSHIN_OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = os.environ.get("HOSHIN_OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = float(os.environ.get("HOSHIN_OIDC_TIMEOUT", "10"))
OIDC_VERIFY_SSL = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
HOSHIN_OIDC_EMAIL_CLAIM = os.environ.get("HOSHIN_OIDC_EMAIL_CLAIM", "email")
HOSHIN_OIDC_NAME_CLAIM = os.environ.get("HOSHIN_OIDC_NAME_CLAIM", "name")
HOSHIN_OIDC_ROLE_CLAIM = os.environ.get("HOSHIN_OIDC_ROLE_CLAIM", "groups")
# GROUP=ROLE pairs, e.g. "hoshin-admins=admin, okr-office=strategy_office".
HOSHIN_OIDC_ROLES = os.environ.get("HOSHIN_OIDC_ROLES", "")
HOSHIN_OIDC_DEFAULT_ROLE = os.environ.get("HOSHIN_OIDC_DEFAULT_ROLE", "member")
HOSHIN_OIDC_UNIT_CLAIM = os.environ.get("HOSHIN_OIDC_UNIT_CLAIM", "")
HOSHIN_OIDC_CREATE_PEOPLE = _env_bool("HOSHIN_OIDC_CREATE_PEOPLE", True)
# off: people sign in only through the identity provider; no password is checked or set.
HOSHIN_PASSWORD_LOGIN = _env_bool("HOSHIN_PASSWORD_LOGIN", True)
AUTHENTICATION_BACKENDS = (
    (["hoshin.web.throttle.ThrottledModelBackend"] if HOSHIN_PASSWORD_LOGIN else [])
    + ["hoshin.sso.backend.SingleSignOnBackend"])
# Failed log-ins are counted in the database (hoshin.web.throttle), shared by all workers.
LOGIN_THROTTLE_EMAIL_LIMIT = 5
LOGIN_THROTTLE_IP_LIMIT = 20
LOGIN_THROTTLE_WINDOW = 15 * 60
# Set when a reverse proxy in front of the app appends the client address to X-Forwarded-For.
LOGIN_THROTTLE_TRUST_FORWARDED = _env_bool("HOSHIN_TRUST_X_FORWARDED_FOR")
# Seconds a 429 without its own Retry-After tells the client to wait.
RETRY_AFTER_DEFAULT = 60
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Key results fed by data (hoshin.sources): the key that encrypts sources' secrets (a
# Fernet key or any passphrase; derived from SECRET_KEY when unset), the folder whose files
# people may name as sources from the web and the API, and each reading's timeout.
HOSHIN_SECRETS_KEY = os.environ.get("HOSHIN_SECRETS_KEY", "")
HOSHIN_SOURCES_DIR = os.environ.get("HOSHIN_SOURCES_DIR", "")
HOSHIN_SOURCES_TIMEOUT = float(os.environ.get("HOSHIN_SOURCES_TIMEOUT", "10"))
# Signed outgoing webhooks (hoshin.webhooks): seconds a receiver has to answer a delivery.
HOSHIN_WEBHOOK_TIMEOUT = float(os.environ.get("HOSHIN_WEBHOOK_TIMEOUT", "10"))
# Work trackers (hoshin.trackers): seconds to wait for Jira, Asana or GitHub per request.
HOSHIN_TRACKERS_TIMEOUT = float(os.environ.get("HOSHIN_TRACKERS_TIMEOUT", "10"))
# Days a new API token lasts unless its maker sets another expiry (hoshin.org.services).
HOSHIN_TOKEN_DAYS = int(os.environ.get("HOSHIN_TOKEN_DAYS", "90"))

LANGUAGE_CODE = "en"
TIME_ZONE = os.environ.get("HOSHIN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps' static folders when collectstatic has not been run (tests,
# dev). `hoshin serve` collects them first and turns this off, so WhiteNoise serves the
# collected copies with their compressed (gzip) variants instead.
WHITENOISE_USE_FINDERS = _env_bool("HOSHIN_STATIC_FROM_APPS", default=True)

EMAIL_HOST = os.environ.get("HOSHIN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("HOSHIN_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("HOSHIN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("HOSHIN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("HOSHIN_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("HOSHIN_EMAIL_FROM", "hoshin@localhost")
# With no mail server, mail is written to files under the data folder (one file per
# delivery run), so the run command's console stays readable on a day of reminders.
EMAIL_FILE_PATH = Path(os.environ.get("HOSHIN_EMAIL_FILE_PATH", DATA_DIR / "mail"))
if not os.environ.get("HOSHIN_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
# Request bodies are limited once, in hoshin/core/limits.py (checked by RejectBadInput);
# Django's own limit is set to the same so no request meets a second, different one.
DATA_UPLOAD_MAX_MEMORY_SIZE = BODY_BYTES

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOSHIN_LOG_LEVEL", "WARNING")},
}
