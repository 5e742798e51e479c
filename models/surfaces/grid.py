"""Analysis grids in metres: aligned square cells and H3 hexagons, and fast point-in-cell counts."""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from typing import Any, Final, Literal, NamedTuple, TypeAlias

import geopandas as gpd
import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84, metric_crs_for, projected_points, to_metric, to_wgs84
from geo.errors import ParameterError
from models.arrays import FloatArray, IntArray
from models.checks import check_metres
from models.selection import precise_mask

logger = logging.getLogger(__name__)


# ---- output columns ----
#: Identifier of a cell: ``sq<cell>m_<col>_<row>`` for squares, the H3 index for hexagons.
CELL_ID: Final = "cell_id"
#: Area of a cell in km², measured in the metric CRS.
AREA_KM2: Final = "area_km2"
#: Number of points (or sum of their weights) in a cell.
COUNT: Final = "count"

# ---- grid kinds ----
GRID_SQUARE: Final = "square"
GRID_H3: Final = "h3"
GRID_KINDS: Final = (GRID_SQUARE, GRID_H3)
GridKind: TypeAlias = Literal["square", "h3"]

#: Key of ``GeoDataFrame.attrs`` describing how a grid was built (kind, cell size, resolution).
GRID_ATTR: Final = "shakti_grid"
#: Largest number of cells a grid may have (a guard against a cell size typed in km, not m).
MAX_CELLS: Final = 2_000_000

#: A study area: a shapely geometry in EPSG:4326, or a layer (any CRS) whose shapes are unioned.
StudyArea: TypeAlias = BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries
#: Points (any CRS) or a ``(west, south, east, north)`` box in EPSG:4326 degrees.
PointsOrBounds: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries | tuple[float, float, float, float]

_SQUARE_ID = re.compile(r"^sq(?P<cell>[0-9.e+-]+)m_(?P<col>-?\d+)_(?P<row>-?\d+)$")


# --------------------------------------------------------------------------- validation


def check_cell_m(cell_m: float, what: str = "cell_m") -> float:
    """Return ``cell_m`` as a float after checking it is a positive, finite number of metres.

    :func:`models.checks.check_metres` with the grid's suggested size (250 m) in the fix.

    Parameters
    ----------
    cell_m : float
        A length in metres.
    what : str
        Name of the parameter, for the error message.

    Returns
    -------
    float
        The cell side in metres.

    Raises
    ------
    ParameterError
        When the value is not a positive finite number.
    """
    return check_metres(cell_m, what, fix=f"pass {what} such as 250 (metres)")


def precise_points(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    weights: str | Sequence[float] | npt.ArrayLike | pd.Series | None = None,
) -> tuple[gpd.GeoDataFrame | gpd.GeoSeries, Any, int]:
    """Return the points precise enough for a surface, their weights and how many were left out.

    Incidents located only to a locality or pincode centroid
    (:func:`models.selection.precise_mask`) would pile up in one cell: surfaces leave them
    out. Weights given one per point are cut to the kept points; a column name is kept.

    Returns
    -------
    (GeoDataFrame or GeoSeries, weights, int)
        The input itself (and its weights) when every point is precise.
    """
    mask = precise_mask(points)
    if mask is None:
        return points, weights, 0
    if weights is not None and not isinstance(weights, str):
        values = np.asarray(weights, dtype=float).reshape(-1)
        if len(values) == len(points):  # otherwise point_weights reports the mismatch
            weights = values[mask]
    return points.loc[mask], weights, int(np.count_nonzero(~mask))


