"""Grid cells a hair wider than eps/2: exact DBSCAN shortcuts (pruning, border labels)."""

# Every point within eps of a point lies in the 5 x 5 cells around that point's cell when the
# cells are a hair wider than eps / 2 (the hair, 1e-6 of eps, is far above the rounding of the
# cell arithmetic). Two exact shortcuts follow, both hand-written because no library offers
# them (numpy cell numbers, scipy's block filters):
#
# * pruning before DBSCAN (:func:`possible_core_region`): a point whose 5 x 5 block holds fewer
#   than min_samples points cannot be core, and a point in no block of a possible core is
#   within eps of no core;
# * border labels after DBSCAN (:func:`one_cluster_near`): when every core in a border point's
#   5 x 5 block carries one label, that is the label of its nearest core, whatever the
#   distances and ties, so only border points near two clusters need a search.

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np
from scipy import ndimage

from models.arrays import BoolArray, FloatArray, IntArray
from models.hotspots.columns import NOISE

#: Relative widening of the cells beyond eps / 2 (covers rounding in the cell arithmetic).
CELL_MARGIN = 1e-6

#: Least share of the points that pruning must set aside to be used.
PRUNE_MIN_SHARE = 0.02


@dataclass(frozen=True)
class Cells:
    """The cell of every point on a grid of cells a hair wider than ``eps / 2``.

    Attributes
    ----------
    flat : numpy.ndarray
        ``int64``; row-major cell number of each point in ``shape``.
    shape : tuple of int
        Cells along x and along y.
    """

    flat: IntArray
    shape: tuple[int, int]

    @property
    def size(self) -> int:
        """Return the number of cells."""
        return self.shape[0] * self.shape[1]


def half_eps_cells(xy: FloatArray, eps: float) -> Cells | None:
    """Return the cells of ``xy`` for radius ``eps``; ``None`` when the grid is too large.

    Too large: more than ``max(4 n, 1,000,000)`` cells (points spread far apart for their
    number), where the callers' plain paths are cheaper.
    """
    n = len(xy)
    if n == 0 or not np.isfinite(xy).all():
        return None
    inverse = 2.0 / (eps * (1 + CELL_MARGIN))
    x, y = xy[:, 0], xy[:, 1]
    spans = (float(x.max() - x.min()) * inverse, float(y.max() - y.min()) * inverse)
    if max(spans) >= 2.0**62:  # a tiny eps: cell numbers past int64 (the grid is too large)
        return None
    # offsets from the minimum are >= 0, so truncation is the floor
    i = ((x - x.min()) * inverse).astype(np.int64)
    j = ((y - y.min()) * inverse).astype(np.int64)
    shape = (int(i.max()) + 1, int(j.max()) + 1)
    if shape[0] * shape[1] > max(4 * n, 1_000_000):
        return None
    i *= shape[1]
    i += j
    return Cells(i, shape)


def _block_sum(a: IntArray, half: int) -> IntArray:
    """Sum of ``a`` over the ``(2 half + 1)``-square block around each cell (zeros outside)."""
    k = 2 * half + 1
    c = np.pad(np.pad(a, half).cumsum(axis=0).cumsum(axis=1), ((1, 0), (1, 0)))
    return cast(IntArray, c[k:, k:] - c[:-k, k:] - c[k:, :-k] + c[:-k, :-k])


def possible_core_region(cells: Cells, min_samples: int) -> BoolArray | None:
    """Mark the points that may be a core point or within eps of one; ``None``: all may.

    DBSCAN on the marked points alone gives the same cores, clusters and border points: each
    marked possible core keeps its whole neighbourhood, the other marked points stay below
    ``min_samples``, and the unmarked points are noise. ``None`` too when fewer than
    :data:`PRUNE_MIN_SHARE` of the points would be set aside: copying the others out and the
    labels back costs more than DBSCAN saves (at 100k incidents, 150 m and 10, 0.3 % drop).
    """
    counts = np.bincount(cells.flat, minlength=cells.size).reshape(cells.shape)
    block = _block_sum(counts, 2)
    possible = _block_sum((block >= min_samples).astype(np.int64), 2) > 0
    keep = possible.ravel()[cells.flat]
    dropped = len(keep) - int(np.count_nonzero(keep))
    return None if dropped == 0 or dropped < PRUNE_MIN_SHARE * len(keep) else keep


def one_cluster_near(
    cells: Cells, border: IntArray, cores: IntArray, core_labels: IntArray
) -> IntArray | None:
    """Per border point, the one label of every core in its 5 x 5 block, else :data:`NOISE`.

    ``border`` and ``cores`` are row numbers into the points of ``cells``; ``core_labels`` are
    the labels (≥ 0) of ``cores``. :data:`NOISE` where the block holds cores of several
    clusters (or none). ``None`` when there are too many labels for the int32 grid.
    """
    if len(cores) >= np.iinfo(np.int32).max:
        return None
    cell_core, cell_border = cells.flat[cores], cells.flat[border]
    labels32 = core_labels.astype(np.int32)
    # int32: scipy's filters take the value outside the grid as a float, exact for int32
    none = np.iinfo(np.int32).max
    low = np.full(cells.size, none, dtype=np.int32)
    high = np.full(cells.size, -1, dtype=np.int32)
    np.minimum.at(low, cell_core, labels32)
    np.maximum.at(high, cell_core, labels32)
    low = ndimage.minimum_filter(low.reshape(cells.shape), size=5, mode="constant", cval=none)
    high = ndimage.maximum_filter(high.reshape(cells.shape), size=5, mode="constant", cval=-1)
    lo = low.ravel()[cell_border]
    hi = high.ravel()[cell_border]
    return cast(IntArray, np.where(lo == hi, lo.astype(np.int64), NOISE))


def cores_in_blocks(cells: Cells, border: IntArray, cores: IntArray) -> BoolArray:
    """Return which cores lie in the 5 x 5 block of some border point's cell.

    Every core within eps of a border point is among them (and every core a hair beyond,
    for the tie search), so a k-d tree of these cores answers the border queries exactly.
    """
    marked = np.zeros(cells.size, dtype=bool)
    marked[cells.flat[border]] = True
    grown = ndimage.maximum_filter(marked.reshape(cells.shape), size=5, mode="constant")
    return cast(BoolArray, grown.ravel()[cells.flat[cores]])
