"""One settings module, read from the environment (see docs/operations.md).

SQLite by default; PostgreSQL by setting DATABASE_URL. Secrets may come from
`<NAME>_FILE` so they never need to sit in the environment itself.
"""

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url

from minxin.core import devkeys
from minxin.ops import logconfig

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str = "False") -> bool:
    return env(name, default).lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


DATA_DIR = Path(env("MINXIN_DATA_DIR", str(Path.cwd() / "var")))
DEBUG = envbool("DEBUG", "False")
DEMO_MODE = envbool("MINXIN_DEMO", "False")
# Outside development, the demo and the test suite, no process starts without its secrets
# (ImproperlyConfigured names the missing ones); inside them, missing secrets come from
# random values generated once under DATA_DIR (minxin/core/devkeys.py, docs/security.md).
DEVELOPMENT_KEYS = devkeys.ensure(
    data_dir=DATA_DIR, development=DEBUG or DEMO_MODE or "pytest" in sys.modules
)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    # Listed so the API docs page serves Swagger UI from our own static files, not a CDN.
    "ninja",
    "minxin.encryption",
    "minxin.accounts",
    "minxin.org",
    "minxin.sla",
    "minxin.identity",
    "minxin.notify",
    "minxin.privacy",
    "minxin.audit",
    "minxin.tickets",
    "minxin.supervision",
    "minxin.nlp",
    "minxin.similar",
    "minxin.routing",
    "minxin.risk",
    "minxin.insight",
    "minxin.api",
    "minxin.portal",
    "minxin.workbench",
    "minxin.cityfile",
    "minxin.demo",
    "minxin.publicinfo",
    "minxin.video",
    "minxin.ops",
    "minxin.analytics",
    "minxin.cityevents",
    "minxin.wechat",
    "minxin.open311",
    "minxin.webhooks",
    "minxin.crosscity",
    "minxin.opendata",
    "minxin.sso",
]

MIDDLEWARE = [
    "minxin.ops.requestid.RequestId",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "minxin.core.middleware.RejectNulBytes",
    "minxin.api.middleware.JsonBodyOnly",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "minxin.workbench.middleware.EnrolmentGate",
]

# Scripts only from our own files (no inline script anywhere); styles may use inline
# attributes, which cannot run code. Nothing is loaded from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "connect-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

ROOT_URLCONF = "minxin.urls"
WSGI_APPLICATION = "minxin.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/staff/login/"

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
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    default_sqlite = f"sqlite:///{DATA_DIR / 'minxin.sqlite3'}"
    config: dict[str, Any] = dict(
        dj_database_url.parse(env("DATABASE_URL") or default_sqlite, conn_max_age=60)
    )
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["CONN_MAX_AGE"] = 0
        # A file, not shared-cache memory: concurrency tests need real locking and timeouts.
        # One per process, so test runs side by side never share a file.
        config["TEST"] = {
            "NAME": str(Path(config["NAME"]).with_suffix(f".test{os.getpid()}.sqlite3"))
        }
        # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of
        # failing with "database is locked" half way through a transaction.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    else:
        # Likewise for PostgreSQL: parallel test runs each get their own database.
        config["TEST"] = {"NAME": f"test_{config['NAME']}_{os.getpid()}"}
    return config


