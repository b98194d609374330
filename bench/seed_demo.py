"""Time `seed_demo` at scale 1 and 10 on the configured database; prints figures.

    .venv/bin/python bench/seed_demo.py            # SQLite in a temp dir
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lederutvikling_bench \
        .venv/bin/python bench/seed_demo.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                   check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "LEDERUTVIKLING_VAR_DIR": tmp,
               "DJANGO_SETTINGS_MODULE": "lederutvikling.settings"}
        run("migrate", "--verbosity", "0", env=env)
        for scale in (1, 10):
            started = time.monotonic()
            run("seed_demo", "--reset", "--scale", str(scale), env=env)
            print(f"seed_demo --scale {scale}: {time.monotonic() - started:.1f} s "
                  f"(database: {'postgresql' if 'DATABASE_URL' in env else 'sqlite'})")


if __name__ == "__main__":
    main()
