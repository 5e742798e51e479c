"""Getis-Ord Gi* hot and cold spots on a grid (esda), with Benjamini-Hochberg FDR correction."""

# Choices, in one place:
#
# * Gi* is esda's ``G_Local(y, w, star=True)``; nothing of the statistic is re-implemented here.
# * Weights are BINARY with the cell itself included (weight 1), i.e. ``transform="B"``. That
#   is the Getis-Ord (1992/1995) Gi* that ArcGIS's Hot Spot Analysis computes; ArcGIS notes that
#   row standardisation has no effect on its Gi*. In esda it does change the z-scores (its
#   variance formula assumes binary weights), so binary is the choice that matches ArcGIS.
# * p-values are TWO-SIDED, as ArcGIS's Gi_Bin confidence levels are (|z| > 1.645 / 1.96 /
#   2.576). With permutations: twice the smaller tail of esda's simulated Gi* values, ties
#   counted as extreme (esda's ``calculate_significance`` "lesser"/"greater"); esda's own
#   ``p_sim`` is not used because it counts ties on one side only and makes every empty
#   neighbourhood of sparse count data a "99 % cold spot". With permutations=0: ``2 * p_norm``.
# * FDR: Benjamini-Hochberg via ``scipy.stats.false_discovery_control`` (adjusted p-values).
#   A cell is significant at level ``a`` when its BH-adjusted p <= a, which is exactly the BH
#   step-up procedure run separately at each confidence level (0.10, 0.05, 0.01).
# * With permutations, the smallest two-sided pseudo p is 2 / (permutations + 1) (0.002 for
#   999), so under FDR a small cluster among thousands of cells may not reach the 99 % class;
#   use more permutations or permutations=0 (normal p-values, as ArcGIS) when that matters.

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
from esda.getisord import G_Local
from esda.significance import calculate_significance
from libpysal.graph import Graph
from pyproj import CRS
from scipy.stats import false_discovery_control

from geo.crs import metric_crs_for, to_metric
from geo.errors import ParameterError
from geo.i18n import pgettext
from models.arrays import FloatArray, IntArray, StrArray
from models.selection import IMPRECISE_LEFT_OUT
from models.surfaces.grid import (
    CELL_ID,
    COUNT,
    GRID_H3,
    GRID_SQUARE,
    GridKind,
    StudyArea,
    cell_frame,
    check_cell_m,
    count_in_cells,
    grid_kind,
    make_grid,
    precise_points,
    square_indices,
)

logger = logging.getLogger(__name__)


# ---- output columns ----
#: Gi* z-score of the cell.
GI_Z: Final = "gi_z"
#: Two-sided p-value (permutation pseudo p, or normal when ``permutations=0``), uncorrected.
GI_P: Final = "gi_p"
#: Benjamini-Hochberg adjusted p-value (NaN when ``fdr=False``).
GI_P_FDR: Final = "gi_p_fdr"
#: Hot/cold class at the strictest confidence level reached (see :data:`GI_CLASSES`).
GI_CLASS: Final = "gi_class"

# ---- classes (for the default confidence levels) ----
HOT_99: Final = "hot-99"
HOT_95: Final = "hot-95"
HOT_90: Final = "hot-90"
NOT_SIGNIFICANT: Final = "not-significant"
COLD_90: Final = "cold-90"
COLD_95: Final = "cold-95"
COLD_99: Final = "cold-99"
#: Every class, hottest first.
GI_CLASSES: Final = (HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT, COLD_90, COLD_95, COLD_99)

#: Default significance levels: 90, 95 and 99 % confidence.
DEFAULT_ALPHA: Final = (0.10, 0.05, 0.01)
#: Default number of conditional permutations.
DEFAULT_PERMUTATIONS: Final = 0

#: esda 2.9 warns on every permutation run that the default alternative will change; G_Local
#: gives no way to choose it, and its p_sim is not used (see :func:`_two_sided_pseudo_p`).
_ESDA_ALTERNATIVE_WARNING: Final = "The alternative hypothesis for conditional randomization"


def confidence_label(hot: bool, alpha: float) -> str:
    """Return the class label of a hot (or cold) cell significant at level ``alpha``.

    Examples
    --------
    >>> confidence_label(True, 0.01), confidence_label(False, 0.10)
    ('hot-99', 'cold-90')
    """
    return f"{'hot' if hot else 'cold'}-{round(100 * (1 - alpha), 6):g}"


