"""Fixtures of the portal-wide hardening tests."""

from __future__ import annotations

import pytest

from tests.access_world import World


@pytest.fixture(scope="module")
def world(demo_world: World) -> World:
    """The demo data of both municipalities (root conftest's ``demo_world``)."""
    return demo_world
