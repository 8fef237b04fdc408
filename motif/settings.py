"""Motif settings, driven by the environment (12-factor).

With no environment at all Motif runs in *embedded* mode: SQLite, the in-memory channel
layer and jobs executed in a thread pool inside the web process. Setting ``REDIS_URL``
switches to *distributed* mode: Celery over Redis and the Redis channel layer.
"""
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, WASM_UNSAFE_EVAL
from django.utils.translation import gettext_lazy as _

from motif import broker

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
        # Several processes may start at once: each writes a whole file of its own; the first link wins.
        temp = key_file.with_name(f".motif-tmp-{os.getpid()}-secret_key")
        temp.write_text(secrets.token_urlsafe(64))
        temp.chmod(0o600)
        try:
            os.link(temp, key_file)
        except FileExistsError:
            pass
        finally:
            temp.unlink()
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
    "axes",
    "csp",
    "motif",
    "accounts",
    "jobs",
    "studio",
    "recommender",
    "perception",
    "perception.lyrics",
    "perception.video",
]

MIDDLEWARE = [
    "jobs.metrics.PrometheusMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "motif.ratelimits.RateLimitMiddleware",
    # Last, so that it sees the lockout flag that a failed login left on the request.
    "axes.middleware.AxesMiddleware",
    "motif.middleware.DiskFullMiddleware",
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
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out account before the password is even checked (see "Failed logins" below).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
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
    "default": {"BACKEND": "motif.storage.AtomicFileSystemStorage"},
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
# An uploaded score is parsed in a child process limited to this many seconds and megabytes.
MOTIF_SCORE_PARSE_SECONDS = env_int("MOTIF_SCORE_PARSE_SECONDS", 30)
MOTIF_SCORE_PARSE_MB = env_int("MOTIF_SCORE_PARSE_MB", 1024)
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
# Durable jobs (jobs/queue.py, jobs/recovery.py): a running job's heartbeat, how long it may be
# silent before the sweep re-runs it, how long a dispatched message may go unclaimed before it
# is sent again, how often the sweep runs, and how many jobs per queue are dispatched ahead
# (0: the embedded worker count in embedded mode, 4 in distributed mode).
MOTIF_JOB_HEARTBEAT_SECONDS = env_int("MOTIF_JOB_HEARTBEAT_SECONDS", 15)
MOTIF_JOB_STALE_SECONDS = env_int("MOTIF_JOB_STALE_SECONDS", 60)
MOTIF_DISPATCH_STALE_SECONDS = env_int("MOTIF_DISPATCH_STALE_SECONDS", 600)
MOTIF_JOB_SWEEP_SECONDS = env_int("MOTIF_JOB_SWEEP_SECONDS", 15)
MOTIF_DISPATCH_AHEAD = env_int("MOTIF_DISPATCH_AHEAD", 0)
# Batched inference (motif/inference/): requests for one model gathered for up to the window or the
# maximum rows, run as one forward pass (a maximum of 1 turns batching off). MOTIF_GPU_CONCURRENCY
# jobs of the gpu queue may be in the models at once: the embedded mode's gpu thread pool, and in
# distributed mode the gpu jobs dispatched ahead (match the gpu worker's --concurrency).
MOTIF_BATCH_WINDOW_MS = float(os.environ.get("MOTIF_BATCH_WINDOW_MS", "5"))
MOTIF_BATCH_MAX_SIZE = env_int("MOTIF_BATCH_MAX_SIZE", 128)
MOTIF_GPU_CONCURRENCY = env_int("MOTIF_GPU_CONCURRENCY", 8)
# Embedded mode: at server start re-run interrupted jobs, then run the periodic tasks in-process.
MOTIF_EMBEDDED_SCHEDULER = env_bool("MOTIF_EMBEDDED_SCHEDULER", True)
# Periodic work, one line each: (name, Celery task, every N seconds). Beat runs it in distributed
# mode (CELERY_BEAT_SCHEDULE below), jobs/schedule.py in embedded mode.
MOTIF_PERIODIC_TASKS = [
    ("sweep-jobs", "jobs.sweep", MOTIF_JOB_SWEEP_SECONDS),
    ("retrain-recommender", "recommender.retrain", 86400),
    ("fold-old-events", "recommender.fold_old_events", 86400),
    ("sweep-stale-score-uploads", "studio.sweep_stale_uploads", 3600),
    ("sweep-media", "motif.sweep_media", 3600),
]
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
    # A Redis outage makes the cache miss (logged) instead of failing the page.
    CACHES = {"default": {"BACKEND": "motif.cache.ForgivingRedisCache", "LOCATION": REDIS_URL,
                          "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # The default capacity (100) silently drops group messages past it.
            "CONFIG": {"hosts": [REDIS_URL], "capacity": 5000, "expiry": 60},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "motif.channel_layer.SweepingInMemoryChannelLayer",
                                  "CONFIG": {"capacity": 5000}}}

# Celery (distributed mode). Early ack is Celery's default: we ack late and requeue the
# job when its worker dies, and keep Redis's visibility timeout above the hard time limit.
# CELERY_BROKER_URL=amqp://... selects RabbitMQ (durable queues, persistent messages, publisher
# confirms); the channel layer and cache stay on Redis. See motif/broker.py.
CELERY_BROKER_URL = broker.broker_url(os.environ, REDIS_URL)
CELERY_TASK_QUEUES = broker.task_queues()
CELERY_TASK_DEFAULT_DELIVERY_MODE = "persistent"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = MOTIF_JOB_SOFT_TIME_LIMIT
CELERY_TASK_TIME_LIMIT = MOTIF_JOB_HARD_TIME_LIMIT
# Publishing fails fast when the broker is down (measured: 0.01 s refused, 3 s unresponsive)
# instead of retrying for seconds; the job waits in the outbox for the sweep (jobs/queue.py).
# Workers reconnect by their own policy (CELERY_BROKER_CONNECTION_MAX_RETRIES).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **broker.transport_options(CELERY_BROKER_URL, env_int("MOTIF_VISIBILITY_TIMEOUT", MOTIF_JOB_HARD_TIME_LIMIT + 600)),
    "max_retries": 0,
    "socket_connect_timeout": 2,
    "socket_timeout": 3,
}
CELERY_TASK_DEFAULT_QUEUE = "cpu"
CELERY_TASK_ROUTES = {"jobs.run_job": {"queue": "cpu"}}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    name: {"task": task, "schedule": float(seconds), "options": {"queue": "cpu"}}
    for name, task, seconds in MOTIF_PERIODIC_TASKS
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "motif.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "motif.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "motif.throttles.AnonThrottle",
        "motif.throttles.UserThrottle",
        "motif.throttles.JobSubmitThrottle",
    ],
    # Bounded in size and JSON nesting; 413/400 JSON sentences, never a 500 (motif/parsers.py). JSON by
    # default; the views that take uploads add the bounded form parsers.
    "DEFAULT_PARSER_CLASSES": ["motif.parsers.JSONParser"],
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
        "LyricReportStatusEnum": "perception.lyrics.models.LyricReport.Status",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "motif.schema.document_error_responses"],
}