def class_name(label: object) -> str:
    """Return a significance class (``"hot-99"``) as people read it, in the current language.

    The stored class (:data:`GI_CLASS`) stays as it is; English shows it unchanged, Hindi in
    words (``"हॉटस्पॉट (99% विश्वास)"``). An unknown value is shown as it is.

    Examples
    --------
    >>> class_name(HOT_99), class_name(NOT_SIGNIFICANT), class_name("warm-80")
    ('hot-99', 'not-significant', 'warm-80')
    """
    text = str(label)
    if text == NOT_SIGNIFICANT:
        return pgettext("significance class", "not-significant")
    side, sep, level = text.partition("-")
    if not sep or side not in ("hot", "cold"):
        return text
    # TRANSLATORS: a cell significantly hotter than its surroundings; {level} is 90, 95 or 99.
    hot = pgettext("significance class", "hot-{level}")
    # TRANSLATORS: a cell significantly colder than its surroundings; {level} is 90, 95 or 99.
    cold = pgettext("significance class", "cold-{level}")
    return (hot if side == "hot" else cold).format(level=level)


def _check_alpha(alpha: Sequence[float] | float) -> tuple[float, ...]:
    levels = (alpha,) if isinstance(alpha, int | float) else tuple(alpha)
    if not levels or any(not (0 < float(a) < 1) for a in levels) or len(set(levels)) != len(levels):
        raise ParameterError(
            f"significance levels must be distinct numbers in (0, 1), got {alpha!r}",
            fix="use alpha=(0.10, 0.05, 0.01)",
        )
    return tuple(sorted((float(a) for a in levels), reverse=True))


def _check_permutations(permutations: int) -> int:
    if isinstance(permutations, bool) or not isinstance(permutations, int | np.integer):
        raise ParameterError(
            f"permutations must be a whole number, got {permutations!r}",
            fix="use 999 (permutation p-values) or 0 (normal p-values)",
        )
    if permutations < 0:
        raise ParameterError(
            f"permutations must be 0 or more, got {permutations}",
            fix="use 999 (permutation p-values) or 0 (normal p-values)",
        )
    return int(permutations)


# --------------------------------------------------------------------------- weights


def _from_pairs(focal: IntArray, neighbor: IntArray, n: int) -> Graph:
    """Return a binary Graph over ids ``0..n-1`` from (focal, neighbour) pairs incl. self pairs."""
    order = np.lexsort((neighbor, focal))
    focal, neighbor = focal[order], neighbor[order]
    graph = Graph.from_arrays(focal, neighbor, np.ones(len(focal)))
    if len(graph.unique_ids) != n:  # pragma: no cover - every cell has its self pair
        raise ParameterError("internal error: weights do not cover every cell")
    return graph


def _square_queen(cols: IntArray, rows: IntArray) -> Graph:
    """Queen contiguity (8 neighbours + self) of an aligned square grid, by index arithmetic."""
    n = len(cols)
    c0, r0 = cols.min(), rows.min()
    width, height = int(cols.max() - c0 + 3), int(rows.max() - r0 + 3)
    lookup = np.full(width * height, -1, dtype=np.int64)
    cc, rr = cols - c0 + 1, rows - r0 + 1  # one cell of padding on every side
    lookup[rr * width + cc] = np.arange(n, dtype=np.int64)
    focal_parts, neighbor_parts = [], []
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            other = lookup[(rr + dr) * width + (cc + dc)]
            ok = other >= 0
            focal_parts.append(np.flatnonzero(ok))
            neighbor_parts.append(other[ok])
    return _from_pairs(np.concatenate(focal_parts), np.concatenate(neighbor_parts), n)


def _h3_ring(ids: Sequence[str]) -> Graph:
    """k-ring 1 neighbours (6 + self; 5 for pentagons) of an H3 grid."""
    position = {cell: i for i, cell in enumerate(ids)}
    pairs = [
        (i, position[other])
        for i, cell in enumerate(ids)
        for other in h3.grid_disk(cell, 1)
        if other in position
    ]
    both = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    return _from_pairs(both[:, 0], both[:, 1], len(ids))


