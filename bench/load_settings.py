"""Settings for the load benchmark only: the project's, with ``bench.load_urls``.

``bench/load.py`` starts gunicorn with ``DJANGO_SETTINGS_MODULE=bench.load_settings``.
"""

from __future__ import annotations

import os

from lederutvikling.settings import *  # noqa: F403

if os.environ.get("LEDERUTVIKLING_BENCH", "").lower() != "true":
    raise RuntimeError("bench.load_settings is for the load benchmark only "
                       "(set LEDERUTVIKLING_BENCH=true)")

ROOT_URLCONF = "bench.load_urls"
