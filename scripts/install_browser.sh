#!/usr/bin/env bash
# Install Debian's headless-capable Chromium for the browser tests and PNG export (idempotent).
#
# Shakti never downloads a browser of its own (no `playwright install`): Playwright's Python
# API drives the distribution's /usr/bin/chromium (override with SHAKTI_CHROMIUM).
# Runs apt-get as root, or through sudo when available; prints what it does.
set -euo pipefail

CHROMIUM="${SHAKTI_CHROMIUM:-/usr/bin/chromium}"
# Devanagari and Latin fonts, so that Hindi headings render in PNG exports and browser tests.
FONTS=(fonts-dejavu-core fonts-lohit-deva)

missing_fonts=()
if command -v dpkg >/dev/null 2>&1; then
    for pkg in "${FONTS[@]}"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing_fonts+=("$pkg")
    done
fi

if [ -x "$CHROMIUM" ] && [ "${#missing_fonts[@]}" -eq 0 ]; then
    echo "install_browser: $CHROMIUM is already installed ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown')); nothing to do"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install_browser: $CHROMIUM is missing and this user is not root and has no sudo." >&2
    echo "install_browser: ask an administrator to run: apt-get install -y chromium" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_browser: apt-get not found: install Chromium with your system's package manager" >&2
    echo "install_browser: and point SHAKTI_CHROMIUM at its executable" >&2
    exit 1
fi

echo "install_browser: running ${SUDO:+$SUDO }apt-get update"
$SUDO apt-get update -qq
echo "install_browser: running ${SUDO:+$SUDO }apt-get install -y --no-install-recommends chromium ${FONTS[*]}"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium "${FONTS[@]}"
echo "install_browser: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
