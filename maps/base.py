"""The base of every Shakti map: extent, base tiles (or none, offline), page title and controls."""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
from folium.plugins import Fullscreen, MeasureControl, Search

from geo.errors import ParameterError
from geo.i18n import _
from geo.schema import NAME
from maps.elements import Legend, LegendSection, OverviewMiniMap, TitleBox, add_page_css, page
from maps.geojson import drawable, feature_collection, in_wgs84, simplified

logger = logging.getLogger(__name__)

#: ``tiles`` value of the default OpenStreetMap base map.
OPENSTREETMAP: Final = "openstreetmap"
#: Words that mean "no base tiles" (police networks without a tile server).
NO_TILES: Final = frozenset({"", "none", "off", "no"})
#: The offline mini-map draws the thana outlines simplified to this many metres.
MINIMAP_SIMPLIFY_M: Final = 50.0
#: Deepest zoom (marker clusters need one when there are no base tiles).
MAX_ZOOM: Final = 19


def region_bounds(region: str | None = None) -> tuple[float, float, float, float]:
    """Return ``(west, south, east, north)`` in degrees of the deployment's region.

    The extent of a map with nothing to draw: the region's settings decide it, never a city
    written into the code.

    Parameters
    ----------
    region : str, optional
        A region setting (``W,S,E,N`` or a polygon file); default ``SHAKTI_REGION``.

    Returns
    -------
    tuple of float
    """
    from geo.region import parse_region
    from geo.settings import get_settings

    polygon, _ = parse_region(region if region is not None else get_settings().region)
    west, south, east, north = polygon.bounds
    return float(west), float(south), float(east), float(north)


def extent(
    layers: Sequence[gpd.GeoDataFrame | None], *, region: str | None = None
) -> tuple[float, float, float, float]:
    """Return ``(west, south, east, north)`` in degrees covering the non-empty layers.

    Parameters
    ----------
    layers : sequence of geopandas.GeoDataFrame or None
    region : str, optional
        The region whose bounds are returned when no layer has geometry (default
        ``SHAKTI_REGION``, see :func:`region_bounds`).

    Returns
    -------
    tuple of float
    """
    boxes = [drawn.total_bounds for drawn in map(drawable, layers) if drawn is not None]
    boxes = [b for b in boxes if np.all(np.isfinite(b))]
    if not boxes:
        return region_bounds(region)
    stacked = np.vstack(boxes)
    west, south = stacked[:, 0].min(), stacked[:, 1].min()
    east, north = stacked[:, 2].max(), stacked[:, 3].max()
    return float(west), float(south), float(east), float(north)


def outward(
    bounds: tuple[float, float, float, float], step: float
) -> tuple[float, float, float, float]:
    """Return ``(west, south, east, north)`` rounded outward to multiples of ``step`` degrees."""
    west, south, east, north = bounds
    return (
        round(math.floor(west / step) * step, 6),
        round(math.floor(south / step) * step, 6),
        round(math.ceil(east / step) * step, 6),
        round(math.ceil(north / step) * step, 6),
    )


def _is_url_template(tiles: str) -> bool:
    return "{z}" in tiles or "{x}" in tiles or tiles.startswith(("http://", "https://", "/"))


def tile_layer(tiles: str, attribution: str | None) -> Any:
    """Return the folium TileLayer of a provider name (``openstreetmap``...) or URL template.

    Raises
    ------
    geo.errors.ParameterError
        For a URL template without attribution, or an unknown provider name.
    """
    if _is_url_template(tiles) and not attribution:
        raise ParameterError(
            f"the tile URL {tiles} needs an attribution",
            why="tile servers require their data sources to be credited on the map",
            fix="pass tile_attribution (--tile-attribution / SHAKTI_TILE_ATTRIBUTION), e.g. "
            '"© OpenStreetMap contributors"',
        )
    try:
        return folium.TileLayer(tiles=tiles, attr=attribution, name=_("Base map"), control=False)
    except ValueError as exc:
        raise ParameterError(
            f"unknown base map {tiles!r}",
            why=str(exc),
            fix="use 'openstreetmap', 'cartodbpositron', an XYZ URL template with "
            "{z}/{x}/{y}, or no tiles",
        ) from None


#: Of folium's default page assets, the Shakti maps need only these (by folium's names):
#: Leaflet and jQuery (folium's own popups use it). Bootstrap, Font Awesome, Glyphicons and
#: awesome-markers serve icon markers, which these maps do not use; leaving them out keeps
#: an offline page about 2 MB smaller.
LEAN_JS: Final = ("leaflet", "jquery")
LEAN_CSS: Final = ("leaflet_css",)