# Throttles: rates are "count/period" (period s, m, h or d), each overridable by its env variable.
# "anon" and "user" count every API request (by IP, by account), "jobs" every POST to a
# MOTIF_JOB_SUBMIT_VIEWS view (per account), "login", "signup" and "password_reset" the form
# posts of one IP address.
MOTIF_THROTTLE_RATES = {
    "anon": os.environ.get("MOTIF_THROTTLE_ANON", "60/m"),
    "user": os.environ.get("MOTIF_THROTTLE_USER", "300/m"),
    "jobs": os.environ.get("MOTIF_THROTTLE_JOBS", "20/m"),
    "login": os.environ.get("MOTIF_THROTTLE_LOGIN", "10/m"),
    "signup": os.environ.get("MOTIF_THROTTLE_SIGNUP", "5/h"),
    "password_reset": os.environ.get("MOTIF_THROTTLE_PASSWORD_RESET", "5/h"),
}
# Form posts limited per IP: URL name -> scope of MOTIF_THROTTLE_RATES (the admin's login shares "login").
MOTIF_RATE_LIMITED_VIEWS = {
    "login": "login",
    "admin:login": "login",
    "accounts:signup": "signup",
    "password_reset": "password_reset",
}
# API views whose POST submits a job (URL names): the "jobs" scope counts them per account.
MOTIF_JOB_SUBMIT_VIEWS = {
    "job-list",
    "studio-generate",
    "studio-vary",
    "studio-interpolate",
    "studio-harmonize",
    "perception_api:lyrics-list",
    "perception_api:videos-list",
}
# Proxies in front of the site that append to X-Forwarded-For (0: use the connection's address).
# Behind HTTPS the site sits behind a TLS proxy: without this every client would share its address.
MOTIF_TRUSTED_PROXIES = env_int("MOTIF_TRUSTED_PROXIES", 1 if env_bool("DJANGO_HTTPS", False) else 0)
# Retry-After (seconds) when a user is at MOTIF_MAX_ACTIVE_JOBS_PER_USER: about one short job.
MOTIF_ACTIVE_JOBS_RETRY_AFTER = env_int("MOTIF_ACTIVE_JOBS_RETRY_AFTER", 30)
# Model time per user per UTC day (seconds; 0: no limit); staff set per-user quotas in the admin (jobs.quotas).
MOTIF_DAILY_MODEL_SECONDS = env_int("MOTIF_DAILY_MODEL_SECONDS", 3600)
# GET /metrics with "Authorization: Bearer <token>" (Prometheus); empty: staff sessions only (jobs.metrics).
MOTIF_METRICS_TOKEN = os.environ.get("MOTIF_METRICS_TOKEN", "")

# Failed logins (django-axes): after MOTIF_LOGIN_FAILURE_LIMIT wrong passwords for one account
# (from any address), or from one address (to any accounts), logins by that account or from that
# address are refused for MOTIF_LOGIN_LOCKOUT_MINUTES, on the site and in the admin.
AXES_FAILURE_LIMIT = env_int("MOTIF_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MOTIF_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Attempts during a lockout neither count nor extend it, so the owner knows when to come back.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A success does not wipe the failures: axes would wipe all of its address's, so an attacker could
# log into an account of their own between guesses. Failures expire with the cool-off instead.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "motif.ratelimits.client_ip"
AXES_DISABLE_ACCESS_LOG = True

# Content-Security-Policy (django-csp 4): scripts and styles from our own origin only, never inline
# and never eval. The studio's import map is inline data and carries the page's nonce (NONCE is
# left out of the header on pages that use none). 'wasm-unsafe-eval' lets the studio's synthesizer
# compile its WebAssembly Ogg decoder; it does not allow eval() or new Function().
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, WASM_UNSAFE_EVAL],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Security. Behind HTTPS (DJANGO_HTTPS=1) the production settings pass `check --deploy`.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Cookies: session (and the messages cookie, which follows its flags), CSRF and language.
# All are SameSite=Lax (Strict would log out a person arriving from a link elsewhere); all but
# the CSRF cookie are HttpOnly: static/js/api.js reads csrftoken for its X-CSRFToken header.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
if env_bool("DJANGO_HTTPS", False):
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MOTIF_LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}, "axes": {"level": "WARNING"}},
}
