"""migrate stops with a clear message when PostgreSQL's btree_gist cannot be created."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

pytestmark = [pytest.mark.postgres]

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def database_without_the_right():
    """A fresh database and a role that may connect but not create extensions."""
    # PostgreSQL only: the module's ``postgres`` marker skips it on SQLite, and CI fails then.
    db = settings.DATABASES["default"]
    suffix = uuid.uuid4().hex[:8]
    name, role = f"lu_gist_{suffix}", f"lu_gist_{suffix}"
    admin = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
                            user=db["USER"], password=db["PASSWORD"] or None,
                            dbname="postgres", autocommit=True)
    admin.execute(f'CREATE ROLE "{role}" LOGIN')
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.execute(f'GRANT CONNECT ON DATABASE "{name}" TO "{role}"')
    try:
        yield f"postgres://{role}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


def test_migrate_names_btree_gist_and_what_to_do(database_without_the_right):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
                "DATABASE_URL": database_without_the_right})
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "CommandError: PostgreSQL's btree_gist extension is missing" in result.stderr
    assert "CREATE EXTENSION btree_gist;" in result.stderr
    assert "Nothing was changed" in result.stderr
    assert "Applying" not in result.stdout  # stopped before the first migration
    assert "Traceback" not in result.stderr  # a message, not a stack trace
