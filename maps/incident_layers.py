"""The incident layers of the maps: heat, clustered dots per category, counts on hexagons."""

# Drawn as every layer of ``maps.layers`` is (see there): whitelisted popup columns, HTML-escaped
# texts, small counts suppressed when ``share=True``; re-exported by ``maps.layers``.

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from folium.plugins import FastMarkerCluster

from geo.i18n import (
    N_,
    _,
    category_name,
    format_date,
    format_int,
    format_time,
    ngettext,
    source_name,
)
from geo.schema import ACTION_TAKEN, CATEGORY, INCIDENTS, OCCURRED_AT, SOURCE, THANA
from maps import aggregate as agg
from maps import style
from maps.elements import CompactHeatMap, LegendSection
from maps.feature_layer import NOTHING, Drawn, add_card_script, feature_layer
from maps.geojson import in_wgs84, point_degrees
from maps.popups import CardSpec, guard_columns, is_missing, script_json, text
from maps.thana_layers import count_legend

#: The only columns an incident popup may show.
INCIDENT_POPUP_COLUMNS: Final = (CATEGORY, OCCURRED_AT, SOURCE, THANA, ACTION_TAKEN)


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
    lat, lon = point_degrees(incidents.geometry.to_numpy())

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
