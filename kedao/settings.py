"""Kedao settings. Every deploy-specific value comes from the environment, here and nowhere else.

See docs/configuration.md for the list of variables.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from core.assets.plotly_csp import style_hashes as plotly_style_hashes

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("KEDAO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Development and test runs (scripts/demo.sh, scripts/test.sh): plain HTTP on localhost, unhashed
# static files, a built-in key. Never set in production.
KEDAO_DEV = bool(os.environ.get("KEDAO_DEV"))
# A development key is only acceptable while DEBUG is on; production must set SECRET_KEY. Without
# one, maintenance commands (migrate, makemigrations, check) still run, but the web server refuses
# to start (kedao/wsgi.py, kedao/asgi.py) and `check --deploy` reports it.
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-insecure-kedao-key-change-me" if DEBUG or KEDAO_DEV else ""
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "taggit",
    "axes",
    "csp",
    "bootstrap",
    "js_lib_bootstrap_icons",
    "core",
    "org",
    "notifications",
    "approvals",
    "customers",
    "sales",
    "activities",
    "targets",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view or CSRF check reads the body: too large → 413 (JSON under /api/).
    "core.limits.BodySizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    # Read your writes: a user who wrote reads from the primary for a while (core/replica.py).
    "core.replica.ReplicaMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kedao.urls"
WSGI_APPLICATION = "kedao.wsgi.application"
AUTH_USER_MODEL = "org.Employee"
# Widget templates from the project templates too (autocomplete widget).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.navigation",
                "notifications.context_processors.unread_notifications",
                "approvals.context_processors.approvals_waiting",
            ],
        },
    },
]

# Database: SQLite under var/ by default (zero set-up), PostgreSQL in production.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'kedao.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while the other writes; IMMEDIATE
    # transactions plus a busy timeout turn write contention into a short wait, not an error.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("KEDAO_TEST_SQLITE_NAME") or None}
else:
    # Behind a transaction-pooling PgBouncer a named cursor (QuerySet.iterator()) would outlive the
    # server connection it was declared on (docs/scaling.md).
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_DISABLE_SERVER_SIDE_CURSORS", False)
    if os.environ.get("KEDAO_TEST_DB_NAME"):
        DATABASES["default"]["TEST"] = {"NAME": os.environ["KEDAO_TEST_DB_NAME"]}
if os.environ.get("DATABASE_REPLICA_URL"):
    # A streaming replica of the primary: reports, dashboards and exports read from it, everything
    # else and every write goes to "default" (core/replica.py, docs/scaling.md). A test run reads the
    # test database through it (MIRROR): no second test database.
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True)
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"].get("OPTIONS", {}),
                                       **DATABASES["replica"].get("OPTIONS", {})}
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASES["default"].get("DISABLE_SERVER_SIDE_CURSORS", False)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    # Several app servers must share throttling counters and cached figures.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed-login throttling: after AXES_FAILURE_LIMIT failures for one username from one address
# the pair is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.views.auth.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
if int(os.environ.get("PROXY_COUNT", "0")) > 0:
    AXES_IPWARE_PROXY_COUNT = int(os.environ["PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    # plotly.js straight from the installed plotly package (charts, no CDN).
    "core.staticfinders.PackageAssetFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or KEDAO_DEV
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Development and tests serve static files straight from the apps, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG or KEDAO_DEV
WHITENOISE_AUTOREFRESH = DEBUG or KEDAO_DEV
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kedao@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.KedaoPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # JSON that is too deep or too large is a 400/413 (core/api/parsers.py), never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": os.environ.get("API_LOGIN_THROTTLE", "10/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "NUM_PROXIES": int(os.environ.get("PROXY_COUNT", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kedao API",
    "DESCRIPTION": "REST API of Kedao (客道) CRM. Every list is scoped to what the caller may see.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI assets from the installed package: an intranet has no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    # Without this Swagger UI shows a badge image from validator.swagger.io, sending it the schema URL.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name ("status", "kind") get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "LeadStatusEnum": "sales.models.leads.LeadStatus",
        # Open / won / lost: an opportunity's status and a stage's type share one set.
        "OutcomeEnum": "sales.models.opportunities.OpportunityStatus",
        "CloseKindEnum": "sales.models.pipelines.CloseKind",
        "JobStatusEnum": "core.imports.models.JobStatus",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"
TAGGIT_CASE_INSENSITIVE = True
# One tag parser for forms, bulk edit and the API: Chinese separators (，、；) split tags too.
TAGGIT_TAGS_FROM_STRING = "core.tagging.parse_tags"

SESSION_COOKIE_HTTPONLY = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
# Load balancers probe app servers over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# How many reverse proxies stand in front of the app servers. With N > 0 the client address is
# read from X-Forwarded-For (N hops back), so that failed-login lockouts and API throttling count
# per real client, not per proxy; with 0 the header is ignored (it could be forged).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
# HTTPS-only by default in production. A development or test run (KEDAO_DEV) serves plain HTTP
# on localhost (test client, live test server, demo), where a redirect to https:// goes nowhere.
HTTPS_ONLY_DEFAULT = not KEDAO_DEV
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS_ONLY_DEFAULT)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS_ONLY_DEFAULT)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS_ONLY_DEFAULT)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): everything from our own origin, nothing inline. Pages keep
# their scripts in static files (static/kedao/kedao.js; no on* attributes, no <script> blocks, no
# style attributes), so an injected script or style has nowhere to run. Bootstrap draws its icons
# with data: SVGs, hence data: images. The API docs page (Swagger UI) alone adds inline styles
# (kedao/urls.py). tests/browser/test_csp.py visits the pages and fails on any violation.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # plotly.js's own two <style> elements, allowed by hash (core/assets/plotly_csp.py).
        "style-src": ["'self'", *plotly_style_hashes()],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Preloading HSTS binds the whole registrable domain (example.cn, not just crm.example.cn) in every
# browser for months; that is the domain owner's decision (SECURE_HSTS_PRELOAD=1), not a default,
# so `check --deploy` does not warn about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

KEDAO = {
    # Lists count rows only up to this many; beyond it they say "More than 1,000" instead of
    # scanning. A branch manager's customer list at a million customers spent 130 ms counting to
    # 10,000 (docs/benchmarks.md, "Fast generic pages"); to 1,000 it is a tenth of that.
    "LIST_COUNT_LIMIT": int(os.environ.get("KEDAO_LIST_COUNT_LIMIT", "1000")),
    # On PostgreSQL, a page (or bounded count) of a list whose visibility is an OR of several
    # branches (own rows, units, shares, account teams…) is taken branch by branch, each from its
    # own index (core.models.KedaoQuerySet._page_by_branch). Off: one query with the whole OR.
    "PAGE_BY_BRANCH": env_bool("KEDAO_PAGE_BY_BRANCH", True),
    # A text search (`q` on a list or the API, the global search) stops after this many
    # milliseconds on PostgreSQL and asks for a narrower one (core.limits.time_budget): two
    # Chinese characters no index answers read all 10,000,000 activities (30 s). 0: no budget.
    "SEARCH_BUDGET_MS": int(os.environ.get("KEDAO_SEARCH_BUDGET_MS", "1500")),
    "COMPANY_NAME": os.environ.get("KEDAO_COMPANY_NAME", _("Kedao CRM")),
    # API writes (PUT/PATCH/DELETE) must say which version they change (If-Match), or get a 428:
    # no silent lost update. On in production; a development or test run may leave it off.
    "REQUIRE_IF_MATCH": env_bool("KEDAO_REQUIRE_IF_MATCH", not (DEBUG or KEDAO_DEV)),
    # At most this many tags or related rows (members, roles…) in one field of one request, and
    # this many records in one bulk edit or delete (core/limits.py): more is a 400 naming the field.
    "MAX_RELATED_ITEMS": int(os.environ.get("KEDAO_MAX_RELATED_ITEMS", "100")),
    "MAX_BULK_ITEMS": int(os.environ.get("KEDAO_MAX_BULK_ITEMS", "500")),
    # Imports (core/imports/reading.py; docs/configuration.md): the largest file, what an .xlsx may
    # unpack to (zip bombs), rows and columns of a sheet. Exports of more rows than
    # EXPORT_BACKGROUND_ROWS run in the background.
    "IMPORT_MAX_BYTES": int(os.environ.get("KEDAO_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))),
    "IMPORT_MAX_UNCOMPRESSED_BYTES": int(os.environ.get("KEDAO_IMPORT_MAX_UNCOMPRESSED_BYTES",
                                                        str(400 * 1024 * 1024))),
    "IMPORT_MAX_ROWS": int(os.environ.get("KEDAO_IMPORT_MAX_ROWS", "200000")),
    "IMPORT_MAX_COLUMNS": int(os.environ.get("KEDAO_IMPORT_MAX_COLUMNS", "100")),
    "EXPORT_BACKGROUND_ROWS": int(os.environ.get("KEDAO_EXPORT_BACKGROUND_ROWS", "10000")),
    # Where people reach Kedao (https://crm.example.cn): the links in notification e-mails.
    "SITE_URL": os.environ.get("KEDAO_SITE_URL", "").rstrip("/"),
    # A CJK TrueType font file to embed in PDFs (quotes); empty: a font found on the machine, else
    # the standard CID font STSong-Light (sales/quotes/pdf.py).
    "PDF_FONT": os.environ.get("KEDAO_PDF_FONT", ""),
    # Background tasks (core/tasks.py, docs/deployment.md): how many times a failing task runs before
    # it is failed for good (and listed on the failed-tasks page); the wait before the first retry,
    # each next wait TASK_RETRY_FACTOR times longer (1 min, 5 min, 25 min…), give or take 20 %.
    "TASK_ATTEMPTS": int(os.environ.get("KEDAO_TASK_ATTEMPTS", "3")),
    "TASK_RETRY_DELAY": float(os.environ.get("KEDAO_TASK_RETRY_DELAY", "60")),
    "TASK_RETRY_FACTOR": float(os.environ.get("KEDAO_TASK_RETRY_FACTOR", "5")),
    # A task still "running" this many seconds after it started is taken as lost with its worker
    # and queued again: longer than the longest task (a large import), or it may run twice.
    "TASK_STALE_AFTER": int(os.environ.get("KEDAO_TASK_STALE_AFTER", "3600")),
    # With a read replica (DATABASE_REPLICA_URL): for this many seconds after a user writes, their
    # reports, dashboards and exports read from the primary, so that they see what they just saved
    # (core/replica.py). Longer than the replica's usual lag.
    "REPLICA_STICKY_SECONDS": int(os.environ.get("KEDAO_REPLICA_STICKY_SECONDS", "10")),
}
# The largest request body (bytes): larger ones get a 413 before anything reads them
# (core.limits.BodySizeLimitMiddleware; JSON under /api/). Uploaded files do not count.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("KEDAO_MAX_BODY_BYTES", str(2 * 1024 * 1024)))

# Deal documents (sales.documents; docs/configuration.md): stored under PRIVATE_FILES_ROOT, which no
# URL serves (MEDIA_ROOT and the static files are elsewhere); they are downloaded only through a
# view that checks the reader's scope. The largest document one may upload, in bytes.
PRIVATE_FILES_ROOT = Path(os.environ.get("KEDAO_PRIVATE_FILES_ROOT", VAR_DIR / "private"))
KEDAO["DOCUMENT_MAX_BYTES"] = int(os.environ.get("KEDAO_DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
