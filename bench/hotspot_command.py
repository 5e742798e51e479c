"""Benchmark: `shakti hotspots --json` with its DEFAULT (density-aware) parameters, whole process.

Run with ``.venv/bin/python bench/hotspot_command.py [--sizes 100000,1000000] [--workdir DIR]
[--repeat 3] [--compare OTHER_CHECKOUT]``. Prints a table and a final JSON line.

For each size a SYNTHETIC demo store is made once with ``shakti demo-data --incidents N`` in
``--workdir`` (kept; ``bench/hotspots_speed.py`` makes the same files). Then ``shakti hotspots
--store S --json --lang en`` runs ``--repeat`` times as a whole process under
``/usr/bin/time -v``: the medians of wall seconds and of CPU seconds (user + system), the
largest peak RSS, and the 1-minute load average before each run (goals at 1M: ≤ 10 s wall,
≤ 1.5 GB). With ``--compare`` the same command of another checkout (e.g. ``git archive`` of
main) runs in turn with this one, run for run, and the JSON outputs must be identical.

Before the sizes, the start-up alone (``python -c "import api.cli"``: every command registered,
no command run) is timed ``--startup`` times the same way, in turn with ``--compare``.

The machine is shared: quote the medians with the load averages; CPU seconds move less with
load than wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.demo_stores import env_for, make_store  # noqa: E402


def run_once(root: Path, store: Path | None) -> dict[str, Any]:
    """Run the command of the checkout ``root`` once; return its timings and JSON output.

    ``store=None``: only import the command line (its start-up).
    """
    load = os.getloadavg()[0]
    if store is None:
        cmd = ["/usr/bin/time", "-v", sys.executable, "-c", "import api.cli"]
    else:
        cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "api.cli", "hotspots",
               "--store", str(store), "--json", "--lang", "en"]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=root, env=env_for(root))

    def field(label: str) -> str | None:
        found = re.search(re.escape(label) + r": (\S+)", done.stderr)
        return found.group(1) if found else None

    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    seconds = None
    if wall is not None:
        seconds = sum(float(p) * 60**i for i, p in enumerate(reversed(wall.split(":"))))
    cpu = sum(float(field(k) or "nan") for k in ("User time (seconds)", "System time (seconds)"))
    peak = field("Maximum resident set size (kbytes)")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return {
        "ok": done.returncode == 0,
        "load": round(load, 2),
        "wall_s": seconds,
        "cpu_s": round(cpu, 2),
        "peak_mb": round(int(peak) / 1024, 1) if peak else None,
        "json": lines[-1] if lines else None,
    }


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the medians of wall and CPU seconds, the largest peak and the loads of ``runs``."""
    walls = [r["wall_s"] for r in runs if r["wall_s"] is not None]
    return {
        "wall_s": round(statistics.median(walls), 2) if walls else None,
        "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
        "peak_mb": max((r["peak_mb"] or 0.0) for r in runs),
        "loads": [r["load"] for r in runs],
        "ok": all(r["ok"] for r in runs),
    }


def _startup(repeat: int, compare: Path | None) -> dict[str, Any]:
    """Return the row of the start-up alone (``import api.cli``), paired with ``compare``."""
    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    for _ in range(repeat):
        if compare is not None:
            theirs.append(run_once(compare, None))
        ours.append(run_once(ROOT, None))
    row: dict[str, Any] = {"n": 0, **summary(ours)}
    if theirs:
        row["compare"] = summary(theirs)
    print(json.dumps(row), file=sys.stderr)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/shakti-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, default=None, help="another checkout to pair with")
    parser.add_argument("--startup", type=int, default=5, help="start-up runs (0: none)")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    if args.startup > 0:
        rows.append(_startup(args.startup, args.compare))
    for n in sorted(int(s) for s in args.sizes.split(",")):
        store = make_store(n, args.workdir)
        ours: list[dict[str, Any]] = []
        theirs: list[dict[str, Any]] = []
        for _ in range(args.repeat):
            if args.compare is not None:
                theirs.append(run_once(args.compare, store))
            ours.append(run_once(ROOT, store))
        row: dict[str, Any] = {"n": n, **summary(ours)}
        if theirs:
            row["compare"] = summary(theirs)
            pairs = zip(ours, theirs, strict=True)
            row["identical"] = all(a["json"] == b["json"] for a, b in pairs)
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    header = f"{'incidents':>9} {'wall s':>7} {'cpu s':>6} {'peak MB':>8}  loads"
    print(f"shakti hotspots --json (default parameters), repeat={args.repeat} (medians)")
    print(header)
    print("-" * len(header))
    for r in rows:
        if r["n"] == 0:
            print(f"{'start-up':>9} (import api.cli, every command registered)")
        for label, s in (("", r), (" (compare)", r.get("compare"))):
            if s is None:
                continue
            print(
                f"{r['n']:>9,} {s['wall_s']:>7} {s['cpu_s']:>6} {s['peak_mb']:>8.0f}  "
                f"{s['loads']}{label}"
            )
        if "identical" in r:
            print(f"{'':>9} outputs identical: {r['identical']}")
    print(json.dumps({"benchmark": "hotspot_command", "rows": rows}))


if __name__ == "__main__":
    main()