def lean_assets(m: folium.Map) -> None:
    """Link only the default assets in :data:`LEAN_JS` / :data:`LEAN_CSS` from this map."""
    m.default_js = [(name, url) for name, url in folium.Map.default_js if name in LEAN_JS]
    m.default_css = [(name, url) for name, url in folium.Map.default_css if name in LEAN_CSS]


def base_map(
    bounds: tuple[float, float, float, float],
    *,
    tiles: str | None,
    tile_attribution: str | None,
    title: str,
) -> tuple[folium.Map, Any]:
    """Return an empty map fitted to ``bounds`` with its base tiles (or none).

    Parameters
    ----------
    bounds : (west, south, east, north)
    tiles : str or None
        ``None`` (or ``"none"``): no base tiles, nothing requested from a tile server.
        A provider name (``"openstreetmap"``) or an XYZ URL template.
    tile_attribution : str, optional
        Required with a URL template.
    title : str
        Page title.

    Returns
    -------
    (folium.Map, TileLayer or None)
    """
    west, south, east, north = bounds
    m = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=12,
        tiles=None,
        control_scale=True,
    )
    m.options["max_zoom"] = MAX_ZOOM  # folium passes max_zoom to its tile layer only
    lean_assets(m)
    page(m).title = html.escape(title)
    add_page_css(m)
    layer = None
    if tiles is not None and tiles.strip().lower() not in NO_TILES:
        layer = tile_layer(tiles.strip(), tile_attribution)
        layer.add_to(m)
    m.fit_bounds([[south, west], [north, east]])
    return m, layer


def add_controls(
    m: folium.Map,
    *,
    tiles: Any,
    outline: gpd.GeoDataFrame | None,
    legend: Sequence[LegendSection | None],
    notes: Sequence[str],
    title: str,
    subtitle: str,
    warning: str,
    searches: Sequence[tuple[Any, str, str, str]] = (),
) -> None:
    """Add the standard controls: title, fullscreen, measure, mini-map, search, layers, legend.

    Parameters
    ----------
    m : folium.Map
    tiles : folium.TileLayer or None
        The base layer (the mini-map shows the same); ``None``: the mini-map shows ``outline``.
    outline : geopandas.GeoDataFrame, optional
        Polygons for the offline mini-map (thanas).
    legend : sequence of LegendSection or None
        The sections of the drawn layers; ``None`` (a layer with nothing drawn) is skipped.
    notes : sequence of str
        Sentences at the bottom of the legend.
    title, subtitle, warning : str
        Title box texts.
    searches : sequence of (layer, property, geometry type, placeholder)
        One search box each (by thana name, by site name).
    """
    TitleBox(title, subtitle=subtitle, warning=warning).add_to(m)
    Fullscreen(  # type: ignore[no-untyped-call]
        position="topleft", title=_("Full screen"), title_cancel=_("Exit full screen")
    ).add_to(m)
    for layer, prop, geom_type, placeholder in searches:
        if layer is None:
            continue
        Search(  # type: ignore[no-untyped-call]
            layer=layer,
            search_label=prop,
            geom_type=geom_type,
            placeholder=placeholder,
            collapsed=True,
            position="topleft",
            weight=4,
            color="#0057e7",
        ).add_to(m)
    MeasureControl(  # type: ignore[no-untyped-call]
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="hectares",
    ).add_to(m)
    if tiles is not None:
        OverviewMiniMap(tiles=tiles.tiles, tile_options=tiles.options).add_to(m)
    elif outline is not None and not outline.empty:
        shapes = simplified(in_wgs84(outline), MINIMAP_SIMPLIFY_M)
        OverviewMiniMap(
            tiles=None, outline=feature_collection(shapes, [{}] * len(shapes), decimals=4)
        ).add_to(m)
    folium.LayerControl(position="topright", collapsed=True).add_to(m)
    Legend([section for section in legend if section is not None], notes=notes).add_to(m)


def thana_site_searches(thanas: Any, sites: Any) -> list[tuple[Any, str, str, str]]:
    """Return the ``searches`` of :func:`add_controls`: thanas and sites by name.

    Parameters
    ----------
    thanas, sites : folium.GeoJson or None
        The drawn thana polygons and site markers; a ``None`` layer gets no search box.

    Returns
    -------
    list of (layer, property, geometry type, placeholder)
    """
    return [
        (thanas, NAME, "Polygon", _("Search thana")),
        (sites, NAME, "Point", _("Search site")),
    ]
