"""The analysis layers of the maps: thanas, hotspots, heat, incidents, hexagons, Gi*, trends."""

# Every function draws one layer on a folium map from a model output or a store layer (EPSG:4326
# or any CRS) and returns what it drew plus its legend block (``maps.places`` draws sites,
# cameras and drives the same way). Popups and tooltips show only the
# columns of the layer's whitelist (``*_POPUP_COLUMNS``), checked by ``maps.popups.guard_columns``,
# with every text HTML-escaped; ``share=True`` suppresses small counts and blurs shapes drawn
# through incident positions.

from __future__ import annotations

import html
import logging
import math
from collections.abc import Mapping
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from folium.plugins import FastMarkerCluster

from geo.i18n import (
    N_,
    _,
    category_name,
    day_pattern_name,
    format_date,
    format_int,
    format_time,
    ngettext,
    pgettext,
    place_names,
    source_name,
    trend_name,
    weekday_name,
)
from geo.schema import (
    ACTION_TAKEN,
    CATEGORY,
    INCIDENTS,
    NAME,
    OCCURRED_AT,
    RESOURCES,
    SOURCE,
    THANA,
    THANAS,
    ZONE,
)
from maps import aggregate as agg
from maps import style
from maps.elements import CompactHeatMap, LegendSection, Swatch, WeeklySlider
from maps.feature_layer import NOTHING, Drawn, add_card_script, feature_layer
from maps.geojson import (
    DECIMALS,
    SHARE_DECIMALS,
    blur_polygons,
    in_wgs84,
    simplified,
)
from maps.popups import (
    CardSpec,
    count_text,
    fmt,
    guard_columns,
    is_missing,
    number,
    percent,
    script_json,
    suppressed_text,
    text,
)
from models import hotspots as hs

logger = logging.getLogger(__name__)

#: The only columns each layer may show (popups and tooltips).
THANA_POPUP_COLUMNS: Final = (NAME, ZONE, *RESOURCES)
HOTSPOT_POPUP_COLUMNS: Final = (
    hs.RISK_RANK, hs.RISK_SCORE, hs.INCIDENTS, hs.WHY, hs.PEAK_HOURS, hs.PEAK_HOURS_SHARE,
    hs.DAY_PATTERN, hs.PEAK_WEEKDAY, hs.TREND, hs.RECENT_INCIDENTS, hs.PREVIOUS_INCIDENTS,
    hs.TOP_CATEGORY, hs.TOP_CATEGORY_SHARE, hs.PRIMARY_THANA, hs.CROSS_THANA, hs.THANA_LIST,
    hs.FIRST_DATE, hs.LAST_DATE, hs.NEAREST_SITES, hs.CCTV_COVERED_SHARE, hs.CAMERAS_WORKING,
    hs.CAMERAS_NOT_WORKING, hs.LAST_CAMPAIGN, hs.DAYS_SINCE_CAMPAIGN, hs.NOTES,
)  # fmt: skip
UNDERSERVED_POPUP_COLUMNS: Final = (
    hs.UNDERSERVED_RANK, hs.UNDERSERVED_REASON, hs.RISK_SCORE, hs.INCIDENTS, hs.PRIMARY_THANA,
    hs.PEAK_HOURS, hs.WHY,
)  # fmt: skip
INCIDENT_POPUP_COLUMNS: Final = (CATEGORY, OCCURRED_AT, SOURCE, THANA, ACTION_TAKEN)

#: Hotspot outlines are simplified to this tolerance (metres) for drawing.
HOTSPOT_SIMPLIFY_M: Final = 2.0
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


# --------------------------------------------------------------------------- thanas

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
        name=ngettext(
            "Weekly incidents per thana (slider, {n} week)",
            "Weekly incidents per thana (slider, {n} weeks)",
            len(weekly.weeks),
        ).format(n=format_int(len(weekly.weeks))),
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


# --------------------------------------------------------------------------- hotspots

HOTSPOT_CARD: Final = CardSpec(
    rows=(N_("Incidents"), N_("Peak hours"), N_("Days"), N_("Trend"), N_("Mostly"), N_("Thana"),
          N_("Dates"), N_("Nearest sites"), N_("CCTV coverage"), N_("Cameras"), N_("Last drive"),
          N_("Underserved"), N_("Notes")),
    tip=(15, 16),
)  # fmt: skip


