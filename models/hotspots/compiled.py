"""numba compilation of the grid DBSCAN's kernels: no GIL, machine code cached on disk."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar, cast

from numba import njit

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


def compiled(function: F) -> F:
    """Compile ``function`` with numba (no GIL), its machine code cached on disk when possible.

    numba caches next to the function's module (``__pycache__``), else in the user's cache
    folder (``NUMBA_CACHE_DIR`` or ``~/.cache/numba``); where neither is writable (a read-only
    install, no home), it would refuse ``cache=True`` at import: then every process compiles
    afresh (a few seconds), quietly but for a debug line.
    """
    try:
        return cast(F, njit(cache=True, nogil=True)(function))
    except RuntimeError:  # numba: "cannot cache function ...: no locator available"
        logger.debug("no writable numba cache for %s: compiled in this process", function)
        return cast(F, njit(nogil=True)(function))
