"""SENTRY_DSN: an error logged by the portal arrives at the Sentry server, without personal data.

A small HTTP server on 127.0.0.1 stands in for Sentry (or GlitchTip): a process in
production mode with ``SENTRY_DSN`` pointing at it logs an error, as a worker's
failing task or a view would, and the envelope sentry-sdk posts is read back.
"""

from __future__ import annotations

import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


class _Sentry(http.server.ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.envelopes: list[tuple[str, bytes]] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli  # type: ignore[import-not-found]

            body = brotli.decompress(body)
        self.server.envelopes.append((self.path, body))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *_args: object) -> None:
        pass


def test_a_logged_error_reaches_sentry_without_personal_data(tmp_path):
    server = _Sentry()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "CACHE_URL",
                        "CELERY_BROKER_URL", "STORAGE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
        "LEDERUTVIKLING_PRODUCTION": "true",
        "LEDERUTVIKLING_SINGLE_NODE": "true",
        "LEDERUTVIKLING_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "sentry-test-" + "q" * 50,
        "ALLOWED_HOSTS": "lederutvikling.example.no",
        "EMAIL_URL": "smtp://127.0.0.1:25",
        "SENTRY_DSN": f"http://publickey@127.0.0.1:{port}/7",
        "SENTRY_RELEASE": "lederutvikling@test",
    })
    code = (
        "import django, logging, sentry_sdk; django.setup()\n"
        "try:\n"
        "    raise RuntimeError('the build of document 42 failed')\n"
        "except RuntimeError:\n"
        "    logging.getLogger('lib.documents').exception('build failed for job %s', 42)\n"
        "sentry_sdk.flush(timeout=10)\n")
    try:
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,  # noqa: S603
                                capture_output=True, text=True, timeout=60, check=False)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    assert server.envelopes, "nothing was sent to the Sentry server"
    path, body = server.envelopes[0]
    assert path == "/api/7/envelope/"
    header, *items = body.split(b"\n")
    assert json.loads(header)["trace"]["public_key"] == "publickey"
    events = [json.loads(line) for line in items if line.startswith(b'{"') and b'"level"' in line]
    [event] = [e for e in events if e.get("level") == "error"]
    assert event["environment"] == "production" and event["release"] == "lederutvikling@test"
    assert event["logentry"]["message"] == "build failed for job %s"
    assert event["exception"]["values"][0]["value"] == "the build of document 42 failed"
    # send_default_pii is off: no user, no IP address, no server-side personal data.
    assert "user" not in event or not event["user"].get("ip_address")
    assert "request" not in event
