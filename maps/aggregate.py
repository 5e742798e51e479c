"""What maps draw instead of incident points: grid-snapped heat, hexagon counts, weekly counts."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import h3
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from geo.crs import WGS84, metric_coordinates
from geo.schema import CATEGORY, NAME, OCCURRED_AT, THANA
from geo.schema import LAT as LAT  # re-exported: a snapped cell's centre
from geo.schema import LON as LON
from maps.geojson import DECIMALS, point_degrees
from models.surfaces.grid import COUNT as COUNT  # re-exported: incidents in a cell
from models.surfaces.grid import h3_resolution_for

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]

#: Counts below this are suppressed in shareable maps (not drawn, or "fewer than 3").
SUPPRESS_BELOW: Final = 3
#: Heat cells of aggregated (large or shareable) incident sets, in metres.
HEAT_CELL_M: Final = 100.0
SHARE_CELL_M: Final = 250.0
#: Edge length of the count hexagons (H3), in metres: resolution 9 (≈ 200 m edge).
HEX_CELL_M: Final = 250.0
#: Decimals of the degrees written into maps (:data:`maps.geojson.DECIMALS`).
COORD_DECIMALS: Final = DECIMALS
#: Most recent weeks shown by the weekly slider.
MAX_WEEKS: Final = 104

# ---- output columns (besides COUNT, the incidents in a cell, and LAT/LON, a cell's centre) ----
#: Most frequent category in a cell.
TOP_CATEGORY: Final = "top_category"
#: H3 index of a hexagon.
HEX_ID: Final = "hex_id"


def snap_counts(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    cell_m: float,
    metric_crs: str | None = None,
    min_count: int = 1,
) -> pd.DataFrame:
    """Count points per square cell of ``cell_m`` metres and return the occupied cell centres.

    Only cell centres come out (never a point's own position), rounded to
    :data:`COORD_DECIMALS`.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Points in any CRS (not modified).
    cell_m : float
        Cell size in metres (cells are aligned on multiples of it in the metric CRS).
    metric_crs : str, optional
        Projected CRS; default the local UTM zone.
    min_count : int, default 1
        Cells with fewer points are dropped (``SUPPRESS_BELOW`` for shareable maps).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`LAT`, :data:`LON`, :data:`COUNT`, sorted by row then column of the
        grid (deterministic).
    """
    if len(points) == 0:
        return pd.DataFrame({LAT: [], LON: [], COUNT: pd.Series([], dtype=np.int64)})
    xy, crs = metric_coordinates(points, metric_crs, what="incidents")
    cells = np.floor(xy / cell_m).astype(np.int64)
    keys, counts = np.unique(cells, axis=0, return_counts=True)
    keep = counts >= min_count
    keys, counts = keys[keep], counts[keep]
    centres = (keys.astype(np.float64) + 0.5) * cell_m
    lon, lat = _to_wgs84(crs, centres[:, 0], centres[:, 1])
    return pd.DataFrame(
        {
            LAT: np.round(lat, COORD_DECIMALS),
            LON: np.round(lon, COORD_DECIMALS),
            COUNT: counts.astype(np.int64),
        }
    )


def _to_wgs84(crs: CRS, x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    transformer = Transformer.from_crs(crs, WGS84, always_xy=True)
    lon, lat = transformer.transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def heat_weights(counts: npt.ArrayLike) -> FloatArray:
    """Return heat intensities in (0, 1]: each cell's count over the largest count."""
    arr = np.asarray(counts, dtype=np.float64)
    if arr.size == 0:
        return arr
    return np.round(arr / max(float(arr.max()), 1.0), 3)


def heat_points(
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    exact: bool,
    cell_m: float = HEAT_CELL_M,
    min_count: int = 1,
    metric_crs: str | None = None,
) -> list[list[float]]:
    """Return ``[lat, lon, weight]`` rows for a folium ``HeatMap``.

    Parameters
    ----------
    points : GeoDataFrame or GeoSeries
        Incident points in EPSG:4326.
    exact : bool
        ``True``: one row per point at its own position (internal maps with few points).
        ``False``: one row per occupied cell of ``cell_m`` at its centre, weighted by count.
    cell_m : float
        Cell size when not exact.
    min_count : int
        Cells with fewer points are left out (shareable maps).
    metric_crs : str, optional

    Returns
    -------
    list of [lat, lon, weight]
    """
    if len(points) == 0:
        return []
    if exact:
        geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
        lat, lon = point_degrees(geoms.to_numpy())
        return [[float(a), float(b), 1.0] for a, b in zip(lat, lon, strict=True)]
    snapped = snap_counts(points, cell_m=cell_m, metric_crs=metric_crs, min_count=min_count)
    weights = heat_weights(snapped[COUNT].to_numpy())
    return [
        [float(a), float(b), float(w)]
        for a, b, w in zip(snapped[LAT], snapped[LON], weights, strict=True)
    ]


def hex_counts(
    incidents: gpd.GeoDataFrame,
    *,
    cell_m: float = HEX_CELL_M,
    min_count: int = 1,
) -> gpd.GeoDataFrame:
    """Count incidents per H3 hexagon (edge ≈ ``cell_m``), with the most frequent category.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        Points in EPSG:4326, optionally with ``category``.
    cell_m : float
        Requested edge length (see :func:`models.surfaces.grid.h3_resolution_for`).
    min_count : int
        Hexagons with fewer incidents are dropped (:data:`SUPPRESS_BELOW` when shared).

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`HEX_ID`, :data:`COUNT`, :data:`TOP_CATEGORY` (missing without categories) and
        the hexagon polygons in EPSG:4326, sorted by hexagon id.
    """
    res = h3_resolution_for(cell_m)
    coords = shapely.get_coordinates(incidents.geometry.to_numpy())
    ids = np.array([h3.latlng_to_cell(float(y), float(x), res) for x, y in coords], dtype=object)
    frame = pd.DataFrame({HEX_ID: ids})
    if CATEGORY in incidents.columns:
        frame[CATEGORY] = incidents[CATEGORY].astype("string").fillna("").to_numpy()
    counts = frame.groupby(HEX_ID, sort=True).size().rename(COUNT)
    table = counts[counts >= min_count].to_frame()
    if CATEGORY in frame.columns and len(table):
        top = (
            frame[frame[HEX_ID].isin(table.index)]
            .groupby([HEX_ID, CATEGORY], sort=True)
            .size()
            .reset_index(name="n")
            .sort_values([HEX_ID, "n", CATEGORY], ascending=[True, False, True], kind="stable")
            .drop_duplicates(HEX_ID)
            .set_index(HEX_ID)[CATEGORY]
        )
        table[TOP_CATEGORY] = top.reindex(table.index).replace("", None)
    else:
        table[TOP_CATEGORY] = None
    polygons = [
        shapely.Polygon([(lng, lat) for lat, lng in h3.cell_to_boundary(str(cell))])
        for cell in table.index
    ]
    out = gpd.GeoDataFrame(
        {
            HEX_ID: table.index.to_numpy(dtype=str),
            COUNT: table[COUNT].to_numpy(dtype=np.int64),
            TOP_CATEGORY: table[TOP_CATEGORY].to_numpy(dtype=object),
        },
        geometry=polygons,
        crs=WGS84,
    )
    logger.info("%d hexagons (H3 res %d) from %d incidents", len(out), res, len(incidents))
    return out


def thana_of(incidents: gpd.GeoDataFrame, thanas: gpd.GeoDataFrame | None) -> pd.Series:
    """Return the thana name of every incident: its ``thana`` column, else by location.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons with ``name`` (used when incidents carry no ``thana``).

    Returns
    -------
    pandas.Series
        Aligned with ``incidents`` (missing where unknown), dtype string.
    """
    if THANA in incidents.columns:
        return pd.Series(incidents[THANA], index=incidents.index, dtype="string")
    if thanas is None or thanas.empty or NAME not in thanas.columns:
        return pd.Series(pd.NA, index=incidents.index, dtype="string")
    polys = gpd.GeoDataFrame({NAME: thanas[NAME].astype(str).to_numpy()}, geometry=thanas.geometry)
    pts = gpd.GeoDataFrame(geometry=incidents.geometry.to_crs(polys.crs).to_numpy(), crs=polys.crs)
    pts["_row"] = np.arange(len(pts))
    joined = gpd.sjoin(pts, polys, how="left", predicate="within")
    joined = joined.sort_values(["_row", NAME], kind="stable").drop_duplicates("_row")
    return pd.Series(joined[NAME].to_numpy(), index=incidents.index, dtype="string")


@dataclass(frozen=True)
class WeeklyCounts:
    """Incidents per thana per week (Monday to Sunday, local time).

    Attributes
    ----------
    weeks : list of str
        ISO date of each week's Monday, oldest first.
    counts : pandas.DataFrame
        One row per thana (index: name), one column per week, integer counts.
    """

    weeks: list[str]
    counts: pd.DataFrame


def weekly_counts(
    incidents: gpd.GeoDataFrame,
    thana_names: pd.Series,
    thanas: Sequence[str],
    *,
    max_weeks: int = MAX_WEEKS,
) -> WeeklyCounts:
    """Count incidents per thana and week (the last ``max_weeks`` weeks with data).

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        With ``occurred_at`` (local time).
    thana_names : pandas.Series
        Thana of each incident (:func:`thana_of`).
    thanas : sequence of str
        Rows of the result, in order (thanas without incidents get zeros).
    max_weeks : int
        Keep only this many most recent weeks.

    Returns
    -------
    WeeklyCounts
    """
    empty = WeeklyCounts([], pd.DataFrame(index=pd.Index(list(thanas), name=NAME)))
    if OCCURRED_AT not in incidents.columns or len(incidents) == 0:
        return empty
    times = pd.to_datetime(incidents[OCCURRED_AT])
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_localize(None)
    days = times.dt.normalize()
    monday = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    ok = monday.notna() & thana_names.notna()
    if not ok.any():
        return empty
    first, last = monday[ok].min(), monday[ok].max()
    all_weeks = pd.date_range(first, last, freq="7D")[-max_weeks:]
    table = (
        pd.DataFrame({NAME: thana_names[ok].to_numpy(), "week": monday[ok].to_numpy()})
        .groupby([NAME, "week"])
        .size()
        .unstack("week", fill_value=0)
        .reindex(index=list(thanas), columns=all_weeks, fill_value=0)
        .fillna(0)
        .astype(np.int64)
    )
    table.index.name = NAME
    weeks = [d.date().isoformat() for d in all_weeks]
    table.columns = pd.Index(weeks)
    return WeeklyCounts(weeks, table)
