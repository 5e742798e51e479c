"""The place layers of the maps: sensitive sites, CCTV cameras and their view, awareness drives."""

from __future__ import annotations

import html
import math
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo.i18n import (
    N_,
    _,
    camera_status_name,
    campaign_kind_name,
    format_date,
    format_int,
    site_kind_name,
)
from geo.schema import (
    ATTENDEES,
    CAMPAIGNS,
    CCTV,
    CCTV_WORKING,
    DISPERSES_AT,
    HELD_ON,
    INSTALLED_ON,
    KIND,
    NAME,
    OPENS_AT,
    OWNER,
    SITES,
    STATUS,
    STUDENTS,
    VENUE_TYPE,
    VIEW_RADIUS_M,
)
from maps import style
from maps.elements import LegendSection, Swatch
from maps.feature_layer import NOTHING, Drawn, feature_layer, point_marker
from maps.geojson import in_wgs84
from maps.popups import CardSpec, fmt, guard_columns, is_missing, text
from models.cctv import gaps as cctv_gaps

#: The only columns each layer's popups may show.
SITE_POPUP_COLUMNS: Final = (NAME, KIND, OPENS_AT, DISPERSES_AT, STUDENTS)
CCTV_POPUP_COLUMNS: Final = (OWNER, STATUS, VIEW_RADIUS_M, INSTALLED_ON)
CAMPAIGN_POPUP_COLUMNS: Final = (KIND, VENUE_TYPE, HELD_ON, ATTENDEES)
#: View radius of a camera without one (the CCTV analysis's default, one source of truth).
DEFAULT_VIEW_RADIUS_M: Final = cctv_gaps.DEFAULT_VIEW_RADIUS_M
#: Status of a camera that works.
WORKING: Final = CCTV_WORKING


SITE_CARD: Final = CardSpec(
    rows=(N_("Kind"), N_("Opens"), N_("Disperses"), N_("Students"), N_("Working camera")),
    tip=(0, 2),
)


def add_sites(
    m: folium.Map,
    sites: gpd.GeoDataFrame | None,
    *,
    covered: pd.Series | None = None,
    show: bool = True,
) -> Drawn:
    """Draw sensitive sites (schools, colleges, ghats...) with name popups.

    Parameters
    ----------
    m : folium.Map
    sites : geopandas.GeoDataFrame, optional
    covered : pandas.Series of bool, optional
        Whether a working camera sees each site (CCTV map): green when it does, red when not.
    show : bool

    Returns
    -------
    Drawn
        Features carry an escaped ``name`` (for search).
    """
    if sites is None or sites.empty:
        return NOTHING
    sites = in_wgs84(sites)
    cols = guard_columns(sites, SITE_POPUP_COLUMNS, layer="site", spec=SITES)
    values, styles, names = [], [], []
    for i, record in enumerate(sites[cols].to_dict("records")):
        kind = site_kind_name(text(record.get(KIND))) if text(record.get(KIND)) else ""
        name = text(record.get(NAME)) or kind or _("site")
        seen = None if covered is None else bool(covered.iloc[i])
        rows = [
            kind,
            text(record.get(OPENS_AT)),
            text(record.get(DISPERSES_AT)),
            fmt(record.get(STUDENTS)),
            "" if seen is None else (_("yes") if seen else _("NO")),
        ]
        values.append(SITE_CARD.values(name, rows=rows))
        names.append(html.escape(name))
        if seen is None:
            color = style.SITE_COLOR
        else:
            color = style.SITE_COVERED_COLOR if seen else style.SITE_UNCOVERED_COLOR
        plain = seen is None
        styles.append(
            {
                "color": "#ffffff" if plain else "#000000",
                "fillColor": color,
                "fillOpacity": 0.9,
                "radius": 4.5 if plain else 7,
                "weight": 1 if plain else 2,
            }
        )
    title = _("Sensitive sites") if covered is None else _("Sites by camera coverage")
    layer = feature_layer(
        m,
        sites.geometry.to_numpy(),
        # TRANSLATORS: a layer's name and how many features it has, "Sensitive sites (12)".
        name=_("{layer} ({n})").format(layer=title, n=format_int(len(values))),
        spec=SITE_CARD,
        values=values,
        styles=styles,
        show=show,
        marker=point_marker(6),
        names=names,
    )
    if covered is None:
        items: list[tuple[str, str, Swatch]] = [
            (style.SITE_COLOR, _("school, college, ghat, market…"), "circle")
        ]
    else:
        items = [
            (style.SITE_COVERED_COLOR, _("seen by a working camera"), "circle"),
            (style.SITE_UNCOVERED_COLOR, _("no working camera"), "circle"),
        ]
    return Drawn(layer, LegendSection(title, items), len(values))