def valid_points(points: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    """Return the non-missing, non-empty point geometries (original index kept).

    Raises
    ------
    ParameterError
        When ``points`` is not a GeoDataFrame/GeoSeries or holds no geometry at all.
    """
    if not isinstance(points, gpd.GeoDataFrame | gpd.GeoSeries):
        raise ParameterError(
            f"expected a GeoDataFrame or GeoSeries of points, got {type(points).__name__}",
            fix="load the incidents with geo.store or build a GeoDataFrame with a CRS",
        )
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    keep = ~(geoms.isna() | geoms.is_empty)
    geoms = geoms[keep]
    if geoms.empty:
        raise ParameterError(
            "no points to analyse (the layer is empty or has no geometries)",
            fix="widen the date range or filters, or import incidents first",
        )
    return geoms


# --------------------------------------------------------------------------- study area


def _study_area_metric(study_area: StudyArea, crs: CRS) -> BaseGeometry:
    """Return the study area as one valid geometry in the metric CRS."""
    if isinstance(study_area, gpd.GeoDataFrame | gpd.GeoSeries):
        series = study_area.geometry if isinstance(study_area, gpd.GeoDataFrame) else study_area
        if series.crs is None:
            series = series.set_crs(WGS84)
        geom = shapely.union_all(to_metric(series, crs).to_numpy())
    elif isinstance(study_area, BaseGeometry):
        geom = gpd.GeoSeries([study_area], crs=WGS84).to_crs(crs).iloc[0]
    else:
        raise ParameterError(
            f"study_area must be a shapely geometry or a GeoDataFrame, got "
            f"{type(study_area).__name__}",
            fix="pass the region polygon (EPSG:4326) or the thanas layer",
        )
    geom = shapely.make_valid(geom)
    if geom.is_empty or geom.area <= 0:
        raise ParameterError(
            "the study area is empty or has no area", fix="pass a polygon covering the region"
        )
    return geom


def _inside_study_area(cells: npt.NDArray[np.object_], area: BaseGeometry) -> npt.NDArray[np.bool_]:
    """Return which cells share interior with the study area (touching an edge is not enough)."""
    shapely.prepare(area)
    hits = shapely.intersects(area, cells) & ~shapely.touches(area, cells)
    return np.asarray(hits, dtype=bool)


# --------------------------------------------------------------------------- extents


def _metric_points_and_crs(
    points_or_bounds: PointsOrBounds, metric_crs: str | None
) -> tuple[gpd.GeoSeries, CRS]:
    """Return the points (or the densified bounding box) in the metric CRS, and that CRS."""
    if isinstance(points_or_bounds, tuple | list):
        if len(points_or_bounds) != 4:
            raise ParameterError(
                f"bounds must be (west, south, east, north), got {points_or_bounds!r}",
                fix="pass four numbers in EPSG:4326 degrees, e.g. (82.85, 25.18, 83.12, 25.42)",
            )
        w, s, e, n = (float(v) for v in points_or_bounds)
        if not (w < e and s < n):
            raise ParameterError(
                f"bounds {points_or_bounds!r} are not (west, south, east, north) with west < "
                f"east and south < north",
                fix="pass lon/lat degrees in the order west, south, east, north",
            )
        box = shapely.segmentize(shapely.box(w, s, e, n), max(e - w, n - s) / 64)
        series = gpd.GeoSeries([box], crs=WGS84)
    else:
        series = valid_points(points_or_bounds)
    crs = metric_crs_for(series, metric_crs)
    return to_metric(series, crs), crs


class _Extent(NamedTuple):
    """Points (or bounding box) and study area in the metric CRS, and the bounds of both."""

    points: gpd.GeoSeries
    crs: CRS
    area: BaseGeometry | None
    bounds: tuple[float, float, float, float]


def _metric_extent(
    points_or_bounds: PointsOrBounds, metric_crs: str | None, study_area: StudyArea | None
) -> _Extent:
    """Return the points and study area in the metric CRS and the box covering both."""
    geoms, crs = _metric_points_and_crs(points_or_bounds, metric_crs)
    area = _study_area_metric(study_area, crs) if study_area is not None else None
    xmin, ymin, xmax, ymax = (float(v) for v in geoms.total_bounds)
    if area is not None:
        ax0, ay0, ax1, ay1 = area.bounds
        xmin, ymin, xmax, ymax = min(xmin, ax0), min(ymin, ay0), max(xmax, ax1), max(ymax, ay1)
    return _Extent(geoms, crs, area, (xmin, ymin, xmax, ymax))


def _check_size(n_cells: int, cell_m: float) -> None:
    if n_cells > MAX_CELLS:
        raise ParameterError(
            f"a {cell_m:g} m grid over this extent would have {n_cells:,} cells "
            f"(more than {MAX_CELLS:,})",
            why="cell_m is in metres; a very small cell or a huge extent exhausts memory",
            fix="use a larger cell_m (e.g. 250) or a smaller area",
        )


# --------------------------------------------------------------------------- square grids


def square_cell_id(cell_m: float, col: int, row: int) -> str:
    """Return the id of the square cell in column ``col`` and row ``row`` of a ``cell_m`` grid.

    Column ``col`` spans ``[col * cell_m, (col + 1) * cell_m)`` metres in x (rows likewise in
    y), so the id of a place never depends on the extent of the data.

    Examples
    --------
    >>> square_cell_id(250.0, 1234, 11210)
    'sq250m_1234_11210'
    """
    return f"sq{cell_m:g}m_{col}_{row}"


def square_grid(
    points_or_bounds: PointsOrBounds,
    *,
    cell_m: float,
    metric_crs: str | None = None,
    study_area: StudyArea | None = None,
    occupied_only: bool = False,
) -> gpd.GeoDataFrame:
    """Return a square grid of ``cell_m`` cells covering the points, in the metric CRS.

    Cell edges lie on multiples of ``cell_m`` in the metric CRS (cell ``(col, row)`` spans
    ``[col*cell_m, (col+1)*cell_m) × [row*cell_m, (row+1)*cell_m)``), so the same place gets
    the same cell id whatever data built the grid, and grids of later runs line up.

    Parameters
    ----------
    points_or_bounds : GeoDataFrame, GeoSeries or tuple of float
        Points in any CRS, or a ``(west, south, east, north)`` box in EPSG:4326 degrees.
    cell_m : float
        Side of a cell in metres.
    metric_crs : str, optional
        Projected CRS; default: the local UTM zone (:func:`geo.crs.metric_crs_for`).
    study_area : shapely geometry or GeoDataFrame, optional
        When given, the grid covers the whole study area (and the points) and keeps only the
        cells that overlap it (whole cells, not cut, so all cells have the same area). A
        shapely geometry is taken to be in EPSG:4326.
    occupied_only : bool, default False
        Keep only cells holding at least one point. Gi* needs the empty cells of the study
        area, so the default keeps the full extent.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`CELL_ID`, :data:`AREA_KM2` and ``geometry``, in the metric CRS, sorted
        south to north then west to east, with a fresh ``RangeIndex``.

    Raises
    ------
    ParameterError
        For a bad ``cell_m``, no points, or more than :data:`MAX_CELLS` cells.
    """
    cell = check_cell_m(cell_m)
    points = None if isinstance(points_or_bounds, tuple | list) else points_or_bounds
    if occupied_only and points is None:
        raise ParameterError(
            "occupied_only needs points, not bounds", fix="pass the points or occupied_only=False"
        )
    _, crs, area, (xmin, ymin, xmax, ymax) = _metric_extent(
        points_or_bounds, metric_crs, study_area
    )
    c0, c1 = math.floor(xmin / cell), math.floor(xmax / cell)
    r0, r1 = math.floor(ymin / cell), math.floor(ymax / cell)
    n_cols, n_rows = c1 - c0 + 1, r1 - r0 + 1
    _check_size(n_cols * n_rows, cell)
    rows, cols = np.divmod(np.arange(n_cols * n_rows, dtype=np.int64), n_cols)
    rows += r0
    cols += c0
    boxes = shapely.box(cols * cell, rows * cell, (cols + 1) * cell, (rows + 1) * cell)
    keep = np.ones(len(boxes), dtype=bool)
    if area is not None:
        keep &= _inside_study_area(boxes, area)
    ids = [
        square_cell_id(cell, int(c), int(r)) for c, r in zip(cols[keep], rows[keep], strict=True)
    ]
    grid = gpd.GeoDataFrame(
        {CELL_ID: pd.array(ids, dtype="string"), AREA_KM2: np.full(len(ids), cell * cell / 1e6)},
        geometry=gpd.GeoSeries(boxes[keep], crs=crs),
    )
    grid.attrs[GRID_ATTR] = {"kind": GRID_SQUARE, "cell_m": cell}
    if occupied_only and points is not None:
        counts = count_in_cells(grid, points)
        grid = grid[counts.to_numpy() > 0].reset_index(drop=True)
    logger.info("square grid: %d cells of %g m in %s", len(grid), cell, crs.to_string())
    return grid


# --------------------------------------------------------------------------- H3 grids


def h3_resolution_for(cell_m: float) -> int:
    """Return the H3 resolution whose average hexagon edge length is closest to ``cell_m``.

    ``cell_m`` is read as the hexagon *edge length* (equal to its circumradius): the hexagon
    is then ``√3 × cell_m`` across the flats and has an area of about ``2.6 × cell_m²``.
    Resolution edge lengths (h3 ``average_hexagon_edge_length``) are, for example, 531 m
    (res 8), 201 m (res 9), 76 m (res 10) and 29 m (res 11); so ``cell_m=250`` gives
    resolution 9 and ``cell_m=500`` gives resolution 8. Ties go to the finer resolution.

    Parameters
    ----------
    cell_m : float
        Requested edge length in metres.

    Returns
    -------
    int
        A resolution in 0..15.
    """
    cell = check_cell_m(cell_m)
    edges = np.array([h3.average_hexagon_edge_length(r, unit="m") for r in range(16)])
    gaps = np.abs(edges - cell)
    return int(np.flatnonzero(gaps == gaps.min())[-1])


def _hex_polygons(cells: Sequence[str]) -> list[shapely.Polygon]:
    return [shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(c)]) for c in cells]


