"""Use case: did hotspot patrols work? The effect report of a thana (or every thana).

Hotspots are found as the planner finds them (all incidents, the planner's DBSCAN defaults);
a hotspot counts as patrolled from the first day a team was recorded at a stop within
:data:`PATROLLED_WITHIN_M` of it (the visit layer: visited or cut short), so the report does
not depend on hotspot ids staying the same between the plan and the report.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from geo.schema import DAY, STATUS, THANA, VISIT_CUT_SHORT, VISIT_VISITED, LayerKind
from geo.settings import Settings
from geo.store import Store, read_layer

logger = logging.getLogger(__name__)

#: A visited stop this close to a hotspot's polygon patrols it (the track-matching radius).
PATROLLED_WITHIN_M: Final = 75.0


@dataclass(frozen=True)
class EffectRequest:
    """Parameters of the effect report, declared once (CLI and API).

    Attributes
    ----------
    thana : str or None
        Only the hotspots of this thana (their primary thana).
    window_days : int
        Days before and after patrols started that are compared.
    seed : int
        Seed of the bootstrap interval.
    bootstrap : int
        Bootstrap resamples.
    """

    thana: str | None = None
    window_days: int = 56
    seed: int = 0
    bootstrap: int = 2000


#: The defaults of the effect report (the CLI options and query parameters use them).
EFFECT_DEFAULTS: Final = EffectRequest()


def patrolled_since(
    hotspots: gpd.GeoDataFrame, visits: gpd.GeoDataFrame, metric_crs: str
) -> dict[Any, pd.Timestamp]:
    """Return hotspot id → first day a team was recorded at it (visited or cut short)."""
    done = visits[visits[STATUS].isin([VISIT_VISITED, VISIT_CUT_SHORT])]
    if not len(done) or not len(hotspots):
        return {}
    zones = gpd.GeoDataFrame(
        {"hotspot": hotspots.index}, geometry=hotspots.geometry.to_crs(metric_crs).to_numpy(),
        crs=metric_crs,
    )  # fmt: skip
    points = gpd.GeoDataFrame({DAY: done[DAY].to_numpy()}, geometry=done.geometry.to_numpy(),
                              crs=done.crs).to_crs(metric_crs)  # fmt: skip
    near = gpd.sjoin_nearest(points, zones, max_distance=PATROLLED_WITHIN_M, how="inner")
    first = near.groupby("hotspot")[DAY].min()
    return {h: pd.Timestamp(d) for h, d in first.items()}


def patrol_effect_of(store: Store, settings: Settings, q: EffectRequest) -> Any:
    """Return the effect report (:class:`models.patrol.effect.EffectResult`) of a store.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    q : EffectRequest

    Returns
    -------
    models.patrol.effect.EffectResult
    """
    from models import hotspots as hs
    from models.inputs import load_inputs
    from models.patrol.effect import patrol_effect

    data = load_inputs(store, timezone=settings.timezone, require_incidents=False)
    crs = settings.metric_crs
    if crs is None:
        from geo.crs import metric_crs_for

        crs = metric_crs_for(data.thanas if len(data.thanas) else data.incidents).to_string()
    spots = (
        hs.find_hotspots(data.all_incidents, metric_crs=crs, thanas=data.thanas)
        if len(data.all_incidents)
        else gpd.GeoDataFrame({hs.PRIMARY_THANA: []}, geometry=[], crs="EPSG:4326")
    )
    if q.thana is not None:
        spots = spots[spots[hs.PRIMARY_THANA] == q.thana]
    spots = spots.set_index(hs.HOTSPOT_ID) if hs.HOTSPOT_ID in spots.columns else spots
    visits = read_layer(store, LayerKind.VISITS, timezone=settings.timezone)
    if q.thana is not None and THANA in visits.columns:
        visits = visits[visits[THANA] == q.thana]
    started = patrolled_since(spots, visits, crs)
    return patrol_effect(
        data.all_incidents,
        spots.geometry,
        started,
        window_days=q.window_days,
        seed=q.seed,
        bootstrap=q.bootstrap,
        metric_crs=crs,
    )


def effect_dict(result: Any) -> dict[str, Any]:
    """Return the effect report as JSON-ready data (aggregates only: no incident)."""
    import math

    def num(value: float) -> float | None:
        return None if math.isnan(value) else round(float(value), 2)

    return {
        "verdict": result.verdict,
        "text": result.text,
        "treated": result.treated,
        "controls": result.controls,
        "window_days": result.window_days,
        "estimate": num(result.estimate),
        "ci": [num(result.ci_low), num(result.ci_high)],
        "pre_mean": num(result.pre_mean),
        "ring_estimate": num(result.ring_estimate),
        "ring_ci": [num(result.ring_ci_low), num(result.ring_ci_high)],
    }
