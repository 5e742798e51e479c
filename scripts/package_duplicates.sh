#!/usr/bin/env bash
# Duplicate pairs inside the four packages (geo/ models/ maps/ api/), as issue 13 counts them.
# Runs the workplace's `duplicates` scanner (not part of the project) on a copy of the files git
# tracks (or would track) in the four packages, so tests, notebooks, scripts, benchmarks and
# fetched vendor files are left out of the count.
# Usage: scripts/package_duplicates.sh [MOST]; prints the scanner's rows, then the count of
# pairs not marked boilerplate.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v duplicates >/dev/null; then
    echo "package_duplicates: the 'duplicates' scanner is not on PATH" >&2
    exit 2
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard -- geo models maps api \
    | xargs -0 tar -cf - --ignore-failed-read) | tar -xf - -C "$tmp"
out="$(duplicates --repo "$tmp" --most "${1:-200}" --seconds 180)"
echo "$out"
echo "non-boilerplate pairs: $(grep -E '^D[0-9]+ ' <<<"$out" | grep -vc boilerplate || true)"
# The same pairs split into runs made only of imports, constants and the logger, and code.
python3 "$root/scripts/duplicate_kinds.py" --root "$root" <<<"$out" | tail -n 4
