"""Exact grid DBSCAN core compiled with numba: the core points and their clusters, in metres."""

# Why hand-written: no library gives exact 2-D DBSCAN core marking and core components this
# fast. scikit-learn keeps every neighbourhood (O(n x neighbours) memory, ~1 s at 100k
# incidents); the ``dbscan`` package (the SIGMOD 2020 grid algorithm), used before, took
# 60-80 ms of CPU at 100k and held the GIL; numpy/scipy prototypes (k-d tree counts, pairs of
# cells) were slower still (docs/hotspots.md). This is the same exact grid algorithm
# (Gunawan's, with early exits), compiled with numba and releasing the GIL:
#
# * cells of side a hair below eps / sqrt(2), so any two points of one cell are neighbours and
#   every neighbour of a point lies in the 5 x 5 cells around its cell (exactly eps apart
#   included); the points are sorted by cell (a counting sort when the grid is small), so each
#   of the 5 rows of that block is one contiguous run of points;
# * a cell holding min_samples points: all core, no distance computed; a cell whose block holds
#   fewer: none core; the other points count their neighbours in the block, stopping at
#   min_samples;
# * clusters: the cores of one cell are connected; two cells with cores within eps of each other
#   (one pair found, early exit) are joined in a union-find over the cells;
# * a non-core point takes the cluster of any core within eps (its own cell's, or the first one
#   found in its block): the "raw" label ``canonical_labels`` turns into the nearest core's.
#
# A neighbour is at squared distance ``dx * dx + dy * dy <= eps * eps``, the point itself
# counted: scikit-learn's k-d tree test, so ties at exactly eps agree with it. The cell
# arithmetic is exact only while eps is far above the rounding of the coordinates (eps > 1e-8
# of their magnitude, e.g. 10 cm at 10,000 km) and the cells can be numbered in int64:
# :func:`grid_core` returns ``None`` otherwise and the caller uses scikit-learn.

from __future__ import annotations

import math

import numpy as np
from numba import njit

from models.arrays import BoolArray, FloatArray, IntArray

#: Relative narrowing of the cells below eps / sqrt(2) (covers rounding in the cell arithmetic).
CELL_MARGIN = 1e-5

#: Smallest eps, relative to the largest absolute coordinate, for which the cells are exact.
MIN_RELATIVE_EPS = 1e-8


@njit(cache=True, nogil=True)
def _cell_keys(
    x: FloatArray, y: FloatArray, x0: float, y0: float, inverse: float, rows: int
) -> IntArray:
    """Row-major cell number (column i, row j: ``i * rows + j``) of every point."""
    n = len(x)
    keys = np.empty(n, dtype=np.int64)
    for p in range(n):
        i = np.int64((x[p] - x0) * inverse)  # offsets are >= 0: truncation is the floor
        j = np.int64((y[p] - y0) * inverse)
        keys[p] = i * rows + j
    return keys


@njit(cache=True, nogil=True)
def _counting_order(keys: IntArray, size: int) -> IntArray:
    """Stable order of the points by cell number (a counting sort over ``size`` cells)."""
    start = np.zeros(size + 1, dtype=np.int64)
    for k in keys:
        start[k + 1] += 1
    for c in range(size):
        start[c + 1] += start[c]
    order = np.empty(len(keys), dtype=np.int64)
    for p in range(len(keys)):
        k = keys[p]
        order[start[k]] = p
        start[k] += 1
    return order


@njit(cache=True, nogil=True)
def _find(parent: IntArray, a: int) -> int:
    """Root of ``a`` in the union-find ``parent`` (path halving)."""
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@njit(cache=True, nogil=True)
def _blocks(cell_key: IntArray, rows: int, columns: int) -> IntArray:
    """Per cell, the runs of cells (indices into ``cell_key``) of the 5 columns of its block.

    ``out[c, 2 d]`` to ``out[c, 2 d + 1]`` (exclusive) are the cells in column ``i + d - 2``,
    rows ``j - 2`` to ``j + 2``, of cell ``c`` at column ``i``, row ``j`` (empty outside the
    grid). The bounds grow with ``c`` (the keys are sorted), so one sweep finds each.
    """
    m = len(cell_key)
    out = np.zeros((m, 10), dtype=np.int64)
    for d in range(5):
        lo = 0
        hi = 0
        for c in range(m):
            i = cell_key[c] // rows
            j = cell_key[c] - i * rows
            col = i + d - 2
            if col < 0 or col >= columns:
                continue
            first = col * rows + max(j - 2, 0)
            last = col * rows + min(j + 2, rows - 1)
            while lo < m and cell_key[lo] < first:
                lo += 1
            if hi < lo:
                hi = lo
            while hi < m and cell_key[hi] <= last:
                hi += 1
            out[c, 2 * d] = lo
            out[c, 2 * d + 1] = hi
    return out