def _hotspot_values(row: Mapping[str, Any], *, share: bool, underserved: str = "") -> list[str]:
    """Return a hotspot's popup values.

    Shareable maps show months instead of days and hide trend counts below 3.
    """
    rank = row.get(hs.RISK_RANK)
    score = row.get(hs.RISK_SCORE)
    score_f = number(score)
    name = _("Hotspot #{rank}").format(rank=fmt(rank)) if not is_missing(rank) else _("Hotspot")
    title = name
    if math.isfinite(score_f):
        # TRANSLATORS: "Hotspot #3: high risk (0.72)"; {risk} is a risk level.
        title = _("{name}: {risk} risk ({score})").format(
            name=name, risk=style.risk_label(score_f), score=f"{score_f:.2f}"
        )
    trend = trend_name(text(row.get(hs.TREND))) if text(row.get(hs.TREND)) else ""
    recent, previous = row.get(hs.RECENT_INCIDENTS), row.get(hs.PREVIOUS_INCIDENTS)
    if not is_missing(recent) and not is_missing(previous):
        # TRANSLATORS: a trend and the counts it compares: "rising (9 recently vs 3 before)".
        trend = (
            _("{trend} ({recent} recently vs {previous} before)")
            .format(
                trend=trend,
                recent=count_text(number(recent), share),
                previous=count_text(number(previous), share),
            )
            .strip()
        )
    peak = text(row.get(hs.PEAK_HOURS))
    if peak and not is_missing(row.get(hs.PEAK_HOURS_SHARE)):
        peak = _("{hours} ({share} of incidents)").format(
            hours=peak, share=percent(row.get(hs.PEAK_HOURS_SHARE))
        )
    pattern, weekday = text(row.get(hs.DAY_PATTERN)), text(row.get(hs.PEAK_WEEKDAY))
    days = " · ".join(
        t
        for t in (
            day_pattern_name(pattern) if pattern else "",
            weekday_name(weekday) if weekday else "",
        )
        if t
    )
    top = category_name(text(row.get(hs.TOP_CATEGORY))) if text(row.get(hs.TOP_CATEGORY)) else ""
    if top and not is_missing(row.get(hs.TOP_CATEGORY_SHARE)):
        top = f"{top} ({percent(row.get(hs.TOP_CATEGORY_SHARE))})"
    thana = text(row.get(hs.PRIMARY_THANA))
    if row.get(hs.CROSS_THANA) is True and text(row.get(hs.THANA_LIST)):
        thana = _("{thana} (crosses {thanas})").format(thana=thana, thanas=row.get(hs.THANA_LIST))
    days_ = [text(row.get(hs.FIRST_DATE)), text(row.get(hs.LAST_DATE))]
    dates = " – ".join(d[:7] if share else d for d in days_ if d)
    cameras = ""
    if not is_missing(row.get(hs.CAMERAS_WORKING)):
        cameras = _("{working} working, {broken} not working").format(
            working=fmt(row.get(hs.CAMERAS_WORKING)), broken=fmt(row.get(hs.CAMERAS_NOT_WORKING))
        )
    campaign = text(row.get(hs.LAST_CAMPAIGN))
    if campaign and not is_missing(row.get(hs.DAYS_SINCE_CAMPAIGN)):
        days_since = number(row.get(hs.DAYS_SINCE_CAMPAIGN))
        campaign = ngettext(
            "{drive} ({n} day before)",
            "{drive} ({n} days before)",
            int(days_since) if math.isfinite(days_since) else 0,
        ).format(drive=campaign, n=fmt(row.get(hs.DAYS_SINCE_CAMPAIGN)))
    rows = [
        fmt(row.get(hs.INCIDENTS)),
        peak,
        days,
        trend,
        top,
        thana,
        dates,
        text(row.get(hs.NEAREST_SITES)),
        percent(row.get(hs.CCTV_COVERED_SHARE)),
        cameras,
        campaign,
        underserved,
        text(row.get(hs.NOTES)),
    ]
    n = number(row.get(hs.INCIDENTS))
    # TRANSLATORS: a hotspot's tooltip, "Hotspot #3: 12 incidents, high risk".
    tip = ngettext(
        "{name}: {n} incident, {risk} risk",
        "{name}: {n} incidents, {risk} risk",
        int(n) if math.isfinite(n) else 0,
    ).format(name=name, n=fmt(row.get(hs.INCIDENTS)), risk=style.risk_label(score_f))
    return HOTSPOT_CARD.values(title, text(row.get(hs.WHY)), rows, extras=(tip, peak))


def _shapes(layer: gpd.GeoDataFrame, share: bool) -> tuple[Any, int]:
    """Return the polygons to draw and the decimals to write (blurred when shared)."""
    if share:
        return blur_polygons(layer), SHARE_DECIMALS
    return simplified(layer, HOTSPOT_SIMPLIFY_M), DECIMALS


