#!/usr/bin/env bash
# Run the persistence tests (tests/db/) against a throwaway local PostgreSQL server.
#
# Finds the server binaries (pg_config, initdb on PATH, /usr/lib/postgresql/*/bin), installs
# Debian's postgresql package if there are none, and the psycopg driver (the `postgres` extra)
# into the venv if missing; starts a server on a free loopback port in a
# temp dir (as the `postgres` user when run as root: root cannot run postgres), creates a
# database, runs tests/db with NETS_DB pointing at it, then stops the server and removes the dir.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="$ROOT/.venv/bin/python"
cd "$ROOT"

find_pg_bin() {
    local dir
    if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return 0
    fi
    if command -v initdb >/dev/null 2>&1; then  # e.g. links in /usr/local/bin: where they point
        dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
        [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
    fi
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
    done
    return 1
}

PG_BIN="$(find_pg_bin || true)"
if [ -z "$PG_BIN" ]; then
    echo "== installing postgresql (Debian package)"
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: postgresql is not installed and this is not root (apt-get install -y postgresql)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN="$(find_pg_bin)"
fi

if ! "$PYTHON" -c "import psycopg" 2>/dev/null; then
    echo "== installing the psycopg driver (the postgres extra, as uv.lock pins it) into .venv"
    UV_PROJECT_ENVIRONMENT="$ROOT/.venv" "$ROOT/.tools/bin/uv" sync --frozen --quiet --extra postgres
fi

RUN_AS=()
if [ "$(id -u)" -eq 0 ]; then
    PG_USER=postgres
    if ! id "$PG_USER" >/dev/null 2>&1; then
        PG_USER=nets-pg
        id "$PG_USER" >/dev/null 2>&1 || useradd --system --no-create-home "$PG_USER"
    fi
    RUN_AS=(runuser -u "$PG_USER" --)
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/nets-pg.XXXXXX")"
chmod 755 "$WORK"
[ "${#RUN_AS[@]}" -gt 0 ] && chown "$PG_USER" "$WORK"
PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
    "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap stop EXIT

echo "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT ($WORK)"
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$WORK/data" -U nets --auth=trust -E UTF8 >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; exit 1; }
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 60 \
    -o "-p $PORT -k $WORK -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
    || { cat "$WORK/server.log" >&2; exit 1; }
"$PYTHON" - "$PORT" <<'EOF_PY'
import sys

import psycopg  # createdb is not always installed beside the server (initdb, pg_ctl, postgres)

with psycopg.connect(f"host=127.0.0.1 port={sys.argv[1]} user=nets dbname=postgres", autocommit=True) as c:
    c.execute("CREATE DATABASE nets_test")
EOF_PY

export NETS_DB="postgresql+psycopg://nets@127.0.0.1:$PORT/nets_test"
echo "== pytest tests/db with NETS_DB=$NETS_DB"
"$PYTHON" -m pytest -q -p no:cacheprovider tests/db "$@"
