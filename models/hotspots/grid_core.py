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
#   of the 5 columns of that block is one contiguous run of cells and of points;
# * a cell holding min_samples points: all core, no distance computed; a cell whose block holds
#   fewer: none core; the other points count their neighbours in the block, stopping at
#   min_samples; for large min_samples on a grid of fine cells instead (:func:`_fine_cores`),
#   where counts of whole runs of cells bound the neighbourhood;
# * clusters: the cores of one cell are connected; two cells with cores within eps of each other
#   (one pair found, early exit; of large cells only the cores near the other's box) are
#   joined in a union-find over the cells;
# * labels: raw (any core within eps gives a non-core point its cluster) or canonical, as
#   ``models.hotspots.dbscan.canonical_labels`` makes them (:func:`_canonical`).
#
# A neighbour is at squared distance ``dx * dx + dy * dy <= eps * eps``, the point itself
# counted: scikit-learn's k-d tree test, so ties at exactly eps agree with it. The cell
# arithmetic is exact only while eps is far above the rounding of the coordinates (eps > 1e-8
# of their magnitude, e.g. 10 cm at 10,000 km) and the cells can be numbered in int64:
# :func:`grid_core` returns ``None`` otherwise and the caller uses scikit-learn. Cells judged
# wholly within or wholly beyond eps of a point keep a margin of 4e-6 of eps squared.

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from models.arrays import BoolArray, FloatArray, IntArray
from models.hotspots.compiled import compiled as _compiled

#: Relative narrowing of the cells below eps / sqrt(2) (covers rounding in the cell arithmetic).
CELL_MARGIN = 1e-5

#: Fewest min_samples for which neighbours are counted on a grid of fine cells.
FINE_MIN_SAMPLES = 32

#: Smallest eps, relative to the largest absolute coordinate, for which the cells are exact.
MIN_RELATIVE_EPS = 1e-8

#: Most point pairs of two cells tested for one within eps without filtering by box first.
FILTER_PAIRS = 4096


@_compiled
def _cell_keys(
    x: FloatArray, y: FloatArray, x0: float, y0: float, inverse: float, rows: int
) -> IntArray:
    """Return the cell number (column i, row j: ``i * rows + j``) of every point."""
    n = len(x)
    keys = np.empty(n, dtype=np.int64)
    for p in range(n):
        i = np.int64((x[p] - x0) * inverse)  # offsets are >= 0: truncation is the floor
        j = np.int64((y[p] - y0) * inverse)
        keys[p] = i * rows + j
    return keys


@_compiled
def _counting_order(keys: IntArray, size: int) -> IntArray:
    """Return the stable order of the points by cell number (counting sort, ``size`` cells)."""
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


@_compiled
def _bounds(xy: FloatArray) -> tuple[float, float, float, float]:
    """Return the smallest and largest x and y of ``(n, 2)`` points; NaN if one is not finite."""
    x0, x1, y0, y1 = np.inf, -np.inf, np.inf, -np.inf
    for p in range(xy.shape[0]):
        x, y = xy[p, 0], xy[p, 1]
        if not (np.isfinite(x) and np.isfinite(y)):
            return np.nan, np.nan, np.nan, np.nan
        x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
    return x0, x1, y0, y1


