"""deploy/: the environment file names every variable, and reads alike in systemd and a shell.

docs/DEPLOY.md promises that ``deploy/lederutvikling.env`` lists every variable the
portal reads; a variable added to the settings (or to ``deploy/gunicorn.conf.py``)
without a line there fails here. The file is read by systemd's ``EnvironmentFile=``
and, for the release steps, by ``set -a; . file`` in a shell: both must see the same
values.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
ENV_FILE = ROOT / "deploy" / "lederutvikling.env"

# Read by code, but not settings an operator sets: tests, the benchmark, Python itself.
NOT_FOR_OPERATORS = {"PYTEST_XDIST_WORKER", "PDF_TEST_DUMP"}


def _variables_read() -> set[str]:
    names: set[str] = set()
    settings = (ROOT / "lederutvikling" / "settings.py").read_text()
    names |= set(re.findall(r'env_(?:str|int|bool|list)\(\s*"([A-Z0-9_]+)"', settings))
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z0-9_]+)"', gunicorn))
    return names - NOT_FOR_OPERATORS


def test_the_environment_file_names_every_variable_the_portal_reads():
    read = _variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "STORAGE_URL", "EMAIL_URL", "GUNICORN_BIND",
            "LEDERUTVIKLING_SINGLE_NODE", "SENTRY_DSN", "LOG_FORMAT"} <= read  # the scan works
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", ENV_FILE.read_text(), flags=re.M))
    assert sorted(read - named) == []


def _systemd_values() -> dict[str, str]:
    """EnvironmentFile= as systemd reads it (the subset this file uses: NAME=value,
    NAME="value", comment lines)."""
    values = {}
    for line in ENV_FILE.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name.strip()] = value
    return values


def test_systemd_and_a_shell_read_the_environment_file_alike():
    values = _systemd_values()
    script = f"set -a; . {ENV_FILE}; set +a; " + "; ".join(
        f'printf "%s\\0" "${{{name}}}"' for name in values)
    shell = subprocess.run(["/bin/bash", "-c", script], capture_output=True, text=True,
                           timeout=30, check=True).stdout.split("\0")[:-1]
    assert dict(zip(values, shell, strict=True)) == values
    # Values a shell would cut or run (spaces, &, <, >, ;) are quoted.
    for line in ENV_FILE.read_text().splitlines():
        if line and not line.startswith("#"):
            value = line.partition("=")[2]
            if re.search(r"[\s&<>;|]", value):
                assert value.startswith('"') and value.endswith('"'), line
