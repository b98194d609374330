"""Production refuses each single-node fallback when a real web node starts (lib/checks.py).

gunicorn is started as ``deploy/systemd/lederutvikling-web.service`` starts it (with
``deploy/gunicorn.conf.py``), in production mode with everything a multi-node
installation needs except one fallback. It must exit at once with status 1 and the
check's message — the unit's ``RestartPreventExitStatus=1`` then stops systemd from
restarting it in a loop. With ``LEDERUTVIKLING_SINGLE_NODE=true`` the same
fallbacks, all at once, are accepted: gunicorn starts and answers ``/healthz?deep=0``.

``tests/test_settings.py`` runs the same refusals through ``manage.py check --deploy``
and a Celery worker; nothing here is connected to but SQLite in the last test.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lib.testing import stop_process
from lib.testing_s3 import free_port

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"),
            "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]

# A multi-node production's configuration; the addresses are never contacted (the
# checks read settings only, and gunicorn stops before serving anything).
MULTI_NODE = {
    "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
    "LEDERUTVIKLING_PRODUCTION": "true",
    "SECRET_KEY": "startup-test-" + "s" * 50,
    "ALLOWED_HOSTS": "127.0.0.1",
    "EMAIL_URL": "smtp+tls://kommune-no.mail.protection.outlook.com:25",
    "DATABASE_URL": "postgres://lederutvikling@db.example.no:5432/lederutvikling",
    "REDIS_URL": "redis://redis.example.no:6379/0",
    "STORAGE_URL": "s3://lederutvikling-filer?endpoint_url=https://s3.example.no",
    "GUNICORN_WORKERS": "1",
    "GUNICORN_THREADS": "1",
}

# (fallback, variables removed, variables set, check id, words of the message)
FALLBACKS = [
    ("SQLite", {"DATABASE_URL"}, {}, "lederutvikling.E001", "Production refuses SQLite"),
    ("filesystem broker", set(), {"CELERY_BROKER_URL": "filesystem://"},
     "lederutvikling.E002", "Production refuses the filesystem Celery broker"),
    ("local-memory cache", {"REDIS_URL"}, {"CELERY_BROKER_URL": "redis://redis.example.no:6379/0"},
     "lederutvikling.E003", "Production refuses a per-process (or per-machine) cache"),
    ("local file storage", {"STORAGE_URL"}, {}, "lederutvikling.E005",
     "Production refuses local file storage"),
]


def _env(tmp_path: Path, remove: set[str], extra: dict[str, str]) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items()
                 if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CACHE_URL",
                              "CELERY_BROKER_URL", "STORAGE_URL", "EMAIL_URL", "DEBUG",
                              "LEDERUTVIKLING_SINGLE_NODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env = {k: v for k, v in MULTI_NODE.items() if k not in remove}
    return {**inherited, **env, **extra, "PYTHONPATH": str(ROOT),
            "LEDERUTVIKLING_VAR_DIR": str(tmp_path / "var"),
            "GUNICORN_BIND": f"127.0.0.1:{free_port()}"}


@pytest.mark.parametrize(("fallback", "remove", "extra", "code", "words"), FALLBACKS,
                         ids=[f[0] for f in FALLBACKS])
def test_a_web_node_on_a_fallback_exits_with_the_checks_message(tmp_path, fallback, remove,
                                                                  extra, code, words):
    result = subprocess.run(GUNICORN, cwd=tmp_path, env=_env(tmp_path, remove, extra),  # noqa: S603
                            capture_output=True, text=True, timeout=120, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1, f"{fallback}: gunicorn exited {result.returncode}\n{output}"
    assert code in output and words in output, output
    assert "LEDERUTVIKLING_SINGLE_NODE=true" in output  # what to do about it
    assert output.count("lederutvikling.E0") == 1, output  # only this fallback is named
    assert "Booting worker" not in output  # stopped in the master, before any worker
    assert "Traceback" not in output


def test_single_node_production_starts_on_every_fallback(tmp_path):
    """SQLite, the filesystem broker, the local-memory cache and local files at once."""
    env = _env(tmp_path, {"DATABASE_URL", "REDIS_URL", "STORAGE_URL"},
               {"LEDERUTVIKLING_SINGLE_NODE": "true"})
    port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
    log = (tmp_path / "web.log").open("w+")
    process = subprocess.Popen(GUNICORN, cwd=tmp_path, env=env, stdout=log,  # noqa: S603
                               stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / "web.log").read_text()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz?deep=0")
                response = conn.getresponse()
                status, body = response.status, json.loads(response.read())
                conn.close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError((tmp_path / "web.log").read_text()) from None
                time.sleep(0.3)
        assert (status, body) == (200, {"status": "ok", "database": "ok"})
        assert (tmp_path / "var" / "db.sqlite3").exists()  # the SQLite file, on this machine
    finally:
        stop_process(process, timeout=30)
        log.close()
