"""The demo (bin/run's settings, no DEBUG in the environment) shows the portal's own pages.

Issue 21 item 24: a newcomer who mistyped an address saw Django's technical 404 in
English, listing every URL. The settings module is loaded in a fresh process with the
environment bin/run gives it, and the pages are fetched through Django's test client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
settings.ALLOWED_HOSTS = ["testserver"]
client = Client()
missing = client.get("/finnes-ikke/", HTTP_ACCEPT_LANGUAGE="nb")
css = client.get("/static/favicon.svg")
print(json.dumps({
    "debug": settings.DEBUG,
    "status": missing.status_code,
    "body": missing.content.decode(),
    "static": css.status_code,
}))
"""


def test_demo_settings_show_the_styled_404_and_still_serve_static_files(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE",
                        "CELERY_BROKER_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
                "LEDERUTVIKLING_VAR_DIR": str(tmp_path)})
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout.strip().splitlines()[-1])
    assert page["debug"] is False
    assert page["status"] == 404
    assert "Fant ikke siden" in page["body"]
    assert "URLconf" not in page["body"]          # Django's technical page lists the URLconf
    assert "Using the URLconf" not in page["body"]
    assert page["static"] == 200
