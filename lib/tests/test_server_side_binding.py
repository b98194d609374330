"""PostgreSQL gets the SQL and its values apart, and plans a repeated query once per
connection (settings: ``DATABASE_SERVER_SIDE_BINDING``, default on)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from accounts.models import User
from lib.prepared import Prepared
from lib.scoping import unscoped
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parent.parent.parent

# A shape of this test's own (no other query asks for both columns).
_BY_EMAIL: Prepared[User] = Prepared(lambda email, full_name: (
    User.objects.filter(email=email, full_name=full_name)))
_SHAPE = '"accounts_user"."email" = $1 AND "accounts_user"."full_name" = $2'


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_query_asked_again_becomes_a_prepared_statement_with_its_values_apart():
    assert connection.features.uses_server_side_binding
    user = UserFactory(email="åse.ødegård@askvik.example", full_name="Åse\nØdegård")
    with unscoped():
        before = [s for s in _prepared_statements() if _SHAPE in s]
        assert before == []
        for _ in range(6):  # psycopg prepares a query from its fifth run on a connection
            assert _BY_EMAIL(email=user.email, full_name=user.full_name) == [user]
        assert _BY_EMAIL(email="ingen@askvik.example", full_name="Åse\nØdegård") == []
        after = [s for s in _prepared_statements() if _SHAPE in s]
    # One statement, with the value as a parameter: never the value in the SQL.
    assert len(after) == 1
    assert "åse" not in after[0]


@pytest.mark.parametrize(("value", "expected"), [(None, "True 5"), ("false", "None None")])
def test_the_setting_can_be_turned_off_for_a_transaction_pooler(value, expected):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_SERVER_SIDE_BINDING"}}
    env.update({"DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
                "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lederutvikling"})
    if value is not None:
        env["DATABASE_SERVER_SIDE_BINDING"] = value
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "o = settings.DATABASES['default']['OPTIONS']; "
                               "print(o.get('server_side_binding'), o.get('prepare_threshold'))"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == expected
