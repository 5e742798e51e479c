"""The thana layers of the maps: the choropleth of a count per thana, name labels, weekly slider."""

# Drawn as every layer of ``maps.layers`` is (see there): whitelisted popup columns, HTML-escaped
# texts, small counts suppressed when ``share=True``; re-exported by ``maps.layers``.

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.i18n import N_, _, category_name, counted, ngettext, place_names
from geo.schema import NAME, RESOURCES, THANAS, ZONE
from maps import aggregate as agg
from maps import style
from maps.elements import LegendSection, Swatch, WeeklySlider
from maps.feature_layer import NOTHING, Drawn, feature_layer
from maps.geojson import DECIMALS, in_wgs84, simplified
from maps.popups import CardSpec, count_text, fmt, guard_columns, percent, suppressed_text, text

#: The only columns a thana popup or tooltip may show.
THANA_POPUP_COLUMNS: Final = (NAME, ZONE, *RESOURCES)

#: Thana outlines are simplified to this tolerance (metres) for drawing.
THANA_SIMPLIFY_M: Final = 5.0


def count_legend(
    breaks: list[float], *, share: bool, suppressed: bool = False
) -> list[tuple[str, str, Swatch]]:
    """Return the legend rows of a count choropleth.

    Shareable maps start the classes at 3; with ``suppressed`` they add a "fewer than 3" row
    (for layers that draw such counts grey rather than leave them out).
    """
    colors = style.class_colors(len(breaks))
    labels = style.break_labels(breaks, start=agg.SUPPRESS_BELOW if share else 1)
    items: list[tuple[str, str, Swatch]] = [
        (c, label, "fill") for c, label in zip(colors, labels, strict=True)
    ]
    if share and suppressed:
        items.append((style.SUPPRESSED_COLOR, suppressed_text(), "fill"))
    return items


#: Popup labels of a thana's resource counts (``geo.schema.RESOURCES``).
RESOURCE_LABELS: Final[Mapping[str, str]] = {
    "vehicles": N_("Vehicles"), "women_staff": N_("Women staff"), "rooms": N_("Rooms"),
    "toilets": N_("Toilets"), "computers": N_("Computers"), "phones": N_("Phones"),
}  # fmt: skip
#: The popup rows of a thana (the measure's row comes second); a resource column's label is
#: its name in words (``women_helpdesks`` → "Women helpdesks"), marked below for translation.
_THANA_ROWS: Final = (
    N_("Zone"), N_("Share of all"), N_("Most frequent"), N_("Hotspots"),
    *(RESOURCE_LABELS.get(r, r.replace("_", " ").capitalize()) for r in RESOURCES),
)  # fmt: skip
#: Measures a thana choropleth shows: (row and legend word, "per thana" title, tooltip).
INCIDENTS_MEASURE: Final = "incidents"
SITES_WITHOUT_CAMERA: Final = "sites without a camera"


def _measure_texts(measure: str) -> tuple[str, str, str]:
    """Return (popup row, legend title, layer name) of a thana measure."""
    if measure == SITES_WITHOUT_CAMERA:
        return (
            _("Sites without a camera"),
            _("Sites without a camera per thana"),
            _("Thanas: sites without a camera per thana"),
        )
    return (_("Incidents"), _("Incidents per thana"), _("Thanas: incidents per thana"))


def _thana_tip(measure: str, value: float, shown: str) -> str:
    """Return a thana's tooltip line (``"12 incidents"``), empty when nothing is shown."""
    if not shown:
        return ""
    n = int(value) if math.isfinite(value) else 0
    if measure == SITES_WITHOUT_CAMERA:
        return ngettext("{n} site without a camera", "{n} sites without a camera", n).format(
            n=shown
        )
    return ngettext("{n} incident", "{n} incidents", n).format(n=shown)


def _thana_card(measure: str) -> CardSpec:
    rows = (_THANA_ROWS[0], _measure_texts(measure)[0], *_THANA_ROWS[1:])
    return CardSpec(rows=rows, tip=(0, 2 + len(rows)))


