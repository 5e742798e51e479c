"""The hotspot layers of the maps: hotspots coloured by risk with why, underserved outlines."""

# Drawn as every layer of ``maps.layers`` is (see there): whitelisted popup columns, HTML-escaped
# texts, small counts suppressed when ``share=True``; re-exported by ``maps.layers``.

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import (
    N_,
    _,
    category_name,
    day_pattern_name,
    format_int,
    ngettext,
    pgettext,
    trend_name,
    weekday_name,
)
from maps import style
from maps.aggregate import SUPPRESS_BELOW
from maps.elements import LegendSection, Swatch
from maps.feature_layer import NOTHING, Drawn, feature_layer
from maps.geojson import DECIMALS, SHARE_DECIMALS, blur_polygons, in_wgs84, simplified
from maps.popups import CardSpec, count_text, fmt, guard_columns, is_missing, number, percent, text
from models import hotspots as hs

#: The only columns each layer may show (popups and tooltips).
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

#: Hotspot outlines are simplified to this tolerance (metres) for drawing.
HOTSPOT_SIMPLIFY_M: Final = 2.0

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


def _shown(layer: gpd.GeoDataFrame, share: bool) -> gpd.GeoDataFrame:
    """Return the hotspots a map may draw: shared, none of fewer than ``SUPPRESS_BELOW`` incidents.

    A hotspot of one or two incidents is drawn around them, its blurred shape centred on them:
    a shareable map leaves it out, as it leaves out the cells of so few.
    """
    if not share or hs.INCIDENTS not in layer.columns:
        return layer
    return layer.loc[~(pd.to_numeric(layer[hs.INCIDENTS], errors="coerce") < SUPPRESS_BELOW)]


@dataclass(frozen=True)
class _Outline:
    """A layer of dashed, unfilled polygon outlines: its card and its stroke.

    Outline only: a click inside reaches the hotspot below (whose popup says it too).
    """

    card: CardSpec
    color: str
    weight: float
    dash: str

    def draw(
        self,
        m: folium.Map,
        frame: gpd.GeoDataFrame,
        values: Sequence[Sequence[str]],
        name: str,
        key: tuple[str, str],
        *,
        share: bool,
        show: bool,
    ) -> Drawn:
        """Draw ``frame``'s polygons with one card of ``values`` each.

        ``name`` is the layer's name in the layer control; ``key`` the legend's title and
        what the dashed line means.
        """
        line = {"color": self.color, "weight": self.weight, "dashArray": self.dash, "fill": False}
        geoms, decimals = _shapes(frame, share)
        layer = feature_layer(
            m,
            geoms,
            name=name,
            spec=self.card,
            values=values,
            styles=[line] * len(values),
            show=show,
            decimals=decimals,
        )
        title, meaning = key
        legend = LegendSection(title, [(self.color, meaning, "dashed")])
        return Drawn(layer, legend, len(values))


def add_hotspots(
    m: folium.Map,
    hotspots: gpd.GeoDataFrame | None,
    *,
    share: bool,
    show: bool = True,
    underserved: Mapping[Any, str] | None = None,
    name: str | None = None,
) -> Drawn:
    """Draw hotspot polygons coloured by risk, with popups that say why (``why`` and facts).

    Parameters
    ----------
    m : folium.Map
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output.
    share : bool
        Blur the polygons so that no vertex sits on an incident; leave out the hotspots of
        fewer than ``SUPPRESS_BELOW`` incidents.
    show : bool
    underserved : mapping, optional
        Hotspot id → why it is underserved (:func:`models.hotspots.underserved_hotspots`).
    name : str, optional
        Name in the layer control; default "Hotspots (n, by risk)".

    Returns
    -------
    Drawn
    """
    hotspots = None if hotspots is None else _shown(hotspots, share)
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
        name=name or _("Hotspots ({n}, by risk)").format(n=format_int(len(values))),
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