DATABASES = {"default": _database()}
# DATABASE_REPLICA_URL: a read-only copy for the analytics pages (minxin.core.replica).
READ_REPLICA = ""
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dict(dj_database_url.parse(env("DATABASE_REPLICA_URL"), conn_max_age=60))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    READ_REPLICA = "replica"
elif "pytest" in sys.modules:
    # Tests have the alias as a mirror of default; READ_REPLICA turns the routing on.
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["minxin.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "minxin.core.cache.ReusingRedisCache", "LOCATION": REDIS_URL}}
else:
    # The database cache is shared by every process, so rate limits hold across workers.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "minxin_cache",
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Every page is written in Chinese, so Django's own words (form errors, the admin) are too,
# whatever language the browser asks for: no LocaleMiddleware. With it, an English browser got
# "This field is required." on the citizens' form.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(DATA_DIR / "static")))
# Serve app static files straight from the packages: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Background work: Huey on a SQLite file by default, on Redis when REDIS_URL is set.
# HUEY_IMMEDIATE runs tasks inline: the default under pytest, so tests need no worker.
_huey_common = {
    "name": "minxin",
    "immediate": envbool("HUEY_IMMEDIATE", str("pytest" in sys.modules)),
    "consumer": {
        "workers": envint("HUEY_WORKERS", 2),
        "worker_type": "thread",
        "max_delay": 1.0,
        "periodic": True,
        "check_worker_health": True,
    },
}
if REDIS_URL:
    HUEY = {"huey_class": "huey.RedisHuey", "url": REDIS_URL, **_huey_common}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        **_huey_common,
    }

# Citizens are not messaged at night, except for urgent matters and codes they asked for.
QUIET_HOURS = env("QUIET_HOURS", "22:00-08:00")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL")
SMS_GATEWAY_TOKEN = env("SMS_GATEWAY_TOKEN")
# Does the gateway drop a repeated Idempotency-Key? Then a message cut off mid-call by a
# worker's death is sent again under its key; if not, it is set aside as uncertain.
SMS_GATEWAY_IDEMPOTENT = envbool("SMS_GATEWAY_IDEMPOTENT", "True")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "minxin@localhost")
# Supervision orders escalate (unit handler → unit head → superior unit) after this many
# working days without a response; rating and callback windows in working days.
SUPERVISION_ESCALATE_DAYS = envint("SUPERVISION_ESCALATE_DAYS", 2)
CALLBACK_WINDOW_DAYS = envint("CALLBACK_WINDOW_DAYS", 3)
# Automatic dispatch (智能派遣, docs/routing.md): a new request whose top recommended unit has
# at least this confidence (0-1) is accepted and dispatched by the worker. Unset = off.
_threshold = env("MINXIN_AUTO_DISPATCH_THRESHOLD").strip()
try:
    AUTO_DISPATCH_THRESHOLD = float(_threshold) if _threshold else None
except ValueError:
    AUTO_DISPATCH_THRESHOLD = -1.0
if AUTO_DISPATCH_THRESHOLD is not None and not 0 < AUTO_DISPATCH_THRESHOLD <= 1:
    raise ValueError("MINXIN_AUTO_DISPATCH_THRESHOLD must be a number in (0, 1]")
