"""Fixtures of the portal-wide hardening tests."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.access_world import World, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> World:
    """The demo data of both municipalities, built once per module and rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
