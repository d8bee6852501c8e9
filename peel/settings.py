"""Settings for the PEEL site, read from the environment.

Local defaults are safe to run on a laptop: SQLite in the project folder and debug off unless asked for.
Production sets DATABASE_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS; with debug off, a missing secret
key or host list stops start-up instead of running with a guessable key.
"""

import hashlib
import os
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

SECRET_KEY = (
    env_required(
        "DJANGO_SECRET_KEY",
        when=not LOCAL,
        why="when DJANGO_DEBUG is off (make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')",
    )
    or "local-only-insecure-key-never-used-in-production"
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if LOCAL else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is off, for example DJANGO_ALLOWED_HOSTS=peel.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
PEEL_CONTACT_EMAIL = os.environ.get("PEEL_CONTACT_EMAIL", "").strip()  # shown on /contact/ when set

INSTALLED_APPS = [
    "django.contrib.admin",
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
    "peel.apps.PeelConfig",
    "forces",
    "inspections",
    "consultations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "peel.caching.pages.PageCacheMiddleware",  # anonymous visitors' pages, before any session is read
    "peel.database.ReplicaReadsMiddleware",  # and, with DATABASE_REPLICA_URL, read from the replica
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "peel.publishing.preview.PreviewMiddleware",  # ?preview=: staff and preview links see drafts
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
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

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# An optional read replica for anonymous visitors' pages (peel/database.py). Tests use the primary for it.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
        test_options={"MIRROR": "default"},
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
        return {"BACKEND": "peel.caching.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}
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

# Behind a TLS-terminating proxy in production; harmless locally where DEBUG or DJANGO_LOCAL is on.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not LOCAL
CSRF_COOKIE_SECURE = not LOCAL
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
