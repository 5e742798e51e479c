"""Report the largest modules and functions of geo/ models/ maps/ api/ against the size targets.

Usage: ``python scripts/code_size.py [--top N]``; exits 1 when a module is over
:data:`MAX_MODULE_LINES` or a function over :data:`MAX_FUNCTION_LINES` (docstrings included).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
PACKAGES: Final = ("geo", "models", "maps", "api")
MAX_MODULE_LINES: Final = 800
MAX_FUNCTION_LINES: Final = 120


def modules() -> list[tuple[int, str]]:
    """Return ``(lines, path)`` of every module of the packages, largest first."""
    found = [
        (len(path.read_text(encoding="utf-8").splitlines()), str(path.relative_to(ROOT)))
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    ]
    return sorted(found, reverse=True)


def functions() -> list[tuple[int, str]]:
    """Return ``(lines, path:name)`` of every function of the packages, longest first."""
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    size = (node.end_lineno or node.lineno) - node.lineno + 1
                    found.append((size, f"{path.relative_to(ROOT)}:{node.name}"))
    return sorted(found, reverse=True)


def main() -> int:
    """Print the report; return 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--top", type=int, default=5)
    top = parser.parse_args().top
    mods, funcs = modules(), functions()
    print(
        f"modules: {len(mods)}; over {MAX_MODULE_LINES} lines:",
        sum(n > MAX_MODULE_LINES for n, _ in mods),
    )
    for n, name in mods[:top]:
        print(f"  {n:5d}  {name}")
    print(
        f"functions: {len(funcs)}; over {MAX_FUNCTION_LINES} lines:",
        sum(n > MAX_FUNCTION_LINES for n, _ in funcs),
    )
    for n, name in funcs[:top]:
        print(f"  {n:5d}  {name}")
    missed = mods[0][0] > MAX_MODULE_LINES or funcs[0][0] > MAX_FUNCTION_LINES
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
