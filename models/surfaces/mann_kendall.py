"""The Mann-Kendall trend test of many series at once, equal to pymannkendall's per series."""

# The emerging hot-spot analysis tests the Gi* z series of every cell of the space-time cube
# for a trend: thousands of short series. ``pymannkendall.original_test`` takes ~3 ms a
# series (most of it a Theil-Sen slope the analysis does not use), which made the trend test
# the largest cost of the hotspot map (~10 s for 100k incidents). This module computes the
# same S score, tie-corrected variance, z and two-sided p of all series with array
# operations, in the same floating-point steps as pymannkendall, so the results are equal to
# the last bit (tests/models/surfaces/test_mann_kendall.py). Hand-written because no library
# vectorises the test over series.

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
from scipy.stats import norm

from models.arrays import FloatArray

#: Series × bins × bins comparisons held in memory at once.
_CHUNK_CELLS: Final = 4_000_000


def _scores(x: FloatArray) -> FloatArray:
    """Return each row's Mann-Kendall S: pairs rising minus pairs falling, later vs earlier."""
    m, n = x.shape
    later = np.triu(np.ones((n, n), dtype=bool), k=1)  # [k, j]: j after k
    s = np.empty(m, dtype=np.float64)
    step = max(1, _CHUNK_CELLS // max(1, n * n))
    for lo in range(0, m, step):
        block = x[lo : lo + step]
        after, before = block[:, None, :], block[:, :, None]  # [row, k, j]: x[j] and x[k]
        up = ((after > before) & later).sum(axis=(1, 2))
        down = ((after < before) & later).sum(axis=(1, 2))
        s[lo : lo + step] = (up - down).astype(np.float64)
    return s


def _tie_terms(x: FloatArray) -> FloatArray:
    """Return each row's sum over groups of equal values of ``t (t - 1) (2 t + 5)``."""
    m, n = x.shape
    ordered = np.sort(x, axis=1)
    starts_run = np.ones((m, n), dtype=bool)
    starts_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    starts = np.flatnonzero(starts_run.ravel())
    t = np.diff(np.append(starts, m * n)).astype(np.float64)
    terms = np.bincount(starts // n, weights=t * (t - 1) * (2 * t + 5), minlength=m)
    return terms.astype(np.float64, copy=False)


def mann_kendall_rows(
    series: FloatArray, single: Callable[[FloatArray], tuple[float, float]]
) -> tuple[FloatArray, FloatArray]:
    """Return the Mann-Kendall trend ``(z, p)`` of each row of a 2D array.

    Parameters
    ----------
    series : numpy.ndarray
        ``(m, n)`` float values, one series a row, oldest first.
    single : callable
        The test of one series (``models.surfaces.emerging.mann_kendall``), used for rows
        holding NaN or infinities (pymannkendall drops NaN first).

    Returns
    -------
    z, p : numpy.ndarray
        ``float64``; ``(0, 1)`` for a row shorter than 3 values or constant, as ``single``.
    """
    x = np.asarray(series, dtype=np.float64)
    m, n = x.shape
    z = np.zeros(m, dtype=np.float64)
    p = np.ones(m, dtype=np.float64)
    if m == 0 or n < 3:
        return z, p
    missing = ~np.isfinite(x).all(axis=1)
    varying = ~missing & (x.max(axis=1) != x.min(axis=1))
    rows = np.flatnonzero(varying)
    if rows.size:
        v = x[rows]
        s = _scores(v)
        var_s = (float(n * (n - 1) * (2 * n + 5)) - _tie_terms(v)) / 18
        root = np.sqrt(var_s)
        rz = np.where(s > 0, (s - 1) / root, np.where(s < 0, (s + 1) / root, 0.0))
        z[rows] = rz
        p[rows] = 2 * (1 - norm.cdf(np.abs(rz)))
    for i in np.flatnonzero(missing):
        z[i], p[i] = single(x[i])
    return z, p
