"""The split of the duplicate scanner's pairs into declaration runs and code."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "duplicate_kinds.py"


@pytest.fixture(scope="module")
def kinds() -> ModuleType:
    spec = importlib.util.spec_from_file_location("duplicate_kinds", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["duplicate_kinds"] = module
    spec.loader.exec_module(module)
    return module


DECLARATIONS = '''"""Columns."""

import logging
from typing import Final

from geo.schema import (
    KIND,
    THANA,
)

logger = logging.getLogger(__name__)

#: The z-score.
GI_Z: Final = "gi_z"
GI_P: Final = "gi_p"
LIMIT: Final = -3
COLUMNS: Final = (
    GI_Z,
    GI_P,
)
KINDS = frozenset({KIND, THANA})


def f(x: int) -> int:
    y = x + 1
    return y
'''


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "a.py").write_text(DECLARATIONS, encoding="utf-8")
    (tmp_path / "b.html").write_text("<html>\n" * 30, encoding="utf-8")
    return tmp_path


def test_constants_imports_and_logger_are_declarations(kinds: ModuleType, tree: Path) -> None:
    (pair,) = kinds.parse_rows("D1 a.py:6-22 ~ a.py:6-22 shape")
    assert kinds.kind(pair, tree) == kinds.DECLARATION


def test_a_function_body_is_code(kinds: ModuleType, tree: Path) -> None:
    (pair,) = kinds.parse_rows("D1 a.py:14-26 ~ a.py:6-22 shape")
    assert kinds.kind(pair, tree) == kinds.CODE


def test_a_file_that_is_not_python_is_code(kinds: ModuleType, tree: Path) -> None:
    (pair,) = kinds.parse_rows("D1 b.html:1-8 ~ a.py:6-22 shape")
    assert kinds.kind(pair, tree) == kinds.CODE


def test_the_scanners_boilerplate_mark_is_kept(kinds: ModuleType, tree: Path) -> None:
    rows = "7 pairs of places\nD1 a.py:14-26 ~ a.py:6-22 shape boilerplate\n(+3 more pairs)"
    (pair,) = kinds.parse_rows(rows)
    assert kinds.kind(pair, tree) == kinds.BOILERPLATE


def test_a_computed_upper_case_name_is_code(kinds: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "c.py").write_text("X = f(1)\n" * 8, encoding="utf-8")
    (pair,) = kinds.parse_rows("D1 c.py:1-6 ~ c.py:2-7")
    assert kinds.kind(pair, tmp_path) == kinds.CODE


def test_docstrings_beside_declarations_are_documentation(
    kinds: ModuleType, tmp_path: Path
) -> None:
    body = (
        "def f(x: int) -> int:\n"
        '    """Add one.\n\n    Parameters\n    ----------\n    x : int\n    """\n'
        "    return x + 1\n"
    )
    (tmp_path / "d.py").write_text(body * 2, encoding="utf-8")
    (doc,) = kinds.parse_rows("D1 d.py:2-7 ~ d.py:10-15")
    (code,) = kinds.parse_rows("D1 d.py:1-7 ~ d.py:9-15")
    assert kinds.kind(doc, tmp_path) == kinds.DOCUMENTATION
    assert kinds.kind(code, tmp_path) == kinds.CODE