def view_radius(cctv: gpd.GeoDataFrame) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Return each camera's view radius in metres (:data:`DEFAULT_VIEW_RADIUS_M` if missing)."""
    if VIEW_RADIUS_M not in cctv.columns:
        return np.full(len(cctv), DEFAULT_VIEW_RADIUS_M)
    radius = pd.to_numeric(cctv[VIEW_RADIUS_M], errors="coerce").to_numpy(dtype=float)
    return np.where(np.isfinite(radius) & (radius >= 0), radius, DEFAULT_VIEW_RADIUS_M)


def camera_status(cctv: gpd.GeoDataFrame) -> list[str]:
    """Return each camera's status (``working``, ``faulty`` or ``unknown``)."""
    if STATUS not in cctv.columns:
        return ["unknown"] * len(cctv)
    return [
        s if s in style.CCTV_COLORS else "unknown" for s in cctv[STATUS].astype("string").fillna("")
    ]


CCTV_CARD: Final = CardSpec(
    rows=(N_("Owner"), N_("Status"), N_("View radius"), N_("Installed")), tip=(0, 2)
)


def add_cctv(m: folium.Map, cctv: gpd.GeoDataFrame | None, *, show: bool = False) -> Drawn:
    """Draw CCTV cameras coloured by status (working, faulty, unknown)."""
    if cctv is None or cctv.empty:
        return NOTHING
    cctv = in_wgs84(cctv)
    cols = guard_columns(cctv, CCTV_POPUP_COLUMNS, layer="CCTV", spec=CCTV)
    status = camera_status(cctv)
    radius = view_radius(cctv)
    values, styles = [], []
    for i, record in enumerate(cctv[cols].to_dict("records")):
        installed = record.get(INSTALLED_ON)
        status_name = camera_status_name(status[i])
        rows = [
            text(record.get(OWNER)),
            status_name,
            _("{metres} m").format(metres=f"{radius[i]:g}"),
            "" if is_missing(installed) else format_date(pd.Timestamp(installed).date()),
        ]
        title = _("CCTV camera ({status})").format(status=status_name)
        values.append(CCTV_CARD.values(title, rows=rows))
        styles.append(
            {
                "color": "#000000",
                "fillColor": style.CCTV_COLORS[status[i]],
                "fillOpacity": 0.95,
                "radius": 3.5,
                "weight": 0.5,
            }
        )
    layer = feature_layer(
        m,
        cctv.geometry.to_numpy(),
        name=_("CCTV cameras ({n})").format(n=format_int(len(values))),
        spec=CCTV_CARD,
        values=values,
        styles=styles,
        show=show,
        marker=point_marker(4),
    )
    items: list[tuple[str, str, Swatch]] = [
        (color, _("camera {status}").format(status=camera_status_name(status_)), "circle")
        for status_, color in style.CCTV_COLORS.items()
    ]
    return Drawn(layer, LegendSection(_("CCTV cameras"), items), len(values))


COVERAGE_CARD: Final = CardSpec(tip=(0,), popup=False)


