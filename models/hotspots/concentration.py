"""Hot-spot concentration: the share of incidents the top N hotspots hold on what share of area."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely

from geo.crs import metric_crs_for
from geo.i18n import _, format_int, format_percent
from models.checks import check_count
from models.hotspots.columns import INCIDENTS, RISK_RANK


@dataclass(frozen=True)
class Concentration:
    """How concentrated the selection's incidents are in its top hotspots.

    Attributes
    ----------
    top_n : int
        Hotspots counted (the top N by the rank, or all when fewer).
    hotspots : int
        Hotspots found in all.
    incidents : int
        Incidents in the top N hotspots.
    incident_share : float
        ``incidents`` / the selection's incidents (NaN without incidents).
    area_km2 : float
        Area of the top N hotspot polygons (their union).
    area_share : float
        ``area_km2`` / the study area (NaN without one).
    """

    top_n: int
    hotspots: int
    incidents: int
    incident_share: float
    area_km2: float
    area_share: float

    def sentence(self) -> str:
        """Return "The top 20 hotspots hold 31 % of incidents on 1.2 % of the area"."""
        if math.isnan(self.area_share):
            # TRANSLATORS: {n} hotspots, {share} a percentage of all incidents.
            text = _("The top {n} hotspots hold {share} of the incidents")
        else:
            # TRANSLATORS: hot-spot concentration; {share} and {area} are percentages.
            text = _("The top {n} hotspots hold {share} of the incidents on {area} of the area")
        return text.format(
            n=format_int(self.top_n),
            share=format_percent(self.incident_share),
            area=format_percent(self.area_share, digits=1),
        )

    def as_dict(self) -> dict[str, Any]:
        """Return the concentration as JSON-ready values, the sentence included."""

        def num(v: float) -> float | None:
            return None if math.isnan(v) else round(v, 4)

        return {
            "top_n": self.top_n,
            "hotspots": self.hotspots,
            "incidents": self.incidents,
            "incident_share": num(self.incident_share),
            "area_km2": round(self.area_km2, 4),
            "area_share": num(self.area_share),
            "sentence": self.sentence(),
        }


def top_hotspots(spots: gpd.GeoDataFrame, top_n: int, rank: str = RISK_RANK) -> gpd.GeoDataFrame:
    """Return the ``top_n`` hotspots by ``rank`` (1 = first), all of them when fewer."""
    n = check_count(top_n, "top_n", low=1)
    if len(spots) == 0 or rank not in spots.columns:
        return spots.head(n)
    return spots.sort_values(rank, kind="stable").head(n)


def concentration(
    spots: gpd.GeoDataFrame,
    *,
    incidents: int,
    area_km2: float,
    top_n: int,
    metric_crs: str | None = None,
    rank: str = RISK_RANK,
) -> Concentration:
    """Return the hot-spot concentration of the ``top_n`` hotspots of ``spots``.

    Parameters
    ----------
    spots : geopandas.GeoDataFrame
        The output of :func:`models.hotspots.find_hotspots` (any CRS).
    incidents : int
        Incidents of the selection (the denominator of the incident share).
    area_km2 : float
        Study area (the denominator of the area share); ≤ 0 or NaN: no area share.
    top_n : int
        How many hotspots count.
    metric_crs : str, optional
        Projected CRS of the area; default: the local UTM zone.
    rank : str
        Column ranking the hotspots (1 = first).

    Returns
    -------
    Concentration
    """
    top = top_hotspots(spots, top_n, rank)
    held = int(top[INCIDENTS].sum()) if len(top) else 0
    area = 0.0
    if len(top):
        crs = metric_crs_for(top, metric_crs)
        area = float(shapely.union_all(top.geometry.to_crs(crs).to_numpy()).area) / 1e6
    share = held / incidents if incidents > 0 else math.nan
    ok_area = math.isfinite(area_km2) and area_km2 > 0
    return Concentration(
        top_n=min(check_count(top_n, "top_n", low=1), len(spots)),
        hotspots=len(spots),
        incidents=held,
        incident_share=share,
        area_km2=area,
        area_share=area / area_km2 if ok_area else math.nan,
    )
