"""Kernel density (KDE) heat surfaces of points in incidents per km², in the metric CRS."""

# Kernels are 2-D and integrate to one over the plane, so a surface sums (× cell area) to the
# number (or total weight) of the points:
#
# * quartic (biweight, the crime-analysis standard, e.g. ArcGIS Kernel Density):
#   K(d) = 3 / (π h²) · (1 − d²/h²)² for d < h, 0 beyond; ``bandwidth_m`` is the radius h.
# * gaussian: K(d) = exp(−d² / 2h²) / (2π h²), ``bandwidth_m`` is the standard deviation h,
#   cut at 4 h and rescaled by 1 / (1 − e⁻⁸) so that the cut kernel still integrates to one.
#
# Densities are evaluated at cell centres with neighbourhood sums over a scipy cKDTree of the
# points (only pairs closer than the kernel's support), in blocks of targets to bound memory.

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final, Literal, Required, TypeAlias, TypedDict, Unpack

import geopandas as gpd
import numpy as np
import numpy.typing as npt
from pyproj import CRS
from scipy.spatial import cKDTree

from geo.crs import WGS84, metric_crs_for, to_metric
from geo.errors import ParameterError
from models.arrays import FloatArray
from models.selection import IMPRECISE_LEFT_OUT
from models.surfaces.grid import (
    CELL_ID,
    StudyArea,
    cell_frame,
    check_cell_m,
    point_weights,
    precise_points,
    square_grid,
    valid_points,
)

logger = logging.getLogger(__name__)


#: Density column of :func:`kde_cells`: incidents (or weight) per km² at the cell centre.
KDE_DENSITY: Final = "kde_density"

QUARTIC: Final = "quartic"
GAUSSIAN: Final = "gaussian"
KERNELS: Final = (QUARTIC, GAUSSIAN)
Kernel: TypeAlias = Literal["quartic", "gaussian"]

#: The gaussian kernel is cut at this many bandwidths (standard deviations).
GAUSSIAN_CUTOFF: Final = 4.0
#: Largest raster a surface may have.
MAX_RASTER_CELLS: Final = 4_000_000
#: Targets evaluated per block (bounds the memory of the neighbour pairs).
_BLOCK: Final = 4096


