#!/usr/bin/env bash
# Every benchmark in bench/ once, small (a few thousand rows, seconds each), so that a
# benchmark broken by a migration or a changed model fails CI. Timings are printed, not
# judged. PostgreSQL: the database named by SMOKE_DATABASE_URL (its name must contain
# "bench"), default rencai_bench_smoke on the local cluster. Both smoke databases are
# dropped and created afresh on every run: rows left by an earlier run were encrypted with
# that checkout's development key and cannot be read by another checkout's.
#
#   bench/smoke.sh                       # with .venv/bin/python
#   PYTHON=/path/to/python bench/smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
URL=${SMOKE_DATABASE_URL:-postgres://rencai:rencai@127.0.0.1:5432/rencai_bench_smoke}
IMPORT_URL=${SMOKE_IMPORT_DATABASE_URL:-${URL}_import}
PORT=${SMOKE_PORT:-8719}
export RENCAI_DEBUG=0 DJANGO_SETTINGS_MODULE=rencai.settings
started=$(date +%s)

"$PY" - "$URL" "$IMPORT_URL" <<'PY'
import sys
import psycopg
for url in sys.argv[1:]:
    base, name = url.rsplit("/", 1)
    if "bench" not in name:
        sys.exit(f"smoke database name must contain 'bench': {name}")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
PY

step() { echo "== bench smoke: $*"; }
export DATABASE_URL=$URL

step "leader_view.py --smoke"
"$PY" bench/leader_view.py --smoke
step "talent_search.py --smoke"
"$PY" bench/talent_search.py --smoke
step "documents_and_views.py --smoke"
"$PY" bench/documents_and_views.py --smoke --user bench-office
step "project_board.py --smoke"
"$PY" bench/project_board.py --smoke
step "export_background.py --smoke"
"$PY" bench/export_background.py --smoke

step "load.py --smoke (against a server on 127.0.0.1:$PORT)"
"$PY" manage.py shell -c "
from rencai.accounts.models import User
for name in ('bench-office', 'bench-leader'):
    user = User.objects.get(username=name)
    user.set_password('Smoke@2026-bench')
    user.save()
"
"$PY" manage.py runserver --noreload --insecure "127.0.0.1:$PORT" >/tmp/rencai-bench-smoke-server.log 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
    "$PY" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
        "http://127.0.0.1:$PORT/accounts/login/" 2>/dev/null && break
    sleep 0.5
done
"$PY" bench/load.py --smoke --base-url "http://127.0.0.1:$PORT" --users bench-office,bench-leader --password 'Smoke@2026-bench'
kill "$server" 2>/dev/null || true

step "import_talents.py --smoke"
"$PY" bench/import_talents.py --smoke --database-url "$IMPORT_URL"

echo "== bench smoke: every benchmark ran ($(($(date +%s) - started)) s)"
