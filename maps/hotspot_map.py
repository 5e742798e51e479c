"""The hotspot map: thanas, hotspots and why, heat, incidents, trends, sites, cameras and drives."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import pandas as pd

from geo.errors import ParameterError
from geo.i18n import N_, _, category_name, counted, format_int
from geo.schema import CATEGORY, NAME
from geo.synthetic import is_synthetic
from maps import aggregate as agg
from maps import layers as ly
from maps import places, style
from maps.base import add_controls, base_map, extent, outward, thana_site_searches
from maps.elements import LegendSection
from maps.feature_layer import Drawn
from maps.geojson import drawable, in_wgs84
from models import hotspots as hs

logger = logging.getLogger(__name__)

#: Default title of the page and the title box.
DEFAULT_TITLE: Final = N_("Shakti Hotspots")
#: Above this many incidents no marker per incident is drawn (heat and hexagon counts instead).
DEFAULT_MAX_POINTS: Final = 2_000
#: Notes written at the bottom of the legend.
SHARE_NOTE: Final = N_(
    "Shareable view: no incident locations; heat and counts on 250 m cells and hexagons, "
    "counts below 3 hidden; hotspot outlines blurred."
)
#: Shareable maps round their extent outward to this many degrees (≈ 1 km).
SHARE_EXTENT_DEG: Final = 0.01
SYNTHETIC_WARNING: Final = N_("SYNTHETIC demo data: no real incidents")


def _check_points(incidents: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not isinstance(incidents, gpd.GeoDataFrame):
        raise ParameterError(
            f"incidents must be a GeoDataFrame, got {type(incidents).__name__}",
            fix="read the layer with geo.store.read_layer or models.inputs.load_inputs",
        )
    points = in_wgs84(incidents)
    geoms = points.geometry
    keep = geoms.notna() & ~geoms.is_empty
    if not bool(keep.all()):
        logger.info("%d incidents without a location are not drawn", int((~keep).sum()))
        points = points[keep.to_numpy()]
    return points


def _hotspots_per_thana(hotspots: gpd.GeoDataFrame | None) -> dict[str, int]:
    """Return the number of hotspots whose primary thana is each thana."""
    if hotspots is None or hotspots.empty or hs.PRIMARY_THANA not in hotspots.columns:
        return {}
    return {str(k): int(v) for k, v in hotspots[hs.PRIMARY_THANA].value_counts().items()}


def _top_category(points: gpd.GeoDataFrame, thana_names: pd.Series) -> dict[str, str]:
    """Return the most frequent incident category of each thana."""
    if CATEGORY not in points.columns or points.empty:
        return {}
    pairs = pd.DataFrame(
        {"thana": thana_names.to_numpy(), "category": points[CATEGORY].astype(str).to_numpy()}
    ).dropna()
    counts = pairs.groupby(["thana", "category"]).size().reset_index(name="n")
    best = counts.sort_values(["thana", "n", "category"], ascending=[True, False, True])
    return {str(t): str(c) for t, c in best.drop_duplicates("thana")[["thana", "category"]].values}


def _check_max_points(max_points: int) -> None:
    """Raise a ParameterError unless ``max_points`` is a whole number ≥ 0."""
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 0:
        raise ParameterError(
            f"max_points must be a whole number ≥ 0, got {max_points!r}",
            fix="use e.g. 2000 (0 never draws single incidents)",
        )


Legend = list[LegendSection | None]


def _add_thana_layers(
    m: folium.Map,
    points: gpd.GeoDataFrame,
    thana_layer: gpd.GeoDataFrame | None,
    hotspots: gpd.GeoDataFrame | None,
    legend: Legend,
    *,
    share: bool,
) -> Drawn:
    """Draw the thana choropleth and its weekly slider; return the drawn thanas."""
    thana_names = agg.thana_of(points, thana_layer)
    thana_drawn = ly.add_thanas(
        m,
        thana_layer,
        thana_names.value_counts(),
        share=share,
        hotspots_per_thana=_hotspots_per_thana(hotspots),
        top_category=_top_category(points, thana_names),
    )
    legend.append(thana_drawn.legend)
    if thana_layer is not None:
        weekly = agg.weekly_counts(points, thana_names, thana_layer[NAME].astype(str).tolist())
        legend.append(ly.add_weekly_slider(m, thana_layer, weekly, share=share).legend)
    return thana_drawn


def _add_incident_layers(
    m: folium.Map,
    points: gpd.GeoDataFrame,
    legend: Legend,
    *,
    share: bool,
    aggregated: bool,
    metric_crs: str | None,
) -> list[Drawn]:
    """Draw the heat layer and either hexagon counts or clustered incidents; return clusters."""
    legend.append(
        ly.add_heat(m, points, share=share, aggregated=aggregated, metric_crs=metric_crs).legend
    )
    if aggregated:
        legend.append(ly.add_hex_counts(m, points, share=share, show=share).legend)
        return []
    cats = points[CATEGORY].astype("string").fillna("unknown") if CATEGORY in points else None
    colors = style.category_colors(sorted(set(cats))) if cats is not None else {}
    clusters = ly.add_incident_clusters(m, points, colors)
    if clusters:
        legend.append(
            LegendSection(
                _("Incidents (clustered; numbers are counts)"),
                [(c, category_name(name), "circle") for name, c in colors.items()],
            )
        )
    return clusters


def _add_hotspot_layers(
    m: folium.Map,
    hotspots: gpd.GeoDataFrame | None,
    underserved: gpd.GeoDataFrame | None,
    legend: Legend,
    *,
    share: bool,
    top_n: int | None = None,
) -> None:
    """Draw the hotspots (the top ``top_n`` first, with underserved reasons), the underserved."""
    reasons: dict[object, str] = {}
    if underserved is not None and hs.UNDERSERVED_REASON in underserved.columns:
        reasons = {i: str(r) for i, r in underserved[hs.UNDERSERVED_REASON].items()}
    drawn = ly.add_ranked_hotspots(m, hotspots, share=share, top_n=top_n, underserved=reasons)
    legend.append(drawn.legend)
    legend.append(ly.add_underserved(m, underserved, share=share).legend)


def _add_place_layers(
    m: folium.Map,
    *,
    campaigns: gpd.GeoDataFrame | None,
    cctv: gpd.GeoDataFrame | None,
    sites: gpd.GeoDataFrame | None,
    thana_layer: gpd.GeoDataFrame | None,
    legend: Legend,
) -> Drawn:
    """Draw drives, camera coverage, cameras, sites and thana labels; return the drawn sites."""
    legend.append(places.add_campaigns(m, campaigns).legend)
    legend.append(places.add_cctv_coverage(m, cctv).legend)
    legend.append(places.add_cctv(m, cctv).legend)
    sites_drawn = places.add_sites(m, sites)
    legend.append(sites_drawn.legend)
    ly.add_thana_labels(m, thana_layer)
    return sites_drawn


def _notes(n_points: int, max_points: int, *, aggregated: bool, share: bool) -> list[str]:
    """Return the notes at the bottom of the legend."""
    notes = []
    if aggregated and not share:
        notes.append(
            _(
                "{n} incidents: more than {max}, so drawn as heat and hexagon counts instead "
                "of single markers."
            ).format(n=format_int(n_points), max=format_int(max_points))
        )
    if share:
        notes.append(_(SHARE_NOTE))
    return notes


def _subtitle(n_points: int, *, share: bool) -> str:
    """Return the default subtitle: how many incidents, and whether the map is shareable."""
    count = counted(n_points, "{n} incident", "{n} incidents")
    return _("{count} · shareable").format(count=count) if share else count


def _base(
    layers: Sequence[gpd.GeoDataFrame | None],
    share: bool,
    tiles: str | None,
    attribution: str | None,
    title: str,
) -> tuple[folium.Map, Any]:
    """Return the base map framed on the layers (a shared map's view a little wider)."""
    bounds = extent(layers)
    if share:  # the extreme incidents would otherwise set the view's edges exactly
        bounds = outward(bounds, SHARE_EXTENT_DEG)
    return base_map(bounds, tiles=tiles, tile_attribution=attribution, title=title)


def hotspot_map(
    incidents: gpd.GeoDataFrame,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    hotspots: gpd.GeoDataFrame | None = None,
    sites: gpd.GeoDataFrame | None = None,
    cctv: gpd.GeoDataFrame | None = None,
    campaigns: gpd.GeoDataFrame | None = None,
    gi_cells: gpd.GeoDataFrame | None = None,
    emerging: gpd.GeoDataFrame | None = None,
    underserved: gpd.GeoDataFrame | None = None,
    share: bool = False,
    tiles: str | None = "openstreetmap",
    tile_attribution: str | None = None,
    title: str = DEFAULT_TITLE,
    max_points: int = DEFAULT_MAX_POINTS,
    subtitle: str = "",
    metric_crs: str | None = None,
    top_n: int | None = None,
    summary: Sequence[str] = (),
    drive_clusters: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Build the interactive hotspot map of a selection of incidents.

    Layers (each can be switched in the layer control): thana boundaries as a choropleth of
    incidents per thana, with names and a weekly time slider; hotspot polygons coloured by
    risk whose popups say why (the ``why`` sentence, peak hours, trend, counts, sites, cameras,
    drives); underserved hotspots; a heat layer; incidents clustered by category (at most
    ``max_points``, else counts on hexagons); Gi* hot and cold cells; emerging-trend cells;
    awareness drives; sensitive sites; CCTV cameras and their view circles. Controls: layers,
    legend, full screen, measure, mini-map, search by thana and by site name.

    Parameters
    ----------
    incidents : geopandas.GeoDataFrame
        The selected incidents (any CRS; ``occurred_at``, ``category``, ``source``, ``thana``
        are used when present). Only the whitelisted columns can appear in a popup.
    thanas, sites, cctv, campaigns : geopandas.GeoDataFrame, optional
        Store layers (``geo.store.read_layer``).
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output.
    gi_cells : geopandas.GeoDataFrame, optional
        :func:`models.surfaces.significance.gi_star` output (non-significant cells are skipped).
    emerging : geopandas.GeoDataFrame, optional
        :func:`models.surfaces.emerging.emerging_hotspots` output (cells without a pattern skipped).
    underserved : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.underserved_hotspots` output.
    share : bool, default False
        Shareable map: no incident position anywhere (no markers; heat and hexagon counts on
        cells, counts below 3 suppressed; hotspot outlines blurred), no free text.
    tiles : str or None, default "openstreetmap"
        Base tiles: a provider name, an XYZ URL template, or ``None`` for none (offline).
    tile_attribution : str, optional
        Attribution of a tile URL template (required for one).
    title : str, default "Shakti Hotspots"
    max_points : int, default 2000
        Above this many incidents, no marker per incident: heat and hexagon counts instead.
    subtitle : str, optional
        Second line of the title box (e.g. the dates).
    metric_crs : str, optional
        Projected CRS of the grids; default the local UTM zone.
    top_n : int, optional
        Emphasise the top ``top_n`` hotspots by risk; the others go to a layer that starts
        hidden. ``None``: every hotspot in one layer.
    summary : sequence of str
        Sentences put first in the legend's notes (the parameters and the concentration).
    drive_clusters : geopandas.GeoDataFrame, optional
        Clusters of awareness drives (:mod:`models.hotspots.drives`), outlined.

    Returns
    -------
    folium.Map
        Render it with :func:`maps.render.map_html` (offline assets).

    Raises
    ------
    geo.errors.ParameterError
        For a bad ``max_points`` or tiles argument.
    geo.errors.ExportError
        When a popup column looks personal.
    """
    _check_max_points(max_points)
    points = _check_points(incidents)
    thana_layer = drawable(thanas)
    title = _(DEFAULT_TITLE) if title == DEFAULT_TITLE else title
    m, tile_layer = _base([thana_layer, points, hotspots], share, tiles, tile_attribution, title)
    aggregated = share or len(points) > max_points
    legend: Legend = []
    thana_drawn = _add_thana_layers(m, points, thana_layer, hotspots, legend, share=share)
    # statistics below the hotspots
    legend.append(ly.add_gi_cells(m, gi_cells, share=share).legend)
    legend.append(ly.add_emerging(m, emerging, share=share).legend)
    clusters = _add_incident_layers(
        m, points, legend, share=share, aggregated=aggregated, metric_crs=metric_crs
    )
    # hotspots on top of the incident layers
    _add_hotspot_layers(m, hotspots, underserved, legend, share=share, top_n=top_n)
    legend.append(ly.add_drive_clusters(m, drive_clusters, share=share).legend)
    sites_drawn = _add_place_layers(
        m, campaigns=campaigns, cctv=cctv, sites=sites, thana_layer=thana_layer, legend=legend
    )
    notes = [*summary, *_notes(len(points), max_points, aggregated=aggregated, share=share)]
    add_controls(
        m,
        tiles=tile_layer,
        outline=thana_layer,
        legend=legend,
        notes=notes,
        title=title,
        subtitle=subtitle or _subtitle(len(points), share=share),
        warning=_(SYNTHETIC_WARNING) if is_synthetic(incidents, thanas, sites) else "",
        searches=thana_site_searches(thana_drawn.layer, sites_drawn.layer),
    )
    drawn = "aggregated" if aggregated else f"{sum(c.count for c in clusters)} markers"
    n_hotspots = 0 if hotspots is None else len(hotspots)
    logger.info("hotspot map: %d incidents (%s), %d hotspots", len(points), drawn, n_hotspots)
    return m
