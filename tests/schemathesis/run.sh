#!/usr/bin/env bash
# Runs schemathesis over every operation of casefile's served OpenAPI document, against a
# fresh server with an admin token; its conformance checks fail the run.
#   CASEFILE_BIN                server binary (default: <repo>/target/debug/casefile)
#   CASEFILE_TEST_DATABASE_URL  postgres:// URL of a throwaway database (default: SQLite in a temp dir)
#   ST_VENV                     venv to create or reuse (default: <repo>/target/schemathesis-venv)
#   ST_MAX_EXAMPLES             test cases per operation and phase (default: 25)
#   ST_MAX_TIME                 a time budget in seconds (default: none; with one, the fuzzing
#                               phase repeats until it is spent, so runs differ)
# Every check runs and fails the run, except the failures recorded in baseline.json (see
# README.md: schema-valid requests that a rule no schema can state refuses, one per operation).
# Extra arguments go to `st run`. The report is written to <repo>/target/schemathesis/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${ST_VENV:-$repo/target/schemathesis-venv}"
bin="${CASEFILE_BIN:-$repo/target/debug/casefile}"
report="$repo/target/schemathesis"

if [ ! -x "$venv/bin/python" ]; then
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
fi
stamp="$venv/.st-requirements"
if ! cmp -s "$here/requirements.txt" "$stamp" 2>/dev/null; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    cp "$here/requirements.txt" "$stamp"
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
client_id="st-admin-$$"
client_secret="st-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
database_url="${CASEFILE_TEST_DATABASE_URL:-sqlite://$work/casefile.db}"

env -i PATH="$PATH" HOME="$HOME" NO_COLOR=1 \
    CASEFILE_ADMIN_CLIENT_ID="$client_id" CASEFILE_ADMIN_CLIENT_SECRET="$client_secret" \
    CASEFILE_RATE_LIMIT_PER_MINUTE=0 \
    "$bin" serve --listen "127.0.0.1:$port" --database-url "$database_url" >"$work/server.log" 2>&1 &
server=$!
cleanup() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 300); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
token="$(curl -fsS -u "$client_id:$client_secret" -d grant_type=client_credentials "$base/oauth/token" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"

mkdir -p "$report"
# schemathesis keeps the failures it found under ./.schemathesis and replays them first on the
# next run; run it in the fresh temporary directory so every run starts from the same state.
cd "$work"
set +e
"$venv/bin/st" run "$base/api/v2/docs/openapi.json" \
    --url "$base" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance,missing_required_header,unsupported_method \
    --baseline "$here/baseline.json" \
    --phases examples,coverage,fuzzing \
    --max-examples "${ST_MAX_EXAMPLES:-25}" \
    ${ST_MAX_TIME:+--max-time "$ST_MAX_TIME"} \
    --seed 20261204 \
    --workers 1 \
    --no-color \
    --report junit --report-dir "$report" \
    "$@"
status=$?
set -e
if grep -q "panicked\|ERROR" "$work/server.log"; then
    echo "--- server log lines with ERROR or a panic ---"
    grep -m 40 "panicked\|ERROR" "$work/server.log"
fi
exit "$status"
