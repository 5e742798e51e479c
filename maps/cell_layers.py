"""The grid-cell statistics layers of the maps: Gi* hot and cold cells, emerging hot-spot trends."""

# Drawn as every layer of ``maps.layers`` is (see there): whitelisted popup columns, HTML-escaped
# texts, small counts suppressed when ``share=True``; re-exported by ``maps.layers``.

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import folium
import geopandas as gpd

from geo.i18n import _, format_int, ngettext
from maps import style
from maps.elements import LegendSection, Swatch
from maps.feature_layer import NOTHING, Drawn, feature_layer
from maps.geojson import in_wgs84
from maps.popups import CardSpec, count_text, fmt, guard_columns, is_missing

#: The card of a Gi* or trend cell: a tooltip of three lines, no popup.
CELL_CARD: Final = CardSpec(tip=(0, 2, 3, 4), popup=False)


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
    by_class = style.gi_styles()
    values, fills = [], []
    for record in cells[cols].to_dict("records"):
        klass = str(record[GI_CLASS])
        color, label = by_class.get(klass, ("#999999", klass))
        label = _(label)
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
        fills.append(color)
    name = ngettext(
        "Gi* hot and cold spots ({n} cell)", "Gi* hot and cold spots ({n} cells)", len(values)
    ).format(n=format_int(len(values)))
    layer = _cell_layer(m, cells, values, fills, name=name, fill_opacity=0.6, show=show)
    present = set(cells[GI_CLASS].astype(str))
    items: list[tuple[str, str, Swatch]] = [
        (c, _(label), "fill") for k, (c, label) in by_class.items() if k in present
    ]
    note = _("Getis-Ord Gi* on grid cells, FDR-corrected; only significant cells are drawn.")
    return Drawn(layer, LegendSection(_("Gi* hot and cold spots"), items, note=note), len(values))


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
    values, fills = [], []
    for record in cells[cols].to_dict("records"):
        pattern = str(record[PATTERN])
        color = colors.get(pattern, "#999999")
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
        fills.append(color)
    name = ngettext(
        "Emerging hot-spot trends ({n} cell)", "Emerging hot-spot trends ({n} cells)", len(values)
    ).format(n=format_int(len(values)))
    layer = _cell_layer(m, cells, values, fills, name=name, fill_opacity=0.65, show=show)
    present = set(cells[PATTERN].astype(str))
    items: list[tuple[str, str, Swatch]] = [
        (colors[p], pattern_name(p), "fill") for p in PATTERNS if p in present and p in colors
    ]
    note = _("Space-time Gi* per period and Mann-Kendall trend (ArcGIS classes).")
    return Drawn(layer, LegendSection(_("Emerging hot-spot trends"), items, note=note), len(values))


def _cell_layer(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    values: Sequence[Sequence[str]],
    colors: Sequence[str],
    *,
    name: str,
    fill_opacity: float,
    show: bool,
) -> Any:
    """Add the cells as one layer of :data:`CELL_CARD` cards, each filled with its colour."""
    styles = [
        {"color": c, "weight": 0.4, "fillColor": c, "fillOpacity": fill_opacity} for c in colors
    ]
    return feature_layer(
        m,
        cells.geometry.to_numpy(),
        name=name,
        spec=CELL_CARD,
        values=values,
        styles=styles,
        show=show,
    )
