"""The CCTV map: cameras by status, their view circles, and the sites no working camera sees."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from geo.crs import metric_crs_for
from geo.schema import NAME, SYNTHETIC
from maps import aggregate as agg
from maps import layers as ly
from maps import places
from maps.base import add_controls, base_map, extent
from maps.elements import LegendSection
from maps.geojson import in_wgs84
from maps.places import WORKING
from models.hotspots import metric_coordinates

logger = logging.getLogger(__name__)

#: Default title of the CCTV map.
DEFAULT_TITLE: Final = "Shakti Hotspots: CCTV coverage"
#: Name of the Series returned by :func:`site_coverage`.
COVERED: Final = "covered_by_working_camera"


@dataclass(frozen=True)
class CoverageSummary:
    """How many sites a working camera sees.

    Attributes
    ----------
    sites : int
    covered : int
        Sites within the view radius of at least one working camera.
    cameras : int
    working : int
    """

    sites: int
    covered: int
    cameras: int
    working: int

    @property
    def uncovered(self) -> int:
        """Return the number of sites no working camera sees."""
        return self.sites - self.covered


def site_coverage(
    sites: gpd.GeoDataFrame, cctv: gpd.GeoDataFrame | None, *, metric_crs: str | None = None
) -> pd.Series:
    """Return whether each site lies within the view radius of a working camera.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        Site points, any CRS.
    cctv : geopandas.GeoDataFrame, optional
        Cameras with ``status`` and ``view_radius_m`` (missing radius:
        :data:`maps.places.DEFAULT_VIEW_RADIUS_M`).
    metric_crs : str, optional
        Projected CRS; default the local UTM zone of the sites.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``sites``, named :data:`COVERED`.
    """
    covered = np.zeros(len(sites), dtype=bool)
    if cctv is not None and len(cctv) and len(sites):
        crs = metric_crs_for(sites, metric_crs).to_string()
        working = np.asarray(places.camera_status(cctv)) == WORKING
        if working.any():
            sxy, _ = metric_coordinates(sites, crs, what="sites")
            cxy, _ = metric_coordinates(cctv, crs, what="cctv")
            radius = places.view_radius(cctv)
            hits = cKDTree(sxy).query_ball_point(cxy[working], r=radius[working])
            seen = [i for hit in hits for i in hit]
            covered[np.asarray(seen, dtype=np.int64)] = True
    return pd.Series(covered, index=sites.index, name=COVERED)


def cctv_map(
    sites: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    share: bool = False,
    tiles: str | None = "openstreetmap",
    tile_attribution: str | None = None,
    title: str = DEFAULT_TITLE,
    subtitle: str = "",
    metric_crs: str | None = None,
) -> folium.Map:
    """Build the CCTV map: which sensitive sites no working camera sees.

    Layers: thanas as a choropleth of sites without a working camera; sites in green (seen by a
    working camera) or red (not); cameras by status (working, faulty, unknown); each camera's
    view circle (``view_radius_m``; dashed when the camera is not working); hotspot outlines
    when given. Controls as on the hotspot map (layers, legend, search by thana and site).

    Parameters
    ----------
    sites, cctv : geopandas.GeoDataFrame, optional
        Store layers (any CRS).
    thanas : geopandas.GeoDataFrame, optional
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output, drawn for context.
    share : bool, default False
        Shareable map (hotspot outlines blurred, small counts suppressed).
    tiles : str or None, default "openstreetmap"
        Provider name, XYZ URL template, or ``None`` for no base tiles (offline).
    tile_attribution : str, optional
        Attribution of a tile URL template.
    title, subtitle : str
    metric_crs : str, optional

    Returns
    -------
    folium.Map
    """
    site_layer = in_wgs84(sites) if sites is not None and len(sites) else None
    cam_layer = in_wgs84(cctv) if cctv is not None and len(cctv) else None
    thana_layer = in_wgs84(thanas) if thanas is not None and len(thanas) else None
    bounds = extent([thana_layer, site_layer, cam_layer])
    m, tile_layer = base_map(bounds, tiles=tiles, tile_attribution=tile_attribution, title=title)
    covered = (
        site_coverage(site_layer, cam_layer, metric_crs=metric_crs)
        if site_layer is not None
        else pd.Series(dtype=bool, name=COVERED)
    )
    summary = _summary(covered, cam_layer)
    legend: list[LegendSection | None] = []
    if thana_layer is not None and site_layer is not None:
        thana_of_site = agg.thana_of(site_layer, thana_layer)
        counts = thana_of_site[~covered.to_numpy()].value_counts()
        drawn = ly.add_thanas(m, thana_layer, counts, share=share, measure="Sites without a camera")
    else:
        drawn = ly.add_thanas(m, thana_layer, pd.Series(dtype=int), share=share)
    legend.append(drawn.legend)
    legend.append(ly.add_hotspots(m, hotspots, share=share, show=True).legend)
    legend.append(places.add_cctv_coverage(m, cam_layer, show=True).legend)
    legend.append(places.add_cctv(m, cam_layer, show=True).legend)
    sites_drawn = places.add_sites(m, site_layer, covered=covered, show=True)
    legend.append(sites_drawn.legend)
    ly.add_thana_labels(m, thana_layer)
    line = (
        f"{summary.uncovered} of {summary.sites} sites have no working camera; "
        f"{summary.working} of {summary.cameras} cameras work"
    )
    synthetic = any(
        layer is not None and bool(layer.attrs.get(SYNTHETIC)) for layer in (sites, cctv, thanas)
    )
    add_controls(
        m,
        tiles=tile_layer,
        outline=thana_layer,
        legend=[section for section in legend if section is not None],
        notes=[line + "."],
        title=title,
        subtitle=subtitle or line,
        warning="SYNTHETIC demo data" if synthetic else "",
        searches=[
            (drawn.layer, NAME, "Polygon", "Search thana"),
            (sites_drawn.layer, NAME, "Point", "Search site"),
        ],
    )
    logger.info("CCTV map: %s", line)
    return m


def _summary(covered: pd.Series, cctv: gpd.GeoDataFrame | None) -> CoverageSummary:
    status = places.camera_status(cctv) if cctv is not None else []
    return CoverageSummary(
        sites=len(covered),
        covered=int(covered.sum()),
        cameras=len(status),
        working=sum(s == WORKING for s in status),
    )


def coverage_summary(
    sites: gpd.GeoDataFrame | None, cctv: gpd.GeoDataFrame | None, *, metric_crs: str | None = None
) -> CoverageSummary:
    """Return how many sites a working camera sees (the numbers the CCTV map shows)."""
    if sites is None or sites.empty:
        return _summary(pd.Series(dtype=bool), cctv)
    return _summary(site_coverage(sites, cctv, metric_crs=metric_crs), cctv)
