"""Every app's tests run: an app whose tests/ folder is missing from testpaths is never tested.

(The privacy, cockpit and leaderplatform apps were added with their tests, and
`bin/test` would have passed without running one of them.)
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_app_with_tests_is_in_testpaths():
    testpaths = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]
                    ["ini_options"]["testpaths"])
    apps = {p.parent.name for p in ROOT.glob("*/tests") if p.is_dir()
            and not p.parent.name.startswith(".") and p.parent.name not in {"var", "mutants"}}
    assert apps - {"tests"} <= testpaths, sorted(apps - testpaths)
    assert "tests" in testpaths
