"""The study region of a deployment: its polygon, metric CRS and timezone, built from settings."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84, resolve_metric_crs
from geo.errors import RegionError
from geo.settings import Settings

logger = logging.getLogger(__name__)

_BBOX = re.compile(r"^\s*-?\d+(\.\d+)?(\s*,\s*-?\d+(\.\d+)?){3}\s*$")


@dataclass(frozen=True)
class Region:
    """Where a deployment works: a lon/lat polygon, its metric CRS and its local timezone.

    Attributes
    ----------
    polygon : shapely geometry
        The region in EPSG:4326 (Polygon or MultiPolygon).
    metric_crs : pyproj.CRS
        The projected CRS for every distance and area computation.
    timezone : zoneinfo.ZoneInfo
        Local time of the data.
    label : str
        Where the polygon came from (a bounding box or a file name), for messages.
    """

    polygon: BaseGeometry
    metric_crs: CRS
    timezone: ZoneInfo
    label: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """Return ``(W, S, E, N)`` of the region in degrees."""
        w, s, e, n = self.polygon.bounds
        return (float(w), float(s), float(e), float(n))

    def contains(self, lon: npt.ArrayLike, lat: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Return a boolean array: which lon/lat points lie inside (or on) the region.

        Parameters
        ----------
        lon, lat : array-like of float
            Coordinates in degrees; NaN gives ``False``.

        Returns
        -------
        numpy.ndarray of bool
        """
        lon_a = np.asarray(lon, dtype=float)
        lat_a = np.asarray(lat, dtype=float)
        shapely.prepare(self.polygon)
        result: npt.NDArray[np.bool_] = np.asarray(
            shapely.intersects_xy(self.polygon, lon_a, lat_a), dtype=bool
        )
        finite: npt.NDArray[np.bool_] = np.isfinite(lon_a) & np.isfinite(lat_a)
        return np.logical_and(result, finite)


def parse_region(spec: str) -> tuple[BaseGeometry, str]:
    """Turn a region setting into a lon/lat polygon.

    Parameters
    ----------
    spec : str
        ``"W,S,E,N"`` in degrees, or the path of a polygon file in any CRS.

    Returns
    -------
    tuple
        ``(polygon in EPSG:4326, label)``.

    Raises
    ------
    RegionError
        When the bounding box is malformed or the file cannot be read or holds no polygon.
    """
    if _BBOX.match(spec):
        w, s, e, n = (float(v) for v in spec.split(","))
        if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
            raise RegionError(
                f"region bounding box {spec!r} is not W,S,E,N in degrees",
                why="west must be less than east and south less than north, within ±180/±90",
                fix="give it as lon_min,lat_min,lon_max,lat_max, e.g. 82.85,25.18,83.12,25.42",
            )
        return shapely.box(w, s, e, n), f"bbox {spec}"
    path = Path(spec)
    if not path.exists():
        raise RegionError(
            f"region {spec!r} is neither a W,S,E,N bounding box nor an existing file",
            fix="give a bounding box such as 82.85,25.18,83.12,25.42 or the path of a polygon file",
        )
    try:
        from geo.ingest.readers import vsi_path

        layer = gpd.read_file(vsi_path(path), engine="pyogrio")
    except Exception as exc:
        raise RegionError(
            f"region file {path} cannot be read: {exc}",
            fix="use a GeoJSON, GeoPackage or zipped Shapefile with one polygon layer",
        ) from exc
    polys = layer[layer.geom_type.isin(["Polygon", "MultiPolygon"])]
    if polys.empty:
        raise RegionError(
            f"region file {path} holds no polygon",
            fix="use a file whose features are Polygon or MultiPolygon",
        )
    if polys.crs is None:
        polys = polys.set_crs(WGS84)
    geom = shapely.make_valid(polys.to_crs(WGS84).union_all())
    return geom, path.name


def region_from_settings(settings: Settings, region: str | None = None) -> Region:
    """Build the :class:`Region` of a deployment.

    Parameters
    ----------
    settings : Settings
        Deployment settings.
    region : str, optional
        Overrides ``settings.region`` (the CLI's ``--region``).

    Returns
    -------
    Region
    """
    polygon, label = parse_region(region if region is not None else settings.region)
    centre = polygon.centroid
    crs = resolve_metric_crs(settings.metric_crs, (centre.x, centre.y))
    return Region(
        polygon=polygon, metric_crs=crs, timezone=ZoneInfo(settings.timezone), label=label
    )
