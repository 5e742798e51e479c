"""Scale-out on Dask: reading the store in partitions, grid counts and Gi* of the counts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

import dask.dataframe as dd
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from dask.delayed import Delayed
from pyproj import CRS

from geo.crs import point_series
from geo.errors import ParameterError
from models.scale.dbscan import as_dask, compute, delayed, resolve_crs
from models.surfaces.grid import CELL_ID, COUNT, check_cell_m, precise_points, square_cell_id

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- reading


def _read_range(url: str, kind: str, start: int, stop: int, thana: str | None) -> Any:
    from geo.store.postgis import PostgisStore

    return PostgisStore(url).read_range(kind, start, stop, thana=thana)


def read_partitions(
    url: str, kind: str = "incidents", *, npartitions: int, thana: str | None = None
) -> Any:
    """Return a layer of the PostGIS store as a dask-geopandas frame read by the workers.

    Each partition is one range of row ids (:meth:`geo.store.postgis.PostgisStore.fid_ranges`)
    that a worker reads straight from the database, so no process holds the whole layer.
    Partitions are in storage order; each has its own ``RangeIndex``.

    Parameters
    ----------
    url : str
        The store's URL (``postgresql://...``; the workers must reach the database).
    kind : str
        The layer.
    npartitions : int
        Partitions wanted (fewer for a small layer).
    thana : str, optional
        Only the rows of this thana.

    Returns
    -------
    dask_geopandas.GeoDataFrame
    """
    import dask_geopandas  # type: ignore[import-untyped]

    from geo.schema import layer_spec
    from geo.store.postgis import PostgisStore

    store = PostgisStore(url)
    ranges = store.fid_ranges(kind, npartitions)
    meta = store.read_range(kind, 0, 0)
    if not ranges:
        return dask_geopandas.from_geopandas(meta, npartitions=1)
    parts = [delayed(_read_range)(url, layer_spec(kind).kind.value, a, b, thana) for a, b in ranges]
    frame = dd.from_delayed(parts, meta=meta, verify_meta=False)
    return (
        dask_geopandas.from_dask_dataframe(frame)
        if not isinstance(frame, dask_geopandas.GeoDataFrame)
        else frame
    )


# --------------------------------------------------------------------------- grid counts


def _cell_counts(part: gpd.GeoDataFrame | gpd.GeoSeries, crs: str, cell_m: float) -> pd.Series:
    """Return the precise points per occupied square cell of a partition, keyed by (col, row)."""
    part, _weights, _left_out = precise_points(part)  # no locality or pincode centroids
    geoms = point_series(part)
    valid = geoms[~(geoms.isna() | geoms.is_empty)]
    if len(valid) == 0:
        return pd.Series(np.empty(0, np.int64), index=cell_index([], []), name=COUNT)
    pts = valid.to_crs(crs)  # as models.surfaces.grid.locate_points projects them
    col = np.floor(pts.x.to_numpy() / cell_m).astype(np.int64)
    row = np.floor(pts.y.to_numpy() / cell_m).astype(np.int64)
    counts = pd.DataFrame({"col": col, "row": row}).value_counts(sort=False)
    return pd.Series(counts.to_numpy(dtype=np.int64), index=counts.index, name=COUNT)


def cell_index(cols: Sequence[int], rows: Sequence[int]) -> pd.MultiIndex:
    """Return the (col, row) index of square cells."""
    return pd.MultiIndex.from_arrays(
        [np.asarray(cols, dtype=np.int64), np.asarray(rows, dtype=np.int64)], names=["col", "row"]
    )


def _sum_counts(*parts: pd.Series) -> pd.Series:
    """Add per-cell counts of several partitions (cells missing in one count as 0)."""
    total = pd.concat(parts).groupby(level=["col", "row"], sort=False).sum()
    return cast(pd.Series, total.astype(np.int64))


def _tree_sum(parts: list[Delayed], fanin: int = 8) -> Delayed:
    """Combine partial counts in a tree of tasks (no single task sees every partition)."""
    while len(parts) > 1:
        parts = [delayed(_sum_counts)(*parts[i : i + fanin]) for i in range(0, len(parts), fanin)]
    return parts[0]


def dask_grid_counts(
    points: Any,
    *,
    cell_m: float,
    metric_crs: str | None = None,
    npartitions: int | None = None,
) -> tuple[pd.Series, CRS]:
    """Count points per square cell on Dask: per partition, then summed in a tree.

    Cells are the metre-aligned squares of :func:`models.surfaces.grid.square_grid` (same ids), so
    the
    result equals :func:`models.surfaces.grid.count_in_cells` on that grid, restricted to the
    occupied cells.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries or their dask-geopandas counterparts
        Points in any CRS (missing or empty geometries are not counted, as in
        ``models.surfaces.grid``).
    cell_m : float
        Side of a cell in metres.
    metric_crs : str, optional
        Projected CRS; default: the one ``models.surfaces.grid`` picks for the same points.
    npartitions : int, optional
        Partitions for a geopandas input.

    Returns
    -------
    counts : pandas.Series
        ``int64`` named :data:`models.surfaces.grid.COUNT`, indexed by
        :data:`models.surfaces.grid.CELL_ID`, one
        row per occupied cell, sorted south to north then west to east (grid order).
    crs : pyproj.CRS
    """
    cell = check_cell_m(cell_m)
    ddf = as_dask(points, npartitions)
    parts = ddf.to_delayed()
    crs = resolve_crs(parts, ddf.crs, metric_crs)
    partial = [delayed(_cell_counts)(p, crs.to_string(), cell) for p in parts]
    (total,) = compute(_tree_sum(partial))
    total = total.sort_index(level=["row", "col"])
    cols = total.index.get_level_values("col")
    rows = total.index.get_level_values("row")
    ids = [square_cell_id(cell, int(c), int(r)) for c, r in zip(cols, rows, strict=True)]
    out = pd.Series(
        total.to_numpy(dtype=np.int64), index=pd.Index(ids, name=CELL_ID, dtype=str), name=COUNT
    )
    return out, crs


def dask_gi_star(
    points: Any,
    *,
    cell_m: float,
    metric_crs: str | None = None,
    npartitions: int | None = None,
    **options: Any,
) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* on square cells with the counting done on Dask.

    The counts come from :func:`dask_grid_counts`; the grid covering them (empty cells
    included) and Gi* itself are the single-process :func:`models.surfaces.grid.square_grid`,
    :func:`models.surfaces.significance.cell_weights` and
    :func:`models.surfaces.significance.gi_star_values`
    (the cell table is small even for a state). The result equals
    :func:`models.surfaces.significance.gi_star` on the same points.

    Parameters
    ----------
    points : GeoDataFrame, GeoSeries or their dask-geopandas counterparts
    cell_m : float
    metric_crs : str, optional
    npartitions : int, optional
    **options
        ``distance_m``, ``permutations``, ``seed``, ``fdr``, ``alpha``, ``n_jobs`` of
        :func:`models.surfaces.significance.gi_star_values` / ``cell_weights``.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :func:`models.surfaces.significance.gi_star`, EPSG:4326.
    """
    from models.surfaces.grid import square_grid
    from models.surfaces.significance import cell_weights, gi_star_frame, gi_star_values

    distance_m = options.pop("distance_m", None)
    counts, crs = dask_grid_counts(
        points, cell_m=cell_m, metric_crs=metric_crs, npartitions=npartitions
    )
    if counts.empty:
        raise ParameterError("no points to count", fix="check the incident selection")
    cell = check_cell_m(cell_m)
    parsed = counts.index.str.rsplit("_", n=2, expand=True)
    cols = parsed.get_level_values(1).astype(np.int64)
    rows = parsed.get_level_values(2).astype(np.int64)
    # The cells at the two corners of the occupied range: the grid of the full data
    # (square_grid depends only on the total bounds) is the grid of their centres.
    corners = gpd.GeoSeries(
        shapely.points(
            [
                [(cols.min() + 0.5) * cell, (rows.min() + 0.5) * cell],
                [(cols.max() + 0.5) * cell, (rows.max() + 0.5) * cell],
            ]
        ),
        crs=crs,
    )
    cells = square_grid(corners, cell_m=cell, metric_crs=crs.to_string())
    y = counts.reindex(cells[CELL_ID].astype(str), fill_value=0).to_numpy(dtype=np.int64)
    result = gi_star_values(y.astype(float), cell_weights(cells, distance_m=distance_m), **options)
    return gi_star_frame(cells, y, result)