def add_hotspots(
    m: folium.Map,
    hotspots: gpd.GeoDataFrame | None,
    *,
    share: bool,
    show: bool = True,
    underserved: Mapping[Any, str] | None = None,
) -> Drawn:
    """Draw hotspot polygons coloured by risk, with popups that say why (``why`` and facts).

    Parameters
    ----------
    m : folium.Map
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output.
    share : bool
        Blur the polygons so that no vertex sits on an incident.
    show : bool
    underserved : mapping, optional
        Hotspot id → why it is underserved (:func:`models.hotspots.underserved_hotspots`).

    Returns
    -------
    Drawn
    """
    if hotspots is None or hotspots.empty:
        return NOTHING
    hotspots = in_wgs84(hotspots)
    if hs.RISK_SCORE in hotspots.columns:  # most at risk drawn last, on top
        hotspots = hotspots.sort_values(hs.RISK_SCORE, kind="stable")
    cols = guard_columns(hotspots, HOTSPOT_POPUP_COLUMNS, layer="hotspot")
    values, styles = [], []
    reasons = underserved or {}
    for hotspot_id, record in zip(hotspots.index, hotspots[cols].to_dict("records"), strict=True):
        score = record.get(hs.RISK_SCORE)
        score_f = number(score)
        values.append(_hotspot_values(record, share=share, underserved=reasons.get(hotspot_id, "")))
        styles.append(
            {
                "color": "#7f0000",
                "weight": 1.5,
                "fillColor": style.risk_color(score_f),
                "fillOpacity": 0.6,
            }
        )
    geoms, decimals = _shapes(hotspots, share)
    layer = feature_layer(
        m,
        geoms,
        name=_("Hotspots ({n}, by risk)").format(n=format_int(len(values))),
        spec=HOTSPOT_CARD,
        values=values,
        styles=styles,
        show=show,
        decimals=decimals,
        hover={"weight": 3, "color": "#000000"},
    )
    items: list[tuple[str, str, Swatch]] = [
        (c, _("{risk} risk").format(risk=pgettext("risk", label)), "fill")
        for c, label in zip(style.RISK_COLORS, style.RISK_LABELS, strict=True)
    ]
    note = _("Click a hotspot for why it is one: peak hours, trend, sites, cameras, drives.")
    return Drawn(layer, LegendSection(_("Hotspots (DBSCAN)"), items, note=note), len(values))


UNDERSERVED_CARD: Final = CardSpec(
    rows=(N_("Incidents"), N_("Risk"), N_("Thana"), N_("Peak hours"), N_("Why a hotspot")),
    tip=(0, 1),
)


def add_underserved(
    m: folium.Map, underserved: gpd.GeoDataFrame | None, *, share: bool, show: bool = True
) -> Drawn:
    """Outline the hotspots with no recent awareness drive (dashed purple), with the reason."""
    if underserved is None or underserved.empty:
        return NOTHING
    underserved = in_wgs84(underserved)
    cols = guard_columns(underserved, UNDERSERVED_POPUP_COLUMNS, layer="underserved hotspot")
    values = []
    for record in underserved[cols].to_dict("records"):
        rank = record.get(hs.UNDERSERVED_RANK)
        title = (
            _("Underserved hotspot #{rank}").format(rank=fmt(rank))
            if not is_missing(rank)
            else _("Underserved")
        )
        rows = [
            fmt(record.get(hs.INCIDENTS)),
            fmt(record.get(hs.RISK_SCORE)),
            text(record.get(hs.PRIMARY_THANA)),
            text(record.get(hs.PEAK_HOURS)),
            text(record.get(hs.WHY)),
        ]
        reason = text(record.get(hs.UNDERSERVED_REASON))
        values.append(UNDERSERVED_CARD.values(title, reason[:1].upper() + reason[1:], rows))
    # outline only: clicks inside reach the hotspot below (whose popup says it too)
    line = {"color": style.UNDERSERVED_COLOR, "weight": 4, "dashArray": "6 4", "fill": False}
    geoms, decimals = _shapes(underserved, share)
    layer = feature_layer(
        m,
        geoms,
        name=_("Underserved hotspots ({n}, no recent drive)").format(n=format_int(len(values))),
        spec=UNDERSERVED_CARD,
        values=values,
        styles=[line] * len(values),
        show=show,
        decimals=decimals,
    )
    legend = LegendSection(
        _("Underserved hotspots"),
        [(style.UNDERSERVED_COLOR, _("no awareness drive nearby lately"), "dashed")],
    )
    return Drawn(layer, legend, len(values))


