"""One env-driven settings module.

Every value comes from the environment with a default that runs on a laptop
(SQLite file, django-q2 ORM broker, console email). With DJANGO_DEBUG off the
defaults that are unsafe in production are refused at start-up.
"""

from datetime import timedelta
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("DJANGO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {raw!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    try:
        return int(raw) if raw else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


DEBUG = env_bool("DJANGO_DEBUG", True)
_INSECURE_KEY = "insecure-dev-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _INSECURE_KEY if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _INSECURE_KEY):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
if not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak: use at least 50 random characters "
                               "(python -c 'import secrets; print(secrets.token_urlsafe(50))')")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "config.admin_site.ProductionAdminConfig",  # django.contrib.admin, with daily work before system tables
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, no CDN
    "django_fsm",
    # production before django_q: its qcluster command (a clean stop on SIGTERM) shadows django-q2's.
    "production",
    "django_q",
    "django_htmx",
    "axes",
    "partners",
    "designs",
    "orders",
    "tasks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "partners.middleware.KeepPartnersOutOfAdminMiddleware",
    # AxesMiddleware last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default's SQLite file lives there
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Persistent connections, checked before each request reuses one: a database restart costs a
        # reconnect, not an error.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves a web process and a worker at once: readers never wait for the writer
    # (WAL), a writer waits for the lock instead of failing (busy timeout), and a transaction takes the
    # write lock when it begins (IMMEDIATE), so two never deadlock upgrading a read lock ("database is locked").
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "partners.backends.EmailOrUsernameBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
FORMAT_MODULE_PATH = ["config.formats"]  # one way to write a date everywhere: config/formats/en/formats.py
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "config" / "static"]  # what config/ serves itself (the admin's searching filter)

LOGIN_URL = "portal:login"
LOGIN_REDIRECT_URL = "portal:hub"

# --- Security (production values come from the environment) -----------------
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None

# --- Email -------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "config.mail.ReadableConsoleBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)  # seconds; a hanging SMTP server must not hold a job forever
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "production@localhost")
if not DEBUG and "EMAIL_BACKEND" not in os.environ:
    # The default prints mail to the console, and a partner's notification is then marked sent: say how mail goes
    # (SMTP: django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST...; the console one, named, is allowed).
    raise ImproperlyConfigured("EMAIL_BACKEND must be set when DJANGO_DEBUG is off (the default only prints mail "
                               "to the console)")

# --- Order webhook ------------------------------------------------------------
ORDER_WEBHOOK_SECRET = os.environ.get("ORDER_WEBHOOK_SECRET", "dev-webhook-secret" if DEBUG else "")
if not DEBUG and len(ORDER_WEBHOOK_SECRET) < 32:
    raise ImproperlyConfigured("ORDER_WEBHOOK_SECRET must be at least 32 characters when DJANGO_DEBUG is off "
                               "(it signs the storefront's orders)")

# --- REST framework ------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only (docs/api.md): form encodings would turn "0" into false and hide type errors.
    "DEFAULT_PARSER_CLASSES": ["config.parsers.StrictJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Per client IP, on the token endpoint (DRF rate syntax: "30/min", "500/hour").
    "DEFAULT_THROTTLE_RATES": {"auth": os.environ.get("AUTH_RATE_LIMIT", "30/min")},
    # The client's IP is the socket's; behind the proxy, the address it appended to X-Forwarded-For.
    "NUM_PROXIES": 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Production API",
    "DESCRIPTION": "Production runs, dispatch and the partner hub of the brand.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema.add_error_responses",
        "config.schema.state_request_rules",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RunStatusEnum": "production.models.RunStatus",
        "DispatchStateEnum": "production.models.DispatchState",
        "TaskStatusEnum": "tasks.models.Task.Status",
        "DesignStatusEnum": "designs.models.Design.Status",
        "OrderStatusEnum": "orders.models.Order.Status",
        "ConsumptionKindEnum": "production.models.ConsumptionKind",
    },
}

# --- Background jobs (django-q2) ---------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
Q_CLUSTER = {
    "name": "production",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 60,
    # retry must exceed timeout, or a slow job is handed out twice while it runs.
    "retry": 90,
    "max_attempts": 5,
    "queue_limit": 50,
    "catch_up": False,
    # On SQLite only: how often an idle cluster asks the ORM broker for work (django-q2's default). On PostgreSQL
    # the broker is woken by NOTIFY instead (config.queue, set below): polling every 25 ms for #17's latency goal
    # cost 9% of a core while idle.
    "poll": env_int("Q_POLL_MS", 200) / 1000,
    "sync": env_bool("Q_SYNC", False),
    # django-q2 needs the key when Q_CLUSTER_NAME (or qcluster --name) picks another queue.
    "ALT_CLUSTERS": {},
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        Q_CLUSTER["broker_class"] = "config.queue.ListeningORM"  # woken by NOTIFY; SQLite polls

# API tokens (django-rest-knox): "Authorization: Token <key>", hashed at rest, one per login.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=env_int("TOKEN_TTL_DAYS", 30)),
    "AUTH_HEADER_PREFIX": "Token",
}

# Content-Security-Policy (django-csp) on every page: scripts only from this site (htmx ships in
# django-htmx, the admin's own files, the API docs' split Swagger UI); inline styles are allowed
# (the pages' small <style> blocks), inline scripts are not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Shared by every web process (the login rate limit counts here): Redis when configured, else the
# database (its table is made by a migration), never process memory.
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL} if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"}
)}

# --- Login lockout (django-axes) ------------------------------------------------
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "partners.backends.client_ip"  # behind a proxy: the client's, not the proxy's
AXES_RESET_ON_SUCCESS = True  # the token endpoint sends user_logged_in too, so it resets as well
AXES_USERNAME_CALLABLE = "partners.backends.lockout_username"  # one count per username, whatever its case
AXES_LOCKOUT_TEMPLATE = "portal/locked_out.html"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Base URL used in emails (links back to the portal).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")
if not DEBUG and "SITE_URL" not in os.environ:
    raise ImproperlyConfigured("SITE_URL must be set when DJANGO_DEBUG is off (the links in emails point at it)")

# Money: one currency per installation (ISO 4217), returned as `currency` wherever an amount is.
CURRENCY = os.environ.get("CURRENCY", "EUR")

# Operations staff: each staff alert (declined, parked, escalated, ...) is also emailed here when set (addresses
# separated by commas). Without it alerts are in the admin's Staff inbox only.
OPS_EMAIL = os.environ.get("OPS_EMAIL", "")
# How often the reminder ladder's schedule runs (django-q2; set on migrate).
REMINDER_INTERVAL_MINUTES = env_int("REMINDER_INTERVAL_MINUTES", 15)
