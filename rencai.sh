#!/usr/bin/env bash
# Rencai quick start.
#   ./rencai.sh start   create the environment, migrate, load demo data, serve http://127.0.0.1:8000
#   ./rencai.sh test    run the whole test suite (set DATABASE_URL to run it on PostgreSQL;
#                       RENCAI_TEST_PROCESSES=0 runs it in this one process)
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY="$VENV/bin/python"

ensure_env() {
    if [ ! -x "$PY" ]; then
        python3 -m venv "$VENV"
    fi
    local stamp="$VENV/.requirements.sha256"
    local wanted
    wanted=$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        "$PY" -m pip install --quiet --upgrade pip
        "$PY" -m pip install --quiet -r requirements-dev.txt
        echo "$wanted" > "$stamp"
    fi
}

ensure_test_tools() {
    # chromium (browser tests), LibreOffice and poppler (a generated document is rendered
    # to PDF and measured), CJK fonts for both.
    local packages=()
    command -v chromium >/dev/null 2>&1 || packages+=(chromium)
    command -v soffice >/dev/null 2>&1 || packages+=(libreoffice-writer-nogui)
    command -v pdfinfo >/dev/null 2>&1 || packages+=(poppler-utils)
    [ -d /usr/share/fonts/opentype/noto ] || packages+=(fonts-noto-cjk)
    if [ ${#packages[@]} -eq 0 ]; then
        return
    fi
    if [ "$(id -u)" = "0" ]; then
        echo "安装测试所需的 ${packages[*]} ..."
        apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null 2>&1 \
            || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${packages[@]}" >/dev/null; }
    else
        echo "测试需要：sudo apt-get install -y ${packages[*]}" >&2
        exit 1
    fi
}

test_processes() {
    # One process per core; on PostgreSQL one more, since a test spends much of its time
    # waiting for the database's answers. Each process has its own test database.
    local cores
    cores=$(nproc 2>/dev/null || echo 1)
    if [[ "${DATABASE_URL:-}" == postgres* ]]; then
        echo $((cores + 1))
    else
        echo "$cores"
    fi
}

command="${1:-start}"
shift || true
case "$command" in
    start)
        ensure_env
        "$PY" manage.py migrate --noinput
        "$PY" manage.py load_defaults
        "$PY" manage.py seed_demo
        "$PY" manage.py db_worker --no-reload --interval 1 &
        WORKER=$!
        trap 'kill "$WORKER" 2>/dev/null' EXIT INT TERM
        echo "平台地址：http://127.0.0.1:8000 （Ctrl+C 停止；后台任务进程已随之启动）"
        "$PY" manage.py runserver 127.0.0.1:8000
        ;;
    test)
        ensure_env
        ensure_test_tools
        exec "$VENV/bin/pytest" -n "${RENCAI_TEST_PROCESSES:-$(test_processes)}" --dist loadfile "$@"
        ;;
    *)
        echo "用法：./rencai.sh start | test" >&2
        exit 2
        ;;
esac
