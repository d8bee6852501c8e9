"""Settings for the PEEL site, read from the environment.

Local defaults are safe to run on a laptop: SQLite in the project folder and debug off unless asked for.
Production sets DATABASE_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; with debug off, a missing secret
key or host list stops start-up instead of running with a guessable key.
"""

import hashlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    """Read a yes/no variable, refusing anything that is not clearly one or the other."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_list(name, default=()):
    raw = os.environ.get(name, "")
    items = [item.strip() for item in raw.split(",") if item.strip()]
    return items or list(default)


def env_required(name, *, when, why):
    value = os.environ.get(name, "").strip()
    if when and not value:
        raise ImproperlyConfigured(f"{name} must be set {why}.")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)
# Tests and local runs need no secrets; a server with debug off must be given its own.
LOCAL = DEBUG or env_bool("DJANGO_LOCAL", False)


def local_secret_key(path):
    """The key a local run signs with: made at random on this machine the first time, then kept in an ignored
    file, so that every process of a local run (runserver's reloader, gunicorn's workers, a test's servers)
    agrees on it and no key is ever published with the code."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    draft = path.with_name(f"{path.name}.{os.getpid()}")
    draft.write_text(secrets.token_urlsafe(50))
    draft.chmod(0o600)
    try:
        os.link(draft, path)  # fails if another process got there first: then theirs is the key
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env_required(
    "DJANGO_SECRET_KEY",
    when=not LOCAL,
    why="when DJANGO_DEBUG is off (make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')",
) or local_secret_key(BASE_DIR / ".local-secret-key")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off, for example DJANGO_ALLOWED_HOSTS=peel.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
PEEL_CONTACT_EMAIL = os.environ.get("PEEL_CONTACT_EMAIL", "").strip()  # shown on /contact/ when set

INSTALLED_APPS = [
    "peel.apps.PeelAdminConfig",  # Django's admin, as PEEL's staff site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from this site's own static files
    "reversion",  # revisions of what staff author in the admin (peel/revisions.py)
    "axes",  # failed staff sign-ins, and lockouts (peel/security)
    "django_otp",  # two-factor sign-in for staff (peel/security/twofactor.py)
    "django_otp.plugins.otp_totp",
    "peel.apps.PeelConfig",
    "forces",
    "inspections",
    "consultations",
]

MIDDLEWARE = [
    "peel.health.HealthCheckMiddleware",  # /healthz and /readyz, before any host check, redirect or cache
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "peel.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "peel.outage.OutageMiddleware",  # a 503 when the database fails, here or in any middleware below
    "peel.caching.pages.PageCacheMiddleware",  # anonymous visitors' pages, before any session is read
    "peel.database.ReplicaReadsMiddleware",  # and, with DATABASE_REPLICA_URL, read from the replica
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "peel.security.twofactor.RequireTwoFactorMiddleware",
    "peel.publishing.preview.PreviewMiddleware",  # ?preview=: staff and preview links see drafts
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last: answers a locked-out sign-in with its page
]

ROOT_URLCONF = "peel.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["peel.templatetags.peel", "django.contrib.humanize.templatetags.humanize"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "peel.context_processors.navigation",
                "consultations.context_processors.open_consultations",
                "peel.publishing.preview.context",
            ],
        },
    },
]

WSGI_APPLICATION = "peel.wsgi.application"

# A PostgreSQL server that cannot be reached must fail a page within seconds (peel/outage.py answers 503), not
# hold a worker while the operating system keeps trying: a connection attempt gives up after this long. A
# connect_timeout given in the database's URL wins.
db_connect_timeout = int(os.environ.get("DJANGO_DB_CONNECT_TIMEOUT", "").strip() or "3")


def quick_to_give_up(database):
    if database["ENGINE"].endswith(("postgresql", "postgis")):
        database.setdefault("OPTIONS", {}).setdefault("connect_timeout", db_connect_timeout)
    return database


