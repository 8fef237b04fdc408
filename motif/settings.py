"""Motif settings, driven by the environment (12-factor).

With no environment at all Motif runs in *embedded* mode: SQLite, the in-memory channel
layer and jobs executed in a thread pool inside the web process. Setting ``REDIS_URL``
switches to *distributed* mode: Celery over Redis and the Redis channel layer.
"""
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


DATA_DIR = Path(os.environ.get("MOTIF_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key():
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "motif",
    "accounts",
    "jobs",
    "studio",
    "recommender",
    "perception",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motif.urls"
ASGI_APPLICATION = "motif.asgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'motif.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets the web process read while a job thread writes; NORMAL sync is safe under WAL.
    DATABASES["default"]["OPTIONS"].update({
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    # A file (not memory) so that the browser tests' server threads share it; one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-motif-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("MOTIF_MEDIA_ROOT", DATA_DIR / "media"))
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "Motif <noreply@motif.local>")

# --- Motif -----------------------------------------------------------------------------
MOTIF_MODEL_DIR = os.environ.get("MOTIF_MODEL_DIR") or None
MOTIF_MAX_UPLOAD_MB = env_int("MOTIF_MAX_UPLOAD_MB", 200)
# Per-kind upload limits (motif/uploads.py); videos use MOTIF_MAX_UPLOAD_MB.
MOTIF_MAX_SCORE_UPLOAD_MB = env_int("MOTIF_MAX_SCORE_UPLOAD_MB", 20)
MOTIF_MAX_LYRICS_UPLOAD_KB = env_int("MOTIF_MAX_LYRICS_UPLOAD_KB", 100)
MOTIF_MAX_VIDEO_SECONDS = env_int("MOTIF_MAX_VIDEO_SECONDS", 1200)
MOTIF_MAX_ACTIVE_JOBS_PER_USER = env_int("MOTIF_MAX_ACTIVE_JOBS_PER_USER", 4)
MOTIF_EVENT_RETENTION_DAYS = env_int("MOTIF_EVENT_RETENTION_DAYS", 365)
MOTIF_JOBS_EAGER = env_bool("MOTIF_JOBS_EAGER", False)
MOTIF_EMBEDDED_WORKERS = env_int("MOTIF_EMBEDDED_WORKERS", 2)
MOTIF_WARM_UP = env_bool("MOTIF_WARM_UP", True)
# Threads serving HTTP in each server process (see motif/asgi.py); WebSockets need none.
MOTIF_HTTP_THREADS = env_int("MOTIF_HTTP_THREADS", 2)
MOTIF_JOB_SOFT_TIME_LIMIT = env_int("MOTIF_JOB_SOFT_TIME_LIMIT", 3300)
MOTIF_JOB_HARD_TIME_LIMIT = env_int("MOTIF_JOB_HARD_TIME_LIMIT", 3600)
MOTIF_JOB_MAX_ATTEMPTS = env_int("MOTIF_JOB_MAX_ATTEMPTS", 2)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A multipart body over the largest upload any kind accepts is refused before it is read (motif/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "motif.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

REDIS_URL = os.environ.get("REDIS_URL") or None
MOTIF_MODE = "distributed" if REDIS_URL else "embedded"

if REDIS_URL:
    # Shared by every web process and worker (e.g. a feed session's already-shown items).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The default capacity (100) silently drops group messages past it.
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 5000, "expiry": 60},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 5000}}}

# Celery (distributed mode). Early ack is Celery's default: we ack late and requeue the
# job when its worker dies, and keep Redis's visibility timeout above the hard time limit.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = MOTIF_JOB_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = MOTIF_JOB_HARD_TIME_LIMIT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("MOTIF_VISIBILITY_TIMEOUT", MOTIF_JOB_HARD_TIME_LIMIT + 600)
}
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_ROUTES = {"jobs.run_job": {"queue": "cpu"}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "reap-stale-jobs": {"task": "jobs.reap_stale_jobs", "schedule": 300.0, "options": {"queue": "cpu"}},
    "retrain-recommender": {"task": "recommender.retrain", "schedule": 86400.0, "options": {"queue": "cpu"}},
    "fold-old-events": {"task": "recommender.fold_old_events", "schedule": 86400.0, "options": {"queue": "cpu"}},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "motif.api.exception_handler",
    # Bounded in size and JSON nesting; 413/400 JSON sentences, never a 500 (motif/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "motif.parsers.JSONParser", "motif.parsers.FormParser", "motif.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Motif API",
    "DESCRIPTION": "Compose, recommend and analyse music. Every long operation returns a job (HTTP 202).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "jobs.models.Job.Status",
        "LyricReportStatusEnum": "perception.models.LyricReport.Status",
    },
}

# Security. Behind HTTPS (DJANGO_HTTPS=1) the production settings pass `check --deploy`.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
if env_bool("DJANGO_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTIF_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}
