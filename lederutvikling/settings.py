"""Settings for Lederutvikling, read from the environment.

With nothing set you get a development setup that needs no servers: SQLite,
Celery over kombu's filesystem transport, mail written to ``var/mail``.
``LEDERUTVIKLING_PRODUCTION=true`` switches to production mode: DEBUG off,
secrets required from the environment, HTTPS-only cookies and HSTS, so that
``manage.py check --deploy`` is silent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import env_bool, env_int, env_list, env_str
from .service_urls import email_from_url, redis_db, redis_with_db, storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LEDERUTVIKLING_VAR_DIR") or BASE_DIR / "var")

PRODUCTION = env_bool("LEDERUTVIKLING_PRODUCTION", False)
# Production on one machine on purpose: SQLite, the filesystem broker, a per-process
# cache and local files are then accepted (lib/checks.py refuses them otherwise).
SINGLE_NODE = env_bool("LEDERUTVIKLING_SINGLE_NODE", False)
# Off unless asked for (DEBUG=true): the demo from bin/run shows the portal's own
# 404/500 pages, in the visitor's language, like a real installation.
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production mode")

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "treebeard",
    "import_export",
    "axes",
    "simple_history",
    # Sign-in with the municipality's account (OpenID Connect), accounts/sso/.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    # Two-factor sign-in (TOTP, recovery codes), required of O&F and superusers (accounts/mfa.py).
    "allauth.mfa",
    "lib",
    "accounts",
    "programs",
    "groups",
    "surveys",
    "coaching",
    "networks",
    "reports",
    "privacy",
    "cockpit",
    "leaderplatform",
    "demo",
]

MIDDLEWARE = [
    # A request id for the logs (lib/logs.py), before anything logs.
    "lib.logs.RequestIdMiddleware",
    # /healthz answers before anything reads the session (lib/health.py).
    "lib.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, whose process_view reads the body: too large a body → 413.
    "lib.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # The ORM guard: queries act for the signed-in user's municipality (lib/scoping.py).
    "lib.scoping.ScopeMiddleware",
    "accounts.middleware.LanguageMiddleware",
    # Cache-Control: private, no-store for signed-in users and downloads.
    "lib.middleware.PrivateCacheMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # A user not yet shown their municipality's privacy statement is sent to it once.
    "privacy.notice.PrivacyNoticeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # O&F and superusers without an authenticator set one up; a session that skipped the
    # code (the admin's login) is asked for it (accounts/mfa.py).
    "accounts.middleware.MFARequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees the login failures of every view (the admin's login too).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lederutvikling.urls"
WSGI_APPLICATION = "lederutvikling.wsgi.application"
ASGI_APPLICATION = "lederutvikling.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Django's cached loader, folding each run of fixed nodes (text, translations,
            # fixed URLs) into one string per language: lib/template_fold.py.
            "loaders": [("lib.template_fold.Loader", [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ])],
            # Django's date and time filters, each value's text kept (lib/dates.py), and
            # its linebreaks filters, each text's HTML kept (lib/templatetags/kept_text.py).
            "builtins": ["lib.templatetags.kept_dates", "lib.templatetags.kept_text"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # after Django's built-in csrf processor: the same token, masked faster
                "lib.csrf.csrf",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        # Production keeps a connection open for a minute between requests, checked
        # before reuse (a restarted PostgreSQL or a failover costs no error page).
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the Celery worker use the file side by side.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The portal runs short queries only; PostgreSQL's JIT compiler cost 90 ms on
    # Min side's group query (bench/RESULTS.md) and never pays off here.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Server-side binding: psycopg sends the SQL and its values apart, and a query run
    # five times on a connection becomes a prepared statement, so PostgreSQL plans the
    # portal's fixed queries once per connection (Min side's wall time 13.9 -> 7.4 ms,
    # bench/RESULTS.md, sixth session). Needs a direct connection or PgBouncer in
    # session mode (docs/DEPLOY.md); DATABASE_SERVER_SIDE_BINDING=false turns it off.
    if env_bool("DATABASE_SERVER_SIDE_BINDING", True):
        DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
        DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# lib.prepared compiles each prepared query twice and compares them when this is on (the
# test settings turn it on). Named here, not left to a getattr default: Django keeps a
# setting it has read, but asks again for a missing one each time (1.8 µs a query).
PREPARED_QUERIES_CHECK = False
# A page's independent prepared reads go to PostgreSQL together, in one round trip
# (lib.prepared.ahead: psycopg's pipeline mode, PostgreSQL's extended query protocol).
# Tested on a direct connection; DATABASE_PIPELINE=false sends them one by one (docs/DEPLOY.md).
PREPARED_READS_AHEAD = env_bool("DATABASE_PIPELINE", True)

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "accounts:min_side"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after two hours without activity (a shared office PC is common).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 2 * 60 * 60)
# Inactivity expiry: accounts.middleware.SessionActivityMiddleware renews the session
# at most once a minute instead of writing it on every request.
SESSION_ACTIVITY_RESOLUTION = 60
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# --- Language and formats -------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("nn", _("Norwegian Nynorsk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "lederutvikling_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["lederutvikling.formats"]

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Without DEBUG, WhiteNoise serves the static files; outside production it finds
# them where they are (no collectstatic needed for bin/run).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Generated documents (lib/documents.py) on an S3-compatible bucket, so that every
# web node serves what any worker built: s3://BUCKET/PREFIX?endpoint_url=…&region_name=…
# (lederutvikling/service_urls.py). Local disk under MEDIA_ROOT when unset.
_storage_url = env_str("STORAGE_URL")
if _storage_url:
    STORAGES["default"] = storage_from_url(
        _storage_url, access_key=env_str("AWS_ACCESS_KEY_ID"),
        secret_key=env_str("AWS_SECRET_ACCESS_KEY"))

# Request bodies. No page takes files today: a body larger than an ordinary form
# is refused with 413 before anything reads it (lib.middleware; a future upload
# view raises its own limit with @allow_upload(max_bytes)). Django's own limits
# cover the form fields only, not the file parts of a multipart body.
FORM_POST_MAX_BYTES = 3 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000  # the admin's survey instrument with all its items
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)  # larger files spool to disk

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Cache, Celery ---------------------------------------------------------------------
# Two Redis roles. The broker's messages (emails, reminders, builds) must never be
# evicted; the cache may be. REDIS_URL=redis://host:6379/N gives the broker
# database N and the cache database N+1; CACHE_URL and CELERY_BROKER_URL set
# either apart (the cache on its own Redis with maxmemory-policy allkeys-lru, the
# broker on one with noeviction: docs/DEPLOY.md, "Redis").
REDIS_URL = env_str("REDIS_URL")
CACHE_URL = env_str("CACHE_URL") or (
    redis_with_db(REDIS_URL, redis_db(REDIS_URL) + 1) if REDIS_URL else None)
if CACHE_URL:
    # lib.cache treats an unreachable Redis as misses; short timeouts keep a dead or
    # black-holed Redis from costing a page more than a fraction of a second.
    CACHES = {"default": {"BACKEND": "lib.cache.RedisCache",
                          "LOCATION": CACHE_URL,
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# With a shared cache, sessions are read from it and written through to the database
# (one query less per page); a process-local cache could serve a session that was
# logged out in another worker, so then they stay in the database only.
SESSION_ENGINE = ("django.contrib.sessions.backends.cached_db" if CACHE_URL
                  else "django.contrib.sessions.backends.db")

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    # kombu's filesystem transport needs its folder to exist before anyone connects.
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # A message taken by a worker that dies is given to another worker after
    # this many seconds (tasks are acknowledged late). It must stay above the
    # longest run time *and* the longest retry countdown (a retried task waits
    # unacknowledged in the worker; past the timeout Redis hands it out twice,
    # which for an email means two emails): reminder_send waits up to 45 minutes,
    # so one hour. Generated documents do not wait for it: the beat sweep
    # documents_reap requeues or fails a build whose worker died within ~2 minutes.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
        # A request that queues work must not hang on a black-holed broker; the
        # job waits in the outbox (lib/outbox.py) instead.
        "socket_connect_timeout": 2,
        # Look for abandoned messages every N seconds (one cheap ZRANGE each).
        "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
        "unacked_restore_throttle": 1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task gives the job back
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # results live in the database models, not in Celery
CELERY_TIMEZONE = TIME_ZONE
# Worker and beat log through LOGGING below (JSON with LOG_FORMAT=json, task ids), not
# through Celery's own handlers: Celery's stderr redirection would swallow the lines
# of the handler that Django's set-up installs.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_REDIRECT_STDOUTS = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# Beat writes a heartbeat every BEAT_HEARTBEAT_SECONDS; /healthz calls it stale after
# two intervals (lib/health.py). Run exactly one beat in the whole installation.
CELERY_BEAT_SCHEDULER = "lib.health:HeartbeatScheduler"
BEAT_HEARTBEAT_SECONDS = env_int("BEAT_HEARTBEAT_SECONDS", 30)
# /healthz asks the workers and reads beat's heartbeat (off in the unit tests, which
# have neither); a worker has this long to answer the ping.
HEALTH_WATCH_CELERY = env_bool("HEALTH_WATCH_CELERY", True)
HEALTH_WORKER_TIMEOUT = float(env_str("HEALTH_WORKER_TIMEOUT", "1.0"))
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "accounts.tasks.sessions_clear_expired",
        "schedule": 60 * 60 * 6,
    },
    "programs-talent-seats": {
        "task": "programs.tasks.talent_seats_release",
        "schedule": 60 * 60,
    },
    "surveys-rounds-open": {
        "task": "surveys.tasks.rounds_open_due",
        "schedule": 60 * 60 * 24,
    },
    "surveys-evaluations-open": {
        "task": "surveys.tasks.evaluations_open_due",
        "schedule": 60 * 15,
    },
    "surveys-reports-prepare": {
        "task": "surveys.tasks.reports_prepare",
        "schedule": 60 * 60,
    },
    # Requests waiting too long are offered higher up (accounts/services/approvals.py).
    "approvals-escalate": {
        "task": "accounts.tasks.approvals_escalate",
        "schedule": 60 * 60,
    },
    "reminders-sweep": {
        "task": "lib.tasks.reminders_sweep",
        "schedule": env_int("REMINDERS_SWEEP_SECONDS", 60 * 15),
    },
    "purge-expired-documents": {
        "task": "lib.tasks.documents_purge_expired",
        "schedule": 60 * 60 * 6,
    },
    # The retention schedule (privacy/services/retention.py): daily, each safe to rerun.
    "retention-drafts": {
        "task": "privacy.tasks.retention_drafts_purge",
        "schedule": 60 * 60 * 24,
    },
    "retention-reminders": {
        "task": "privacy.tasks.retention_reminders_scrub",
        "schedule": 60 * 60 * 24,
    },
    "retention-history": {
        "task": "privacy.tasks.retention_history_purge",
        "schedule": 60 * 60 * 24,
    },
    "retention-leavers": {
        "task": "privacy.tasks.retention_leavers_anonymise",
        "schedule": 60 * 60 * 24,
    },
    "retention-documents": {
        "task": "privacy.tasks.retention_documents_purge",
        "schedule": 60 * 60 * 24,
    },
    # Jobs queued while the broker was down wait in the outbox (lib/outbox.py).
    "outbox-flush": {
        "task": "lib.tasks.outbox_flush",
        "schedule": 60,
    },
    # Builds whose worker died: requeued once, then failed (lib/documents.py).
    "documents-reap": {
        "task": "lib.tasks.documents_reap",
        "schedule": 30,
    },
}
# Generated PDFs and CSVs are deleted this many days after they were asked for.
DOCUMENT_RETENTION_DAYS = env_int("DOCUMENT_RETENTION_DAYS", 30)
# A build touches its row every DOCUMENT_HEARTBEAT_SECONDS; one silent for
# DOCUMENT_STALE_SECONDS lost its worker. With the sweep every 30 s a dead worker's
# job is requeued or failed within 90 s. A queued job no worker started within
# DOCUMENT_QUEUED_MINUTES is sent again once, then failed.
DOCUMENT_HEARTBEAT_SECONDS = 15
DOCUMENT_STALE_SECONDS = 60
DOCUMENT_QUEUED_MINUTES = env_int("DOCUMENT_QUEUED_MINUTES", 15)

# --- Mail ---------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Lederutvikling <lederutvikling@example.no>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_host = env_str("EMAIL_HOST")
_email_url = env_str("EMAIL_URL")
if _email_url:
    # One line per relay, e.g. Exchange Online's connector relay (docs/DEPLOY.md):
    # smtp+tls://kommune-no.mail.protection.outlook.com:25 (lederutvikling/service_urls.py).
    MAILERS = {"default": email_from_url(_email_url)}
elif _smtp_host:
    MAILERS = {"default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _smtp_host,
            "port": env_int("EMAIL_PORT", 587),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 20,
        },
    }}
elif PRODUCTION:
    raise ImproperlyConfigured("EMAIL_URL (or EMAIL_HOST) is required in production")
else:
    # Development: every mail becomes a file in var/mail, readable by the demo user.
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                           "OPTIONS": {"file_path": str(VAR_DIR / "mail")}}}

# --- Security ---------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# LOG_FORMAT=json: one JSON object per line with request_id and user_id (lib/logs.py).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use text or json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "lib.logs.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "lib.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["request_context"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out logins before checking passwords
    "accounts.backends.RoleBackend",
]

# Sign-in with the municipality's account: django-allauth's OpenID Connect, one
# identity provider per municipality configured in the admin (accounts/sso/).
# Password login stays the portal's own (accounts/urls.py, behind django-axes).
ACCOUNT_ADAPTER = "accounts.sso.adapter.PortalAccountAdapter"
SOCIALACCOUNT_ADAPTER = "accounts.sso.adapter.PortalSocialAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) with recovery codes; no
# security keys yet. Whoever has an authenticator is asked for a code at every sign-in,
# password or the municipality's own (allauth's login stage). O&F administrators and
# superusers must have one whenever MFA_REQUIRED_FOR_STAFF is on: always in production,
# off by default in development and the demo (bin/run), so the demo logins stay simple.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Lederutvikling"
MFA_TOTP_TOLERANCE = 1  # one 30-second step either way: phone clocks drift
MFA_RECOVERY_CODE_COUNT = 10
MFA_ADAPTER = "accounts.mfa.PortalMFAAdapter"
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", PRODUCTION)
if PRODUCTION and not MFA_REQUIRED_FOR_STAFF:
    raise ImproperlyConfigured("MFA_REQUIRED_FOR_STAFF cannot be turned off in production")

# Login rate limiting (django-axes): five wrong passwords for the same account
# from the same address lock that pair out for 15 minutes; others are unaffected.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Our login form posts the email in "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
# …counted per address whatever its letter case (NAME@ and name@ share one counter).
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0) or None
AXES_VERBOSE = False
# Counters of lib.ratelimit (password reset: 3 per address and 10 per IP an hour,
# accounts/password_reset.py). Off only in the test configuration.
RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)

# The audit trail of admin changes (django-simple-history) is for reading only.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Admin exports (django-import-export): formulas neutralised in every cell. The
# portal's export formats (lib/exports.py) escape the OWASP way (a leading "'")
# and also answer this switch, in place of the library's drop-the-"=".
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Error reporting ---------------------------------------------------------------------
# Errors of web, worker and beat to Sentry (or a compatible service such as GlitchTip)
# when SENTRY_DSN is set. Without personal data: no user emails, addresses, cookies
# or request bodies, only the user id and the request id.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT", "production" if PRODUCTION else "development"),
        release=env_str("SENTRY_RELEASE"),
        send_default_pii=False,
        max_request_body_size="never",
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
