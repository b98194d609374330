"""A real OpenID Connect provider (npm ``oidc-provider``) on 127.0.0.1, per test.

``npm ci`` runs once if ``node_modules`` is missing (package-lock.json pins it).
``oidc_provider(redirect_uris=[…], accounts={…})`` starts one server on a port
the kernel picks and returns its issuer and client; every server stops after the test.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lib.testing import stop_process

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
NPM = shutil.which("npm")


@dataclass(frozen=True)
class OIDCServer:
    issuer: str
    client_id: str
    client_secret: str


def _install() -> None:
    if not (HERE / "node_modules" / "oidc-provider").exists():
        subprocess.run([NPM, "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True,
                       stdout=subprocess.DEVNULL)


@contextmanager
def run_provider(*, redirect_uris: list[str], accounts: dict[str, dict],
                 client_id: str = "lederutvikling",
                 client_secret: str = "test-secret-not-real",  # noqa: S107
                 ) -> Iterator[OIDCServer]:
    config = {"accounts": accounts, "clients": [
        {"client_id": client_id, "client_secret": client_secret,
         "redirect_uris": redirect_uris}]}
    process = subprocess.Popen(  # noqa: S603 - node with our own script
        [NODE, "server.mjs"], cwd=HERE, env={**os.environ, "OIDC_CONFIG": json.dumps(config)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # One thread reads every line the server prints (so the pipe never fills up)
    # and hands them over; select() on the pipe would miss lines already read into
    # the text wrapper's buffer (two lines in one write: CI waited for "listening").
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        seen: list[str] = []
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                raise RuntimeError("the OpenID Connect provider did not start:\n" + "".join(seen))
            seen.append(line)
            if line.startswith("listening"):
                break
        issuer = f"http://127.0.0.1:{int(line.split()[1])}"
        yield OIDCServer(issuer, client_id, client_secret)
    finally:
        stop_process(process)


@pytest.fixture
def oidc_provider() -> Iterator[Callable[..., OIDCServer]]:
    _install()
    with ExitStack() as stack:
        yield lambda **kwargs: stack.enter_context(run_provider(**kwargs))