def _h3_cells_of(geoms_wgs84: gpd.GeoSeries, res: int) -> list[str]:
    """Return the H3 cell of every point (EPSG:4326 points)."""
    xs, ys = geoms_wgs84.x.to_numpy(), geoms_wgs84.y.to_numpy()
    return [h3.latlng_to_cell(float(y), float(x), res) for x, y in zip(xs, ys, strict=True)]


def hex_grid(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_m: float,
    metric_crs: str | None = None,
    study_area: StudyArea | None = None,
    occupied_only: bool = False,
) -> gpd.GeoDataFrame:
    """Return the H3 hexagons covering the points, in the metric CRS.

    The resolution is :func:`h3_resolution_for` ``(cell_m)``: ``cell_m`` is the hexagon edge
    length. The cells are those whose centre lies in the points' bounding box grown by one
    edge length, plus the cell of every point (so every point is covered).

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS.
    cell_m : float
        Requested hexagon edge length in metres.
    metric_crs : str, optional
        Projected CRS of the output; default: the local UTM zone.
    study_area : shapely geometry or GeoDataFrame, optional
        When given, the grid covers the whole study area and keeps only the hexagons that
        overlap it (whole hexagons). A shapely geometry is taken to be in EPSG:4326.
    occupied_only : bool, default False
        Keep only cells holding at least one point.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`CELL_ID` (the H3 index), :data:`AREA_KM2` and ``geometry`` in the metric
        CRS, sorted by cell id, with a fresh ``RangeIndex``. ``attrs[GRID_ATTR]`` records the
        resolution.
    """
    cell = check_cell_m(cell_m)
    res = h3_resolution_for(cell)
    edge = h3.average_hexagon_edge_length(res, unit="m")
    metric, crs, area, (xmin, ymin, xmax, ymax) = _metric_extent(points, metric_crs, study_area)
    # Rough guard before asking h3 for the cells (a hexagon covers ~2.6 edge² m²).
    _check_size(int((xmax - xmin + 2 * edge) * (ymax - ymin + 2 * edge) / (2.598 * edge**2)), cell)
    extent = shapely.segmentize(
        shapely.box(xmin - edge, ymin - edge, xmax + edge, ymax + edge), 4 * edge
    )
    extent_wgs = gpd.GeoSeries([extent], crs=crs).to_crs(WGS84).iloc[0]
    cells = set(h3.geo_to_cells(extent_wgs, res))
    cells.update(_h3_cells_of(to_wgs84(metric), res))
    ids = sorted(cells)
    hexes = gpd.GeoSeries(_hex_polygons(ids), crs=WGS84).to_crs(crs)
    keep = np.ones(len(ids), dtype=bool)
    if area is not None:
        keep = _inside_study_area(hexes.to_numpy(), area)
    hexes = hexes[keep].reset_index(drop=True)
    grid = gpd.GeoDataFrame(
        {
            CELL_ID: pd.array([i for i, k in zip(ids, keep, strict=True) if k], dtype="string"),
            AREA_KM2: hexes.area.to_numpy() / 1e6,
        },
        geometry=hexes,
    )
    grid.attrs[GRID_ATTR] = {"kind": GRID_H3, "cell_m": cell, "resolution": res}
    if occupied_only:
        counts = count_in_cells(grid, points)
        grid = grid[counts.to_numpy() > 0].reset_index(drop=True)
    logger.info("H3 grid: %d cells at resolution %d (edge %.0f m)", len(grid), res, edge)
    return grid