@njit(cache=True, nogil=True)
def _count_near(
    x: FloatArray,
    y: FloatArray,
    p: int,
    c: int,
    start: IntArray,
    cell_key: IntArray,
    block: IntArray,
    grid: FloatArray,
    rows: int,
    min_samples: int,
) -> bool:
    """Whether point ``p`` of cell ``c`` has ``min_samples`` points within eps (itself too).

    Cells wholly within eps of the point count whole, cells wholly beyond are skipped (both
    with a margin far above rounding), only the others are counted pair by pair, with exits
    as soon as the answer is known.
    """
    x0, y0, side, eps2 = grid[0], grid[1], grid[2], grid[3]
    inside, outside = eps2 * (1 - 4e-6), eps2 * (1 + 4e-6)
    px, py = x[p], y[p]
    count = 0
    partial = 0
    for d in range(5):
        for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
            i = cell_key[c2] // rows
            j = cell_key[c2] - i * rows
            left, bottom = x0 + i * side, y0 + j * side
            near_x = max(left - px, 0.0, px - left - side)
            near_y = max(bottom - py, 0.0, py - bottom - side)
            if near_x * near_x + near_y * near_y > outside:
                continue
            far_x = max(px - left, left + side - px)
            far_y = max(py - bottom, bottom + side - py)
            size = start[c2 + 1] - start[c2]
            if c2 == c or far_x * far_x + far_y * far_y <= inside:
                count += size
            else:
                partial += size
    if count >= min_samples:
        return True
    if count + partial < min_samples:
        return False
    for d in range(5):
        for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
            if c2 == c:
                continue
            i = cell_key[c2] // rows
            j = cell_key[c2] - i * rows
            left, bottom = x0 + i * side, y0 + j * side
            near_x = max(left - px, 0.0, px - left - side)
            near_y = max(bottom - py, 0.0, py - bottom - side)
            if near_x * near_x + near_y * near_y > outside:
                continue
            far_x = max(px - left, left + side - px)
            far_y = max(py - bottom, bottom + side - py)
            if far_x * far_x + far_y * far_y <= inside:
                continue
            lo, hi = start[c2], start[c2 + 1]
            for q in range(lo, hi):
                dx = px - x[q]
                dy = py - y[q]
                if dx * dx + dy * dy <= eps2:
                    count += 1
                    if count >= min_samples:
                        return True
                else:
                    partial -= 1
                    if count + partial < min_samples:
                        return False
    return False


@njit(cache=True, nogil=True)
def _mark_cores(
    x: FloatArray,
    y: FloatArray,
    start: IntArray,
    cell_key: IntArray,
    block: IntArray,
    grid: FloatArray,
    rows: int,
    min_samples: int,
) -> BoolArray:
    """Core flags of the points sorted by cell (``start``: each cell's first point)."""
    m = len(start) - 1
    core = np.zeros(len(x), dtype=np.bool_)
    for c in range(m):
        a, b = start[c], start[c + 1]
        if b - a >= min_samples:
            core[a:b] = True
            continue
        total = 0
        for d in range(5):
            total += start[block[c, 2 * d + 1]] - start[block[c, 2 * d]]
        if total < min_samples:
            continue
        for p in range(a, b):
            core[p] = _count_near(x, y, p, c, start, cell_key, block, grid, rows, min_samples)
    return core


@njit(cache=True, nogil=True)
def _near(x: FloatArray, y: FloatArray, a: int, b: int, lo: int, hi: int, eps2: float) -> bool:
    """Whether some point of ``a:b`` is within eps of some point of ``lo:hi``."""
    for p in range(a, b):
        for q in range(lo, hi):
            dx = x[p] - x[q]
            dy = y[p] - y[q]
            if dx * dx + dy * dy <= eps2:
                return True
    return False


@njit(cache=True, nogil=True)
def _link(
    x: FloatArray, y: FloatArray, start: IntArray, cores: IntArray, block: IntArray, eps2: float
) -> IntArray:
    """Union-find of the cells: cells whose cores are within eps of each other are joined.

    ``cores[c]``: how many of cell ``c``'s points (its first ones) are core.
    """
    m = len(cores)
    parent = np.arange(m)
    for c in range(m):
        if cores[c] == 0:
            continue
        a = start[c]
        for d in range(5):
            for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
                if c2 <= c or cores[c2] == 0:
                    continue
                r1, r2 = _find(parent, c), _find(parent, c2)
                if r1 == r2:
                    continue
                if _near(x, y, a, a + cores[c], start[c2], start[c2] + cores[c2], eps2):
                    parent[max(r1, r2)] = min(r1, r2)
    for c in range(m):
        parent[c] = _find(parent, c)
    return parent


