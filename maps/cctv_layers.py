"""CCTV plan layers: sites by gap (red, amber, green) and proposed cameras with their view."""

from __future__ import annotations

import html
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import (
    N_,
    _,
    format_int,
    format_percent,
    gap_status_name,
    priority_name,
    site_kind_name,
)
from geo.schema import KIND, NAME
from maps.elements import LegendSection, Swatch
from maps.feature_layer import NOTHING, Drawn, feature_layer, point_marker
from maps.geojson import in_wgs84
from maps.popups import CardSpec, fmt, text
from models.cctv import gaps as cg
from models.cctv import placement as pl

#: Colour of a site by gap status: no camera (red), a repair would cover it (amber), seen.
GAP_COLORS: Final[Mapping[str, str]] = MappingProxyType(
    {cg.UNCOVERED: "#d7191c", cg.REPAIRABLE: "#fdae61", cg.COVERED_STATUS: "#1a9641"}
)
GAP_LABELS: Final[Mapping[str, str]] = MappingProxyType(
    {
        cg.UNCOVERED: N_("gap: no camera sees it"),
        cg.REPAIRABLE: N_("repairable: a broken camera would"),
        cg.COVERED_STATUS: N_("covered by a working camera"),
    }
)
#: Colour of proposed new cameras and of proposed repairs.
PROPOSED_COLORS: Final[Mapping[str, str]] = MappingProxyType(
    {pl.NEW: "#2c7bb6", pl.REPAIR: "#fdae61"}
)

GAP_CARD: Final = CardSpec(
    rows=(
        N_("Kind"),
        N_("Status"),
        N_("Priority"),
        N_("Gap rank"),
        N_("Nearest working camera"),
        N_("Incidents near"),
    ),
    tip=(0, 3),
)
PROPOSED_CARD: Final = CardSpec(
    rows=(N_("Order"), N_("Action"), N_("Gain"), N_("Cumulative share"), N_("View radius")),
    tip=(0, 2),
)  # fmt: skip
VIEW_CARD: Final = CardSpec(tip=(0,), popup=False)


def add_gap_sites(m: folium.Map, gaps: gpd.GeoDataFrame | None, *, show: bool = True) -> Drawn:
    """Draw sites coloured by gap status with their priority and reasons.

    Parameters
    ----------
    m : folium.Map
    gaps : geopandas.GeoDataFrame, optional
        :attr:`models.cctv.gaps.GapAnalysis.gaps`.
    show : bool

    Returns
    -------
    Drawn
        Features carry an escaped ``name`` (for search).
    """
    if gaps is None or gaps.empty:
        return NOTHING
    gaps = in_wgs84(gaps)
    values, styles, names = [], [], []
    for record in gaps.to_dict("records"):
        status = str(record[cg.GAP_STATUS])
        name = text(record.get(NAME)) or _("site")
        near = record.get(cg.NEAREST_WORKING_M)
        kind, priority = text(record.get(KIND)), text(record.get(cg.PRIORITY))
        rows = [
            site_kind_name(kind) if kind else "",
            gap_status_name(status),
            priority_name(priority) if priority else "",
            fmt(record.get(cg.GAP_RANK)),
            _("none") if pd.isna(near) else _("{metres} m").format(metres=format_int(near)),
            fmt(record.get(cg.INCIDENTS_NEAR)),
        ]
        values.append(GAP_CARD.values(name, lead=text(record.get(cg.WHY)), rows=rows))
        names.append(html.escape(name))
        gap = status != cg.COVERED_STATUS
        styles.append(
            {
                "color": "#000000",
                "fillColor": GAP_COLORS[status],
                "fillOpacity": 0.95,
                "radius": 8 if gap else 6,
                "weight": 2 if record.get(cg.PRIORITY) == cg.HIGH else 1,
            }
        )
    layer = feature_layer(
        m,
        gaps.geometry.to_numpy(),
        name=_("{layer} ({n})").format(
            layer=_("Sites by camera coverage"), n=format_int(len(values))
        ),
        spec=GAP_CARD,
        values=values,
        styles=styles,
        show=show,
        marker=point_marker(6),
        names=names,
    )
    items: list[tuple[str, str, Swatch]] = [
        (GAP_COLORS[s], _(GAP_LABELS[s]), "circle") for s in cg.GAP_STATUSES[::-1]
    ]
    return Drawn(
        layer,
        LegendSection(
            _("Sites by camera coverage"), items, note=_("Thick outline: high priority.")
        ),
        len(values),
    )


def add_proposed_cameras(
    m: folium.Map, proposed: gpd.GeoDataFrame | None, *, show: bool = True
) -> list[Drawn]:
    """Draw proposed cameras (numbered by marginal gain) and their view circles.

    Parameters
    ----------
    m : folium.Map
    proposed : geopandas.GeoDataFrame, optional
        :attr:`models.cctv.placement.Placement.cameras`.
    show : bool

    Returns
    -------
    list of Drawn
        The view circles, then the camera points.
    """
    if proposed is None or proposed.empty:
        return [NOTHING, NOTHING]
    proposed = in_wgs84(proposed)
    records = proposed.to_dict("records")
    circle_values, circle_styles, radii = [], [], []
    values, styles = [], []
    for r in records:
        action = str(r[pl.ACTION])
        color = PROPOSED_COLORS[action]
        title = (_("#{order} repair") if action == pl.REPAIR else _("#{order} new camera")).format(
            order=r[pl.ORDER]
        )
        view = _("{camera}: {metres} m view").format(
            camera=title, metres=f"{r[pl.VIEW_RADIUS_M]:g}"
        )
        circle_values.append(VIEW_CARD.values(view))
        circle_styles.append({"color": color, "weight": 2, "fillColor": color, "fillOpacity": 0.2})
        radii.append(float(r[pl.VIEW_RADIUS_M]))
        rows = [
            str(r[pl.ORDER]),
            text(r[pl.LABEL]),
            f"{r[pl.MARGINAL_GAIN]:.1f}",
            format_percent(r[pl.CUMULATIVE_SHARE]),
            _("{metres} m").format(metres=f"{r[pl.VIEW_RADIUS_M]:g}"),
        ]
        values.append(PROPOSED_CARD.values(title, lead=text(r[pl.WHY]), rows=rows))
        styles.append(
            {"color": "#000000", "fillColor": color, "fillOpacity": 1.0, "radius": 6, "weight": 2}
        )
    circles = feature_layer(
        m,
        proposed.geometry.to_numpy(),
        name=_("Proposed camera views"),
        spec=VIEW_CARD,
        values=circle_values,
        styles=circle_styles,
        show=show,
        marker=folium.Circle(radius=pl.NEW_CAMERA_RADIUS_M, weight=2, fill=True),
        radii=radii,
    )
    points = feature_layer(
        m,
        proposed.geometry.to_numpy(),
        name=_("Proposed cameras ({n})").format(n=format_int(len(values))),
        spec=PROPOSED_CARD,
        values=values,
        styles=styles,
        show=show,
        marker=point_marker(6),
    )
    items: list[tuple[str, str, Swatch]] = [
        (PROPOSED_COLORS[pl.NEW], _("proposed new camera (view circle)"), "circle"),
        (PROPOSED_COLORS[pl.REPAIR], _("proposed repair (view circle)"), "circle"),
    ]
    note = _("Numbered in order of marginal gain: stop at any number.")
    return [
        Drawn(circles, None, len(values)),
        Drawn(points, LegendSection(_("Proposed cameras"), items, note=note), len(values)),
    ]
