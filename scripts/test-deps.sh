#!/usr/bin/env bash
# Ensure the system packages the test suite needs are installed:
#   - PostgreSQL server binaries (Debian package `postgresql`; initdb under
#     /usr/lib/postgresql/*/bin) for the throwaway servers in
#     tests/support/pgserver.py. We never use the system cluster itself.
#   - `chromium` and `chromium-driver` for the headless browser tests
#     (tests/support/browser.py). Never run `playwright install`.
#   - `espeak-ng` speaks the test recordings of tests/speech.
#
# Idempotent and fast: when everything is present it only checks a few paths.
# When it cannot install (no root, no sudo, no network), it prints a warning
# and exits 0: the affected tests then skip with a reason.
set -uo pipefail

warn() { printf 'test-deps: WARNING: %s\n' "$*" >&2; }
info() { printf 'test-deps: %s\n' "$*" >&2; }

have_pg() {
    local f
    for f in /usr/lib/postgresql/*/bin/initdb; do
        [[ -x "$f" ]] && return 0
    done
    return 1
}
have_chromium() { [[ -x /usr/bin/chromium ]]; }
have_chromedriver() { [[ -x /usr/bin/chromedriver ]]; }
have_espeak() { command -v espeak-ng >/dev/null 2>&1; }

missing=()
have_pg || missing+=(postgresql)
have_chromium || missing+=(chromium)
have_chromedriver || missing+=(chromium-driver)
have_espeak || missing+=(espeak-ng)

if ((${#missing[@]} == 0)); then
    exit 0
fi

info "missing packages: ${missing[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
    warn "apt-get not found; cannot install ${missing[*]}."
    warn "PostgreSQL/browser tests will be skipped."
    exit 0
fi

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
        SUDO=(sudo -n)
    else
        warn "not root and no password-less sudo; cannot install ${missing[*]}."
        warn "install them with: apt-get install --no-install-recommends ${missing[*]}"
        warn "PostgreSQL/browser tests will be skipped."
        exit 0
    fi
fi

# Installing `postgresql` may try to create and start a cluster on 5432; in a
# container that may fail (or be refused by policy-rc.d). That is harmless for
# us, so a failed service start must not make the install fail: the check
# below looks at the binaries, not at apt's exit status alone.
info "running apt-get update"
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq; then
    warn "apt-get update failed; trying to install from the existing package lists."
fi

info "installing: ${missing[*]}"
if ! "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    warn "apt-get install reported an error (a service that could not start inside"
    warn "a container is harmless); checking what was installed."
fi

still=()
have_pg || still+=(postgresql)
have_chromium || still+=(chromium)
have_chromedriver || still+=(chromium-driver)
have_espeak || still+=(espeak-ng)
if ((${#still[@]} > 0)); then
    warn "still missing after install attempt: ${still[*]}"
    warn "PostgreSQL/browser tests will be skipped."
else
    info "all test dependencies installed."
fi
exit 0
