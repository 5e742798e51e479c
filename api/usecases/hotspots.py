"""Use case: find, explain and rank the hotspots of a selection."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd

from api.usecases.common import (
    Source,
    geojson_bytes,
    selection_meta,
)
from geo.settings import Settings
from models.inputs import AnalysisInputs

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- hotspots


@dataclass(frozen=True)
class HotspotParams:
    """Parameters of a hotspot analysis.

    Attributes
    ----------
    eps_m : float
        DBSCAN radius in metres.
    min_samples : int
        Incidents within ``eps_m`` that make a core point.
    underserved : bool
        Keep only hotspots without a recent awareness drive nearby.
    method : str
        DBSCAN implementation: ``auto``, ``grid`` or ``sklearn``.
    hull : str
        Hotspot polygon: ``concave`` or ``buffer``.
    forecast : bool
        Add next week's expected incidents from the back-test's best forecast to each hotspot
        (and rank by them when the forecast beats naive); off by default: it runs a back-test.
    """

    eps_m: float = 150.0
    min_samples: int = 10
    underserved: bool = False
    method: str = "auto"
    hull: str = "concave"
    forecast: bool = False


def explained_hotspots(
    data: AnalysisInputs, settings: Settings, p: HotspotParams
) -> gpd.GeoDataFrame:
    """Find and explain every hotspot of the selected incidents (the one call of the model).

    The selection's sites, cameras, drives, thanas and reference time explain each hotspot;
    ``p.underserved`` is not applied here (see :func:`find_hotspots`).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    p : HotspotParams

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`models.hotspots.find_hotspots`.
    """
    from models import hotspots as hs

    return hs.hotspots_of_inputs(
        data,
        eps_m=p.eps_m,
        min_samples=p.min_samples,
        metric_crs=settings.metric_crs,
        hull=p.hull,  # type: ignore[arg-type]  # checked by find_hotspots
        method=p.method,  # type: ignore[arg-type]
    )


def underserved_of(
    spots: gpd.GeoDataFrame, data: AnalysisInputs, settings: Settings
) -> gpd.GeoDataFrame:
    """Return the hotspots without a recent awareness drive nearby.

    Parameters
    ----------
    spots : geopandas.GeoDataFrame
        The output of :func:`explained_hotspots`.
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`models.hotspots.underserved_hotspots`.
    """
    from models.hotspots import underserved_hotspots

    return underserved_hotspots(spots, data.campaigns, metric_crs=settings.metric_crs)


def find_hotspots(data: AnalysisInputs, settings: Settings, p: HotspotParams) -> gpd.GeoDataFrame:
    """Find and explain hotspots of the selected incidents, most at risk first.

    Parameters are those of :func:`explained_hotspots`; with ``p.underserved`` only the
    hotspots :func:`underserved_of` keeps are returned, ranked by their own rank.
    """
    from models import hotspots as hs

    spots = explained_hotspots(data, settings, p)
    if p.forecast:
        from api.usecases.budget import GridParams
        from api.usecases.forecast import ForecastParams, forecast_hotspots, run_forecast

        f = ForecastParams()
        spots = forecast_hotspots(spots, run_forecast(data, settings, GridParams(), f), f)
    if p.underserved:
        spots = underserved_of(spots, data, settings)
    rank = hs.UNDERSERVED_RANK if p.underserved else hs.RISK_RANK
    return spots.sort_values(rank) if len(spots) else spots


def hotspots_geojson(source: Source, p: HotspotParams) -> bytes:
    """Return the hotspots of a selection as GeoJSON (id = hotspot id, ranked).

    Parameters
    ----------
    source : api.usecases.common.Source
    p : HotspotParams

    Returns
    -------
    bytes
    """
    from models.hotspots import HOTSPOTS_ATTR, INCIDENTS

    data = source.load()
    spots = find_hotspots(data, source.settings, p)
    attrs = dict(spots.attrs.get(HOTSPOTS_ATTR, {}))
    clustered = int(spots[INCIDENTS].sum()) if len(spots) else 0
    meta = {
        **selection_meta(data),
        "parameters": {"eps_m": p.eps_m, "min_samples": p.min_samples},
        "underserved_only": p.underserved,
        "hotspots": len(spots),
        "clustered_incidents": clustered,
        "reference_time": attrs.get("reference_time"),
        "notes": attrs.get("notes", []),
    }
    return geojson_bytes(spots, meta=meta)
