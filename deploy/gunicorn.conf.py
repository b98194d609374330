"""gunicorn settings for one web node (deploy/systemd/lederutvikling-web.service).

Sized for a 2-core machine (docs/DEPLOY.md, "Sizing"): pages are short CPU work
plus database round trips, so 2 processes per core with 2 threads each; PDFs and
exports are built by the Celery workers, never in a web process. Every value can
be overridden with GUNICORN_* variables in the environment file.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
# A page that takes longer than this is killed and logged (the slowest measured page
# takes well under a second; bench/RESULTS.md).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Recycle processes now and then, so a slow leak never grows for weeks.
max_requests = 2000
max_requests_jitter = 200
# The proxy in front (deploy/nginx/lederutvikling.conf) sets X-Forwarded-Proto;
# only it may: gunicorn listens on 127.0.0.1 or a private address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Request id and user id are in the application's own log lines (lib/logs.py).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
# Load the application once in the master: a misconfigured production (lib/checks.py)
# stops here with the check's message instead of restarting workers in a loop.
preload_app = True
wsgi_app = "lederutvikling.wsgi:application"
# gunicorn's control socket ($HOME/.gunicorn/gunicorn.ctl) is not used: systemd reloads
# with HUP. Off, so two nodes on one machine (tests/test_multinode.py) share nothing.
control_socket_disable = True
