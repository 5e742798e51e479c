"""The grid-cell statistics layers of the maps: Gi* hot and cold cells, emerging hot-spot trends."""

# Drawn as every layer of ``maps.layers`` is (see there): whitelisted popup columns, HTML-escaped
# texts, small counts suppressed when ``share=True``; re-exported by ``maps.layers``.

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final

import folium
import geopandas as gpd

from geo.i18n import _, counted, ngettext
from maps import style
from maps.elements import LegendSection, Swatch
from maps.feature_layer import NOTHING, Drawn, feature_layer
from maps.geojson import in_wgs84
from maps.popups import CardSpec, count_text, fmt, guard_columns, is_missing

#: The card of a Gi* or trend cell: a tooltip of three lines, no popup.
CELL_CARD: Final = CardSpec(tip=(0, 2, 3, 4), popup=False)
#: The fill of a cell whose class has no colour of its own.
OTHER_CELL_COLOR: Final = "#999999"


def add_gi_cells(
    m: folium.Map, gi_cells: gpd.GeoDataFrame | None, *, share: bool, show: bool = False
) -> Drawn:
    """Draw the significant Gi* cells (hot and cold, by confidence) of ``gi_star`` output."""
    if gi_cells is None or gi_cells.empty:
        return NOTHING
    from models.surfaces.grid import COUNT
    from models.surfaces.significance import GI_CLASS, GI_Z, NOT_SIGNIFICANT

    cells = in_wgs84(gi_cells)
    cells = cells[cells[GI_CLASS].astype(str) != NOT_SIGNIFICANT]
    if cells.empty:
        return NOTHING
    cols = guard_columns(cells, (GI_CLASS, GI_Z, COUNT), layer="Gi*")
    key = {k: (color, _(label)) for k, (color, label) in style.gi_styles().items()}
    values = []
    for record in cells[cols].to_dict("records"):
        klass = str(record[GI_CLASS])
        label = key[klass][1] if klass in key else _(klass)
        count = record.get(COUNT)
        z = record.get(GI_Z)
        values.append(
            CELL_CARD.values(
                label,
                extras=(
                    ngettext(
                        "{n} incident in the cell", "{n} incidents in the cell", int(count)
                    ).format(n=count_text(float(count), share))
                    if not is_missing(count)
                    else "",
                    _("Gi* z = {z}").format(z=f"{float(z):.2f}") if not is_missing(z) else "",
                    "",
                ),
            )
        )
    legend = LegendSection(
        _("Gi* hot and cold spots"),
        note=_("Getis-Ord Gi* on grid cells, FDR-corrected; only significant cells are drawn."),
    )
    return _classed_cells(m, cells, GI_CLASS, values, key, legend, opacity=0.6, show=show)


def add_emerging(
    m: folium.Map, emerging: gpd.GeoDataFrame | None, *, share: bool, show: bool = False
) -> Drawn:
    """Draw the cells of ``emerging_hotspots`` output that show a pattern (new, intensifying...)."""
    if emerging is None or emerging.empty:
        return NOTHING
    from models.surfaces.emerging import (
        N_BINS,
        N_HOT,
        NO_PATTERN,
        PATTERN,
        PATTERNS,
        TREND_Z,
        pattern_name,
    )
    from models.surfaces.grid import COUNT

    cells = in_wgs84(emerging)
    cells = cells[cells[PATTERN].astype(str) != NO_PATTERN]
    if cells.empty:
        return NOTHING
    cols = guard_columns(cells, (PATTERN, COUNT, N_HOT, N_BINS, TREND_Z), layer="emerging")
    colors = style.pattern_colors()
    key = {p: (colors[p], pattern_name(p)) for p in PATTERNS if p in colors}
    values = []
    for record in cells[cols].to_dict("records"):
        pattern = str(record[PATTERN])
        hot_bins = (
            _("hot in {hot} of {bins} periods").format(
                hot=fmt(record.get(N_HOT)), bins=fmt(record.get(N_BINS))
            )
            if not is_missing(record.get(N_HOT)) and not is_missing(record.get(N_BINS))
            else ""
        )
        count = record.get(COUNT)
        trend_z = record.get(TREND_Z)
        values.append(
            CELL_CARD.values(
                pattern_name(pattern),
                extras=(
                    ngettext("{n} incident", "{n} incidents", int(count)).format(
                        n=count_text(float(count), share)
                    )
                    if not is_missing(count)
                    else "",
                    hot_bins,
                    _("trend z = {z}").format(z=f"{float(trend_z):.2f}")
                    if not is_missing(trend_z)
                    else "",
                ),
            )
        )
    legend = LegendSection(
        _("Emerging hot-spot trends"),
        note=_("Space-time Gi* per period and Mann-Kendall trend (ArcGIS classes)."),
    )
    return _classed_cells(m, cells, PATTERN, values, key, legend, opacity=0.65, show=show)


def _classed_cells(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    column: str,
    values: Sequence[Sequence[str]],
    key: Mapping[str, tuple[str, str]],
    legend: LegendSection,
    *,
    opacity: float,
    show: bool,
) -> Drawn:
    """Add cells as one layer of :data:`CELL_CARD` cards, each filled with its class's colour.

    Parameters
    ----------
    m : folium.Map
    cells : geopandas.GeoDataFrame
        The cells to draw (EPSG:4326).
    column : str
        The column holding each cell's class.
    values : sequence of sequence of str
        The card of each cell.
    key : mapping
        Class → (colour, label), in the legend's order; a class not in it is drawn grey.
    legend : LegendSection
        Its title and note; its items become the classes of ``key`` that are drawn. The
        layer's name in the layer control is the title with the number of cells.
    opacity : float
        Fill opacity.
    show : bool

    Returns
    -------
    Drawn
    """
    n = len(values)
    # TRANSLATORS: a layer's name and how many grid cells it draws, "Emerging hot-spot trends
    # (12 cells)".
    name = counted(n, "{layer} ({n} cell)", "{layer} ({n} cells)", layer=legend.title)
    classes = cells[column].astype(str)
    fills = [key[k][0] if k in key else OTHER_CELL_COLOR for k in classes]
    layer = feature_layer(
        m,
        cells.geometry.to_numpy(),
        name=name,
        spec=CELL_CARD,
        values=values,
        styles=[{"color": c, "weight": 0.4, "fillColor": c, "fillOpacity": opacity} for c in fills],
        show=show,
    )
    present = set(classes)
    items: list[tuple[str, str, Swatch]] = [
        (color, label, "fill") for k, (color, label) in key.items() if k in present
    ]
    return Drawn(layer, replace(legend, items=items), len(values))
