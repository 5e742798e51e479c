"""What the speed benchmarks share: the SYNTHETIC demo stores, paired timings, table cells."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def env_for(root: Path) -> dict[str, str]:
    """Return this environment with the project imported from the checkout ``root`` first."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(root) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def make_store(n: int, workdir: Path) -> Path:
    """Return a demo store of ``n`` incidents in ``workdir``, made once by ``shakti demo-data``.

    Every benchmark names it ``demo_<n>.gpkg``, so they reuse each other's stores.
    """
    store = workdir / f"demo_{n}.gpkg"
    if not store.exists():
        cmd = [sys.executable, "-m", "api.cli", "demo-data", "--incidents", str(n),
               "--store", str(store), "--out", str(workdir / f"demo_{n}_files")]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env_for(ROOT))
    return store


def paired(a: Callable[[], Any], b: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """Time ``a`` and ``b`` in turn ``repeat`` times: medians of a, b and of the ratios a/b."""
    ta, tb, ratios = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        a()
        t1 = time.perf_counter()
        b()
        t2 = time.perf_counter()
        ta.append(t1 - t0)
        tb.append(t2 - t1)
        ratios.append((t1 - t0) / (t2 - t1))
    return statistics.median(ta), statistics.median(tb), statistics.median(ratios)


def cell(row: dict[str, Any], key: str, fmt: str) -> str:
    """Return a table cell: ``row[key]`` formatted, or a dash when it was not measured.

    Examples
    --------
    >>> cell({"ratio": 1.234}, "ratio", ".2f"), cell({}, "ratio", ".2f")
    ('1.23', '—')
    """
    value = row.get(key)
    return "—" if value is None else format(value, fmt)


#: A table column: its heading, the row's key, the value's format and the column's width.
Column = tuple[str, str, str, int]


def print_table(title: str, columns: Sequence[Column], rows: Sequence[dict[str, Any]]) -> None:
    """Print ``title``, the ``columns``' headings, a rule, and a line of :func:`cell` per row."""
    header = " ".join(f"{name:>{width}}" for name, _key, _fmt, width in columns)
    print(title)
    print(header)
    print("-" * len(header))
    for row in rows:
        print(" ".join(f"{cell(row, key, fmt):>{width}}" for _name, key, fmt, width in columns))