@dataclass(frozen=True)
class KdeSurface:
    """A KDE raster in the metric CRS.

    The array is north-up like an image: ``density[r, c]`` covers
    ``x_edges[c] .. x_edges[c + 1]`` and ``y_edges[r + 1] .. y_edges[r]``; ``x_edges``
    increase (west → east) and ``y_edges`` decrease (north → south). Values are evaluated at
    the cell centres.

    Attributes
    ----------
    density : numpy.ndarray
        Shape ``(rows, cols)``: incidents (or weight) per km².
    x_edges, y_edges : numpy.ndarray
        Cell edges in metres, ``cols + 1`` and ``rows + 1`` of them.
    crs : pyproj.CRS
        The metric CRS of the edges.
    cell_m, bandwidth_m : float
        Raster cell size and kernel bandwidth in metres.
    kernel : str
        ``"quartic"`` or ``"gaussian"``.
    left_out : int
        Incidents left out: located only to a locality or pincode centroid.
    """

    density: FloatArray
    x_edges: FloatArray
    y_edges: FloatArray
    crs: CRS
    cell_m: float
    bandwidth_m: float
    kernel: str
    left_out: int = 0

    @property
    def cell_area_km2(self) -> float:
        """Area of one raster cell in km²."""
        return self.cell_m * self.cell_m / 1e6

    @property
    def x_centres(self) -> FloatArray:
        """X of the column centres (metres)."""
        return (self.x_edges[:-1] + self.x_edges[1:]) / 2

    @property
    def y_centres(self) -> FloatArray:
        """Y of the row centres (metres), north first."""
        return (self.y_edges[:-1] + self.y_edges[1:]) / 2

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """``(xmin, xmax, ymin, ymax)`` for ``matplotlib.pyplot.imshow(density, extent=...)``."""
        return (
            float(self.x_edges[0]),
            float(self.x_edges[-1]),
            float(self.y_edges[-1]),
            float(self.y_edges[0]),
        )

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL geotransform ``(x0, cell, 0, y0, 0, -cell)`` of the north-up array."""
        return (float(self.x_edges[0]), self.cell_m, 0.0, float(self.y_edges[0]), 0.0, -self.cell_m)

    def total(self) -> float:
        """Return the integral of the surface: Σ density × cell area (≈ number of points)."""
        return float(self.density.sum() * self.cell_area_km2)


# --------------------------------------------------------------------------- kernels


def _check_kernel(kernel: str) -> str:
    if kernel not in KERNELS:
        raise ParameterError(
            f"unknown kernel {kernel!r}", fix="use kernel='quartic' or kernel='gaussian'"
        )
    return kernel


def support_m(bandwidth_m: float, kernel: Kernel = "quartic") -> float:
    """Return the radius (metres) beyond which the kernel is zero."""
    return bandwidth_m if _check_kernel(kernel) == QUARTIC else GAUSSIAN_CUTOFF * bandwidth_m


def kernel_value(
    distance_m: npt.ArrayLike, bandwidth_m: float, kernel: Kernel = "quartic"
) -> FloatArray:
    """Return the 2-D kernel at ``distance_m`` in points per m² (integrates to one).

    Parameters
    ----------
    distance_m : array-like
        Distances from the point in metres.
    bandwidth_m : float
        Quartic radius or gaussian standard deviation, in metres.
    kernel : {"quartic", "gaussian"}

    Returns
    -------
    numpy.ndarray
    """
    h = check_cell_m(bandwidth_m, "bandwidth_m")
    d = np.asarray(distance_m, dtype=float)
    u2 = (d / h) ** 2
    if _check_kernel(kernel) == QUARTIC:
        return np.where(u2 < 1.0, 3.0 / (math.pi * h * h) * (1.0 - u2) ** 2, 0.0)
    scale = 1.0 / (1.0 - math.exp(-(GAUSSIAN_CUTOFF**2) / 2))
    inside = d < GAUSSIAN_CUTOFF * h
    return np.where(inside, scale * np.exp(-u2 / 2) / (2 * math.pi * h * h), 0.0)


def _density_at(
    targets: FloatArray,
    points: FloatArray,
    weights: FloatArray | None,
    bandwidth_m: float,
    kernel: Kernel,
) -> FloatArray:
    """Return the density (per km²) at ``targets`` (n, 2) from ``points`` (m, 2)."""
    out = np.zeros(len(targets))
    if len(points) == 0 or len(targets) == 0:
        return out
    radius = support_m(bandwidth_m, kernel)
    tree = cKDTree(points)
    w = np.ones(len(points)) if weights is None else weights
    for start in range(0, len(targets), _BLOCK):
        block = cKDTree(targets[start : start + _BLOCK])
        pairs = block.sparse_distance_matrix(tree, radius, output_type="ndarray")
        if len(pairs) == 0:
            continue
        k = kernel_value(pairs["v"], bandwidth_m, kernel) * w[pairs["j"]]
        out[start : start + _BLOCK] += np.bincount(pairs["i"], weights=k, minlength=block.n)
    return out * 1e6


def _prepare(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    bandwidth_m: float,
    metric_crs: str | None,
    weights: str | npt.ArrayLike | None,
    kernel: str,
    crs: CRS | None = None,
) -> tuple[FloatArray, FloatArray | None, CRS, int]:
    """Return the precise points' metric coordinates and weights, the CRS, the left-out count."""
    check_cell_m(bandwidth_m, "bandwidth_m")
    _check_kernel(kernel)
    points, weights, left_out = precise_points(points, weights)
    geoms = valid_points(points)
    w = point_weights(points, weights)
    if w is not None:
        keep = ~(points.geometry.isna() | points.geometry.is_empty).to_numpy()
        w = w[keep]
    crs = crs if crs is not None else metric_crs_for(geoms, metric_crs)
    metric = to_metric(geoms, crs)
    xy = np.column_stack([metric.x.to_numpy(), metric.y.to_numpy()])
    return xy, w, crs, left_out


# --------------------------------------------------------------------------- public API


