"""Use case: the hotspot map of a selection (one pipeline for the CLI and the service)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

import folium
import geopandas as gpd

from api.service.errors import UnavailableError
from api.usecases.budget import (
    GridParams,
    check_cell_bins,
    check_cells,
)
from api.usecases.common import (
    MAP_INCIDENT_COLUMNS,
    Source,
    public_columns,
)
from api.usecases.hotspots import (
    HotspotParams,
    campaign_clusters,
    find_hotspots,
    hotspot_summary,
    underserved_of,
)
from api.usecases.significance import emerging_cells
from geo.errors import ExportError, ParameterError
from geo.schema import (
    LayerKind,
)
from geo.settings import Settings
from geo.store import Store, read_layer
from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- maps


@dataclass(frozen=True)
class MapParams:
    """What a map shows beyond hotspots.

    Attributes
    ----------
    hotspots : HotspotParams
    significance : bool
        Add Gi* hot/cold cells.
    cell_m : float
        Cell size of the Gi* layer.
    share : bool
        A map for sharing outside the police (no incident points).
    max_points : int
        Most incident points drawn.
    emerging : bool
        Add the emerging hot-spot trend of each cell (monthly bins).
    campaigns : bool
        Add the clusters of awareness drives (:func:`api.usecases.hotspots.campaign_clusters`).
    """

    hotspots: HotspotParams = field(default_factory=HotspotParams)
    significance: bool = False
    cell_m: float = 250.0
    share: bool = False
    max_points: int = 2000
    emerging: bool = False
    campaigns: bool = False


def tiles_of(settings: Settings) -> str | None:
    """Return the base-map tiles setting, ``None`` for none (``SHAKTI_TILES=none``).

    Parameters
    ----------
    settings : geo.settings.Settings

    Returns
    -------
    str or None
    """
    tiles = (settings.tiles or "").strip()
    return None if tiles.lower() in ("", "none", "off") else tiles


#: Time bin of a map's emerging-trend layer.
MAP_TIME_BIN: Final = "M"


@dataclass(frozen=True)
class MapLayers:
    """The analysis layers of one hotspot map.

    Attributes
    ----------
    data : models.inputs.AnalysisInputs
        The selection.
    hotspots : geopandas.GeoDataFrame
        Every hotspot, most at risk first.
    underserved : geopandas.GeoDataFrame or None
        Hotspots without a recent drive nearby (when asked for).
    gi_cells : geopandas.GeoDataFrame or None
        Gi* hot and cold cells (when asked for).
    trends : geopandas.GeoDataFrame or None
        Cells with an emerging-trend pattern (when asked for and computable).
    notes : list of str
        Layers left out and why (e.g. too few months for trends).
    drive_clusters : geopandas.GeoDataFrame or None
        Clusters of awareness drives (when asked for).
    """

    data: AnalysisInputs
    hotspots: gpd.GeoDataFrame
    underserved: gpd.GeoDataFrame | None
    gi_cells: gpd.GeoDataFrame | None
    trends: gpd.GeoDataFrame | None
    notes: list[str]
    drive_clusters: gpd.GeoDataFrame | None = None


def _gi_layer(
    data: AnalysisInputs, settings: Settings, m: MapParams, *, budgets: bool
) -> gpd.GeoDataFrame:
    from models.surfaces.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star

    if budgets:
        check_cells(data, settings, GridParams(cell_m=m.cell_m))
    cells = gi_star(
        data.incidents,
        cell_m=m.cell_m,
        metric_crs=settings.metric_crs,
        study_area=data.study_area(),
    )
    return cells[cells[GI_CLASS] != NOT_SIGNIFICANT]


def map_layers(
    data: AnalysisInputs, settings: Settings, m: MapParams, *, budgets: bool
) -> MapLayers:
    """Compute the layers of a hotspot map: hotspots, underserved, Gi* cells and trends.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    m : MapParams
    budgets : bool
        Refuse (422) grids above the service's work budgets (:mod:`api.usecases.budget`).

    Returns
    -------
    MapLayers
        An emerging-trend layer that cannot be computed (too few months) becomes a note.
    """
    p = m.hotspots
    spots = find_hotspots(data, settings, replace(p, underserved=False))
    under = underserved_of(spots, data, settings) if p.underserved else None
    gi_cells = _gi_layer(data, settings, m, budgets=budgets) if m.significance else None
    trends = None
    notes: list[str] = []
    if m.emerging:
        from models.surfaces.emerging import NO_PATTERN, PATTERN

        grid = GridParams(cell_m=m.cell_m)
        if budgets:
            check_cell_bins(data, settings, grid, MAP_TIME_BIN)
        try:
            cube = emerging_cells(data, settings, grid, time_bin=MAP_TIME_BIN, budgets=False)
        except ParameterError as exc:  # e.g. too few months in the selection
            notes.append(f"no emerging-trend layer: {exc.what}")
        else:
            trends = cube[cube[PATTERN] != NO_PATTERN]
    drives = campaign_clusters(data, settings, p, spots)[1] if m.campaigns else None
    return MapLayers(data, spots, under, gi_cells, trends, notes, drives)


def hotspot_folium_map(
    store: Store,
    settings: Settings,
    layers: MapLayers,
    m: MapParams,
    *,
    tiles: str | None,
    tile_attribution: str | None,
    title: str,
    subtitle: str = "",
    incident_columns: tuple[str, ...] | None = None,
) -> folium.Map:
    """Draw the hotspot map of computed layers; everything is limited to the selection's thana.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    layers : MapLayers
    m : MapParams
    tiles, tile_attribution : str or None
        Base tiles (``None``: none) and their attribution.
    title, subtitle : str
    incident_columns : tuple of str, optional
        Incident columns the map may show (default: all it knows; the service passes
        :data:`api.usecases.common.MAP_INCIDENT_COLUMNS`).

    Returns
    -------
    folium.Map
    """
    from maps.hotspot_map import hotspot_map

    data = layers.data
    thana = data.selection.thana

    def scoped(layer: gpd.GeoDataFrame, kind: LayerKind) -> gpd.GeoDataFrame:
        if thana is None:
            return layer
        return read_layer(store, kind, timezone=settings.timezone, thana=thana)

    incidents = data.incidents
    if incident_columns is not None:
        incidents = public_columns(incidents[[*incident_columns, incidents.geometry.name]])
    area = data.study_area()
    about = hotspot_summary(layers.hotspots, data, settings)
    summary = [about["parameters"].get("reason", "")] if about["parameters"] else []
    if len(layers.hotspots):
        summary.append(about["concentration"]["sentence"])
    return hotspot_map(
        incidents,
        thanas=area if area is not None else data.thanas,
        hotspots=layers.hotspots,
        sites=scoped(data.sites, LayerKind.SITES),
        cctv=scoped(data.cctv, LayerKind.CCTV),
        campaigns=scoped(data.campaigns, LayerKind.CAMPAIGNS),
        gi_cells=layers.gi_cells,
        emerging=layers.trends,
        underserved=layers.underserved,
        share=m.share,
        tiles=tiles,
        tile_attribution=tile_attribution,
        title=title,
        subtitle=subtitle,
        max_points=m.max_points,
        metric_crs=settings.metric_crs,
        top_n=settings.top_hotspots,
        summary=summary,
        drive_clusters=layers.drive_clusters,
    )


def map_html(source: Source, m: MapParams, *, asset_prefix: str) -> str:
    """Render the hotspot map of a selection as a standalone HTML page (assets served locally).

    Everything drawn is limited to the selection's thana when it has one.

    Parameters
    ----------
    source : api.usecases.common.Source
    m : MapParams
    asset_prefix : str
        URL prefix of the vendored JavaScript/CSS (``/assets``).

    Returns
    -------
    str

    Raises
    ------
    api.service.errors.UnavailableError
        When the vendored map assets have not been fetched (503, saying how to fetch them).
    """
    from maps.assets import asset_dir
    from maps.render import map_html as render

    try:
        asset_dir()
    except ExportError as exc:
        raise UnavailableError(exc.what, why=exc.why, fix=exc.fix) from exc
    store, settings, selection = source.store, source.settings, source.selection
    layers = map_layers(source.load(), settings, m, budgets=True)
    for note in layers.notes:
        logger.info("hotspot map: %s", note)
    where = selection.thana or "all thanas"
    if selection.start is None and selection.end is None:
        when = "all dates"
    else:
        when = f"{selection.start or 'first'} to {selection.end or 'latest'}"
    folium_map = hotspot_folium_map(
        store,
        settings,
        layers,
        m,
        tiles=tiles_of(settings),
        tile_attribution=settings.tile_attribution,
        title=f"Shakti Hotspots: {where}, {when}",
        incident_columns=MAP_INCIDENT_COLUMNS,
    )
    html: str = render(folium_map, assets="served", asset_prefix=asset_prefix)
    return html


def maps_asset_dir() -> Path | None:
    """Return the folder of the maps' vendored JavaScript/CSS, or ``None`` when not fetched.

    Returns
    -------
    Path or None
        ``None`` (and a logged warning saying how to fetch them) when files are missing; the
        service still starts, and map routes then fail with the same fix in their error.
    """
    from maps.assets import asset_dir

    try:
        return asset_dir()
    except ExportError as exc:
        logger.warning("map assets are not served: %s", exc)
        return None
