"""The Celery application. Tasks live in each app's ``tasks.py``."""

from __future__ import annotations

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lederutvikling.settings")

app = Celery("lederutvikling")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _refuse_unsafe_start(**_kwargs: object) -> None:
    """A worker or beat of a misconfigured production stops at once (lib/checks.py)."""
    import django

    django.setup()
    from lib.checks import exit_if_unsafe

    exit_if_unsafe()
