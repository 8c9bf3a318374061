#!/usr/bin/env bash
# The static quality gates (`make lint`; also the first step of `make test`):
#   ruff check, ruff format --check, lint-imports (layers contract in pyproject.toml),
#   mypy on the whole jxc package,
#   makemigrations --check, check --deploy with production settings (no warnings allowed),
#   translations (scripts/check_translations.py: every msgid of the code is in the zh_Hans
#   django.po, translated and not fuzzy, and the committed django.mo matches it; needs gettext).
# Every gate runs even when an earlier one fails; the exit status is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

data_dir=$(mktemp -d /tmp/jxc-lint.XXXXXX)
trap 'rm -rf "$data_dir"' EXIT
export JXC_DATA_DIR="$data_dir"
unset DATABASE_URL

failed=()
gate() {
    local name=$1
    shift
    echo "--> lint: $name"
    if ! "$@"; then
        echo "FAILED lint gate: $name" >&2
        failed+=("$name")
    fi
}

# mypy: the whole jxc package (tests and migrations excluded in pyproject.toml).
typed=(jxc)

format_check() {
    "$BIN/ruff" format --check --output-format concise . ||
        { echo "fix with: $BIN/ruff format <the files above>" >&2; return 1; }
}

deploy_check() {
    JXC_PRODUCTION=1 \
        SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        ALLOWED_HOSTS=jxc.example.com \
        "$BIN/python" manage.py check --deploy --fail-level WARNING
}

gate "ruff check" "$BIN/ruff" check .
gate "ruff format --check" format_check
gate "lint-imports" "$BIN/lint-imports" --no-cache
gate "mypy" "$BIN/mypy" "${typed[@]}"
gate "makemigrations --check" "$BIN/python" manage.py makemigrations --check --dry-run
gate "check --deploy" deploy_check
gate "translations" "$BIN/python" scripts/check_translations.py

if [ "${#failed[@]}" -gt 0 ]; then
    echo "lint: FAILED: ${failed[*]}" >&2
    exit 1
fi
echo "lint: all gates passed"
