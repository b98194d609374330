"""Several machines: two web nodes, two Celery workers and beat sharing no disk.

Each node is a set of real processes started from the command lines of
docs/DEPLOY.md — gunicorn with ``deploy/gunicorn.conf.py``, ``celery worker``,
``celery beat`` — in production mode, each with its own working directory and
``LEDERUTVIKLING_VAR_DIR``. They share only PostgreSQL (the test database),
Redis (broker and cache on different databases) and an S3 bucket
(``moto_server`` on 127.0.0.1); mail goes to an SMTP sink in this test.

* A poster PDF asked for on web node A is built by the worker of node B (the
  only one running then) and downloaded from node B and from node A.
* Beat on node A sweeps reminders every few seconds; the two workers send
  them: each reminder arrives once.
* Web node A is stopped; the same logged-in browser goes on with web node B.
* /healthz on node B: 200 with everything up, 503 "no reply" with the workers
  stopped.
* Database connections of web node B stay open between requests and are checked
  before reuse: after PostgreSQL drops them, the next requests still succeed.

Prints what happened (nodes, jobs, downloads) as it happens (``pytest -s``) and as a
report at the end of the run, also in CI without ``-s`` (``conftest.py``).
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import os
import re
import shutil
import signal
import socketserver
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from groups import services as group_services
from groups.models import PosterVersion, Purpose
from groups.tests.conftest import world  # noqa: F401  (the fixture)
from groups.tests.factories import ProcessSessionFactory
from lib import reminders
from lib.models import DocumentStatus, GeneratedDocument, ReminderStatus, SentReminder
from lib.testing_s3 import ACCESS_KEY, SECRET_KEY, free_port, s3_server
from tests.factories import PASSWORD

pytestmark = [pytest.mark.postgres, pytest.mark.redis,
              pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
T0 = time.monotonic()
# What happened, line by line: printed as it happens (pytest -s) and, through the test's
# user_properties, at the end of every run (conftest.py), so CI's output shows it.
LINES: list[str] = []


def say(text: str) -> None:
    line = f"[multinode {time.monotonic() - T0:5.1f}s] {text}"
    LINES.append(line)
    print(line, flush=True)


# --- An SMTP sink: the "mail relay" every node sends to --------------------------------------
class _SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.wfile.write(b"220 sink ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = bytearray()
                while (part := self.rfile.readline()) not in (b".\r\n", b""):
                    data += part[1:] if part.startswith(b"..") else part
                self.server.messages.append(bytes(data))  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages: list[bytes] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])


# --- Nodes ------------------------------------------------------------------------------------
@dataclass
class Node:
    name: str
    home: Path
    env: dict[str, str]
    port: int = 0
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, role: str, command: list[str]) -> None:
        log = (self.home / f"{role}.log").open("wb")
        self.processes[role] = subprocess.Popen(
            command, cwd=self.home, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        say(f"node {self.name}: {role} started (pid {self.processes[role].pid})")

    def log(self, role: str) -> str:
        return (self.home / f"{role}.log").read_text(errors="replace")

    def stop(self, role: str) -> None:
        stop_all([(self, role)])


def stop_all(roles: list[tuple[Node, str]]) -> None:
    """SIGTERM to each (gunicorn and Celery shut down gracefully), then wait for all."""
    stopping = [(node, role, node.processes.pop(role)) for node, role in roles
                if role in node.processes]
    for _, _, process in stopping:
        process.send_signal(signal.SIGTERM)
    for node, role, process in stopping:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        say(f"node {node.name}: {role} stopped")


class Browser:
    """One person's browser: cookies kept, sent to whichever node it talks to.

    The proxy in front of the nodes terminates TLS and says so with
    X-Forwarded-Proto; this browser does the same, so the Secure cookies travel.
    """

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(self, node: Node, method: str, path: str,
                form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        host = f"127.0.0.1:{node.port}"
        headers = {"Host": host, "X-Forwarded-Proto": "https",
                   "Referer": f"https://{host}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, content
        finally:
            conn.close()

    def get(self, node: Node, path: str) -> tuple[int, dict[str, str], bytes]:
        return self.request(node, "GET", path)

    def post(self, node: Node, path: str, form: dict[str, str]) -> tuple[int, dict[str, str],
                                                                            bytes]:
        return self.request(node, "POST", path, form)


def wait_for(what: str, predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def healthz(node: Node, deep: bool = True) -> tuple[int, dict[str, str]]:
    conn = http.client.HTTPConnection("127.0.0.1", node.port, timeout=10)
    try:
        conn.request("GET", "/healthz" if deep else "/healthz?deep=0")
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def _up(node: Node) -> bool:
    try:
        return healthz(node, deep=False)[0] == 200
    except OSError:
        return False


@pytest.fixture
def published_poster(world):  # noqa: F811
    group_services.poster_version_save(
        group=world.group, author=world.member, base_number=None,
        lead="Vår ledergruppe skal skape MERVERDI for organisasjonen ved å:",
        commitments=[group_services.CommitmentInput(
            "Sette en tydelig retning og forklare hvorfor – også på Ørsta", Purpose.DIRECTION),
            group_services.CommitmentInput("Gi hverandre ærlige tilbakemeldinger")])
    group_services.poster_publish(version=PosterVersion.objects.get(number=1),
                                  actor=world.head)
    # A session the day after tomorrow: its reminder is due for every member.
    ProcessSessionFactory(process=world.process, number=99,
                          planned_at=timezone.now() + dt.timedelta(days=2))
    return world


def test_two_web_nodes_two_workers_one_beat_share_no_disk(published_poster, personas, tmp_path,
                                                          settings, request):
    LINES.clear()
    try:
        _two_nodes(published_poster, personas, tmp_path, settings)
    finally:
        request.node.user_properties.append(("report", "\n".join(LINES)))


def _pg(sql: str, params: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _two_nodes(scene, personas, tmp_path, settings) -> None:
    # The nodes hash passwords as production does (the tests' fast hasher is not theirs).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    for user in (scene.member, personas.charlie):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    due = {(d.occasion, d.recipient.email)
           for source in reminders._sources.values() for d in source(timezone.now())}
    assert len(due) >= 3, due  # the session's reminder for head, members and facilitator

    db = settings.DATABASES["default"]
    database_url = (f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                    f"{connection.settings_dict['NAME']}")
    sink = SmtpSink()
    threading.Thread(target=sink.serve_forever, daemon=True).start()
    nodes: list[Node] = []
    with s3_server("lederutvikling-multinode") as s3:
        try:
            base_env = {
                **{k: v for k, v in os.environ.items()
                   if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "CACHE_URL", "CELERY_BROKER_URL",
                                "LEDERUTVIKLING_SINGLE_NODE", "DEBUG"}},
                "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "lederutvikling.settings",
                "LEDERUTVIKLING_PRODUCTION": "true",
                "SECRET_KEY": "multinode-test-" + "k" * 50,
                "ALLOWED_HOSTS": "127.0.0.1",
                "DATABASE_URL": database_url,
                "REDIS_URL": os.environ["REDIS_URL"],  # broker N, cache N+1
                "STORAGE_URL": s3.storage_url,
                "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
                "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
                "SITE_URL": "https://lederutvikling.example.no",
                "REMINDERS_SWEEP_SECONDS": "3",
                "BEAT_HEARTBEAT_SECONDS": "2",
                "LOG_FORMAT": "json",
                "GUNICORN_WORKERS": "1",
                "GUNICORN_THREADS": "4",
            }
            for name in ("A", "B"):
                home = tmp_path / f"node-{name}"
                (home / "var").mkdir(parents=True)
                port = free_port()
                nodes.append(Node(name=name, home=home, port=port, env={
                    **base_env, "LEDERUTVIKLING_VAR_DIR": str(home / "var"),
                    "GUNICORN_BIND": f"127.0.0.1:{port}"}))
            a, b = nodes
            cache_location = settings.CACHES["default"]["LOCATION"]
            say(f"broker {settings.CELERY_BROKER_URL}, cache {cache_location}, "
                f"bucket {s3.endpoint}/{s3.bucket}, mail relay 127.0.0.1:{sink.port}")

            # Release step, once per machine: the static files (docs/DEPLOY.md).
            subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput",
                            "-v0"], cwd=a.home, env=a.env, check=True, timeout=120)
            shutil.copytree(a.home / "var" / "staticfiles", b.home / "var" / "staticfiles")
            gunicorn = [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")]
            celery = [str(BIN / "celery"), "-A", "lederutvikling"]
            for node in nodes:
                node.start("web", gunicorn)
            b.start("worker", [*celery, "worker", "--pool", "solo", "--loglevel", "INFO",
                               "-n", "worker-b@%h"])
            for node in nodes:
                wait_for(f"web node {node.name}", lambda node=node: _up(node), 60)
                say(f"node {node.name}: web at 127.0.0.1:{node.port} answers /healthz?deep=0")
            wait_for("worker B", lambda: " ready." in b.log("worker"), 60)

            # --- A poster PDF asked for on node A, built by node B's worker ---------------
            browser = Browser()
            browser.get(a, reverse("login"))
            status, headers, _ = browser.post(a, reverse("login"), {
                "username": scene.member.email, "password": PASSWORD})
            assert status == 302, "login on node A failed"
            status, headers, _ = browser.post(
                a, reverse("groups:poster_pdf", args=[scene.group.public_id]),
                {"page_size": "A4"})
            assert status == 302, status
            document = GeneratedDocument.objects.get(kind="groups.poster_pdf")
            say(f"node A: poster PDF asked for by {scene.member.pk} -> job {document.pk}")
            status_path = reverse("lib:document_status", args=[document.pk])

            def ready() -> bool:
                code, _, body = browser.get(a, status_path)
                return code == 200 and json.loads(body)["ready"]

            wait_for("the poster PDF", ready, 60)
            document.refresh_from_db()
            assert document.status == DocumentStatus.DONE
            built_by = re.findall(r"Task lib\.tasks\.document_build\[([0-9a-f-]+)\] succeeded",
                                  b.log("worker"))
            assert len(built_by) == 1, b.log("worker")[-3000:]
            say(f"node B: worker built job {document.pk} (task {built_by[0]}) "
                f"-> s3://{s3.bucket}/{document.file.name}")
            assert s3.keys() == [document.file.name]
            for node in nodes:  # nothing on either machine's disk
                assert not list((node.home / "var").glob("**/*.pdf"))

            download = reverse("lib:document_download", args=[document.pk])
            bodies = {}
            for node in (b, a):
                code, headers, body = browser.get(node, download)
                assert code == 200 and body.startswith(b"%PDF"), (node.name, code)
                assert "private" in headers["cache-control"]
                text = " ".join(PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
                assert "Ledergruppen i Helse og velferd" in text and "Ørsta" in text
                bodies[node.name] = body
                say(f"node {node.name}: downloaded {len(body)} bytes, "
                    f"X-Request-ID {headers['x-request-id']}")
            assert bodies["A"] == bodies["B"]
            # Someone else, logged in on node B, gets 404 for the same file.
            outsider = Browser()
            outsider.get(b, reverse("login"))
            outsider.post(b, reverse("login"), {"username": personas.charlie.email,
                                                "password": PASSWORD})
            assert outsider.get(b, download)[0] in (302, 404)

            # --- Reminders: beat on node A, workers on both nodes, each sent once ------
            a.start("worker", [*celery, "worker", "--pool", "solo", "--loglevel", "INFO",
                               "-n", "worker-a@%h"])
            wait_for("worker A", lambda: " ready." in a.log("worker"), 60)
            a.start("beat", [*celery, "beat", "--loglevel", "INFO",
                             "--schedule", str(a.home / "var" / "beat-schedule")])
            wait_for("every reminder sent", lambda: SentReminder.objects.filter(
                status=ReminderStatus.SENT).count() >= len(due), 60)
            def sweeps() -> int:
                return sum(len(re.findall(r"Task lib\.tasks\.reminders_sweep\[[^]]+\] succeeded",
                                          node.log("worker"))) for node in (a, b))

            sweeps_before = sweeps()
            wait_for("two more sweeps", lambda: sweeps() >= sweeps_before + 2, 20)
            time.sleep(1)  # let any (wrong) second send arrive
            recipients = Counter()
            for raw in sink.messages:
                message = message_from_bytes(raw)
                subject = str(make_header(decode_header(message["Subject"])))
                recipients[(message["To"], subject)] += 1
            sent_by = {name: len(re.findall(r"Task lib\.tasks\.reminder_send\[[^]]+\] succeeded",
                                            node.log("worker")))
                       for name, node in (("A", a), ("B", b))}
            say(f"node A: beat sent {a.log('beat').count('Sending due task reminders-sweep')} "
                f"sweeps ({sweeps()} run by the workers); "
                f"reminders sent by worker A: {sent_by['A']}, worker B: {sent_by['B']}; "
                f"{len(sink.messages)} emails for {len(due)} due reminders")
            assert len(sink.messages) == len(due) == sum(sent_by.values())
            assert max(recipients.values()) == 1, recipients
            assert {to for to, _ in recipients} == {email for _, email in due}

            # --- /healthz on node B with everything up -----------------------------------
            code, body = healthz(b)
            say(f"node B: /healthz {code} {json.dumps(body)}")
            assert code == 200 and body == {"status": "ok", "database": "ok", "cache": "ok",
                                            "broker": "ok", "worker": "ok", "beat": "ok"}

            # --- Node A's web process stops; node B serves the same logged-in person -----
            a.stop("web")
            code, _, body = browser.get(b, reverse("accounts:min_side"))
            assert code == 200, code
            assert scene.member.full_name in body.decode()
            say(f"node B: Min side for user {scene.member.pk} with node A's session cookie: "
                f"{code}")

            # --- Workers stopped: /healthz names them ------------------------------------
            stop_all([(a, "worker"), (b, "worker")])
            code, body = healthz(b)
            say(f"node B: /healthz with the workers stopped {code} {json.dumps(body)}")
            assert code == 503 and body["worker"] == "no reply"
            assert healthz(b, deep=False) == (200, {"status": "ok", "database": "ok"})

            # --- Database connections: kept between requests, checked before reuse -----
            # Only web node B (and beat, which uses no database) is left. A connection
            # that served a request after `since` and is still open afterwards is
            # persistent (DATABASE_CONN_MAX_AGE=60 in production; 0 would close it).
            [(since,)] = _pg("SELECT now()")
            for _ in range(4):
                assert browser.get(b, reverse("accounts:min_side"))[0] == 200
            others = ("FROM pg_stat_activity WHERE datname = current_database() "
                      "AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
            kept = _pg(f"SELECT pid, backend_start < %s {others} "  # noqa: S608
                       "AND state = 'idle' AND state_change > %s", (since, since))
            say(f"node B: {len(kept)} database connection(s) still open after 4 requests, "
                f"{sum(old for _, old in kept)} of them opened before those requests")
            assert kept, "web node B closed its database connections after each request"
            # PostgreSQL drops them (a restart, a failover): each is checked before reuse
            # (DATABASE_CONN_HEALTH_CHECKS) and replaced, so nobody sees an error page.
            dropped = _pg(f"SELECT pg_terminate_backend(pid) {others}")  # noqa: S608
            codes = [browser.get(b, reverse("accounts:min_side"))[0] for _ in range(8)]
            say(f"node B: PostgreSQL dropped {len(dropped)} connection(s); "
                f"the next 8 requests answered {sorted(Counter(codes).items())}")
            assert codes == [200] * 8, codes
            # JSON logs with request ids: node B's web log names the download's request.
            lines = [json.loads(line) for line in b.log("web").splitlines()
                     if line.startswith("{")]
            assert any(line.get("request_id") for line in lines), b.log("web")[-2000:]
        finally:
            stop_all([(node, role) for node in nodes for role in list(node.processes)])
            sink.shutdown()
            sink.server_close()
