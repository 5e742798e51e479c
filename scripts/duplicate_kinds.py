"""Split the duplicate scanner's pairs into declaration runs, documentation runs and code.

Usage: ``scripts/package_duplicates.sh 200 | python scripts/duplicate_kinds.py [--list]``.

The workplace's ``duplicates`` scanner pairs runs of six or more lines that are the same or
of the same shape (names, strings and numbers abstracted). Two lists of module constants,
``GI_Z: Final = "gi_z"`` beside ``SITE_ID: Final = "site_id"``, have the same shape, so every
package that names its output columns pairs with every other one. This script reads the
scanner's rows and counts, apart, the *declaration runs*: pairs in which every line of both
sides belongs to an import (also in an ``if TYPE_CHECKING:`` block), a module-level constant
(an upper-case name bound to literals, names or tuples of them), the module's ``logger`` or
a comment; and the *documentation runs*: pairs that, besides such lines, hold only
docstrings (two functions taking the same parameters have the same numpydoc ``Parameters``
block). Everything else is *code*: at least
one side holds a line of a statement that runs or a signature. The scanner's own count is
printed too; nothing is dropped from it.

Lines are read with :mod:`ast` (the statement spans of each file), so a constant that wraps
over several lines counts as declaration on each of its lines.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[1]
#: A scanner row: ``D12 a.py:10-24 ~ b.py:40-54 [shape] [boilerplate] [(+N more runs)]``.
ROW: Final = re.compile(
    r"^D\d+ (?P<a>\S+):(?P<a0>\d+)-(?P<a1>\d+) ~ (?P<b>\S+):(?P<b0>\d+)-(?P<b1>\d+)"
)
CONSTANT_NAME: Final = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
#: Calls a constant's value may make and still be a declaration.
LITERAL_CALLS: Final = frozenset({"frozenset", "tuple", "set", "dict", "MappingProxyType"})
#: Tests of an ``if`` block whose imports serve type checking only.
TYPE_CHECKING_TESTS: Final = frozenset({"TYPE_CHECKING", "typing.TYPE_CHECKING"})
DECLARATION: Final = "declaration"
DOCUMENTATION: Final = "documentation"
CODE: Final = "code"
BOILERPLATE: Final = "boilerplate"


@dataclass(frozen=True)
class Pair:
    """One scanner row: two line spans and the scanner's own labels."""

    row: str
    a: tuple[str, int, int]
    b: tuple[str, int, int]
    boilerplate: bool


def is_literal(node: ast.expr) -> bool:
    """Whether ``node`` is built only of constants, names and containers of them."""
    if isinstance(node, ast.Constant | ast.Name | ast.Attribute):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(is_literal(item) for item in node.elts)
    if isinstance(node, ast.Starred):
        return is_literal(node.value)
    if isinstance(node, ast.Dict):
        return all(k is None or is_literal(k) for k in node.keys) and all(
            is_literal(v) for v in node.values
        )
    if isinstance(node, ast.UnaryOp | ast.BinOp):
        parts = [node.operand] if isinstance(node, ast.UnaryOp) else [node.left, node.right]
        return all(is_literal(part) for part in parts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return node.func.id in LITERAL_CALLS and all(is_literal(arg) for arg in node.args)
    return False


def is_declaration(stmt: ast.stmt) -> bool:
    """Whether a module-level statement imports, binds a constant or the module's logger.

    An ``if TYPE_CHECKING:`` block of imports only is an import.
    """
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return True
    if isinstance(stmt, ast.If) and ast.unparse(stmt.test) in TYPE_CHECKING_TESTS:
        return not stmt.orelse and all(
            isinstance(s, ast.Import | ast.ImportFrom) for s in stmt.body
        )
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return False
    if not isinstance(target, ast.Name):
        return False
    if target.id == "logger":
        return ast.unparse(value) == "logging.getLogger(__name__)"
    return bool(CONSTANT_NAME.match(target.id)) and is_literal(value)


@cache
def declaration_lines(path: Path) -> frozenset[int]:
    """Return the 1-based lines of ``path`` that hold declarations, comments or nothing."""
    text = path.read_text(encoding="utf-8")
    lines = {n for n, line in enumerate(text.splitlines(), 1) if line.strip()[:1] in ("", "#")}
    if path.suffix != ".py":
        return frozenset()
    for stmt in ast.parse(text).body:
        if is_declaration(stmt):
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return frozenset(lines)


@cache
def docstring_lines(path: Path) -> frozenset[int]:
    """Return the 1-based lines of ``path`` inside a module, class or function docstring."""
    if path.suffix != ".py":
        return frozenset()
    lines: set[int] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        first = node.body[0] if node.body else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant | ast.JoinedStr):
            lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return frozenset(lines)


def parse_rows(text: str) -> list[Pair]:
    """Return the pairs of the scanner's output ``text`` (other lines are skipped)."""
    pairs = []
    for line in text.splitlines():
        match = ROW.match(line)
        if match:
            a = (match["a"], int(match["a0"]), int(match["a1"]))
            b = (match["b"], int(match["b0"]), int(match["b1"]))
            pairs.append(Pair(line, a, b, "boilerplate" in line[match.end() :]))
    return pairs


def kind(pair: Pair, root: Path = ROOT) -> str:
    """Return :data:`BOILERPLATE`, :data:`DECLARATION`, :data:`DOCUMENTATION` or :data:`CODE`."""
    if pair.boilerplate:
        return BOILERPLATE
    found = DECLARATION
    for name, first, last in (pair.a, pair.b):
        span = set(range(first, last + 1))
        declared = declaration_lines(root / name)
        if span <= declared:
            continue
        if not span <= declared | docstring_lines(root / name):
            return CODE
        found = DOCUMENTATION
    return found


def main(argv: list[str] | None = None) -> int:
    """Print the counts of each kind (and with ``--list`` the code pairs)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the code pairs")
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout the rows refer to")
    args = parser.parse_args(argv)
    pairs = parse_rows(sys.stdin.read())
    kinds = [kind(pair, args.root) for pair in pairs]
    if args.list:
        print("\n".join(p.row for p, k in zip(pairs, kinds, strict=True) if k == CODE))
    print(f"pairs listed by the scanner: {len(pairs)}")
    print(f"  marked boilerplate by the scanner: {kinds.count(BOILERPLATE)}")
    print(f"  non-boilerplate: {len(pairs) - kinds.count(BOILERPLATE)}")
    print(f"    declaration runs (imports, constants, logger only): {kinds.count(DECLARATION)}")
    print(f"    documentation runs (docstrings and declarations): {kinds.count(DOCUMENTATION)}")
    print(f"    code: {kinds.count(CODE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