def cell_weights(grid: gpd.GeoDataFrame, *, distance_m: float | None = None) -> Graph:
    """Return binary Gi* weights (each cell its own neighbour) aligned with the grid's rows.

    Parameters
    ----------
    grid : geopandas.GeoDataFrame
        A grid from :func:`models.surfaces.grid.square_grid` or
        :func:`models.surfaces.grid.hex_grid` (or any
        polygons with a CRS).
    distance_m : float, optional
        Neighbourhood radius in metres between cell centres (a fixed distance band). Default:
        queen contiguity for square grids (8 neighbours), k-ring 1 for H3 grids (6), polygon
        queen contiguity for anything else.

    Returns
    -------
    libpysal.graph.Graph
        Ids ``0..n-1`` in grid row order; binary weights, self-weight 1.

    Raises
    ------
    ParameterError
        When ``distance_m`` is not positive or is shorter than the spacing of the cells, so
        that no cell would have a neighbour.
    """
    n = len(grid)
    if n == 0:
        raise ParameterError("the grid has no cells", fix="check the points and the study area")
    if distance_m is not None:
        radius = check_cell_m(distance_m, "distance_m")
        metric = grid if CRS.from_user_input(grid.crs).is_projected else None
        if metric is None:
            metric = to_metric(grid, metric_crs_for(grid))
        centres = gpd.GeoSeries(metric.geometry.centroid.to_numpy(), crs=metric.crs)
        graph = Graph.build_distance_band(centres, radius, binary=True)
        if n > 1 and len(graph.isolates) == n:
            raise ParameterError(
                f"distance_m={radius:g} is shorter than the spacing of the cells, so no cell "
                "has a neighbour",
                fix="use a distance of at least the cell spacing (e.g. 1.5 × cell_m)",
            )
        return graph.assign_self_weight(1)
    kind, cell_m, _ = grid_kind(grid)
    if kind == GRID_SQUARE and cell_m is not None:
        indices = square_indices(grid, cell_m)
        if indices is not None:
            return _square_queen(*indices)
    if kind == GRID_H3:
        return _h3_ring(list(grid[CELL_ID].astype(str)))
    geoms = gpd.GeoSeries(grid.geometry.to_numpy(), crs=grid.crs)
    return Graph.build_contiguity(geoms, rook=False).assign_self_weight(1)


# --------------------------------------------------------------------------- Gi*


@dataclass(frozen=True)
class GiResult:
    """Gi* of one variable over the cells.

    Attributes
    ----------
    z : numpy.ndarray
        Gi* z-scores (0 where undefined, e.g. when every cell has the same value).
    p : numpy.ndarray
        Two-sided p-values, uncorrected (pseudo p from the permutations, or normal).
    p_fdr : numpy.ndarray or None
        Benjamini-Hochberg adjusted p-values (``None`` when FDR is off).
    classes : numpy.ndarray
        Class labels (see :data:`GI_CLASSES`).
    alpha : tuple of float
        The significance levels used, loosest first.
    """

    z: FloatArray
    p: FloatArray
    p_fdr: FloatArray | None
    classes: StrArray
    alpha: tuple[float, ...]

    def significant(self, alpha: float) -> npt.NDArray[np.bool_]:
        """Return which cells are significant at level ``alpha`` (FDR-adjusted when on)."""
        p = self.p_fdr if self.p_fdr is not None else self.p
        return np.asarray(p <= alpha, dtype=bool)


def _two_sided_pseudo_p(observed: FloatArray, simulated: FloatArray) -> FloatArray:
    """Return two-sided pseudo p-values: twice the smaller tail, ties counted as extreme.

    esda's own ``p_sim`` (its "directed" alternative) counts ties on one side only, so a cell
    whose neighbourhood is empty — tied with most permutations, as most are in sparse count
    data — would get the smallest possible p-value and show up as a 99 % cold spot. Each tail
    here is esda's ``calculate_significance`` (``"lesser"`` / ``"greater"``), which counts ties
    as at least as extreme: ``p = min(1, 2 * min(p_lesser, p_greater))``.
    """
    lesser = np.asarray(calculate_significance(observed, simulated, alternative="lesser"))
    greater = np.asarray(calculate_significance(observed, simulated, alternative="greater"))
    return np.asarray(np.minimum(1.0, 2.0 * np.minimum(lesser, greater)), dtype=float)


