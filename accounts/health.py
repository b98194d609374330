from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    database: bool
    broker: bool

    @property
    def ok(self) -> bool:
        return self.database and self.broker

    def as_dict(self) -> dict[str, object]:
        return {
            "status": "ok" if self.ok else "error",
            "database": "ok" if self.database else "error",
            "broker": "ok" if self.broker else "error",
        }


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any driver error means "not reachable"
        logger.exception("health check: database unreachable")
        return False


def _broker_ok() -> bool:
    from lederutvikling.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("health check: broker unreachable")
        return False


def health_check() -> Health:
    return Health(database=_database_ok(), broker=_broker_ok())
