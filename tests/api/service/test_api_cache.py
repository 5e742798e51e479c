"""The result cache: keys, LRU bound, store versions, single flight; the store-version probe."""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from pathlib import Path

from api.service.cache import ResultCache, StoreVersion, make_key
from geo.store import open_store


def test_keys_are_normalised() -> None:
    a = make_key(3, "hotspots", {"eps_m": 150, "category": ["b", "a"], "to": None}, "Lanka")
    b = make_key(3, "hotspots", {"category": ("a", "b"), "eps_m": 150.0}, "Lanka")
    assert a == b and hash(a) == hash(b)
    assert a != make_key(4, "hotspots", {"eps_m": 150, "category": ["a", "b"]}, "Lanka")
    assert a != make_key(3, "hotspots", {"eps_m": 150, "category": ["a", "b"]}, None)
    assert a != make_key(3, "significance", {"eps_m": 150, "category": ["a", "b"]}, "Lanka")
    assert make_key(1, "r", {"x": True}, None) != make_key(1, "r", {"x": 1}, None)


def test_lru_bound() -> None:
    cache: ResultCache[int] = ResultCache(2)
    keys = [make_key(1, "r", {"i": i}, None) for i in range(3)]
    cache.get_or_compute(keys[0], lambda: 0)
    cache.get_or_compute(keys[1], lambda: 1)
    assert cache.get(keys[0]) == 0  # 0 is now the most recent
    cache.get_or_compute(keys[2], lambda: 2)
    assert len(cache) == 2 and cache.get(keys[1]) is None and cache.get(keys[0]) == 0


def test_newer_version_drops_older_results() -> None:
    cache: ResultCache[str] = ResultCache(10)
    old = make_key(1, "r", {}, None)
    cache.get_or_compute(old, lambda: "old")
    cache.get_or_compute(make_key(2, "r", {}, None), lambda: "new")
    assert cache.get(old) is None and len(cache) == 1
    cache.get_or_compute(old, lambda: "late")  # a slow request of the old version
    assert cache.get(old) is None


def test_disabled_cache_always_computes() -> None:
    cache: ResultCache[int] = ResultCache(0)
    calls: list[int] = []
    for _ in range(2):
        cache.get_or_compute(make_key(1, "r", {}, None), lambda: calls.append(1) or 1)
    assert len(calls) == 2 and cache.misses == 2


def test_errors_are_not_cached() -> None:
    cache: ResultCache[int] = ResultCache(4)
    key = make_key(1, "r", {}, None)

    def fail() -> int:
        raise ValueError("boom")

    for _ in range(2):
        with contextlib.suppress(ValueError):
            cache.get_or_compute(key, fail)
    assert cache.misses == 2 and cache.get(key) is None


def test_single_flight() -> None:
    cache: ResultCache[int] = ResultCache(4)
    key = make_key(1, "r", {}, None)
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 7

    results: list[int] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get_or_compute(key, slow)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [7] * 8 and calls == [1]


def test_store_version_probe_follows_imports(demo_store_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "s.gpkg"
    shutil.copyfile(demo_store_file, path)
    store = open_store(path)
    probe = StoreVersion(store)
    assert probe.current() == store.version
    version = store.version
    # an import swaps a new file in: simulate with a copy of a store of another version
    other = tmp_path / "other.gpkg"
    empty = open_store(other)
    assert empty.version != version
    shutil.copyfile(other, path.with_name("swap.gpkg"))
    path.with_name("swap.gpkg").replace(path)
    assert probe.current() == 0
