#!/usr/bin/env bash
# `make test`: everything, in the order a failure is cheapest to find.
#   1. system deps (PostgreSQL, chromium, CJK font, gettext; apt-get as root)
#   2. lint gates (scripts/lint.sh)
#   3. compile translations (when jxc/locale exists)
#   4. pytest on SQLite, -n 2, browser tests included
#   5. pytest on a throwaway PostgreSQL cluster, -n 2, browser tests left out
#   6. benchmarks at tiny size (SQLite and the same PostgreSQL cluster), then stop the cluster
# Extra arguments go to both pytest runs (e.g. `bash scripts/test.sh -k numbering`).
# CI=true: a missing system piece, or a pytest run that collects no tests, is a failure.
# JXC_TEST_WORKERS (default 2) sets pytest-xdist's -n. Artifacts: test-artifacts/.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

is_ci() { [[ "${CI:-}" =~ ^(1|true|yes|on)$ ]]; }

started_all=$(date +%s)
ARTIFACTS="$PWD/test-artifacts"
rm -rf "$ARTIFACTS"
mkdir -p "$ARTIFACTS"
export JXC_TEST_ARTIFACTS="$ARTIFACTS"
JXC_DATA_DIR=$(mktemp -d /tmp/jxc-test-data.XXXXXX)
export JXC_DATA_DIR
mkdir -p "$JXC_DATA_DIR/static"
unset DATABASE_URL
WORKERS="${JXC_TEST_WORKERS:-2}"

pgdir=""
cleanup() {
    if [ -n "$pgdir" ]; then
        bash scripts/pg-cluster.sh stop "$pgdir" || true
    fi
    rm -rf "$JXC_DATA_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

results=()
failed=()
step() {
    local name=$1 started rc
    shift
    started=$(date +%s)
    echo
    echo "==> $name"
    "$@"
    rc=$?
    results+=("$(printf '%-34s %-6s %5ss' "$name" "$([ $rc -eq 0 ] && echo ok || echo FAIL)" \
        $(($(date +%s) - started)))")
    [ $rc -eq 0 ] || failed+=("$name")
    return $rc
}

run_pytest() {
    local rc
    "$BIN/pytest" -n "$WORKERS" "$@"
    rc=$?
    if [ $rc -eq 5 ]; then
        if is_ci; then
            echo "ERROR: pytest collected no tests (CI=true)" >&2
            return 5
        fi
        echo "WARNING: pytest collected no tests" >&2
        return 0
    fi
    return $rc
}

compile_messages() {
    if [ ! -d jxc/locale ]; then
        echo "no jxc/locale yet: nothing to compile"
        return 0
    fi
    # From inside jxc/ so the walk for locale folders does not wander into .venv.
    (cd jxc && "../$BIN/python" ../manage.py compilemessages --verbosity 1)
}

postgres_pass() {
    if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
        if is_ci; then
            echo "ERROR: PostgreSQL server binaries missing (CI=true)" >&2
            return 1
        fi
        echo "WARNING: no PostgreSQL server binaries: the PostgreSQL pass is skipped" >&2
        return 0
    fi
    pgdir=$(mktemp -d /tmp/jxc-pg.XXXXXX)
    local url
    url=$(bash scripts/pg-cluster.sh start "$pgdir") || return 1
    export DATABASE_URL="$url"
    echo "PostgreSQL cluster: $url"
    run_pytest -m "not browser" --junitxml="$ARTIFACTS/junit-postgresql.xml" "$@"
}

bench_tiny() {
    "$BIN/python" -m tests.bench --tiny | tee "$ARTIFACTS/bench-tiny.json"
}

step "system deps" bash scripts/ensure-system-deps.sh
step "lint gates" bash scripts/lint.sh
step "compile translations" compile_messages
step "pytest on SQLite" run_pytest --junitxml="$ARTIFACTS/junit-sqlite.xml" "$@"
step "pytest on PostgreSQL" postgres_pass "$@"
step "benchmarks (tiny)" bench_tiny
if [ -n "$pgdir" ]; then
    bash scripts/pg-cluster.sh stop "$pgdir"
    pgdir=""
fi

echo
echo "==> summary"
printf '%s\n' "${results[@]}"
echo "total $(($(date +%s) - started_all))s; artifacts in test-artifacts/"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "make test: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "make test: all passed"