def kde_surface(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    bandwidth_m: float,
    cell_m: float,
    metric_crs: str | None = None,
    weights: str | npt.ArrayLike | None = None,
    kernel: Kernel = "quartic",
) -> KdeSurface:
    """Return the kernel density of the points on a raster, in incidents (or weight) per km².

    The raster covers the points grown by the kernel's support, so no mass falls off its
    edges; its edges lie on multiples of ``cell_m`` like :func:`models.surfaces.grid.square_grid`.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS; not modified.
    bandwidth_m : float
        Quartic radius or gaussian standard deviation in metres.
    cell_m : float
        Raster cell size in metres (a fraction of the bandwidth, e.g. a fifth, for a smooth
        surface).
    metric_crs : str, optional
        Projected CRS; default the local UTM zone.
    weights : str or array-like, optional
        Column or one non-negative value per point.
    kernel : {"quartic", "gaussian"}, default "quartic"

    Returns
    -------
    KdeSurface

    Raises
    ------
    ParameterError
        For bad sizes, an unknown kernel, no points, or a raster above
        :data:`MAX_RASTER_CELLS` cells.
    """
    cell = check_cell_m(cell_m)
    xy, w, crs, left_out = _prepare(points, bandwidth_m, metric_crs, weights, kernel)
    reach = support_m(bandwidth_m, kernel)
    x0 = math.floor((xy[:, 0].min() - reach) / cell) * cell
    x1 = math.ceil((xy[:, 0].max() + reach) / cell) * cell
    y0 = math.floor((xy[:, 1].min() - reach) / cell) * cell
    y1 = math.ceil((xy[:, 1].max() + reach) / cell) * cell
    n_cols, n_rows = round((x1 - x0) / cell), round((y1 - y0) / cell)
    if n_cols * n_rows > MAX_RASTER_CELLS:
        raise ParameterError(
            f"a {cell:g} m raster over this extent would have {n_cols * n_rows:,} cells "
            f"(more than {MAX_RASTER_CELLS:,})",
            fix="use a larger cell_m",
        )
    if cell > bandwidth_m:
        logger.warning(
            "KDE cell (%g m) is larger than the bandwidth (%g m): the surface is coarse and "
            "its total drifts from the number of points",
            cell, bandwidth_m,
        )  # fmt: skip
    x_edges = x0 + cell * np.arange(n_cols + 1, dtype=float)
    y_edges = y1 - cell * np.arange(n_rows + 1, dtype=float)
    xc = (x_edges[:-1] + x_edges[1:]) / 2
    yc = (y_edges[:-1] + y_edges[1:]) / 2
    gx, gy = np.meshgrid(xc, yc)
    targets = np.column_stack([gx.ravel(), gy.ravel()])
    density = _density_at(targets, xy, w, bandwidth_m, kernel).reshape(n_rows, n_cols)
    logger.info(
        "KDE (%s, %g m bandwidth): %d x %d raster of %g m", kernel, bandwidth_m, n_rows, n_cols,
        cell,
    )  # fmt: skip
    return KdeSurface(
        density=density,
        x_edges=x_edges,
        y_edges=y_edges,
        crs=crs,
        cell_m=cell,
        bandwidth_m=float(bandwidth_m),
        kernel=kernel,
        left_out=left_out,
    )