# --------------------------------------------------------------------------- incidents


def add_heat(
    m: folium.Map,
    incidents: gpd.GeoDataFrame,
    *,
    share: bool,
    aggregated: bool,
    metric_crs: str | None = None,
    show: bool = True,
) -> Drawn:
    """Draw an incident heat layer.

    Internal maps with few incidents use the points themselves; large sets use counts on a
    :data:`maps.aggregate.HEAT_CELL_M` grid; shareable maps use a
    :data:`maps.aggregate.SHARE_CELL_M` grid without the cells of fewer than
    :data:`maps.aggregate.SUPPRESS_BELOW` incidents (cell centres only, never a point).
    """
    if incidents.empty:
        return NOTHING
    if share:
        data = agg.heat_points(
            incidents,
            exact=False,
            cell_m=agg.SHARE_CELL_M,
            min_count=agg.SUPPRESS_BELOW,
            metric_crs=metric_crs,
        )
        what = _("counts on {metres} m cells").format(metres=f"{agg.SHARE_CELL_M:g}")
    elif aggregated:
        data = agg.heat_points(
            incidents, exact=False, cell_m=agg.HEAT_CELL_M, metric_crs=metric_crs
        )
        what = _("counts on {metres} m cells").format(metres=f"{agg.HEAT_CELL_M:g}")
    else:
        data = agg.heat_points(incidents, exact=True)
        what = _("incident positions")
    if not data:
        return NOTHING
    layer = CompactHeatMap(
        data,
        name=_("Heat: incident density"),
        min_opacity=0.2,
        radius=14 if (share or aggregated) else 10,
        blur=14,
        max_zoom=14,
        gradient={str(k): v for k, v in style.HEAT_GRADIENT.items()},
        show=show,
    )
    layer.add_to(m)
    gradient = "linear-gradient(to right, " + ", ".join(style.HEAT_GRADIENT.values()) + ")"
    legend = LegendSection(_("Heat"), [(gradient, _("density ({what})").format(what=what), "heat")])
    return Drawn(layer, legend, len(data))


INCIDENT_CARD: Final = CardSpec(
    rows=(N_("When"), N_("Source"), N_("Thana"), N_("Action")), tip=(0, 2)
)

_CLUSTER_CALLBACK: Final = """function (row) {
    var spec = %(spec)s;
    var icon = L.divIcon({className: "", iconSize: [10, 10], html: '<div class="shakti-dot" ' +
        'style="width:10px;height:10px;background:%(color)s"></div>'});
    var marker = L.marker(new L.LatLng(row[0], row[1]), {icon: icon});
    var v = [%(title)s, ""].concat(row.slice(2));
    marker.bindPopup(function () { return shaktiCard(spec, v); });
    return marker;
}"""


def _when(value: Any) -> str:
    if is_missing(value):
        return ""
    when = pd.Timestamp(value)
    return f"{format_date(when.date())} {format_time(when.time())}"


def add_incident_clusters(
    m: folium.Map, incidents: gpd.GeoDataFrame, colors: Mapping[str, str], *, show: bool = True
) -> list[Drawn]:
    """Draw incidents as clustered dots, one clustered layer per category (internal maps only).

    Parameters
    ----------
    m : folium.Map
    incidents : geopandas.GeoDataFrame
        Points (EPSG:4326); popups show only :data:`INCIDENT_POPUP_COLUMNS`.
    colors : mapping
        Category → colour.
    show : bool

    Returns
    -------
    list of Drawn
        One per category.
    """
    if incidents.empty:
        return []
    add_card_script(m)
    incidents = in_wgs84(incidents)
    cols = guard_columns(incidents, INCIDENT_POPUP_COLUMNS, layer="incident", spec=INCIDENTS)
    categories = (
        incidents[CATEGORY].astype("string").fillna("unknown")
        if CATEGORY in cols
        else pd.Series("incident", index=incidents.index, dtype="string")
    )
    coords = shapely.get_coordinates(incidents.geometry.to_numpy())
    lat = np.round(coords[:, 1], DECIMALS)
    lon = np.round(coords[:, 0], DECIMALS)

    def column(name: str) -> list[str]:
        if name not in cols:
            return [""] * len(incidents)
        if name == OCCURRED_AT:
            return [html.escape(_when(v)) for v in incidents[name]]
        if name == SOURCE:
            return [html.escape(source_name(v) if text(v) else "") for v in incidents[name]]
        return [html.escape(text(v)) for v in incidents[name]]

    when, source, thana, action = (column(c) for c in (OCCURRED_AT, SOURCE, THANA, ACTION_TAKEN))
    drawn: list[Drawn] = []
    order = list(colors) + sorted(set(categories) - set(colors))
    for category in order:
        sel = np.flatnonzero((categories == category).to_numpy())
        if sel.size == 0:
            continue
        rows = [
            [float(lat[i]), float(lon[i]), when[i], source[i], thana[i], action[i]] for i in sel
        ]
        callback = _CLUSTER_CALLBACK % {
            "spec": INCIDENT_CARD.to_json(),
            "color": colors.get(category, style.CATEGORY_PALETTE[-1]),
            "title": script_json(html.escape(category_name(category))),
        }
        layer = FastMarkerCluster(  # type: ignore[no-untyped-call]
            rows,
            callback=callback,
            name=_("Incidents: {category} ({n})").format(
                category=category_name(category), n=format_int(sel.size)
            ),
            show=show,
            disableClusteringAtZoom=17,
            spiderfyOnMaxZoom=True,
        )
        layer.add_to(m)
        drawn.append(Drawn(layer, None, int(sel.size)))
    return drawn