@njit(cache=True, nogil=True)
def _sorted_core(
    x: FloatArray,
    y: FloatArray,
    keys: IntArray,
    grid: FloatArray,
    shape: tuple[int, int],
    ms: int,
) -> tuple[IntArray, BoolArray]:
    """Raw cluster ids and core flags of points sorted by cell number ``keys``.

    ``grid``: the grid's origin x and y, its cell side and eps squared; ``shape``: its
    columns and rows.
    """
    columns, rows = shape
    eps2 = grid[3]
    n = len(x)
    first = np.ones(n, dtype=np.bool_)
    for p in range(1, n):
        first[p] = keys[p] != keys[p - 1]
    cell_first = np.flatnonzero(first)
    m = len(cell_first)
    start = np.empty(m + 1, dtype=np.int64)
    start[:m] = cell_first
    start[m] = n
    cell_key = keys[cell_first]
    block = _blocks(cell_key, rows, columns)
    core = _mark_cores(x, y, start, cell_key, block, grid, rows, ms)
    # cores first in every cell (stable), so the linking and border scans see only cores
    perm = np.empty(n, dtype=np.int64)
    cores = np.zeros(m, dtype=np.int64)
    for c in range(m):
        at = start[c]
        for p in range(start[c], start[c + 1]):
            if core[p]:
                perm[at] = p
                at += 1
        cores[c] = at - start[c]
        for p in range(start[c], start[c + 1]):
            if not core[p]:
                perm[at] = p
                at += 1
    xs, ys = x[perm], y[perm]
    root = _link(xs, ys, start, cores, block, eps2)
    raw = np.full(n, -1, dtype=np.int64)
    for c in range(m):
        a, b = start[c], start[c + 1]
        raw[a : a + cores[c]] = root[c]
        if cores[c] > 0:
            raw[a + cores[c] : b] = root[c]  # within eps of every core of the cell
            continue
        for p in range(a, b):
            found = False
            for d in range(5):
                for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
                    lo = start[c2]
                    for q in range(lo, lo + cores[c2]):
                        dx = xs[p] - xs[q]
                        dy = ys[p] - ys[q]
                        if dx * dx + dy * dy <= eps2:
                            raw[p] = root[c2]
                            found = True
                            break
                    if found:
                        break
                if found:
                    break
    out = np.empty(n, dtype=np.int64)
    out[perm] = raw
    return out, core


def grid_core(xy: FloatArray, eps: float, min_samples: int) -> tuple[IntArray, BoolArray] | None:
    """Return DBSCAN's raw cluster id per point and the core mask; ``None`` if not exact here.

    Core: at least ``min_samples`` points within ``eps`` (itself included). The raw ids of core
    points number the clusters (connected components of cores, arbitrary numbers); a non-core
    point within ``eps`` of a core carries the id of one such core; other points -1.

    Parameters
    ----------
    xy : numpy.ndarray
        ``(n, 2)`` ``float64`` coordinates in metres.
    eps : float
        Neighbourhood radius in metres (> 0).
    min_samples : int
        Neighbourhood size (≥ 1) that makes a point core.

    Returns
    -------
    tuple of numpy.ndarray or None
        ``(raw, core)`` in row order; ``None`` when the cells cannot be exact: coordinates not
        finite, eps below :data:`MIN_RELATIVE_EPS` of their magnitude, or too many cells to
        number (use scikit-learn then).
    """
    n = len(xy)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.bool_)
    x, y = np.ascontiguousarray(xy[:, 0]), np.ascontiguousarray(xy[:, 1])
    x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
    magnitude = max(abs(x0), abs(x1), abs(y0), abs(y1))
    if not math.isfinite(magnitude) or eps <= MIN_RELATIVE_EPS * magnitude:
        return None
    inverse = math.sqrt(2.0) / (eps * (1 - CELL_MARGIN))
    columns = int((x1 - x0) * inverse) + 1
    rows = int((y1 - y0) * inverse) + 1
    size = columns * rows
    if size >= 2**62:
        return None
    keys = _cell_keys(x, y, x0, y0, inverse, rows)
    if size <= max(4 * n, 1 << 20):
        order = _counting_order(keys, size)
    else:
        order = np.argsort(keys, kind="stable")
    grid = np.array([x0, y0, 1.0 / inverse, eps * eps])
    raw_sorted, core_sorted = _sorted_core(
        x[order], y[order], keys[order], grid, (columns, rows), int(min_samples)
    )
    raw = np.empty(n, dtype=np.int64)
    core = np.empty(n, dtype=np.bool_)
    raw[order] = raw_sorted
    core[order] = core_sorted
    return raw, core