def classify_gi(
    z: FloatArray, p: FloatArray, *, alpha: Sequence[float] = DEFAULT_ALPHA
) -> StrArray:
    """Return the hot/cold class of each cell from its z-score and (adjusted) p-value.

    A cell gets the class of the strictest level ``a`` with ``p <= a`` (``hot-…`` when
    ``z > 0``, ``cold-…`` when ``z < 0``), else :data:`NOT_SIGNIFICANT`.
    """
    levels = _check_alpha(alpha)
    width = max(len(NOT_SIGNIFICANT), *(len(confidence_label(False, a)) for a in levels))
    classes = np.full(len(z), NOT_SIGNIFICANT, dtype=f"<U{width}")
    for a in levels:  # loosest first; stricter levels overwrite
        sig = p <= a
        classes[sig & (z > 0)] = confidence_label(True, a)
        classes[sig & (z < 0)] = confidence_label(False, a)
    return classes


def gi_star_values(
    y: npt.ArrayLike,
    w: Graph,
    *,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    fdr: bool = True,
    alpha: Sequence[float] = DEFAULT_ALPHA,
    n_jobs: int = 1,
    warn_coarse: bool = True,
) -> GiResult:
    """Compute Gi* of ``y`` with esda and classify the cells.

    Parameters
    ----------
    y : array-like
        One value per cell (counts), in the order of the weights' ids.
    w : libpysal.graph.Graph
        Binary weights including the self-weight (see :func:`cell_weights`).
    permutations : int, default 0
        Conditional permutations for pseudo p-values; 0 (the default, as ArcGIS) uses the
        normal approximation, whose p-values are fine enough for the FDR correction.
    seed : int, default 0
        Seed of the permutations. esda seeds NumPy's global generator; its state is restored
        afterwards, so callers' random streams are not disturbed.
    fdr : bool, default True
        Apply the Benjamini-Hochberg correction before classifying.
    alpha : sequence of float, default (0.10, 0.05, 0.01)
        Significance levels (90, 95 and 99 % confidence).
    n_jobs : int, default 1
        Processes for the permutations (esda; 1 keeps it serial).
    warn_coarse : bool, default True
        Log a warning when the FDR correction removes every significant cell because the
        permutation p-values are too coarse.

    Returns
    -------
    GiResult
    """
    values = np.asarray(y, dtype=float).reshape(-1)
    permutations = _check_permutations(permutations)
    levels = _check_alpha(alpha)
    n = len(values)
    if n != len(w.unique_ids):
        raise ParameterError(f"{n} values for {len(w.unique_ids)} cells in the weights")
    if not np.all(np.isfinite(values)):
        raise ParameterError("the values must be finite", fix="fill missing counts with 0")
    if n < 3 or np.ptp(values) == 0:
        logger.info("Gi* is undefined when all %d cells hold the same value; none significant", n)
        z = np.zeros(n)
        p = np.ones(n)
    else:
        state = np.random.get_state()
        try:
            with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
                warnings.filterwarnings(
                    "ignore", message=_ESDA_ALTERNATIVE_WARNING, category=DeprecationWarning
                )
                g = G_Local(
                    values,
                    w,
                    transform="B",
                    permutations=permutations,
                    star=True,
                    keep_simulations=bool(permutations),
                    n_jobs=n_jobs,
                    seed=seed,
                )
        finally:
            np.random.set_state(state)
        z = np.asarray(g.Zs, dtype=float)
        if permutations:
            p = _two_sided_pseudo_p(np.asarray(g.Gs, dtype=float), np.asarray(g.rGs, dtype=float))
        else:
            p = np.minimum(1.0, 2.0 * np.asarray(g.p_norm, dtype=float))
        undefined = ~np.isfinite(z)
        z[undefined] = 0.0
        p[undefined | ~np.isfinite(p)] = 1.0
    p_fdr = np.asarray(false_discovery_control(p, method="bh"), dtype=float) if fdr else None
    lost = p_fdr is not None and (p <= levels[0]).any() and not (p_fdr <= levels[0]).any()
    if lost and permutations and warn_coarse:
        logger.warning(
            "no cell survives the FDR correction: with %d permutations the smallest "
            "two-sided pseudo p-value is %.4f, too coarse for %d tests; use "
            "permutations=0 (normal p-values, as ArcGIS) or many more permutations",
            permutations, 2 / (permutations + 1), n,
        )  # fmt: skip
    classes = classify_gi(z, p_fdr if p_fdr is not None else p, alpha=levels)
    return GiResult(z=z, p=p, p_fdr=p_fdr, classes=classes, alpha=levels)


