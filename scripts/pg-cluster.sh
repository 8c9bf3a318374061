#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for one test run.
#
#   url=$(scripts/pg-cluster.sh start DIR)   # DIR: a new empty directory (created if absent)
#   scripts/pg-cluster.sh stop DIR           # stops the server and removes DIR
#   scripts/pg-cluster.sh socket-url DIR     # the same database over the Unix socket
#
# start prints DATABASE_URL (postgres://postgres@127.0.0.1:PORT/jxc) on stdout. The server
# listens on 127.0.0.1 only, on a free port, trust auth, with durability turned off for speed
# and enough connections for threaded concurrency tests. socket-url prints the DATABASE_URL
# of the Unix socket in DIR (postgres://postgres@%2FDIR:PORT/jxc): a round trip costs less
# than over TCP loopback (docs/ledger.md "Sixth pass — PostgreSQL"); which one a benchmark
# used is part of its figures. PG_CLUSTER_OPTS adds server settings (measurement only: e.g.
# "-c shared_preload_libraries=pg_stat_statements -c track_io_timing=on"). As root, initdb and the server run
# as the `postgres` user (PostgreSQL refuses root) in a directory that user owns.
set -euo pipefail

cmd="${1:-}"
dir="${2:-}"
if [ -z "$cmd" ] || [ -z "$dir" ]; then
    echo "usage: $0 start|stop|socket-url DIR" >&2
    exit 2
fi

pg_bin() {
    local found
    found=$(compgen -G "/usr/lib/postgresql/*/bin/initdb" | sort -V | tail -n1 || true)
    if [ -n "$found" ]; then
        dirname "$found"
    elif command -v initdb >/dev/null; then
        dirname "$(command -v initdb)"
    else
        echo "pg-cluster: no PostgreSQL server binaries (initdb) found" >&2
        exit 1
    fi
}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

start() {
    local bin port attempt
    bin=$(pg_bin)
    mkdir -p "$dir"
    if [ -n "$(ls -A "$dir")" ]; then
        echo "pg-cluster: $dir is not empty" >&2
        exit 1
    fi
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || {
            echo "pg-cluster: running as root needs the 'postgres' user" >&2
            exit 1
        }
        chown postgres: "$dir"
        chmod 700 "$dir"
    fi
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$dir/initdb.log" 2>&1 || {
        cat "$dir/initdb.log" >&2
        exit 1
    }
    # Only loopback TCP, and the unix socket inside the private directory.
    cat >"$dir/data/pg_hba.conf" <<'EOF'
local all all trust
host  all all 127.0.0.1/32 trust
EOF
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/data/pg_hba.conf"
    # Durability off: the cluster lives for one test run. pg_ctl hands -o to a shell: one line.
    local opts="-c listen_addresses=127.0.0.1 -k $dir -c max_connections=200"
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    opts+=" -c shared_buffers=64MB -c max_locks_per_transaction=128"
    # for measurement only, e.g. PG_CLUSTER_OPTS="-c shared_preload_libraries=pg_stat_statements"
    opts+=" ${PG_CLUSTER_OPTS:-}"
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-p $port $opts" start >/dev/null 2>&1; then
            as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres jxc
            echo "$port" >"$dir/port"
            echo "postgres://postgres@127.0.0.1:$port/jxc"
            return 0
        fi
        echo "pg-cluster: start on port $port failed (attempt $attempt)" >&2
    done
    tail -n 30 "$dir/server.log" >&2 || true
    exit 1
}

stop() {
    local bin
    [ -d "$dir" ] || return 0
    bin=$(pg_bin)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
}

socket_url() {
    local enc
    [ -f "$dir/port" ] || {
        echo "pg-cluster: no cluster in $dir" >&2
        exit 1
    }
    enc=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$(cd "$dir" && pwd)")
    echo "postgres://postgres@$enc:$(cat "$dir/port")/jxc"
}

case "$cmd" in
start) start ;;
stop) stop ;;
socket-url) socket_url ;;
*)
    echo "usage: $0 start|stop|socket-url DIR" >&2
    exit 2
    ;;
esac