def kde_cells(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    grid: gpd.GeoDataFrame | None = None,
    *,
    bandwidth_m: float,
    cell_m: float | None = None,
    metric_crs: str | None = None,
    weights: str | npt.ArrayLike | None = None,
    kernel: Kernel = "quartic",
    study_area: StudyArea | None = None,
) -> gpd.GeoDataFrame:
    """Return the KDE density at the centre of every grid cell (to rank cells, e.g. back-tests).

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS; not modified.
    grid : geopandas.GeoDataFrame, optional
        Cells with a :data:`models.surfaces.grid.CELL_ID` column (any CRS). Default: a
        :func:`models.surfaces.grid.square_grid` of ``cell_m`` over the points (and ``study_area``).
    bandwidth_m : float
        Quartic radius or gaussian standard deviation in metres.
    cell_m : float, optional
        Cell size of the default grid (required when ``grid`` is not given).
    metric_crs : str, optional
        Projected CRS; default the grid's own CRS when projected, else the local UTM zone.
    weights : str or array-like, optional
        Column or one non-negative value per point.
    kernel : {"quartic", "gaussian"}, default "quartic"
    study_area : shapely geometry or GeoDataFrame, optional
        Passed to the default grid.

    Returns
    -------
    geopandas.GeoDataFrame
        The grid's rows (same index, same order) with :data:`models.surfaces.grid.CELL_ID`,
        :data:`KDE_DENSITY` (per km²) and ``geometry``, in EPSG:4326.
    """
    if grid is None:
        if cell_m is None:
            raise ParameterError(
                "kde_cells needs a grid or a cell_m", fix="pass grid= or cell_m= (metres)"
            )
        grid = square_grid(points, cell_m=cell_m, metric_crs=metric_crs, study_area=study_area)
    if CELL_ID not in grid.columns:
        raise ParameterError(
            f"the grid has no '{CELL_ID}' column", fix="build it with square_grid or hex_grid"
        )
    if grid.crs is None:
        raise ParameterError("the grid has no CRS", fix="build it with square_grid or hex_grid")
    grid_crs = CRS.from_user_input(grid.crs)
    if metric_crs is None and grid_crs.is_projected:
        crs = grid_crs
    else:
        crs = metric_crs_for(grid, metric_crs)
    xy, w, crs, left_out = _prepare(points, bandwidth_m, metric_crs, weights, kernel, crs=crs)
    centres = to_metric(grid.geometry, crs).centroid
    targets = np.column_stack([centres.x.to_numpy(), centres.y.to_numpy()])
    density = _density_at(targets, xy, w, bandwidth_m, kernel)
    out = cell_frame(grid, {KDE_DENSITY: density}, with_area=False)
    if left_out:
        out.attrs[IMPRECISE_LEFT_OUT] = left_out
    return out


class KdeOptions(TypedDict, total=False):
    """The keywords of a KDE raster (:func:`kde_surface`, which has their defaults)."""

    bandwidth_m: Required[float]
    cell_m: Required[float]
    metric_crs: str | None
    weights: str | npt.ArrayLike | None
    kernel: Kernel


def kde_heat_points(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    min_share: float = 0.01,
    decimals: int = 5,
    **options: Unpack[KdeOptions],
) -> list[list[float]]:
    """Return ``[lat, lon, weight]`` triples of a KDE surface for a folium ``HeatMap``.

    Only raster cell centres are returned (never an incident's own position), for the cells
    whose density is at least ``min_share`` of the highest; weights are the density divided
    by the highest (0..1], so pass ``max_val=1`` to the heat map if needed.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS; not modified.
    min_share : float, default 0.01
        Drop cells below this share of the highest density (keeps the list short).
    decimals : int, default 5
        Decimals of the degrees (5 ≈ 1 m; cell centres are already ``cell_m`` apart).
    **options : KdeOptions
        The raster: ``bandwidth_m`` and ``cell_m`` (required), ``metric_crs``, ``weights``,
        ``kernel``, as for :func:`kde_surface` (its defaults too).

    Returns
    -------
    list of [lat, lon, weight]
        Row-major order of the raster (north to south, west to east).
    """
    if not 0 <= min_share < 1:
        raise ParameterError(f"min_share must be in [0, 1), got {min_share!r}", fix="use e.g. 0.01")
    surface = kde_surface(points, **options)
    top = float(surface.density.max())
    if top <= 0:
        return []
    rows, cols = np.nonzero(surface.density >= max(min_share * top, np.finfo(float).tiny))
    xy = gpd.GeoSeries.from_xy(
        surface.x_centres[cols], surface.y_centres[rows], crs=surface.crs
    ).to_crs(WGS84)
    lat = np.round(xy.y.to_numpy(), decimals)
    lon = np.round(xy.x.to_numpy(), decimals)
    weight = np.round(surface.density[rows, cols] / top, 6)
    return [[float(a), float(b), float(c)] for a, b, c in zip(lat, lon, weight, strict=True)]
