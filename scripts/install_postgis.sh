#!/usr/bin/env bash
# Install Debian's PostgreSQL and PostGIS for the PostGIS store tests and deployments (idempotent).
#
# The test suite starts a throwaway cluster of its own (initdb on a free loopback port in a
# temporary folder) with these binaries; nothing is configured system-wide and no service is
# started. Runs apt-get as root, or through sudo when available; prints what it does.
# Override the version with SHAKTI_PG_MAJOR (default 15, Debian 12's PostgreSQL).
set -euo pipefail

PG_MAJOR="${SHAKTI_PG_MAJOR:-15}"
PG_BIN="/usr/lib/postgresql/${PG_MAJOR}/bin"
POSTGIS_CONTROL="/usr/share/postgresql/${PG_MAJOR}/extension/postgis.control"
PACKAGES="postgresql-${PG_MAJOR} postgresql-${PG_MAJOR}-postgis-3"

if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && [ -f "$POSTGIS_CONTROL" ]; then
    echo "install_postgis: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') and PostGIS" \
        "$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$POSTGIS_CONTROL") are already installed; nothing to do"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install_postgis: PostgreSQL/PostGIS are missing and this user is not root and has no sudo." >&2
    echo "install_postgis: ask an administrator to run: apt-get install -y $PACKAGES" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "install_postgis: apt-get not found: install PostgreSQL $PG_MAJOR and PostGIS 3 with your" >&2
    echo "install_postgis: system's package manager (the tests look in $PG_BIN or on PATH)" >&2
    exit 1
fi

echo "install_postgis: running ${SUDO:+$SUDO }apt-get update"
$SUDO apt-get update -qq
echo "install_postgis: running ${SUDO:+$SUDO }apt-get install -y --no-install-recommends $PACKAGES"
# shellcheck disable=SC2086  # PACKAGES is a list of words
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PACKAGES
echo "install_postgis: installed PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') and PostGIS" \
    "$(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$POSTGIS_CONTROL")"
