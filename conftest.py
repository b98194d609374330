"""Fixtures every test may use: personas, service checks, the browser.

Personas (as in healthchecks): **alice** is the O&F administrator of
municipality A; **bob** is a plain leader in A (can read his own things but
administer nothing); **charlie** is the O&F administrator of municipality B
and must never see anything of A.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings

from tests.factories import (
    LeaderFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRE_SERVICES = os.environ.get("CI_REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}


def _service_missing(marker: str) -> str | None:
    if marker == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if "postgresql" in engine else "needs PostgreSQL (set DATABASE_URL)"
    if marker == "redis":
        url = settings.CELERY_BROKER_URL
        return None if url.startswith("redis") else "needs a Redis broker (set REDIS_URL)"
    if marker == "node":
        return None if shutil.which("node") and shutil.which("npm") else \
            "needs Node.js and npm (the OpenID Connect provider of tests/oidc)"
    if marker == "browser":
        if not (shutil.which(CHROMIUM) or os.path.exists(CHROMIUM)):
            return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
        return None
    return None


def pytest_configure(config: pytest.Config) -> None:
    """A pytest-xdist worker starts on an empty Redis database of its own (settings_test)."""
    if os.environ.get("PYTEST_XDIST_WORKER") and settings.CELERY_BROKER_URL.startswith("redis"):
        import redis

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()


# Tests that must show what they did in CI's output even when they pass (the multi-node
# test's nodes, jobs and downloads) add ("report", text) to their user_properties; the
# texts are printed at the end of the run, also from pytest-xdist's workers.
_reports: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call":
        _reports.extend((report.nodeid, str(text))
                        for name, text in report.user_properties if name == "report")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for nodeid, text in _reports:
        terminalreporter.write_sep("-", f"report: {nodeid}")
        terminalreporter.write_line(text)


def pytest_runtest_setup(item: pytest.Item) -> None:
    for marker in ("postgres", "redis", "browser", "node"):
        if item.get_closest_marker(marker):
            reason = _service_missing(marker)
            if reason:
                if REQUIRE_SERVICES:
                    pytest.fail(f"CI requires this test to run: {reason}", pytrace=False)
                pytest.skip(reason)


@dataclass
class Personas:
    org_a: object
    org_b: object
    alice: object  # O&F admin, A
    bob: object  # leader (Leader profile), A
    charlie: object  # O&F admin, B
    bob_leader: object
    boss_leader: object  # bob's leader above, A
    dora_leader: object  # a plain leader in B


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo data of both municipalities (``seed_demo``), built once per test module.

    Every test of the module runs inside it (pytest-django's per-test savepoint
    nests in this transaction) and the whole world is rolled back after the
    module. Once per module, not once per session: transactional tests
    (``transaction=True``) empty the database between tests, so a world kept for
    the session would vanish under the modules that follow them; with
    ``--dist loadfile`` a module never shares its worker's database mid-way.
    """
    from django.db import transaction

    from tests.access_world import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def personas(db) -> Personas:
    org_a = OrganisationFactory(name="Askvik kommune", slug="askvik")
    org_b = OrganisationFactory(name="Brattli kommune", slug="brattli")
    alice = UserFactory(organisation=org_a, email="alice@askvik.example",
                        full_name="Alice Admin", is_oaf_admin=True)
    charlie = UserFactory(organisation=org_b, email="charlie@brattli.example",
                          full_name="Charlie Admin", is_oaf_admin=True)
    area = UnitFactory(organisation=org_a, name="Helse og velferd", kind="tjenesteomrade")
    unit = UnitFactory(organisation=org_a, name="Solbakken sykehjem", parent=area)
    boss = LeaderFactory(organisation=org_a, unit=area, title="Kommunalsjef",
                         level="kommunalsjef", user__full_name="Berit Sjef",
                         user__email="berit@askvik.example")
    bob_leader = LeaderFactory(organisation=org_a, unit=unit, leader_above=boss,
                               title="Virksomhetsleder", level="virksomhetsleder",
                               user__full_name="Bob Leder", user__email="bob@askvik.example")
    b_unit = UnitFactory(organisation=org_b, name="Brattli skule")
    dora = LeaderFactory(organisation=org_b, unit=b_unit, user__full_name="Dora Leiar",
                         user__email="dora@brattli.example", title="Rektor")
    return Personas(org_a=org_a, org_b=org_b, alice=alice, bob=bob_leader.user, charlie=charlie,
                    bob_leader=bob_leader, boss_leader=boss, dora_leader=dora)


@pytest.fixture(autouse=True)
def _cache_outage_forgotten():
    """Each test starts without a remembered cache outage (``lib.cache``), which would
    leak into whichever test the same worker process runs next."""
    import lib.cache

    lib.cache._last_failure = 0.0


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in the default language: a request or ``activate()`` in one test
    leaves its language active in the worker thread, and locale formats (dates, amounts)
    of the next test would follow it."""
    from django.utils import translation

    translation.deactivate()


@pytest.fixture
def bokmaal():
    """Documents are built in the requester's language (nb); read them in the same one.

    Use with ``pytest.mark.usefixtures("bokmaal")``.
    """
    from django.utils import translation

    with translation.override("nb"):
        yield


@pytest.fixture
def not_eager():
    """Tasks go through the real broker (the tests about workers and the outbox)."""
    from lederutvikling.celery import app

    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Drive Debian's Chromium (Playwright's own download is blocked here)."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"],
    }