# A new request is read (keywords, duplicates, risk level, alerts) by the worker right after
# its submission commits, not in the citizen's request (docs/decisions/0003). Under pytest it
# is read at submission unless a test switches this on.
RISK_ANALYSIS_IN_WORKER = envbool(
    "MINXIN_RISK_ANALYSIS_IN_WORKER", str("pytest" not in sys.modules)
)
# How long a process keeps the unit recommender's knowledge (table, history, neighbour
# index) before reloading it; 0 reloads on every call (the default under pytest).
ROUTING_CACHE_SECONDS = envint("ROUTING_CACHE_SECONDS", 0 if "pytest" in sys.modules else 300)
# How often a refresh also rebuilds the neighbour index (the costly part: ~3.7 s at 100,000).
ROUTING_NEIGHBOURS_SECONDS = envint("ROUTING_NEIGHBOURS_SECONDS", 3600)
# Revealing a citizen's contact needs a session that passed the TOTP second factor.
REVEAL_REQUIRES_TOTP = envbool("REVEAL_REQUIRES_TOTP", "True")
# Roles that must have a TOTP device (enrolment forced at login; no API token without it):
# those that can reveal personal data or administer. Empty in DEBUG and the demo, whose
# accounts have no device.
TOTP_REQUIRED_ROLES = [
    r.strip()
    for r in env(
        "MINXIN_TOTP_REQUIRED_ROLES", "" if DEBUG or DEMO_MODE else "intake,supervisor,admin"
    ).split(",")
    if r.strip()
]
# The audit chain: a checkpoint every this many entries (besides hourly), and the outside
# witness the checkpoints are also written to: dir:/path or db:<database url>
# (docs/security.md). The default folder is only a start: point it off this machine.
# 视频接访: the meeting provider's room URL, {session} and {token} filled in (e.g. a self-hosted
# Jitsi: https://meet.example.gov.cn/minxin-{session}-{token}); empty refuses to schedule.
VIDEO_URL_TEMPLATE = env("MINXIN_VIDEO_URL_TEMPLATE", "")
VIDEO_REMIND_MINUTES = envint("MINXIN_VIDEO_REMIND_MINUTES", 60)
AUDIT_CHECKPOINT_EVERY = envint("MINXIN_AUDIT_CHECKPOINT_EVERY", 1000)
# On PostgreSQL a request only writes its chain entries as pending; the worker links them in
# order right after the commit (docs/decisions/0003). Under pytest they are linked in the
# request unless a test switches this on.
AUDIT_LINK_IN_WORKER = envbool("MINXIN_AUDIT_LINK_IN_WORKER", str("pytest" not in sys.modules))
AUDIT_WITNESS = env("MINXIN_AUDIT_WITNESS", f"dir:{DATA_DIR / 'audit-witness'}")
# Personal data of closed requests is removed after this many days (个人信息保护法).
PERSONAL_DATA_RETENTION_DAYS = envint("PERSONAL_DATA_RETENTION_DAYS", 1095)
# Cross-city transfer (docs/interop.md): this city's code and name as its peers know them.
CITY_CODE = env("MINXIN_CITY_CODE", "local")
CITY_NAME = env("MINXIN_CITY_NAME", "本市")
CROSSCITY_TIMEOUT_SECONDS = envint("MINXIN_CROSSCITY_TIMEOUT_SECONDS", 30)
# Office hours, for time limits counted in working hours (e.g. sign within 2 hours).
OFFICE_HOURS = env("OFFICE_HOURS", "09:00-17:00")