DATABASES = {
    "default": quick_to_give_up(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
}
# An optional read replica for anonymous visitors' pages (peel/database.py). Tests use the primary for it.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = quick_to_give_up(
        dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
            conn_health_checks=True,
            test_options={"MIRROR": "default"},
        )
    )
    DATABASE_ROUTERS = ["peel.database.ReplicaRouter"]
DATABASE_REPLICA_LAG_SECONDS = int(os.environ.get("DATABASE_REPLICA_LAG_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache for everything the processes of a site share: the consultation rate limits ("default") and the
# public pages ("pages", see peel/caching). Each process keeps its own in memory unless REDIS_URL names a Redis
# server, which every server and worker then shares: set it whenever more than one process serves the site, or
# a publish seen by one worker would not drop the pages another keeps.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()


def cache(prefix, max_entries):
    if REDIS_URL:
        return {
            "BACKEND": "peel.caching.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            # A Redis server gone silent must fail a request in seconds (pages are then answered without the
            # cache), not hold it until gunicorn's timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": max_entries}}


CACHES = {"default": cache("peel", 10_000), "pages": cache("peel-pages", 1_000)}

CODE_SUFFIXES = {".py", ".html", ".txt", ".xml", ".scss", ".mjs", ".js", ".svg"}


def code_version():
    """What a cached page was rendered by: PEEL_RELEASE when the deployment names itself (a commit, say), else
    a digest of the code and templates, so servers running the same code share pages and a new version never
    serves an old one's."""
    named = os.environ.get("PEEL_RELEASE", "").strip()
    if named:
        return named
    digest = hashlib.sha256()
    folders = ("peel", "forces", "inspections", "consultations", "templates", "static")
    paths = [path for folder in folders for path in (BASE_DIR / folder).rglob("*") if path.suffix in CODE_SUFFIXES]
    for path in sorted([*paths, BASE_DIR / "requirements.lock", BASE_DIR / "package-lock.json"]):
        if path.is_file():
            digest.update(str(path.relative_to(BASE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


PEEL_CODE_VERSION = code_version()
# Off: every page is rendered afresh. Off by default on a developer's machine without Redis, where a change
# made by another process (manage.py load_peel_data beside runserver) could not reach the server's memory.
PEEL_PAGE_CACHE = env_bool("PEEL_PAGE_CACHE", bool(REDIS_URL) or not LOCAL)
PEEL_PAGE_CACHE_SECONDS = int(os.environ.get("PEEL_PAGE_CACHE_SECONDS", "600"))  # a page's longest stay
# With Redis, the pages each process keeps in its own memory as well, so that serving one needs no round trip.
PEEL_PAGE_CACHE_NEARBY = int(os.environ.get("PEEL_PAGE_CACHE_NEARBY", "200"))
PEEL_PAGE_BROWSER_SECONDS = int(os.environ.get("PEEL_PAGE_BROWSER_SECONDS", "60"))  # Cache-Control max-age
# The years, pillars, regions, forces and open consultations that nearly every page reads, worked out once per
# content token in each process (peel/caching/kept.py): on where the page cache would be, for the same reason.
PEEL_KEEP_SITE_FACTS = env_bool("PEEL_KEEP_SITE_FACTS", bool(REDIS_URL) or not LOCAL)

# Staff sign-in. django-axes counts failures per address and per username: five in a row lock that address,
# or that username from anywhere, for 15 minutes (DJANGO_LOGIN_COOLOFF_MINUTES). A password cannot be guessed
# at five tries a quarter-hour, and a real person locked out by someone else's guessing waits at most that
# long after the guessing stops (each address doing it is locked too). Further tries during a lockout do not
# extend it. A right password clears that person's count.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "peel.security.clients.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/peel/locked_out.html"
AXES_VERBOSE = False  # peel.security logs every sign-in and failure itself (peel/security/logins.py)
# Two-factor sign-in (an authenticator app's code) for every staff session; on by default in production.
PEEL_REQUIRE_2FA = env_bool("DJANGO_REQUIRE_2FA", not LOCAL)
OTP_TOTP_ISSUER = "PEEL publishing"
# Where /.well-known/security.txt sends vulnerability reports: a mailto: or https: address; without one, the
# site's contact page.
PEEL_SECURITY_CONTACT = os.environ.get("PEEL_SECURITY_CONTACT", "").strip()
if PEEL_SECURITY_CONTACT and not PEEL_SECURITY_CONTACT.startswith(("mailto:", "https://")):
    raise ImproperlyConfigured("PEEL_SECURITY_CONTACT must start with mailto: or https://.")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # GOV.UK Frontend's fonts-free assets and ES module, installed by npm.
    ("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if env_bool("DJANGO_PLAIN_STATIC", DEBUG)
            else "peel.storage.StaticFilesStorage"
        )
    },
}

# HTTPS. In production every request must arrive over HTTPS: plain HTTP is redirected, and HSTS tells browsers
# (and, through the preload list, browsers that have never visited) to use nothing else for two years.
# DJANGO_BEHIND_PROXY=true says the site sits behind a proxy that ends TLS and sets X-Forwarded-Proto and
# X-Forwarded-For; only then are those headers believed. Without it, anyone who can reach the app server could
# claim HTTPS or another client's address with them.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies add themselves to X-Forwarded-For: the client is the address that many places from its end.
PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", "1"))
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not LOCAL)
SECURE_HSTS_SECONDS = 0 if LOCAL else int(os.environ.get("DJANGO_HSTS_SECONDS", str(2 * 365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Cookies: only the staff admin's session and the CSRF token of forms, both sent over HTTPS only, never readable
# by scripts (the admin's script takes the token from its form), and not sent on other sites' cross-site
# requests. In production their names carry the __Host- prefix, which browsers accept only from a secure
# origin with no Domain, so no other site under the same domain can set or shadow them.
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
SESSION_COOKIE_NAME = "sessionid" if LOCAL else "__Host-sessionid"
CSRF_COOKIE_NAME = "csrftoken" if LOCAL else "__Host-csrftoken"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A staff session ends when the browser closes, and in any case this long after signing in.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_SECONDS", str(8 * 60 * 60)))

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PEEL_CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"  # set by peel.security.headers, static files included
X_FRAME_OPTIONS = "DENY"
# Scripts, styles, fonts and images only from this site: no inline script or style anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Powerful browser features this site never uses, refused to every origin including its own (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Email: consultation receipts. With EMAIL_HOST set, mail goes out through that SMTP server; without it, a
# local run prints each message to the console and a server sends none (a receipt is a courtesy: a response
# is stored whether or not its receipt can be sent).
smtp_host = os.environ.get("EMAIL_HOST", "").strip()  # lower case: Django 6.1 reads mail settings from MAILERS
if smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": smtp_host,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {
        "default": {
            "BACKEND": (
                "django.core.mail.backends.console.EmailBackend"
                if LOCAL
                else "django.core.mail.backends.dummy.EmailBackend"
            )
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PEEL assessments <no-reply@localhost>")

# The read-only JSON API under /api/v1/ (peel/api.py): Django REST framework, described by drf-spectacular.
# Anyone may read, with GET or HEAD only; answers and refusals alike are JSON (no browsable HTML pages, no
# ?format= switch); nothing is parsed from request bodies. Lists paginate and filter in peel.api.PublicViewSet.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_METADATA_CLASS": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "peel.api.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PEEL assessments API",
    "DESCRIPTION": (
        "Published PEEL grades for the police forces of England and Wales: regions, forces, inspection years "
        "with their pillars and questions, assessments, every grade, and each year's table. Read-only; lists "
        "are paginated; every refusal is JSON with a `detail` message."
    ),
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "peel.api.document_errors"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"timed": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # django-axes's own lines mask who and where; peel.security logs each sign-in with both.
    "loggers": {"axes": {"level": "WARNING"}},
}