def add_thanas(
    m: folium.Map,
    thanas: gpd.GeoDataFrame | None,
    counts: pd.Series,
    *,
    share: bool,
    hotspots_per_thana: Mapping[str, int] | None = None,
    top_category: Mapping[str, str] | None = None,
    show: bool = True,
    measure: str = INCIDENTS_MEASURE,
) -> Drawn:
    """Draw thana boundaries as a choropleth of a count per thana, with tooltips and popups.

    Parameters
    ----------
    m : folium.Map
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons with ``name`` (and optionally ``zone`` and resource counts).
    counts : pandas.Series
        Incidents per thana name.
    share : bool
        Suppress counts below :data:`maps.aggregate.SUPPRESS_BELOW`.
    hotspots_per_thana, top_category : mapping, optional
        Extra facts for the popups.
    show : bool
    measure : {"incidents", "sites without a camera"}
        What ``counts`` counts (popup row, tooltip, legend title), in the current language.

    Returns
    -------
    Drawn
        The layer is a ``folium.GeoJson`` whose features carry an escaped ``name`` (for search).
    """
    if thanas is None or thanas.empty or NAME not in thanas.columns:
        return NOTHING
    thanas = in_wgs84(thanas)
    cols = guard_columns(thanas, THANA_POPUP_COLUMNS, layer="thana", spec=THANAS)
    names = thanas[NAME].astype(str).tolist()
    counted = np.array([float(counts.get(n, 0)) for n in names])
    hidden = share & (counted > 0) & (counted < agg.SUPPRESS_BELOW)
    shown = np.where(hidden, np.nan, counted)
    breaks = style.count_breaks(shown)
    total = float(counted.sum()) or 1.0
    card = _thana_card(measure)
    values, styles = [], []
    for i, record in enumerate(thanas[cols].to_dict("records")):
        name = names[i]
        incidents = count_text(counted[i], share)
        rows = [
            text(record.get(ZONE)),
            incidents,
            "" if hidden[i] else percent(counted[i] / total),
            category_name((top_category or {})[name]) if name in (top_category or {}) else "",
            "" if hotspots_per_thana is None else fmt(hotspots_per_thana.get(name, 0)),
            *(fmt(record.get(r)) for r in RESOURCES),
        ]
        tip = _thana_tip(measure, counted[i], incidents)
        title = _("Thana {name}").format(name=name)
        values.append(card.values(title, rows=rows, extras=(tip,)))
        styles.append(
            {
                "color": style.THANA_LINE,
                "weight": 1.2,
                "fillColor": style.count_color(shown[i], breaks),
                "fillOpacity": 0.35,
            }
        )
    layer = feature_layer(
        m,
        simplified(thanas, THANA_SIMPLIFY_M),
        name=_measure_texts(measure)[2],
        spec=card,
        values=values,
        styles=styles,
        show=show,
        hover={"weight": 3, "color": "#000000"},
        names=[html.escape(n) for n in names],
    )
    items = count_legend(breaks, share=share, suppressed=True)
    return Drawn(layer, LegendSection(_measure_texts(measure)[1], items), len(values))


def add_thana_labels(m: folium.Map, thanas: gpd.GeoDataFrame | None) -> Drawn:
    """Write each thana's name at a point inside it (a layer of its own)."""
    if thanas is None or thanas.empty or NAME not in thanas.columns:
        return NOTHING
    thanas = in_wgs84(thanas)
    group = folium.FeatureGroup(name=_("Thana names"), show=True)
    points = thanas.geometry.representative_point()
    for name, point in zip(place_names(thanas), points, strict=True):
        folium.Marker(
            location=[round(point.y, DECIMALS), round(point.x, DECIMALS)],
            icon=folium.DivIcon(
                html=f'<div class="shakti-label">{html.escape(name)}</div>',
                icon_size=(140, 14),
                icon_anchor=(70, 7),
                class_name="shakti-label-icon",
            ),
            interactive=False,
        ).add_to(group)
    group.add_to(m)
    return Drawn(group, None, len(thanas))


def add_weekly_slider(
    m: folium.Map,
    thanas: gpd.GeoDataFrame | None,
    weekly: agg.WeeklyCounts,
    *,
    share: bool,
) -> Drawn:
    """Draw a thana layer (off at start) recoloured week by week with a time slider.

    Parameters
    ----------
    m : folium.Map
    thanas : geopandas.GeoDataFrame, optional
    weekly : maps.aggregate.WeeklyCounts
        Incidents per thana and week.
    share : bool
        Counts below :data:`maps.aggregate.SUPPRESS_BELOW` are shown as suppressed.

    Returns
    -------
    Drawn
    """
    if thanas is None or thanas.empty or not weekly.weeks or NAME not in thanas.columns:
        return NOTHING
    thanas = in_wgs84(thanas)
    matrix = weekly.counts.to_numpy(dtype=float)
    hidden = share & (matrix > 0) & (matrix < agg.SUPPRESS_BELOW)
    breaks = style.count_breaks(np.where(hidden, np.nan, matrix))
    colors = style.class_colors(len(breaks))
    series: dict[str, list[int | None]] = {}
    for name, row in zip(weekly.counts.index.astype(str), matrix, strict=True):
        series[html.escape(name)] = [
            None if share and 0 < v < agg.SUPPRESS_BELOW else int(v) for v in row
        ]
    names = [html.escape(str(n)) for n in thanas[NAME]]
    base = {
        "color": style.THANA_LINE,
        "weight": 1,
        "fillColor": style.EMPTY_COLOR,
        "fillOpacity": 0.8,
    }
    spec = CardSpec(tip=(), popup=False)
    layer = feature_layer(
        m,
        simplified(thanas, THANA_SIMPLIFY_M),
        name=counted(
            len(weekly.weeks),
            "Weekly incidents per thana (slider, {n} week)",
            "Weekly incidents per thana (slider, {n} weeks)",
        ),
        spec=spec,
        values=[spec.values(n) for n in names],
        styles=[base] * len(names),
        show=False,
        names=names,
    )
    WeeklySlider(
        layer,
        key=NAME,
        weeks=weekly.weeks,
        values=series,
        breaks=breaks,
        colors=colors,
        empty_color=style.EMPTY_COLOR,
        suppressed_color=style.SUPPRESSED_COLOR,
        suppressed_text=suppressed_text(),
    ).add_to(m)
    items = count_legend(breaks, share=share, suppressed=True)
    legend = LegendSection(
        _("Incidents per thana per week (slider layer)"),
        items,
        note=_("Switch the weekly layer on to show the slider; ▶ plays the weeks."),
    )
    return Drawn(layer, legend, len(names))