# Citizens' SMS goes through a pluggable sender; the default records it for the demo.
SMS_SENDER = env("SMS_SENDER", "minxin.notify.senders.RecordingSender")
SMS_CODE_TTL_SECONDS = envint("SMS_CODE_TTL_SECONDS", 300)
SMS_CODE_MAX_PER_PHONE_PER_HOUR = envint("SMS_CODE_MAX_PER_PHONE_PER_HOUR", 5)
SMS_CODE_MIN_INTERVAL_SECONDS = envint("SMS_CODE_MIN_INTERVAL_SECONDS", 60)
SMS_CODE_MAX_PER_IP_PER_HOUR = envint("SMS_CODE_MAX_PER_IP_PER_HOUR", 20)
# WeChat and single sign-on (docs/interop.md): the WECHAT_* and OIDC_* variables, both off unset.
WECHAT = {k: env(f"WECHAT_{k}") for k in ("TOKEN", "APPID", "ENCODING_AES_KEY")}
SSO_OIDC = {k: env(k) for k in {n.removesuffix("_FILE") for n in os.environ if n[:5] == "OIDC_"}}
CITIZEN_TOKEN_MAX_AGE = envint("CITIZEN_TOKEN_MAX_AGE", 2 * 3600)
STAFF_TOKEN_MAX_AGE = envint("STAFF_TOKEN_MAX_AGE", 12 * 3600)
# Lockouts (minxin/accounts/throttle.py): attempts counted before they are evaluated, in
# Redis when set (keys must not be evicted: maxmemory-policy noeviction or volatile-*),
# else in a database table. Per code / account / phone and per client IP, per window.
THROTTLE_REDIS_URL = env("MINXIN_THROTTLE_REDIS_URL", REDIS_URL)
TRACKING_LOOKUP_MAX_FAILURES = envint("TRACKING_LOOKUP_MAX_FAILURES", 10)
TRACKING_LOOKUP_WINDOW_SECONDS = envint("TRACKING_LOOKUP_WINDOW_SECONDS", 3600)
TRACKING_LOOKUP_MAX_PER_IP = envint("TRACKING_LOOKUP_MAX_PER_IP", 100)
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", 900)
LOGIN_MAX_FAILURES_PER_IP = envint("LOGIN_MAX_FAILURES_PER_IP", 50)
SMS_CODE_MAX_ATTEMPTS_PER_IP = envint("SMS_CODE_MAX_ATTEMPTS_PER_IP", 50)
MAX_REOPENS = envint("MAX_REOPENS", 2)
# Public figures withhold counts below this, and rates over fewer requests (docs/analytics.md).
ANALYTICS_PUBLIC_MIN_COUNT = envint("ANALYTICS_PUBLIC_MIN_COUNT", 5)
# Benchmark-only endpoints (minxin/ops/bench.py, docs/benchmarks.md); never in production
# (MINXIN_PRODUCTION switches them off whatever this says).
BENCH_ENDPOINTS = envbool("MINXIN_BENCH_ENDPOINTS") and not envbool("MINXIN_PRODUCTION")
# The monthly report's CJK font file; empty: Noto Sans CJK from fonts-noto-cjk.
ANALYTICS_PDF_FONT = env("ANALYTICS_PDF_FONT", "")
# An emergency (risk level 紧急: gas, fire, collapse, self-harm, violence) is accepted and
# dispatched within this many clock hours of arriving, nights and holidays included.
EMERGENCY_DISPATCH_HOURS = envint("EMERGENCY_DISPATCH_HOURS", 2)
# The yellow warning (即将超期) falls at this share of a stage's time.
DEADLINE_WARN_SHARE = float(env("DEADLINE_WARN_SHARE", "0.8"))
# The classifier (docs/nlp.md): versions stored in the database ("db") or as files under
# DATA_DIR/nlp-models ("file"); a process checks which version is active at most this often.
NLP_MODEL_STORAGE = env("NLP_MODEL_STORAGE", "db")
NLP_ACTIVE_CHECK_SECONDS = float(env("NLP_ACTIVE_CHECK_SECONDS", "5"))
# The category model shipped in the package (minxin/nlp/default_model/) answers while no
# stored version is active; False = no suggestions until the city trains its own.
NLP_DEFAULT_MODEL = envbool("NLP_DEFAULT_MODEL", "True")

# Every line carries the request's id. MINXIN_LOG_FORMAT=json writes one JSON object a line
# (time, level, logger, message, request_id and the access line's method, route, status,
# duration_ms) for a log collector; the default is plain text.
LOG_FORMAT = env("MINXIN_LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ValueError("MINXIN_LOG_FORMAT must be text or json")
LOGGING = logconfig.logging_config(
    log_format=LOG_FORMAT,
    level=env("LOG_LEVEL", "INFO"),
    access_level=env("LOG_ACCESS_LEVEL", "INFO"),
)

# Backups (`minxin backup`) keep times to the microsecond: the audit chain hashes them.
SERIALIZATION_MODULES = {"mxjsonl": "minxin.ops.serializer"}
# /metrics answers loopback without a proxy header, or this bearer token.
METRICS_TOKEN = env("MINXIN_METRICS_TOKEN")

if not DEBUG and envbool("MINXIN_PRODUCTION", "False"):
    SECURE_SSL_REDIRECT = True
    # A load balancer probes its nodes over plain HTTP; a redirect would read as "down".
    SECURE_REDIRECT_EXEMPT = [r"^(healthz|livez|readyz|metrics)$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
