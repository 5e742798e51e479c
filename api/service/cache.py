"""Result cache of the service: keyed by store version, route, parameters, scope, language (LRU)."""

from __future__ import annotations

import gzip
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Generic, TypeVar

from geo.i18n import Lang, current_lang
from geo.store import Store

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class CacheKey:
    """What identifies a cached result.

    Attributes
    ----------
    version : int
        Store version the result was computed at.
    route : str
    params : tuple
        The normalised parameters, sorted ``(name, value)`` pairs.
    scope : str or None
        The thana the result is limited to (``None``: every thana).
    lang : {"hi", "en"}
        The language of the result's texts (hotspot ``why``, reasons, notes, maps).
    """

    version: int
    route: str
    params: tuple[tuple[str, Hashable], ...]
    scope: str | None
    lang: Lang = "en"


#: Bodies smaller than this are sent as they are.
GZIP_MIN_BYTES: Final = 1024


@dataclass(frozen=True)
class CachedBody:
    """A response body kept in the cache, with its gzip encoding made once.

    Attributes
    ----------
    raw : bytes
    gzipped : bytes or None
        ``None`` for small bodies.
    """

    raw: bytes
    gzipped: bytes | None

    @classmethod
    def of(cls, raw: bytes) -> CachedBody:
        """Return the body and, when large enough, its gzip form (deterministic: no mtime)."""
        if len(raw) < GZIP_MIN_BYTES:
            return cls(raw, None)
        return cls(raw, gzip.compress(raw, compresslevel=6, mtime=0))


def _normal(value: Any) -> Hashable:
    """Return a hashable, canonical form of a parameter value (150 == 150.0, lists sorted)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)  # True == 1 in Python; keep them apart
    if isinstance(value, int | float):
        f = float(value)
        return int(f) if f.is_integer() else f
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(sorted(str(v) for v in value))
    return str(value)


def make_key(
    version: int,
    route: str,
    params: Mapping[str, Any],
    scope: str | None,
    lang: Lang | None = None,
) -> CacheKey:
    """Build a :class:`CacheKey` from raw parameters.

    Parameters
    ----------
    version : int
        Store version.
    route : str
        Route name (e.g. ``"hotspots"``).
    params : mapping
        Parameter name → value; ``None`` values and empty lists count as "not given".
    scope : str or None
        Thana scope.
    lang : {"hi", "en"}, optional
        Language of the result's texts; default the current one (the request's,
        :class:`api.service.lang.RequestLanguage`), so every result is cached per language.

    Returns
    -------
    CacheKey
    """
    items = tuple(
        sorted(
            (name, _normal(value))
            for name, value in params.items()
            if value is not None and value != [] and value != ()
        )
    )
    return CacheKey(version, route, items, scope, lang if lang is not None else current_lang())


class ResultCache(Generic[T]):
    """A bounded LRU of computed results with per-key single flight.

    Concurrent requests for a missing key compute it once; the others wait for it. When a
    newer store version shows up, results of older versions are dropped.

    Parameters
    ----------
    max_entries : int
        Capacity; 0 disables caching (every call computes).

    Attributes
    ----------
    hits, misses : int
        Counters (for tests and ``/healthz``).
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max(0, int(max_entries))
        self._data: OrderedDict[CacheKey, T] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: dict[CacheKey, threading.Lock] = {}
        self._latest_version = -1
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def get(self, key: CacheKey) -> T | None:
        """Return the cached value of ``key`` (marking it recently used), or ``None``.

        Parameters
        ----------
        key : CacheKey

        Returns
        -------
        object or None
        """
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
        return None

    def _put(self, key: CacheKey, value: T) -> None:
        with self._lock:
            if key.version > self._latest_version:
                self._latest_version = key.version
                stale = [k for k in self._data if k.version < key.version]
                for k in stale:
                    del self._data[k]
            if key.version < self._latest_version:
                return
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def get_or_compute(self, key: CacheKey, compute: Callable[[], T]) -> T:
        """Return the cached value of ``key``, computing (once) and storing it when missing.

        Parameters
        ----------
        key : CacheKey
        compute : callable
            Called without arguments; exceptions propagate and nothing is stored.

        Returns
        -------
        object
        """
        if self.max_entries == 0:
            with self._lock:
                self.misses += 1
            return compute()
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            flight = self._inflight.setdefault(key, threading.Lock())
        with flight:
            found = self.get(key)
            if found is not None:
                return found
            with self._lock:
                self.misses += 1
            try:
                value = compute()
                self._put(key, value)
            finally:
                with self._lock:
                    self._inflight.pop(key, None)
        logger.debug("computed %s %s", key.route, key.params)
        return value

    def clear(self) -> None:
        """Drop every cached result."""
        with self._lock:
            self._data.clear()


class StoreVersion:
    """Reads a store's version cheaply: re-read only when its file changed.

    The GeoPackage store swaps a new file in for every import (``os.replace``), so the
    file's inode, size and modification time change with its version; reading the version
    costs an SQLite open, a ``stat`` is ~100 times cheaper. Stores that are not a local
    file are asked every time.

    Parameters
    ----------
    store : geo.store.Store
    """

    def __init__(self, store: Store) -> None:
        self._store = store
        path = Path(store.location)
        self._path = path if path.suffix.lower() == ".gpkg" else None
        self._lock = threading.Lock()
        self._signature: tuple[int, int, int] | None = None
        self._version = -1

    def current(self) -> int:
        """Return the store's current version.

        Returns
        -------
        int
        """
        if self._path is None:
            return self._store.version
        try:
            st = self._path.stat()
        except OSError:
            return self._store.version
        signature = (st.st_ino, st.st_size, st.st_mtime_ns)
        with self._lock:
            if signature == self._signature:
                return self._version
        version = self._store.version
        with self._lock:
            self._signature, self._version = signature, version
        return version
