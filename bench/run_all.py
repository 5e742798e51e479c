"""Run every benchmark of ``bench/`` in turn (``make bench``); each prints its own table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    """Run each ``bench/*.py`` script (except this one) and return the worst exit status."""
    worst = 0
    for script in sorted(HERE.glob("*.py")):
        if script.name == Path(__file__).name:
            continue
        print(f"\n=== {script.name}", flush=True)
        worst = max(worst, subprocess.call([sys.executable, str(script)]))
    return worst


if __name__ == "__main__":
    sys.exit(main())
