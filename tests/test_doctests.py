"""The examples in the docstrings of geo/, models/, maps/ and api/ run and give what they show."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("geo", "models", "maps", "api")
#: Every module of the packages (``__main__`` modules run a program when imported: left out).
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for package in PACKAGES
    for path in (ROOT / package).rglob("*.py")
    if path.name != "__main__.py"
)


def examples(module_name: str) -> list[doctest.DocTest]:
    """Return the docstring tests of a module that hold at least one example."""
    module = importlib.import_module(module_name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    return [test for test in finder.find(module, module_name) if test.examples]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples_run(module_name: str) -> None:
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in examples(module_name):
        runner.run(test)
    failed, _attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{module_name}: {failed} docstring example(s) failed (output above)"


def test_the_packages_have_examples() -> None:
    assert sum(len(t.examples) for m in MODULES for t in examples(m)) >= 16