def add_cctv_coverage(m: folium.Map, cctv: gpd.GeoDataFrame | None, *, show: bool = False) -> Drawn:
    """Draw each camera's view circle (``view_radius_m``): filled when working, dashed if not."""
    if cctv is None or cctv.empty:
        return NOTHING
    cctv = in_wgs84(cctv)
    status = camera_status(cctv)
    radius = view_radius(cctv)
    values = [
        COVERAGE_CARD.values(
            _("Camera view ({status}), {metres} m").format(
                status=camera_status_name(s), metres=f"{r:g}"
            )
        )
        for s, r in zip(status, radius, strict=True)
    ]
    styles = []
    for s in status:
        color = style.CCTV_COLORS[s]
        working = s == WORKING
        styles.append(
            {
                "color": color,
                "weight": 1 if working else 1.5,
                "dashArray": None if working else "4 3",
                "fillColor": color,
                "fillOpacity": 0.15 if working else 0.0,
            }
        )
    layer = feature_layer(
        m,
        cctv.geometry.to_numpy(),
        name=_("CCTV coverage (view radius)"),
        spec=COVERAGE_CARD,
        values=values,
        styles=styles,
        show=show,
        marker=folium.Circle(radius=DEFAULT_VIEW_RADIUS_M, weight=1, fill=True),
        radii=radius.tolist(),
    )
    items: list[tuple[str, str, Swatch]] = [
        (style.CCTV_COLORS["working"], _("seen by a working camera"), "fill"),
        (style.CCTV_COLORS["faulty"], _("coverage lost (faulty camera)"), "dashed"),
    ]
    note = _("Cameras without a view radius are drawn with {metres} m.").format(
        metres=f"{DEFAULT_VIEW_RADIUS_M:g}"
    )
    return Drawn(layer, LegendSection(_("CCTV coverage"), items, note=note), len(values))


CAMPAIGN_CARD: Final = CardSpec(rows=(N_("Held on"), N_("Venue"), N_("Women reached")), tip=(0, 2))


def _campaign_title(kind: str) -> str:
    """Return a drive's kind as a popup title ("Awareness drive", "जागरूकता अभियान")."""
    if not kind:
        return _("Drive")
    name = campaign_kind_name(kind)
    if name == kind:  # English (the key itself) or a kind the catalogue does not know
        name = kind.replace("-", " ")
        return name[:1].upper() + name[1:]
    return name


def add_campaigns(
    m: folium.Map, campaigns: gpd.GeoDataFrame | None, *, show: bool = False
) -> Drawn:
    """Draw awareness drives, sized by the number of women reached."""
    if campaigns is None or campaigns.empty:
        return NOTHING
    campaigns = in_wgs84(campaigns)
    cols = guard_columns(campaigns, CAMPAIGN_POPUP_COLUMNS, layer="campaign", spec=CAMPAIGNS)
    values, styles = [], []
    for record in campaigns[cols].to_dict("records"):
        held = record.get(HELD_ON)
        held_text = "" if is_missing(held) else format_date(pd.Timestamp(held).date())
        reached = record.get(ATTENDEES)
        rows = [held_text, text(record.get(VENUE_TYPE)), fmt(reached)]
        values.append(CAMPAIGN_CARD.values(_campaign_title(text(record.get(KIND))), rows=rows))
        size = 3 + min(7.0, math.sqrt(float(reached)) / 3) if not is_missing(reached) else 3
        styles.append(
            {
                "color": "#ffffff",
                "weight": 0.5,
                "fillColor": style.CAMPAIGN_COLOR,
                "fillOpacity": 0.8,
                "radius": round(size),
            }
        )
    layer = feature_layer(
        m,
        campaigns.geometry.to_numpy(),
        name=_("Awareness drives ({n})").format(n=format_int(len(values))),
        spec=CAMPAIGN_CARD,
        values=values,
        styles=styles,
        show=show,
        marker=point_marker(4),
    )
    legend = LegendSection(
        _("Awareness drives"),
        [(style.CAMPAIGN_COLOR, _("drive (size: women reached)"), "circle")],
    )
    return Drawn(layer, legend, len(values))