def make_grid(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_m: float,
    grid: GridKind = "square",
    metric_crs: str | None = None,
    study_area: StudyArea | None = None,
    occupied_only: bool = False,
) -> gpd.GeoDataFrame:
    """Return a :func:`square_grid` or a :func:`hex_grid` by name (``"square"`` or ``"h3"``)."""
    if grid == GRID_SQUARE:
        return square_grid(
            points,
            cell_m=cell_m,
            metric_crs=metric_crs,
            study_area=study_area,
            occupied_only=occupied_only,
        )
    if grid == GRID_H3:
        return hex_grid(
            points,
            cell_m=cell_m,
            metric_crs=metric_crs,
            study_area=study_area,
            occupied_only=occupied_only,
        )
    raise ParameterError(f"unknown grid kind {grid!r}", fix="use grid='square' or grid='h3'")


def grid_to_wgs84(grid: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the grid in EPSG:4326 (a copy, same rows and index, grid description kept)."""
    out = to_wgs84(grid)
    if GRID_ATTR in grid.attrs:
        out.attrs[GRID_ATTR] = dict(grid.attrs[GRID_ATTR])
    return out


# --------------------------------------------------------------------------- grid introspection


def grid_kind(grid: gpd.GeoDataFrame) -> tuple[str | None, float | None, int | None]:
    """Return ``(kind, cell_m, h3_resolution)`` of a grid, or ``(None, None, None)``.

    Read from ``attrs[GRID_ATTR]`` when present, otherwise recognised from the cell ids
    (``sq<cell>m_<col>_<row>`` or H3 indexes of one resolution).
    """
    spec = grid.attrs.get(GRID_ATTR)
    if isinstance(spec, dict) and spec.get("kind") in GRID_KINDS:
        return str(spec["kind"]), spec.get("cell_m"), spec.get("resolution")
    if CELL_ID not in grid.columns or grid.empty:
        return None, None, None
    ids = grid[CELL_ID].astype(str)
    first = _SQUARE_ID.match(ids.iloc[0])
    if first is not None:
        cell = float(first["cell"])
        if ids.str.startswith(f"sq{cell:g}m_").all():
            return GRID_SQUARE, cell, None
        return None, None, None
    if all(h3.is_valid_cell(i) for i in ids):
        resolutions = {h3.get_resolution(i) for i in ids}
        if len(resolutions) == 1:
            return GRID_H3, None, resolutions.pop()
    return None, None, None


def square_indices(grid: gpd.GeoDataFrame, cell_m: float) -> tuple[IntArray, IntArray] | None:
    """Return the ``(col, row)`` of every cell of an aligned square grid, or ``None``.

    ``None`` means the geometries are not aligned ``cell_m`` squares in the grid's CRS (for
    example, a grid reprojected to EPSG:4326), so arithmetic lookups do not apply.
    """
    if grid.crs is None or not CRS.from_user_input(grid.crs).is_projected:
        return None
    b = grid.geometry.bounds.to_numpy()
    cols = np.floor(b[:, 0] / cell_m + 0.5).astype(np.int64)
    rows = np.floor(b[:, 1] / cell_m + 0.5).astype(np.int64)
    tol = cell_m * 1e-6
    aligned = (
        np.allclose(b[:, 0], cols * cell_m, atol=tol, rtol=0)
        and np.allclose(b[:, 1], rows * cell_m, atol=tol, rtol=0)
        and np.allclose(b[:, 2] - b[:, 0], cell_m, atol=tol, rtol=0)
        and np.allclose(b[:, 3] - b[:, 1], cell_m, atol=tol, rtol=0)
    )
    return (cols, rows) if aligned else None


# --------------------------------------------------------------------------- counting


def locate_points(grid: gpd.GeoDataFrame, points: gpd.GeoDataFrame | gpd.GeoSeries) -> IntArray:
    """Return, for every row of ``points``, the position (0-based row) of its cell in ``grid``.

    Square grids are looked up arithmetically (``floor(x / cell_m)``), H3 grids with
    ``h3.latlng_to_cell``, anything else with a spatial join. Points outside the grid, and
    missing geometries, get ``-1``. A point on a shared edge belongs to the cell east/north
    of it (cells are closed on their west and south sides).

    Parameters
    ----------
    grid : geopandas.GeoDataFrame
        A grid from :func:`square_grid` or :func:`hex_grid` (or any polygons with a CRS).
    points : GeoDataFrame or GeoSeries
        Points in any CRS.

    Returns
    -------
    numpy.ndarray of int64
        One position per point, in the order of ``points``.
    """
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    if geoms.crs is None or grid.crs is None:
        raise ParameterError(
            "points and grid must both have a CRS",
            fix="set one with .set_crs('EPSG:4326') if they are lon/lat degrees",
        )
    n = len(geoms)
    out = np.full(n, -1, dtype=np.int64)
    valid = ~(geoms.isna() | geoms.is_empty).to_numpy()
    if not valid.any() or grid.empty:
        return out
    kind, cell_m, res = grid_kind(grid)
    if kind == GRID_SQUARE and cell_m is not None:
        indices = square_indices(grid, cell_m)
        if indices is not None:
            cols, rows = indices
            pts = geoms[valid]
            xy = projected_points(pts, grid.crs)
            if xy is None:
                moved = pts.to_crs(grid.crs)
                xy = np.column_stack([moved.x.to_numpy(), moved.y.to_numpy()])
            pc = np.floor(xy[:, 0] / cell_m).astype(np.int64)
            pr = np.floor(xy[:, 1] / cell_m).astype(np.int64)
            c0, r0 = cols.min(), rows.min()
            width, height = cols.max() - c0 + 1, rows.max() - r0 + 1
            lookup = np.full(width * height, -1, dtype=np.int64)
            lookup[(rows - r0) * width + (cols - c0)] = np.arange(len(grid), dtype=np.int64)
            inside = (pc >= c0) & (pc < c0 + width) & (pr >= r0) & (pr < r0 + height)
            found = np.full(len(pc), -1, dtype=np.int64)
            found[inside] = lookup[(pr[inside] - r0) * width + (pc[inside] - c0)]
            out[valid] = found
            return out
    if kind == GRID_H3:
        if res is None:
            res = h3.get_resolution(str(grid[CELL_ID].iloc[0]))
        ids = _h3_cells_of(geoms[valid].to_crs(WGS84), int(res))
        out[valid] = pd.Index(grid[CELL_ID].astype(str)).get_indexer(ids)
        return out
    # Any other polygons: a spatial join (first matching cell wins).
    pts = gpd.GeoDataFrame(
        {"_pt": np.flatnonzero(valid)},
        geometry=geoms[valid].to_crs(grid.crs).to_numpy(),
        crs=grid.crs,
    )
    cells = gpd.GeoDataFrame(
        {"_cell": np.arange(len(grid))}, geometry=grid.geometry.to_numpy(), crs=grid.crs
    )
    joined = gpd.sjoin(pts, cells, how="inner", predicate="intersects")
    joined = joined.sort_values(["_pt", "_cell"]).drop_duplicates("_pt")
    out[joined["_pt"].to_numpy()] = joined["_cell"].to_numpy()
    return out


def point_weights(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    weights: str | Sequence[float] | npt.ArrayLike | pd.Series | None,
) -> FloatArray | None:
    """Return one non-negative weight per row of ``points`` (``None`` when not weighted).

    ``weights`` is a column name of ``points`` or an array with one value per row.
    """
    if weights is None:
        return None
    if isinstance(weights, str):
        if not isinstance(points, gpd.GeoDataFrame) or weights not in points.columns:
            raise ParameterError(
                f"the points have no '{weights}' column to weight by",
                fix="pass weights= naming a numeric column, or an array with one value a point",
            )
        values: FloatArray = pd.to_numeric(points[weights], errors="coerce").to_numpy(dtype=float)
    else:
        values = np.asarray(weights, dtype=float).reshape(-1)
    if len(values) != len(points):
        raise ParameterError(
            f"{len(values)} weights for {len(points)} points",
            fix="give exactly one weight per point",
        )
    if not np.all(np.isfinite(values)) or (values < 0).any():
        raise ParameterError(
            "weights must be finite and non-negative",
            fix="fill missing weights (e.g. with 1) and remove negative values",
        )
    return values


def count_in_cells(
    grid: gpd.GeoDataFrame,
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    weights: str | Sequence[float] | npt.ArrayLike | pd.Series | None = None,
    time_bins: Sequence[Any] | npt.ArrayLike | pd.Series | pd.Categorical | None = None,
) -> pd.Series | pd.DataFrame:
    """Count the points in every cell of the grid (optionally weighted, optionally per time bin).

    Parameters
    ----------
    grid : geopandas.GeoDataFrame
        A grid with a :data:`CELL_ID` column (see :func:`square_grid`, :func:`hex_grid`).
    points : GeoDataFrame or GeoSeries
        Points in any CRS. Points outside the grid and missing geometries are ignored.
    weights : str or array-like, optional
        A column of ``points`` or one non-negative value per point; cells then hold the sum of
        the weights instead of the number of points.
    time_bins : array-like, optional
        One label per point (e.g. a week number). The result then has one column per label
        (the categories, in order, when a ``Categorical`` is given — so empty bins are kept;
        the sorted labels otherwise). Points with a missing label are ignored.

    Returns
    -------
    pandas.Series or pandas.DataFrame
        Indexed by the grid's cell ids (named :data:`CELL_ID`), in grid order, with every cell
        present (zeros included). Integer counts without weights, floats with them. A Series
        named :data:`COUNT` without ``time_bins``, a DataFrame with them.
    """
    if CELL_ID not in grid.columns:
        raise ParameterError(
            f"the grid has no '{CELL_ID}' column", fix="build it with square_grid or hex_grid"
        )
    n_cells = len(grid)
    pos = locate_points(grid, points)
    w = point_weights(points, weights)
    index = pd.Index(grid[CELL_ID].astype(str), name=CELL_ID)
    outside = int((pos < 0).sum())
    if outside:
        logger.debug("%d of %d points fall outside the grid and are not counted", outside, len(pos))
    if time_bins is None:
        ok = pos >= 0
        sums = np.bincount(pos[ok], weights=None if w is None else w[ok], minlength=n_cells)
        values = sums if w is not None else sums.astype(np.int64)
        return pd.Series(values, index=index, name=COUNT)
    labels: pd.Categorical[Any]
    if isinstance(time_bins, pd.Categorical):
        labels = time_bins
    elif isinstance(time_bins, pd.Series) and isinstance(time_bins.dtype, pd.CategoricalDtype):
        labels = pd.Categorical(time_bins)
    else:
        labels = pd.Categorical(np.asarray(time_bins, dtype=object))
    if len(labels) != len(pos):
        raise ParameterError(
            f"{len(labels)} time-bin labels for {len(pos)} points",
            fix="give exactly one time-bin label per point",
        )
    codes = np.asarray(labels.codes, dtype=np.int64)
    n_bins = len(labels.categories)
    ok = (pos >= 0) & (codes >= 0)
    flat = pos[ok] * n_bins + codes[ok]
    sums = np.bincount(
        flat, weights=None if w is None else w[ok], minlength=n_cells * n_bins
    ).reshape(n_cells, n_bins)
    matrix = sums if w is not None else sums.astype(np.int64)
    return pd.DataFrame(matrix, index=index, columns=pd.Index(labels.categories))


def cell_frame(
    cells: gpd.GeoDataFrame, columns: dict[str, Any], *, with_area: bool = True
) -> gpd.GeoDataFrame:
    """Return per-cell columns as a frame like the grid's, in EPSG:4326.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        The grid rows (:data:`CELL_ID`, :data:`AREA_KM2`, polygons in the metric CRS).
    columns : dict
        Column name to values aligned with ``cells``; they stand between :data:`CELL_ID`
        (first) and :data:`AREA_KM2` (last).
    with_area : bool, default True
        Whether to end with the grid's :data:`AREA_KM2` (``False`` for a grid without it, such
        as a caller's own cells).

    Returns
    -------
    geopandas.GeoDataFrame
        Indexed like ``cells``; :data:`CELL_ID` as ``string``.
    """
    area = {AREA_KM2: cells[AREA_KM2].to_numpy()} if with_area else {}
    out = gpd.GeoDataFrame(
        {CELL_ID: cells[CELL_ID].to_numpy(), **columns, **area},
        geometry=cells.geometry.to_numpy(),
        crs=cells.crs,
        index=cells.index,
    ).to_crs(WGS84)
    out[CELL_ID] = out[CELL_ID].astype("string")
    return out
