#!/usr/bin/env bash
# Duplicate pairs inside the four packages (geo/ models/ maps/ api/), as issue 13 counts them.
# Runs the workplace's `duplicates` scanner (not part of the project) on a copy of the working
# tree's four packages, so tests, notebooks, scripts and benchmarks are left out of the count.
# Usage: scripts/package_duplicates.sh [--most N]; prints the scanner's rows, then the count of
# pairs not marked boilerplate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v duplicates >/dev/null; then
    echo "package_duplicates: the 'duplicates' scanner is not on PATH" >&2
    exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && tar --exclude='__pycache__' --exclude='vendor' --exclude='*.pyc' -cf - geo models maps api) \
    | tar -xf - -C "$tmp"
out="$(duplicates --repo "$tmp" --most "${2:-200}" --seconds 180)"
echo "$out"
echo "non-boilerplate pairs: $(grep -E '^D[0-9]+ ' <<<"$out" | grep -vc boilerplate || true)"