def gi_star_frame(
    cells: gpd.GeoDataFrame, counts: npt.ArrayLike, result: GiResult
) -> gpd.GeoDataFrame:
    """Return the Gi* output frame of a grid: counts, z, p, FDR p, class and area, EPSG:4326.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        The grid (``cell_id``, ``area_km2``, polygons in the metric CRS).
    counts : array-like
        Incidents per cell, in the grid's row order.
    result : GiResult
        :func:`gi_star_values` of those counts.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :func:`gi_star`, indexed like ``cells``.
    """
    return cell_frame(
        cells,
        {
            COUNT: np.asarray(counts),
            GI_Z: result.z,
            GI_P: result.p,
            GI_P_FDR: result.p_fdr if result.p_fdr is not None else np.full(len(cells), math.nan),
            GI_CLASS: result.classes.astype(object),
        },
    )


def gi_star(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_m: float,
    grid: GridKind = "square",
    distance_m: float | None = None,
    permutations: int = DEFAULT_PERMUTATIONS,
    seed: int = 0,
    fdr: bool = True,
    alpha: Sequence[float] = DEFAULT_ALPHA,
    metric_crs: str | None = None,
    study_area: StudyArea | None = None,
    weights: str | npt.ArrayLike | None = None,
    n_jobs: int = 1,
) -> gpd.GeoDataFrame:
    """Find statistically significant hot and cold spots of points with Getis-Ord Gi*.

    The points are counted in a grid covering them (or the study area), and esda's Gi* is
    computed on the counts of every cell, empty ones included.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Incident points in any CRS; not modified. Those located only to a locality or
        pincode centroid are left out (``attrs[IMPRECISE_LEFT_OUT]`` says how many).
    cell_m : float
        Cell size in metres (square side, or H3 edge length: :func:`models.surfaces.grid.hex_grid`).
    grid : {"square", "h3"}
        Kind of grid.
    distance_m : float, optional
        Neighbourhood radius between cell centres; default queen contiguity (squares) or
        k-ring 1 (hexagons). See :func:`cell_weights`.
    permutations : int, default 0
        Conditional permutations (pseudo p-values); 0, the default, gives normal p-values as
        ArcGIS does. With FDR, pseudo p-values need many permutations (the smallest is
        ``1 / (permutations + 1)``), or no cell survives the correction.
    seed : int, default 0
        Seed of the permutations: the same seed gives the same result.
    fdr : bool, default True
        Benjamini-Hochberg false-discovery-rate correction at each confidence level.
    alpha : sequence of float, default (0.10, 0.05, 0.01)
        Significance levels; class labels follow them (``0.01`` → ``hot-99``).
    metric_crs : str, optional
        Projected CRS for the grid; default the local UTM zone.
    study_area : shapely geometry or GeoDataFrame, optional
        Restrict the grid to cells overlapping it (and cover all of it).
    weights : str or array-like, optional
        Column or values to sum per cell instead of counting points.
    n_jobs : int, default 1
        Processes for the permutations.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell, in EPSG:4326, index as the grid's: :data:`models.surfaces.grid.CELL_ID`,
        :data:`models.surfaces.grid.COUNT`, :data:`GI_Z`, :data:`GI_P`, :data:`GI_P_FDR`,
        :data:`GI_CLASS`, :data:`models.surfaces.grid.AREA_KM2`, ``geometry``.

    Raises
    ------
    ParameterError
        For a bad ``cell_m``, ``distance_m``, ``permutations`` or ``alpha``, or no points.
    """
    levels = _check_alpha(alpha)
    permutations = _check_permutations(permutations)
    points, weights, left_out = precise_points(points, weights)
    cells = make_grid(
        points, cell_m=cell_m, grid=grid, metric_crs=metric_crs, study_area=study_area
    )
    counts = count_in_cells(cells, points, weights=weights)
    assert isinstance(counts, pd.Series)
    w = cell_weights(cells, distance_m=distance_m)
    result = gi_star_values(
        counts.to_numpy(dtype=float),
        w,
        permutations=permutations,
        seed=seed,
        fdr=fdr,
        alpha=levels,
        n_jobs=n_jobs,
    )
    out = gi_star_frame(cells, counts.to_numpy(), result)
    if left_out:
        out.attrs[IMPRECISE_LEFT_OUT] = left_out
    n_hot = int(np.char.startswith(result.classes, "hot").sum())
    n_cold = int(np.char.startswith(result.classes, "cold").sum())
    logger.info(
        "Gi*: %d cells, %d hot, %d cold (%s, %d permutations, FDR %s)",
        len(out), n_hot, n_cold, grid, permutations, "on" if fdr else "off",
    )  # fmt: skip
    return out
