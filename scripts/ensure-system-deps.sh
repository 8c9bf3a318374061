#!/usr/bin/env bash
# Make sure the system programs the test suite needs are present:
#   PostgreSQL server binaries (initdb, pg_ctl), Debian chromium, a CJK font (the browser
#   tests and the PDF print: fonts-wqy-microhei, which ReportLab embeds), gettext.
# Missing pieces are installed with apt-get when running as root. With CI=true anything
# still missing afterwards is a hard failure (never a skip); otherwise a warning.
set -uo pipefail

is_ci() { [[ "${CI:-}" =~ ^(1|true|yes|on)$ ]]; }

have_postgres() { compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null; }
have_chromium() { command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; }
have_cjk_font() {
    if command -v fc-list >/dev/null; then
        fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" && return 0
    fi
    compgen -G "/usr/share/fonts/truetype/wqy/wqy-microhei.tt*" >/dev/null
}
have_gettext() { command -v msgfmt >/dev/null; }

# piece name | check function | Debian package
PIECES=(
    "PostgreSQL server|have_postgres|postgresql"
    "Chromium|have_chromium|chromium"
    "CJK font (WenQuanYi Micro Hei)|have_cjk_font|fonts-wqy-microhei"
    "gettext (msgfmt)|have_gettext|gettext"
)

missing_packages() {
    local piece name check pkg
    for piece in "${PIECES[@]}"; do
        IFS='|' read -r name check pkg <<<"$piece"
        "$check" || echo "$pkg"
    done
}

mapfile -t missing < <(missing_packages)
if [ "${#missing[@]}" -eq 0 ]; then
    echo "system deps: PostgreSQL, chromium, CJK font and gettext present"
    exit 0
fi

echo "system deps: missing ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    echo "system deps: apt-get install ${missing[*]}"
    apt-get update -qq || echo "system deps: apt-get update failed" >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        echo "system deps: apt-get install failed" >&2
    command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1
else
    echo "system deps: not root (or no apt-get): cannot install ${missing[*]}" >&2
fi

mapfile -t still < <(missing_packages)
if [ "${#still[@]}" -eq 0 ]; then
    echo "system deps: installed ${missing[*]}"
    exit 0
fi
if is_ci; then
    echo "ERROR: required system packages still missing: ${still[*]} (CI=true: no skipping)" >&2
    exit 1
fi
echo "WARNING: missing system packages: ${still[*]}; the suites that need them will not run" >&2
exit 0
