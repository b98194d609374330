"""Test configuration: the only place tests change settings globally."""

import os

# Playwright's sync API runs an event loop in the test thread; the live server's
# ORM calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
# Tests change rows directly between requests; the fragment cache's own tests switch it on.
FRAGMENT_CACHE_SECONDS = 0
# Query counts pinned by the tests include the session read, with or without Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