HEX_CARD: Final = CardSpec(tip=(0, 2), popup=False)


def add_hex_counts(
    m: folium.Map, incidents: gpd.GeoDataFrame, *, share: bool, show: bool = True
) -> Drawn:
    """Draw incident counts on H3 hexagons (instead of points for large or shareable maps)."""
    if incidents.empty:
        return NOTHING
    incidents = in_wgs84(incidents)
    guard_columns(incidents, (CATEGORY,), layer="incident", spec=INCIDENTS)
    hexes = agg.hex_counts(incidents, min_count=agg.SUPPRESS_BELOW if share else 1)
    if hexes.empty:
        return NOTHING
    counts = hexes[agg.COUNT].to_numpy(dtype=float)
    breaks = style.count_breaks(counts)
    values = [
        HEX_CARD.values(
            ngettext("{n} incident", "{n} incidents", int(n)).format(n=format_int(n)),
            extras=(
                _("mostly {category}").format(category=category_name(top))
                if isinstance(top, str) and top
                else "",
            ),
        )
        for n, top in zip(hexes[agg.COUNT], hexes[agg.TOP_CATEGORY], strict=True)
    ]
    styles = [
        {
            "color": "#555555",
            "weight": 0.3,
            "fillColor": style.count_color(n, breaks),
            "fillOpacity": 0.65,
        }
        for n in counts
    ]
    layer = feature_layer(
        m,
        hexes.geometry.to_numpy(),
        name=_("Incident counts on hexagons ({n})").format(n=format_int(len(values))),
        spec=HEX_CARD,
        values=values,
        styles=styles,
        show=show,
    )
    items = count_legend(breaks, share=share)
    note = _("Hexagons ≈ 200 m edge (H3 resolution 9).")
    if share:
        hidden = _("Hexagons with fewer than {n} incidents are not shown.").format(
            n=agg.SUPPRESS_BELOW
        )
        note = f"{note} {hidden}"
    return Drawn(layer, LegendSection(_("Incidents per hexagon"), items, note=note), len(values))


# --------------------------------------------------------------------------- statistics

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
    values, styles = [], []
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
        styles.append({"color": color, "weight": 0.4, "fillColor": color, "fillOpacity": 0.6})
    layer = feature_layer(
        m,
        cells.geometry.to_numpy(),
        name=ngettext(
            "Gi* hot and cold spots ({n} cell)", "Gi* hot and cold spots ({n} cells)", len(values)
        ).format(n=format_int(len(values))),
        spec=CELL_CARD,
        values=values,
        styles=styles,
        show=show,
    )
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
    values, styles = [], []
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
        styles.append({"color": color, "weight": 0.4, "fillColor": color, "fillOpacity": 0.65})
    layer = feature_layer(
        m,
        cells.geometry.to_numpy(),
        name=ngettext(
            "Emerging hot-spot trends ({n} cell)",
            "Emerging hot-spot trends ({n} cells)",
            len(values),
        ).format(n=format_int(len(values))),
        spec=CELL_CARD,
        values=values,
        styles=styles,
        show=show,
    )
    present = set(cells[PATTERN].astype(str))
    items: list[tuple[str, str, Swatch]] = [
        (colors[p], pattern_name(p), "fill") for p in PATTERNS if p in present and p in colors
    ]
    note = _("Space-time Gi* per period and Mann-Kendall trend (ArcGIS classes).")
    return Drawn(layer, LegendSection(_("Emerging hot-spot trends"), items, note=note), len(values))
