#!/usr/bin/env bash
# Runs the Genesys Cloud SDK compatibility suite against a casefile binary.
#   COMPAT_VENV                 venv to create or reuse (default: <repo>/target/compat-venv)
#   CASEFILE_BIN                server binary (default: <repo>/target/debug/casefile)
#   CASEFILE_TEST_DATABASE_URL  postgres:// URL of a throwaway database (default: SQLite in a temp dir)
#   PYTHON                      interpreter for the venv (default: python3)
# Extra arguments go to pytest (e.g. -k isolation, -x, -vv). Exit code = pytest's.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${COMPAT_VENV:-$repo/target/compat-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv"
fi
# Reinstall only when requirements.txt changed since the last install into this venv.
stamp="$venv/.compat-requirements"
if ! cmp -s "$here/requirements.txt" "$stamp" 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

cd "$here"
set +e
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$here" "$@"
status=$?
set -e
exit "$status"
