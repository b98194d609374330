"""Production refuses the single-machine fallbacks (Django system checks).

With ``LEDERUTVIKLING_PRODUCTION=true`` an installation is assumed to run on
several machines: web nodes and workers that share nothing but PostgreSQL,
Redis and a bucket. The development defaults would then fail quietly — SQLite
and local files are on one machine only, the filesystem broker's queue is a
folder no other machine sees, and a per-process cache lets a page serve what
another process already changed. Each is refused with an error saying what to
set, unless ``LEDERUTVIKLING_SINGLE_NODE=true`` says that one machine is meant.

The checks run with every ``manage.py`` command that checks (``check``,
``check --deploy``, ``migrate``, ``runserver``); :func:`refuse_unsafe_start`
runs them when a gunicorn worker loads the application (``lederutvikling/wsgi.py``)
and when a Celery worker or beat starts (``lederutvikling/celery.py``), so a
misconfigured process stops at once with the same message.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

TAG = "lederutvikling"

_SINGLE_NODE_HINT = ("or set LEDERUTVIKLING_SINGLE_NODE=true if this installation runs on "
                     "one machine only")


def _production_multi_node() -> bool:
    return bool(getattr(settings, "PRODUCTION", False)) and not getattr(
        settings, "SINGLE_NODE", False)


@checks.register(TAG)
def check_database(app_configs: Any = None, **_kwargs: Any) -> list[checks.CheckMessage]:
    if not _production_multi_node():
        return []
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return [checks.Error(
            "Production refuses SQLite: its file is on one machine and cannot be shared "
            "by several web nodes and workers.",
            hint=f"Set DATABASE_URL=postgres://… {_SINGLE_NODE_HINT}.",
            id="lederutvikling.E001")]
    return []


@checks.register(TAG, checks.Tags.caches)
def check_broker_and_cache(app_configs: Any = None, **_kwargs: Any) -> list[checks.CheckMessage]:
    if not _production_multi_node():
        return []
    errors: list[checks.CheckMessage] = []
    broker = str(getattr(settings, "CELERY_BROKER_URL", "") or "")
    if broker.startswith(("filesystem:", "memory:")):
        errors.append(checks.Error(
            f"Production refuses the {broker.split(':', 1)[0]} Celery broker: its queue is "
            "a folder (or a process) that workers on other machines never see.",
            hint=f"Set REDIS_URL (or CELERY_BROKER_URL) {_SINGLE_NODE_HINT}.",
            id="lederutvikling.E002"))
    backend = str(settings.CACHES["default"]["BACKEND"])
    if backend.rsplit(".", 1)[-1] in {"LocMemCache", "DummyCache", "FileBasedCache"}:
        errors.append(checks.Error(
            "Production refuses a per-process (or per-machine) cache: one process would "
            "serve sessions and pages that another has already changed.",
            hint=f"Set REDIS_URL (or CACHE_URL) {_SINGLE_NODE_HINT}.",
            id="lederutvikling.E003"))
    cache_location = settings.CACHES["default"].get("LOCATION")
    if (broker.startswith("redis") and isinstance(cache_location, str)
            and _same_redis_db(broker, cache_location)):
        errors.append(checks.Error(
            "The cache and the Celery broker use the same Redis database: an eviction "
            "policy meant for the cache would drop queued emails and jobs.",
            hint="Leave CACHE_URL unset (REDIS_URL's next database is used) or point it "
                 "at another database or Redis server.",
            id="lederutvikling.E004"))
    return errors


@checks.register(TAG)
def check_file_storage(app_configs: Any = None, **_kwargs: Any) -> list[checks.CheckMessage]:
    if not _production_multi_node():
        return []
    backend = settings.STORAGES["default"]["BACKEND"]
    if backend.rsplit(".", 1)[-1] == "FileSystemStorage":
        return [checks.Error(
            "Production refuses local file storage: a document built by a worker on one "
            "machine could not be downloaded from a web node on another.",
            hint=f"Set STORAGE_URL=s3://bucket?endpoint_url=… {_SINGLE_NODE_HINT}.",
            id="lederutvikling.E005")]
    return []


def _same_redis_db(first: str, second: str) -> bool:
    from urllib.parse import urlsplit

    a, b = urlsplit(first), urlsplit(second)
    return (a.hostname, a.port or 6379, a.path.strip("/") or "0") == (
        b.hostname, b.port or 6379, b.path.strip("/") or "0")


def refuse_unsafe_start() -> None:
    """Stop this process if a check above fails (gunicorn, Celery worker and beat).

    Raises ``SystemCheckError`` with the same text ``manage.py check`` prints.
    """
    if not getattr(settings, "PRODUCTION", False):
        return
    from django.core.management.base import BaseCommand

    BaseCommand().check(tags=[TAG], fail_level=checks.ERROR)


def exit_if_unsafe() -> None:
    """:func:`refuse_unsafe_start`, leaving the process with the message and status 1.

    For gunicorn (``lederutvikling/wsgi.py``) and Celery (``lederutvikling/celery.py``,
    which would otherwise log a signal handler's exception and go on).
    """
    import sys

    from django.core.management.base import SystemCheckError

    try:
        refuse_unsafe_start()
    except SystemCheckError as exc:
        # Django's message starts with "SystemCheckError: System check identified …".
        print(str(exc).strip(), file=sys.stderr, flush=True)
        raise SystemExit(1) from None


def btree_gist_ensure(sender: Any = None, using: str = "default", **_kwargs: Any) -> None:
    """Before ``migrate`` (pre_migrate): PostgreSQL's ``btree_gist`` is there or can be made.

    The coaching migration that refuses a coach's overlapping bookings in the
    database needs it. Without the right to create it, migrate would stop half-way
    with PostgreSQL's bare "permission denied"; this stops before anything changed
    and says what the database administrator must do.
    """
    from django.core.management.base import CommandError
    from django.db import DatabaseError, connections, transaction

    connection = connections[using]
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")
        if cursor.fetchone():
            return
        try:
            with transaction.atomic(using=using):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        except DatabaseError as exc:
            name = connection.settings_dict["NAME"]
            raise CommandError(
                f"PostgreSQL's btree_gist extension is missing in database {name!r} and "
                f"this user may not create it ({str(exc).strip()}). Ask the database "
                f"administrator to run, once:  CREATE EXTENSION btree_gist;  in {name!r} "
                "as a superuser (it ships with PostgreSQL; on Azure Database for "
                "PostgreSQL allow it in the server parameter azure.extensions first), "
                "then run migrate again. Nothing was changed.") from exc