@_compiled
def _by_cell(
    xy: FloatArray, keys: IntArray, order: IntArray
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Return the x, y and cell numbers of the points in ``order``."""
    n = len(order)
    xs, ys, sorted_keys = np.empty(n), np.empty(n), np.empty(n, dtype=np.int64)
    for at in range(n):
        p = order[at]
        xs[at], ys[at], sorted_keys[at] = xy[p, 0], xy[p, 1], keys[p]
    return xs, ys, sorted_keys


@_compiled
def _find(parent: IntArray, a: int) -> int:
    """Return the root of ``a`` in the union-find ``parent`` (path halving)."""
    while parent[a] != a:
        parent[a] = parent[parent[a]]
        a = parent[a]
    return a


@_compiled
def _blocks(cell_key: IntArray, rows: int, columns: int) -> IntArray:
    """Return per cell the runs of cells (indices into ``cell_key``) of its block's 5 columns.

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


class _Cells(NamedTuple):
    """The points sorted by cell and the grid of cells (of side a hair below eps / sqrt(2))."""

    #: x of the points, sorted by cell.
    x: FloatArray
    #: y of the points, sorted by cell.
    y: FloatArray
    #: The first point of every cell (and the end).
    start: IntArray
    #: Each cell's number (column i, row j: ``i * rows + j``).
    cell_key: IntArray
    #: Each cell's block (see :func:`_blocks`).
    block: IntArray
    #: The grid's origin x and y, cell side, and eps squared.
    grid: FloatArray
    #: How many rows the grid has.
    rows: int


@_compiled
def _count_near(cells: _Cells, p: int, c: int, min_samples: int) -> bool:
    """Return whether point ``p`` of cell ``c`` has ``min_samples`` points within eps.

    The cells of the block, middle column first: one wholly within eps of the point counts
    whole, one wholly beyond is skipped (both with a margin far above rounding), the others are
    counted pair by pair. It stops as soon as the count reaches ``min_samples`` or the points
    not yet ruled out cannot.
    """
    x, y, start, cell_key, block, grid, rows = cells
    x0, y0, side, eps2 = grid[0], grid[1], grid[2], grid[3]
    inside, outside = eps2 * (1 - 4e-6), eps2 * (1 + 4e-6)
    px, py = x[p], y[p]
    count = start[c + 1] - start[c]  # every point of its cell, itself included
    possible = 0  # points of the block not ruled out yet
    for d in range(5):
        possible += start[block[c, 2 * d + 1]] - start[block[c, 2 * d]]
    for k in range(5):
        d = (2, 1, 3, 0, 4)[k]
        for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
            if c2 == c:
                continue
            size = start[c2 + 1] - start[c2]
            i = cell_key[c2] // rows
            j = cell_key[c2] - i * rows
            left, bottom = x0 + i * side, y0 + j * side
            near_x = max(left - px, 0.0, px - left - side)
            near_y = max(bottom - py, 0.0, py - bottom - side)
            if near_x * near_x + near_y * near_y > outside:
                possible -= size
                if possible < min_samples:
                    return False
                continue
            far_x = max(px - left, left + side - px)
            far_y = max(py - bottom, bottom + side - py)
            if far_x * far_x + far_y * far_y <= inside:
                count += size
                if count >= min_samples:
                    return True
                continue
            for q in range(start[c2], start[c2 + 1]):
                dx = px - x[q]
                dy = py - y[q]
                if dx * dx + dy * dy <= eps2:
                    count += 1
                    if count >= min_samples:
                        return True
                else:
                    possible -= 1
                    if possible < min_samples:
                        return False
    return bool(count >= min_samples)


@_compiled
def _mark_cores(cells: _Cells, min_samples: int, count: bool) -> tuple[BoolArray, BoolArray]:
    """Return core flags of the points sorted by cell (``start``: each cell's first point).

    A cell of ``min_samples`` points is core, a cell whose block holds fewer is not; the
    points of the other cells count their neighbours when ``count``, else they are returned
    as undecided (for :func:`_fine_cores`).
    """
    x, start, block = cells.x, cells.start, cells.block
    m = len(start) - 1
    core = np.zeros(len(x), dtype=np.bool_)
    undecided = np.zeros(len(x), dtype=np.bool_)
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
        if not count:
            undecided[a:b] = True
            continue
        for p in range(a, b):
            core[p] = _count_near(cells, p, c, min_samples)
    return core, undecided


@_compiled
def _row_run(
    py: float, reach: float, y0: float, inverse: float, low: int, high: int, within: bool
) -> tuple[int, int]:
    """Return the rows, clipped to ``low..high``, whose cells meet ``py ± reach``.

    ``within``: the rows whose cells lie wholly in ``py ± reach`` instead.
    """
    bottom = (py - reach - y0) * inverse
    top = (py + reach - y0) * inverse
    if within:
        return max(int(np.ceil(bottom)), low), min(int(np.floor(top)) - 1, high)
    return max(int(np.floor(bottom)), low), min(int(np.floor(top)), high)


@_compiled
def _fine_cores(
    x: FloatArray,
    y: FloatArray,
    undecided: BoolArray,
    grid: FloatArray,
    shape: tuple[int, int],
    min_samples: int,
) -> BoolArray:
    """Return core flags of the ``undecided`` points, counted on a grid of fine cells.

    ``grid``: origin x and y, fine cell side, eps squared, the side's inverse; ``shape``: its
    columns and rows (a counting sort over all of them). Per column of cells within eps of a
    point, the cells wholly within eps form one run of rows and the cells that meet the eps
    disc a wider one: their point counts (from the sorted cells' starts) bound the
    neighbourhood from below and above, which decides most points; the rest count their
    neighbours in the cells between the two runs only, pair by pair, with early exits.
    """
    x0, y0, side, eps2, inverse = grid[0], grid[1], grid[2], grid[3], grid[4]
    columns, rows = shape
    inside, outside = eps2 * (1 - 4e-6), eps2 * (1 + 4e-6)
    keys = _cell_keys(x, y, x0, y0, inverse, rows)
    order = _counting_order(keys, columns * rows)
    start = np.zeros(columns * rows + 1, dtype=np.int64)
    for k in keys:
        start[k + 1] += 1
    for c in range(columns * rows):
        start[c + 1] += start[c]
    xs, ys = x[order], y[order]
    reach = int(np.sqrt(outside) * inverse) + 2
    geometry = (x0, y0, side, inverse)
    core = np.zeros(len(x), dtype=np.bool_)
    # first per fine cell, for all its points at once: bounds from the cell's centre with eps
    # less and more its half diagonal (every point of the cell is that close to the centre)
    half = side * np.sqrt(0.5)
    eps = np.sqrt(eps2)
    cell_inside = (eps - half) ** 2 * (1 - 4e-6)
    cell_outside = (eps + half) ** 2 * (1 + 4e-6)
    cell_reach = int(np.sqrt(cell_outside) * inverse) + 2
    each = np.zeros(len(x), dtype=np.bool_)  # undecided points their cell did not decide
    t = 0
    while t < len(x):
        u = t
        key = keys[order[t]]
        wanted = False
        while u < len(x) and keys[order[u]] == key:
            wanted |= undecided[order[u]]
            u += 1
        if wanted:
            i = key // rows
            cx, cy = x0 + (i + 0.5) * side, y0 + (key - i * rows + 0.5) * side
            lower, upper = _fine_bounds(
                cx, cy, i, start, geometry, shape, cell_reach, cell_inside, cell_outside
            )
            for at in range(t, u):
                p = order[at]
                if undecided[p]:
                    if lower >= min_samples:
                        core[p] = True
                    elif upper >= min_samples:
                        each[p] = True
        t = u
    for p in range(len(x)):
        if not each[p]:
            continue
        px, py = x[p], y[p]
        i = keys[p] // rows
        lower, upper = _fine_bounds(px, py, i, start, geometry, shape, reach, inside, outside)
        if lower >= min_samples or upper < min_samples:
            core[p] = lower >= min_samples
            continue
        count, possible = lower, upper
        for col in range(max(i - reach, 0), min(i + reach, columns - 1) + 1):
            lo, hi, a, b = _column_runs(px, py, col, geometry, rows, inside, outside)
            if lo > hi:
                continue
            if a > b:  # the rows wholly within eps: none
                a, b = hi + 1, hi
            for q in range(start[col * rows + lo], start[col * rows + hi + 1]):
                if start[col * rows + a] <= q < start[col * rows + b + 1]:
                    continue  # counted already
                dx = px - xs[q]
                dy = py - ys[q]
                if dx * dx + dy * dy <= eps2:
                    count += 1
                    if count >= min_samples:
                        break
                else:
                    possible -= 1
                    if possible < min_samples:
                        break
            if count >= min_samples or possible < min_samples:
                break
        core[p] = count >= min_samples
    return core


@_compiled
def _fine_bounds(
    px: float,
    py: float,
    i: int,
    start: IntArray,
    geometry: tuple[float, float, float, float],
    shape: tuple[int, int],
    reach: int,
    inside: float,
    outside: float,
) -> tuple[int, int]:
    """Return how many points lie in fine cells wholly within / meeting a disc around a point.

    The disc: squared radius ``inside`` (for the lower bound) and ``outside`` (upper), around
    ``(px, py)`` in column ``i``; ``geometry``: the grid's origin x and y, cell side and its
    inverse; ``reach``: columns either side to look at.
    """
    columns, rows = shape
    lower = 0
    upper = 0
    for col in range(max(i - reach, 0), min(i + reach, columns - 1) + 1):
        lo, hi, a, b = _column_runs(px, py, col, geometry, rows, inside, outside)
        if lo > hi:
            continue
        upper += start[col * rows + hi + 1] - start[col * rows + lo]
        if a <= b:
            lower += start[col * rows + b + 1] - start[col * rows + a]
    return lower, upper


@_compiled
def _column_runs(
    px: float,
    py: float,
    col: int,
    geometry: tuple[float, float, float, float],
    rows: int,
    inside: float,
    outside: float,
) -> tuple[int, int, int, int]:
    """Return the rows of column ``col`` whose fine cells meet / lie wholly within a disc.

    The disc: squared radius ``outside`` (cells it meets: rows ``lo..hi``) and ``inside``
    (cells wholly within it: rows ``a..b``, among ``lo..hi``) around ``(px, py)``; an empty
    run has its first row above its last. ``geometry``: the grid's origin x and y, cell side
    and its inverse.
    """
    x0, y0, side, inverse = geometry
    left = x0 + col * side
    near_x = max(left - px, 0.0, px - left - side)
    if near_x * near_x > outside:
        return 1, 0, 1, 0
    reach = np.sqrt(outside - near_x * near_x)
    lo, hi = _row_run(py, reach, y0, inverse, 0, rows - 1, False)
    if lo > hi:
        return lo, hi, 1, 0
    a, b = hi + 1, hi
    far_x = max(px - left, left + side - px)
    if far_x * far_x < inside:
        a, b = _row_run(py, np.sqrt(inside - far_x * far_x), y0, inverse, lo, hi, True)
    return lo, hi, a, b


@_compiled
def _close(x: FloatArray, y: FloatArray, a: int, b: int, box: FloatArray, eps2: float) -> IntArray:
    """Return the points of ``a:b`` within eps of ``box`` (x low, x high, y low, y high)."""
    gap_x = np.maximum(np.maximum(box[0] - x[a:b], x[a:b] - box[1]), 0.0)
    gap_y = np.maximum(np.maximum(box[2] - y[a:b], y[a:b] - box[3]), 0.0)
    return a + np.flatnonzero(gap_x * gap_x + gap_y * gap_y <= eps2)


@_compiled
def _near(x: FloatArray, y: FloatArray, runs: IntArray, box: FloatArray, eps2: float) -> bool:
    """Return whether a point of ``runs[0]:runs[1]`` is within eps of one of ``runs[2]:runs[3]``.

    Of two runs with over :data:`FILTER_PAIRS` pairs, only the points within eps of the other's
    bounding box (``box`` rows 0 and 1) are paired: two large blobs just beyond eps apart then
    cost a pass over each, not a test of every pair (seconds at 10^5 x 10^5 points).
    """
    a, b, lo, hi = runs[0], runs[1], runs[2], runs[3]
    if (b - a) * (hi - lo) > FILTER_PAIRS:
        ours, theirs = _close(x, y, a, b, box[1], eps2), _close(x, y, lo, hi, box[0], eps2)
    else:
        ours, theirs = np.arange(a, b), np.arange(lo, hi)
    for p in ours:
        for q in theirs:
            dx = x[p] - x[q]
            dy = y[p] - y[q]
            if dx * dx + dy * dy <= eps2:
                return True
    return False


@_compiled
def _link(
    x: FloatArray,
    y: FloatArray,
    start: IntArray,
    cores: IntArray,
    box: FloatArray,
    block: IntArray,
    cell_key: IntArray,
    rows: int,
    eps2: float,
) -> IntArray:
    """Return the union-find roots of the cells, joined where their cores are within eps.

    ``cores[c]``: how many of cell ``c``'s points (its first ones) are core; ``box[c]``: their
    bounding box (x low, x high, y low, y high). Touching cells are joined first, so that most
    pairs of cells two apart are joined already when their turn comes (their search for a pair
    within eps, often fruitless, is the costly one); a pair whose cores' bounding boxes are
    more than eps apart is not searched.
    """
    m = len(cores)
    parent = np.arange(m)
    for touching in (True, False):
        for c in range(m):
            if cores[c] == 0:
                continue
            a = start[c]
            j = cell_key[c] % rows
            for d in range(5):
                for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
                    if c2 <= c or cores[c2] == 0:
                        continue
                    if (abs(d - 2) <= 1 and abs(cell_key[c2] % rows - j) <= 1) != touching:
                        continue
                    r1, r2 = _find(parent, c), _find(parent, c2)
                    if r1 == r2:
                        continue
                    gap_x = max(box[c2, 0] - box[c, 1], box[c, 0] - box[c2, 1], 0.0)
                    gap_y = max(box[c2, 2] - box[c, 3], box[c, 2] - box[c2, 3], 0.0)
                    if gap_x * gap_x + gap_y * gap_y > eps2:
                        continue
                    runs = np.array((a, a + cores[c], start[c2], start[c2] + cores[c2]))
                    if _near(x, y, runs, np.stack((box[c], box[c2])), eps2):
                        parent[max(r1, r2)] = min(r1, r2)
    for c in range(m):
        parent[c] = _find(parent, c)
    return parent


@_compiled
def _cells(keys: IntArray) -> tuple[IntArray, IntArray]:
    """Return the first point of every cell (and the end) and the cell numbers of ``keys``."""
    n = len(keys)
    first = np.ones(n, dtype=np.bool_)
    for p in range(1, n):
        first[p] = keys[p] != keys[p - 1]
    cell_first = np.flatnonzero(first)
    m = len(cell_first)
    start = np.empty(m + 1, dtype=np.int64)
    start[:m] = cell_first
    start[m] = n
    return start, keys[cell_first]


@_compiled
def _components(cells: _Cells, core: BoolArray, canonical: bool) -> IntArray:
    """Return cluster ids of the points sorted by cell: raw (components of cores) or canonical.

    Raw: a core carries its component's id, a non-core point the id of a core within eps, or
    -1. Canonical (:func:`_canonical`): clusters numbered by their smallest core, a non-core
    point in the cluster of its nearest core.
    """
    x, y, start, cell_key, block, grid, rows = cells
    eps2 = grid[3]
    n, m = len(x), len(start) - 1
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
    box = np.empty((m, 4))
    for c in range(m):
        a, b = start[c], start[c] + cores[c]
        if b > a:
            box[c, 0], box[c, 1] = xs[a:b].min(), xs[a:b].max()
            box[c, 2], box[c, 3] = ys[a:b].min(), ys[a:b].max()
    root = _link(xs, ys, start, cores, box, block, cell_key, rows, eps2)
    sorted_cores = _CoreCells(xs, ys, start, cores, box, block, root)
    if canonical:
        raw = _canonical(sorted_cores, eps2)
    else:
        raw = np.full(n, -1, dtype=np.int64)
        for c in range(m):
            a, b = start[c], start[c + 1]
            raw[a : a + cores[c]] = root[c]
            if cores[c] > 0:
                raw[a + cores[c] : b] = root[c]  # within eps of every core of the cell
                continue
            for p in range(a, b):
                raw[p] = _core_near(sorted_cores, p, c, eps2)
    out = np.empty(n, dtype=np.int64)
    out[perm] = raw
    return out


class _CoreCells(NamedTuple):
    """The points sorted by cell, cores first in each cell, and their cells' clusters."""

    #: x of the points, sorted by cell, the cores of each cell first.
    x: FloatArray
    #: y of the points, in the same order.
    y: FloatArray
    #: The first point of every cell (and the end).
    start: IntArray
    #: How many of each cell's points (its first ones) are core.
    cores: IntArray
    #: Bounding box of each cell's cores: x low, x high, y low, y high.
    box: FloatArray
    #: Each cell's block (see :func:`_blocks`).
    block: IntArray
    #: Each cell's cluster: the union-find root of :func:`_link`.
    root: IntArray


@_compiled
def _canonical(cells: _CoreCells, eps2: float) -> IntArray:
    """Return canonical labels of the points sorted by cell, cores first in each cell.

    Clusters are numbered 0..k-1 by the lexicographically smallest (x, y) of their cores; a
    non-core point within eps of a core joins the cluster of its nearest core by
    ``sqrt(dx * dx + dy * dy)``, ties to the lowest number (what
    :func:`models.hotspots.dbscan.canonical_labels` gives); other points are -1. A point whose
    block holds the cores of one cluster only takes it without a search.
    """
    x, y, start, cores, _, block, root = cells
    n, m = len(x), len(cores)
    low_x, low_y = np.full(m, np.inf), np.full(m, np.inf)
    for c in range(m):
        r = root[c]
        for q in range(start[c], start[c] + cores[c]):
            if x[q] < low_x[r] or (x[q] == low_x[r] and y[q] < low_y[r]):
                low_x[r], low_y[r] = x[q], y[q]
    clusters = np.flatnonzero(np.isfinite(low_x))
    by_y = clusters[np.argsort(low_y[clusters], kind="mergesort")]
    ranked = by_y[np.argsort(low_x[by_y], kind="mergesort")]
    number = np.full(m, -1, dtype=np.int64)
    number[ranked] = np.arange(len(ranked))
    label = np.full(n, -1, dtype=np.int64)
    for c in range(m):
        a, b = start[c], start[c + 1]
        label[a : a + cores[c]] = number[root[c]]
        if b == a + cores[c]:
            continue
        low, high = np.int64(m), np.int64(-1)
        for d in range(5):
            for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
                if cores[c2] > 0:
                    low = min(low, number[root[c2]])
                    high = max(high, number[root[c2]])
        if high < 0:
            continue
        for p in range(a + cores[c], b):
            if low == high:
                near = cores[c] > 0  # within eps of every core of its cell
                if not near:
                    near = _core_near(cells, p, c, eps2) >= 0
                label[p] = low if near else -1
            else:
                label[p] = _nearest_core(cells, p, c, number, eps2)
    return label


@_compiled
def _nearest_core(cells: _CoreCells, p: int, c: int, number: IntArray, eps2: float) -> int:
    """Return the canonical cluster of point ``p``'s nearest core within eps, or -1.

    Nearest by squared distance first; then every core at the same ``sqrt`` distance (which
    may round equal from a slightly larger square) is a tie, won by the lowest number.
    """
    x, y, start, cores, _, block, root = cells
    best, _ = _closest_core(cells, p, c, eps2, False)
    if best > eps2:
        return -1
    px, py = x[p], y[p]
    distance = np.sqrt(best)
    reach = best * (1 + 1e-12)  # every square whose root can equal the nearest's
    label = np.iinfo(np.int64).max
    for d in range(5):
        for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
            if cores[c2] == 0 or number[root[c2]] >= label:
                continue
            for q in range(start[c2], start[c2] + cores[c2]):
                dx = px - x[q]
                dy = py - y[q]
                d2 = dx * dx + dy * dy
                if d2 <= reach and np.sqrt(d2) == distance:
                    label = number[root[c2]]
                    break
    return int(label)


@_compiled
def _core_near(cells: _CoreCells, p: int, c: int, eps2: float) -> int:
    """Return the cluster of a core within eps of point ``p`` of cell ``c``, or -1."""
    _, near = _closest_core(cells, p, c, eps2, True)
    return int(cells.root[near]) if near >= 0 else -1


@_compiled
def _closest_core(cells: _CoreCells, p: int, c: int, eps2: float, first: bool) -> tuple[float, int]:
    """Return the squared distance from point ``p`` to its nearest core within eps, and its cell.

    The cores searched are those of cell ``c``'s block; ``(inf, -1)`` when none is within eps.
    ``first``: stop at the first core within eps (in block order) instead of the nearest. Cells
    whose cores' bounding box is farther than eps (or than the nearest core so far) are skipped.
    """
    x, y, start, cores, box, block, _ = cells
    px, py = x[p], y[p]
    best, near = np.inf, -1
    bound = eps2
    for d in range(5):
        for c2 in range(block[c, 2 * d], block[c, 2 * d + 1]):
            if cores[c2] == 0:
                continue
            gap_x = max(box[c2, 0] - px, px - box[c2, 1], 0.0)
            gap_y = max(box[c2, 2] - py, py - box[c2, 3], 0.0)
            if gap_x * gap_x + gap_y * gap_y > bound:
                continue
            for q in range(start[c2], start[c2] + cores[c2]):
                dx = px - x[q]
                dy = py - y[q]
                d2 = dx * dx + dy * dy
                if d2 <= bound and d2 < best:
                    best, near, bound = d2, c2, d2
                    if first:
                        return best, near
    return best, near


def grid_core(
    xy: FloatArray, eps: float, min_samples: int, canonical: bool = False
) -> tuple[IntArray, BoolArray] | None:
    """Return DBSCAN's cluster id per point and the core mask; ``None`` if not exact here.

    Core: at least ``min_samples`` points within ``eps`` (itself included). Raw ids: the
    clusters (connected components of cores) numbered arbitrarily, a non-core point within
    ``eps`` of a core carries the id of one such core, other points -1. ``canonical``: the
    labels of :func:`models.hotspots.dbscan.canonical_labels` instead (clusters numbered by
    their smallest core, each border point in its nearest core's cluster, ties to the lowest).

    Parameters
    ----------
    xy : numpy.ndarray
        ``(n, 2)`` ``float64`` coordinates in metres.
    eps : float
        Neighbourhood radius in metres (> 0).
    min_samples : int
        Neighbourhood size (≥ 1) that makes a point core.
    canonical : bool
        Return canonical labels rather than raw ids.

    Returns
    -------
    tuple of numpy.ndarray or None
        ``(labels, core)`` in row order; ``None`` when the cells cannot be exact: coordinates not
        finite, eps below :data:`MIN_RELATIVE_EPS` of their magnitude, or too many cells to
        number (use scikit-learn then).
    """
    n = len(xy)
    if n == 0:
        return np.empty(0, np.int64), np.empty(0, np.bool_)
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    x0, x1, y0, y1 = _bounds(xy)
    magnitude = max(abs(x0), abs(x1), abs(y0), abs(y1))
    if not math.isfinite(magnitude) or eps <= MIN_RELATIVE_EPS * magnitude:
        return None
    inverse = math.sqrt(2.0) / (eps * (1 - CELL_MARGIN))
    columns = int((x1 - x0) * inverse) + 1
    rows = int((y1 - y0) * inverse) + 1
    size = columns * rows
    if size >= 2**62:
        return None
    keys = _cell_keys(xy[:, 0], xy[:, 1], x0, y0, inverse, rows)
    limit = max(4 * n, 1 << 20)  # cells a counting sort may run over
    order = _counting_order(keys, size) if size <= limit else np.argsort(keys, kind="stable")
    xs, ys, sorted_keys = _by_cell(xy, keys, order)
    start, cell_key = _cells(sorted_keys)
    block = _blocks(cell_key, rows, columns)
    grid = np.array([x0, y0, 1.0 / inverse, eps * eps])
    cells = _Cells(xs, ys, start, cell_key, block, grid, rows)
    fine = _fine_grid(x1 - x0, y1 - y0, inverse, limit) if min_samples >= FINE_MIN_SAMPLES else None
    ms = int(min_samples)
    core, undecided = _mark_cores(cells, ms, fine is None)
    if fine is not None and undecided.any():
        fine_inverse, shape = fine
        fine_grid = np.array([x0, y0, 1.0 / fine_inverse, eps * eps, fine_inverse])
        core |= _fine_cores(xs, ys, undecided, fine_grid, shape, ms)
    raw = np.empty(n, dtype=np.int64)
    raw[order] = _components(cells, core, canonical)
    core_rows = np.empty(n, dtype=np.bool_)
    core_rows[order] = core
    return raw, core_rows


def _fine_grid(
    width: float, height: float, inverse: float, limit: int
) -> tuple[float, tuple[int, int]] | None:
    """Return the finest grid of cells 1/8, 1/4 or 1/2 as wide within ``limit`` cells.

    Returns the inverse of its cell side and its columns and rows; ``None`` if none fits.
    """
    for split in (8, 4, 2):
        fine = inverse * split
        columns, rows = int(width * fine) + 1, int(height * fine) + 1
        if columns * rows <= limit:
            return fine, (columns, rows)
    return None
