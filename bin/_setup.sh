# Shared by bin/run and bin/test: a local virtual environment with exactly the
# locked versions, and compiled translations. Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

find_python() {
  local candidates=("${PYTHON:-}" python3.13 python3.12 python3)
  if command -v pyenv >/dev/null 2>&1; then
    for p in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do candidates+=("$p"); done
  fi
  for c in "${candidates[@]}"; do
    [ -n "$c" ] || continue
    if "$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then
      command -v "$c" 2>/dev/null || echo "$c"
      return 0
    fi
  done
  echo "Python 3.12 or newer is needed (set PYTHON=/path/to/python3.12)." >&2
  return 1
}

ensure_venv() {
  local lock="$1"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    rm -rf "$VENV"
    "$(find_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(basename "$lock")"
  local want
  want="$(sha256sum "$lock" | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> Installing locked dependencies from $lock"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$lock"
    echo "$want" > "$stamp"
  fi
}

compile_translations() {
  if ! command -v msgfmt >/dev/null 2>&1; then
    echo "msgfmt is missing: install Debian's gettext package (apt-get install gettext)." >&2
    return 1
  fi
  "$VENV/bin/python" manage.py compilemessages --verbosity 0 --ignore ".venv"
}
