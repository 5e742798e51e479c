"""The CCTV map: cameras by status, their view circles, and the sites no working camera sees."""

from __future__ import annotations

import logging
from typing import Final

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import N_, _, counted, format_int
from geo.schema import THANA
from geo.synthetic import is_synthetic
from maps import layers as ly
from maps import places
from maps.base import add_controls, base_map, extent, thana_site_searches
from maps.cctv_layers import add_gap_sites, add_proposed_cameras
from maps.elements import LegendSection
from maps.feature_layer import Drawn
from maps.geojson import drawable
from models.cctv import gaps as cg

# The coverage analytics live in models.cctv.gaps; re-exported for existing callers.
from models.cctv.gaps import COVERED, CoverageSummary, coverage_summary, site_coverage

logger = logging.getLogger(__name__)

#: Default title of the CCTV map.
DEFAULT_TITLE: Final = N_("Shakti Hotspots: CCTV coverage")
__all__ = [
    "COVERED",
    "DEFAULT_TITLE",
    "CoverageSummary",
    "cctv_map",
    "coverage_summary",
    "site_coverage",
]


def cctv_map(
    sites: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    gaps: cg.GapAnalysis | None = None,
    proposed: gpd.GeoDataFrame | None = None,
    share: bool = False,
    tiles: str | None = "openstreetmap",
    tile_attribution: str | None = None,
    title: str = DEFAULT_TITLE,
    subtitle: str = "",
    metric_crs: str | None = None,
) -> folium.Map:
    """Build the CCTV map: which sensitive sites no camera sees, and where cameras would help.

    Layers: thanas as a choropleth of sites without a working camera; sites by gap status (red:
    no camera, amber: a repair would cover it, green: covered) with priority and reasons;
    cameras by status (working, faulty, unknown); each camera's view circle (dashed when it does
    not work); proposed cameras numbered by marginal gain with their view circles; hotspot
    outlines when given. Controls as on the hotspot map (layers, legend, search).

    Parameters
    ----------
    sites, cctv : geopandas.GeoDataFrame, optional
        Store layers (any CRS).
    thanas : geopandas.GeoDataFrame, optional
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output, drawn for context.
    gaps : models.cctv.gaps.GapAnalysis, optional
        The gap analysis to draw; computed with :func:`models.cctv.gaps.gap_analysis` (no
        incidents) when not given.
    proposed : geopandas.GeoDataFrame, optional
        :attr:`models.cctv.placement.Placement.cameras`.
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
    site_layer = drawable(sites)
    cam_layer = drawable(cctv)
    thana_layer = drawable(thanas)
    bounds = extent([thana_layer, site_layer, cam_layer])
    title = _(DEFAULT_TITLE) if title == DEFAULT_TITLE else title
    m, tile_layer = base_map(bounds, tiles=tiles, tile_attribution=tile_attribution, title=title)
    if gaps is None and site_layer is not None:
        gaps = cg.gap_analysis(
            site_layer, cam_layer, thanas=thana_layer, hotspots=hotspots, metric_crs=metric_crs
        )
    legend: list[LegendSection | None] = []
    drawn, sites_drawn = _add_layers(
        m, legend, gaps, thana_layer, cam_layer, hotspots, proposed, share=share
    )
    line, notes = _summary(gaps, cam_layer, proposed, metric_crs=metric_crs)
    add_controls(
        m,
        tiles=tile_layer,
        outline=thana_layer,
        legend=legend,
        notes=notes,
        title=title,
        subtitle=subtitle or line,
        warning=_("SYNTHETIC demo data") if is_synthetic(sites, cctv, thanas) else "",
        searches=thana_site_searches(drawn.layer, sites_drawn.layer),
    )
    logger.info("CCTV map: %s", line)
    return m


def _add_layers(
    m: folium.Map,
    legend: list[LegendSection | None],
    gaps: cg.GapAnalysis | None,
    thana_layer: gpd.GeoDataFrame | None,
    cam_layer: gpd.GeoDataFrame | None,
    hotspots: gpd.GeoDataFrame | None,
    proposed: gpd.GeoDataFrame | None,
    *,
    share: bool,
) -> tuple[Drawn, Drawn]:
    """Draw the layers of the CCTV map, appending their legend sections; return thanas and sites.

    Thanas (a choropleth of sites without a working camera), hotspot outlines, camera views and
    cameras, sites by gap, proposed cameras, then the thana names on top.
    """
    table = gaps.gaps if gaps is not None else None
    if thana_layer is not None and table is not None:
        gap = table[table[cg.GAP_STATUS] != cg.COVERED_STATUS]
        per_thana = gap[THANA].dropna().astype(str).value_counts()
        drawn = ly.add_thanas(
            m, thana_layer, per_thana, share=share, measure=ly.SITES_WITHOUT_CAMERA
        )
    else:
        drawn = ly.add_thanas(m, thana_layer, pd.Series(dtype=int), share=share)
    legend.append(drawn.legend)
    legend.append(ly.add_hotspots(m, hotspots, share=share, show=True).legend)
    legend.append(places.add_cctv_coverage(m, cam_layer, show=True).legend)
    legend.append(places.add_cctv(m, cam_layer, show=True).legend)
    sites_drawn = add_gap_sites(m, table, show=True)
    legend.append(sites_drawn.legend)
    legend.extend(d.legend for d in add_proposed_cameras(m, proposed, show=True))
    ly.add_thana_labels(m, thana_layer)
    return drawn, sites_drawn


def _summary(
    gaps: cg.GapAnalysis | None,
    cam_layer: gpd.GeoDataFrame | None,
    proposed: gpd.GeoDataFrame | None,
    *,
    metric_crs: str | None,
) -> tuple[str, list[str]]:
    """Return the summary line (sites without a working camera, cameras working) and the notes."""
    counts = gaps.counts() if gaps is not None else dict.fromkeys(cg.GAP_STATUSES, 0)
    n_sites = sum(counts.values())
    reg_counts = gaps.registry.counts if gaps is not None else None
    if reg_counts is not None:
        cameras, working = int(reg_counts["cameras"]), int(reg_counts["working"])
    else:
        summary = coverage_summary(None, cam_layer, metric_crs=metric_crs)
        cameras, working = summary.cameras, summary.working
    without = counts[cg.UNCOVERED] + counts[cg.REPAIRABLE]
    # TRANSLATORS: "12 of 40 sites have no working camera; 30 of 35 cameras work".
    line = counted(
        n_sites,
        "{without} of {n} sites have no working camera; {working} of {cameras} cameras work",
        "{without} of {n} sites have no working camera; {working} of {cameras} cameras work",
        without=format_int(without),
        working=format_int(working),
        cameras=format_int(cameras),
    )
    repairable = counts[cg.REPAIRABLE]
    notes = [
        _("{line}.").format(line=line),
        counted(
            repairable,
            "{n} of them would be covered by repairing a camera.",
            "{n} of them would be covered by repairing a camera.",
        ),
    ]
    if proposed is not None and len(proposed):
        notes.append(
            counted(
                len(proposed),
                "{n} proposed camera, numbered by marginal gain.",
                "{n} proposed cameras, numbered by marginal gain.",
            )
        )
    if gaps is not None:
        notes.extend(n[:1].upper() + n[1:] + "." for n in gaps.notes)
    return line, notes
