"""Test configuration: the only place tests change settings globally."""

import os

# Playwright's sync API runs an event loop in the test thread; the live server's
# ORM calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _own_redis_db(url: str, worker: str) -> str:
    """pytest-xdist worker gwN gets the Redis databases after the run's own, two each.

    REDIS_URL's database is the broker and the next one the cache (settings.py), so
    with the run's REDIS_URL at /3, gw0 has 4 and 5, gw1 6 and 7. Each worker then
    has its own broker queues, cache and rate-limit counters (its PostgreSQL test
    database is suffixed by pytest-django the same way); the subprocess workers some
    tests start inherit the variable.
    """
    base, _, db = url.rpartition("/")
    number = int(db) if db.isdigit() else 0
    return f"{base}/{number + 1 + 2 * int(worker.removeprefix('gw'))}"


_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER and not os.environ.get("_LU_XDIST_SET"):
    os.environ["_LU_XDIST_SET"] = "1"
    if os.environ.get("REDIS_URL"):
        os.environ["REDIS_URL"] = _own_redis_db(os.environ["REDIS_URL"], _XDIST_WORKER)
    # Media, mail and the filesystem broker of one worker stay out of the other's way.
    from pathlib import Path

    os.environ.setdefault("LEDERUTVIKLING_VAR_DIR", str(
        Path(__file__).resolve().parent.parent / "var" / f"test-{_XDIST_WORKER}"))

from .settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Unit tests run tasks inline; the integration tests start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SECURE_SSL_REDIRECT = False
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
# Login rate limiting is switched on by the tests that are about it.
AXES_ENABLED = False
# …and so are other rate limits (lib/ratelimit.py): their counters in Redis outlive a run.
RATELIMIT_ENABLED = False
# …and allauth's: its "login_failed" limit counts wrong codes per IP (10 a minute), and
# every test's client is 127.0.0.1, so a worker's two-factor tests ran into each other's.
ACCOUNT_RATE_LIMITS = False
# Query counts pinned by the tests include the session read, with or without Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# No worker or beat runs beside the unit tests: /healthz leaves them out; the tests
# about them switch it on.
HEALTH_WATCH_CELERY = False
# Most tests sign O&F in with force_login, which skips the code: the two-factor tests
# (accounts/tests/test_mfa.py) turn the requirement on.
MFA_REQUIRED_FOR_STAFF = False
# Every prepared query (lib.prepared) is also built and compiled the ordinary way and
# compared: a value frozen into a kept query fails the tests.
PREPARED_QUERIES_CHECK = True