def add_ranked_hotspots(
    m: folium.Map,
    hotspots: gpd.GeoDataFrame | None,
    *,
    share: bool,
    top_n: int | None,
    underserved: Mapping[Any, str] | None = None,
) -> Drawn:
    """Draw the top ``top_n`` hotspots by risk, and the others in a layer that starts hidden.

    Parameters
    ----------
    m : folium.Map
    hotspots : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.find_hotspots` output (with :data:`RISK_RANK`).
    share : bool
    top_n : int, optional
        ``None`` or at least as many as there are hotspots: one layer, as :func:`add_hotspots`.
    underserved : mapping, optional
        As for :func:`add_hotspots`.

    Returns
    -------
    Drawn
        The top layer (its legend is the hotspots' legend).
    """
    if hotspots is None or top_n is None or len(hotspots) <= top_n:
        return add_hotspots(m, hotspots, share=share, underserved=underserved)
    if hs.RISK_RANK in hotspots.columns:
        hotspots = hotspots.sort_values(hs.RISK_RANK, kind="stable")
    top, rest = hotspots.iloc[:top_n], hotspots.iloc[top_n:]
    # TRANSLATORS: a map layer, shown; {n} hotspots most at risk (e.g. 20).
    name = _("Hotspots (top {n} by risk)").format(n=format_int(len(top)))
    drawn = add_hotspots(m, top, share=share, underserved=underserved, name=name)
    # TRANSLATORS: a map layer, hidden at first: the hotspots below the top N.
    other = _("Lower-ranked hotspots: {n}").format(n=format_int(len(rest)))
    add_hotspots(m, rest, share=share, underserved=underserved, show=False, name=other)
    return drawn


UNDERSERVED_CARD: Final = CardSpec(
    rows=(N_("Incidents"), N_("Risk"), N_("Thana"), N_("Peak hours"), N_("Why a hotspot")),
    tip=(0, 1),
)
_UNDERSERVED_OUTLINE: Final = _Outline(UNDERSERVED_CARD, style.UNDERSERVED_COLOR, 4, "6 4")


def add_underserved(
    m: folium.Map, underserved: gpd.GeoDataFrame | None, *, share: bool, show: bool = True
) -> Drawn:
    """Outline the hotspots with no recent awareness drive (dashed purple), with the reason."""
    underserved = None if underserved is None else _shown(underserved, share)
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
    name = _("Underserved hotspots ({n}, no recent drive)").format(n=format_int(len(values)))
    key = _("Underserved hotspots"), _("no awareness drive nearby lately")
    return _UNDERSERVED_OUTLINE.draw(m, underserved, values, name, key, share=share, show=show)


DRIVE_CLUSTER_CARD: Final = CardSpec(
    rows=(N_("Drives"), N_("Dates"), N_("Incidents within 500 m"), N_("Hotspots within 500 m")),
    tip=(0, 2),
)
_DRIVE_CLUSTER_OUTLINE: Final = _Outline(DRIVE_CLUSTER_CARD, style.CAMPAIGN_COLOR, 3, "2 6")


def add_drive_clusters(
    m: folium.Map, clusters: gpd.GeoDataFrame | None, *, share: bool, show: bool = True
) -> Drawn:
    """Outline the clusters of awareness drives (dashed blue), with their incident load.

    Parameters
    ----------
    m : folium.Map
    clusters : geopandas.GeoDataFrame, optional
        :func:`models.hotspots.drives.drive_clusters` after ``link_drive_clusters``.
    share : bool
        Blur the outlines (as hotspots are on a shareable map).
    show : bool

    Returns
    -------
    Drawn
    """
    from models.hotspots import drives as dr

    if clusters is None or clusters.empty:
        return NOTHING
    clusters = in_wgs84(clusters)
    cols = guard_columns(clusters, dr.DRIVE_CLUSTER_COLUMNS, layer="drive cluster")
    values = []
    for cluster_id, record in zip(clusters.index, clusters[cols].to_dict("records"), strict=True):
        hotspots = record.get(dr.HOTSPOTS_NEARBY)
        rows = [
            fmt(record.get(dr.DRIVES)),
            " – ".join(t for t in (text(record.get(dr.FIRST_DRIVE)),
                                   text(record.get(dr.LAST_DRIVE))) if t),
            count_text(number(record.get(dr.INCIDENTS_NEARBY)), share),
            ", ".join(f"#{h}" for h in hotspots) if isinstance(hotspots, list) else "",
        ]  # fmt: skip
        title = _("Drive cluster {id}").format(id=cluster_id)
        values.append(DRIVE_CLUSTER_CARD.values(title, "", rows))
    name = _("Clusters of awareness drives: {n}").format(n=format_int(len(values)))
    key = _("Clusters of awareness drives"), _("where drives concentrate")
    return _DRIVE_CLUSTER_OUTLINE.draw(m, clusters, values, name, key, share=share, show=show)
