"""Ingest: reading a file safely, validating it row by row and importing it into the store.

The names below come from :mod:`geo.ingest.importer`, imported on first use (PEP 562): a
light submodule (``geo.ingest.privacy``, ``geo.ingest.columns``) can be imported without the
readers, the workbook libraries and the validation stack, which every command would otherwise
load at start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geo.ingest.importer import ImportResult, import_file, reassign_thanas, validate_file

__all__ = ["ImportResult", "import_file", "reassign_thanas", "validate_file"]


def __getattr__(name: str) -> Any:
    """Return ``name`` of :data:`__all__` from :mod:`geo.ingest.importer` (imported once)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module("geo.ingest.importer"), name)
    globals()[name] = value
    return value
