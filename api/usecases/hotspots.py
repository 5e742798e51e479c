"""Use case: find, explain and rank the hotspots of a selection."""

from __future__ import annotations

import contextvars
import logging
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from api.usecases.common import (
    Source,
    geojson_bytes,
    selection_meta,
)
from geo.settings import Settings
from models.inputs import AnalysisInputs

if TYPE_CHECKING:
    from api.usecases.forecast_choice import ForecastUse
    from models.hotspots.density import HotspotParamsChoice

logger = logging.getLogger(__name__)

#: What ``HotspotParams.layer`` clusters: incidents, or awareness drives (campaigns).
LAYER_INCIDENTS: Final = "incidents"
LAYER_CAMPAIGNS: Final = "campaigns"
LAYERS: Final = (LAYER_INCIDENTS, LAYER_CAMPAIGNS)

# --------------------------------------------------------------------------- hotspots


@dataclass(frozen=True)
class HotspotParams:
    """Parameters of a hotspot analysis.

    Attributes
    ----------
    eps_m : float or None
        DBSCAN radius in metres; ``None``: chosen from the selection's density
        (:func:`models.hotspots.density.choose_for_inputs`).
    min_samples : int or None
        Incidents within ``eps_m`` that make a core point; ``None``: chosen likewise.
    underserved : bool
        Keep only hotspots without a recent awareness drive nearby.
    method : str
        DBSCAN implementation: ``auto``, ``grid`` or ``sklearn``.
    hull : str
        Hotspot polygon: ``concave`` or ``buffer``.
    max_width_m : float or None
        Widest hotspot; wider clusters are split. ``None``: ``settings.max_hotspot_m`` when a
        parameter is chosen from the density, no cap when both are given (as before).
    layer : str
        :data:`LAYER_INCIDENTS` (incident hotspots) or :data:`LAYER_CAMPAIGNS` (clusters of
        awareness drives, :func:`campaign_clusters`).
    forecast : bool or None
        Add next week's expected incidents from the chosen forecast to each hotspot (and rank
        by them when it beats naive). None (default): when ``shakti forecast`` chose one for
        this data and it beat naive; True: always (back-tests when none is chosen); False:
        never (:func:`api.usecases.forecast_choice.resolve_forecast`).
    """

    eps_m: float | None = None
    min_samples: int | None = None
    underserved: bool = False
    method: str = "auto"
    hull: str = "concave"
    max_width_m: float | None = None
    layer: str = "incidents"
    forecast: bool | None = None

    def explicit(self) -> bool:
        """Return whether both DBSCAN parameters were given (the clustering of old)."""
        return self.eps_m is not None and self.min_samples is not None

    def width_cap(self, settings: Settings) -> float | None:
        """Return the widest hotspot allowed (``None``: no cap).

        ``max_width_m`` when given; else ``settings.max_hotspot_m`` when a parameter is chosen
        from the density, and no cap when both are given (the clustering of old).
        """
        if self.max_width_m is None and not self.explicit():
            return settings.max_hotspot_m
        return self.max_width_m


def choose_params(
    data: AnalysisInputs, settings: Settings, p: HotspotParams
) -> HotspotParamsChoice:
    """Return the DBSCAN parameters of the analysis and why (chosen or as given).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    p : HotspotParams

    Returns
    -------
    models.hotspots.density.HotspotParamsChoice
    """
    from models.hotspots.density import choose_for_inputs

    return choose_for_inputs(
        data,
        eps_m=p.eps_m,
        min_samples=p.min_samples,
        max_width_m=p.width_cap(settings),
        metric_crs=settings.metric_crs,
    )


def explained_hotspots(
    data: AnalysisInputs, settings: Settings, p: HotspotParams
) -> gpd.GeoDataFrame:
    """Find and explain every hotspot of the selected incidents (the one call of the model).

    The selection's sites, cameras, drives, thanas and reference time explain each hotspot;
    ``p.underserved`` is not applied here (see :func:`find_hotspots`). The parameters
    (:func:`choose_params`) are recorded, as :meth:`HotspotParamsChoice.as_dict`, under
    ``"choice"`` of ``attrs[HOTSPOTS_ATTR]``.

    Parameters
    ----------
    data, settings, p
        As for :func:`choose_params`.

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`models.hotspots.find_hotspots`.
    """
    from models import hotspots as hs

    choice = choose_params(data, settings, p)
    spots = hs.hotspots_of_inputs(
        data,
        eps_m=choice.eps_m,
        min_samples=choice.min_samples,
        metric_crs=settings.metric_crs,
        hull=p.hull,  # type: ignore[arg-type]  # checked by find_hotspots
        method=p.method,  # type: ignore[arg-type]
        max_width_m=choice.max_width_m,
    )
    spots.attrs.setdefault(hs.HOTSPOTS_ATTR, {})["choice"] = choice.as_dict()
    return spots


def hotspot_summary(
    spots: gpd.GeoDataFrame, data: AnalysisInputs, settings: Settings, *, underserved: bool = False
) -> dict[str, Any]:
    """Return the parameters (and why) and the hot-spot concentration of a hotspot result.

    Parameters
    ----------
    spots : geopandas.GeoDataFrame
        The output of :func:`find_hotspots`.
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    underserved : bool
        Whether ``spots`` are the underserved ones (ranked by their own rank).

    Returns
    -------
    dict
        ``parameters`` (:meth:`HotspotParamsChoice.as_dict`) and ``concentration``
        (:meth:`models.hotspots.concentration.Concentration.as_dict`) of the top
        ``settings.top_hotspots``.
    """
    from models import hotspots as hs
    from models.hotspots.concentration import concentration

    choice = dict(spots.attrs.get(hs.HOTSPOTS_ATTR, {}).get("choice", {}))
    conc = concentration(
        spots,
        incidents=int(choice.get("incidents", len(data.incidents))),
        area_km2=float(choice.get("area_km2", math.nan)),
        top_n=settings.top_hotspots,
        metric_crs=settings.metric_crs,
        rank=hs.UNDERSERVED_RANK if underserved else hs.RISK_RANK,
    )
    return {"parameters": choice, "concentration": conc.as_dict()}


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


def find_hotspots(
    data: AnalysisInputs,
    settings: Settings,
    p: HotspotParams,
    use: ForecastUse | None = None,
) -> gpd.GeoDataFrame:
    """Find and explain hotspots of the selected incidents, most at risk first.

    Parameters are those of :func:`explained_hotspots`; with ``p.underserved`` only the
    hotspots :func:`underserved_of` keeps are returned, ranked by their own rank. ``use``
    is the forecast decided before (default: :func:`~api.usecases.forecast_choice.resolve_forecast`
    of ``p.forecast``).
    """
    from api.usecases.forecast import forecast_hotspots
    from api.usecases.forecast_choice import resolve_forecast
    from models import hotspots as hs

    spots = explained_hotspots(data, settings, p)
    if use is None:
        use = resolve_forecast(data, settings, p.forecast)
    if use.forecast is not None:
        spots = forecast_hotspots(spots, use.forecast, use.params)
    if p.underserved:
        spots = underserved_of(spots, data, settings)
    rank = hs.UNDERSERVED_RANK if p.underserved else hs.RISK_RANK
    return spots.sort_values(rank) if len(spots) else spots


@dataclass(frozen=True)
class DriveLayer:
    """The clusters of a selection's awareness drives, before they are linked to hotspots.

    Attributes
    ----------
    clusters : geopandas.GeoDataFrame
        :func:`models.hotspots.drives.drive_clusters` of the drives held in the selection.
    load : numpy.ndarray
        :func:`models.hotspots.drives.incident_load` of the clusters (selected incidents).
    choice : models.hotspots.density.HotspotParamsChoice
        Their parameters and why.
    """

    clusters: gpd.GeoDataFrame
    load: npt.NDArray[np.int64]
    choice: HotspotParamsChoice


def drive_layer(data: AnalysisInputs, settings: Settings, p: HotspotParams) -> DriveLayer:
    """Cluster the selection's awareness drives with the hotspots' rules; count their load.

    The drives are those held within the selection's dates (all when it has none); their
    parameters are chosen from their own density unless ``p`` gives them; the cap applies as
    for incidents. Needs no hotspot (see :func:`hotspots_and_drives`).

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    p : HotspotParams

    Returns
    -------
    DriveLayer
    """
    from geo.schema import HELD_ON
    from models.hotspots.density import choose_for_points
    from models.hotspots.drives import drive_clusters, incident_load

    drives = data.campaigns
    if HELD_ON in drives.columns and len(drives):
        held = pd.to_datetime(drives[HELD_ON], errors="coerce")
        keep = held.notna()
        if data.selection.start is not None:
            keep &= held.dt.date >= pd.Timestamp(data.selection.start).date()
        if data.selection.end is not None:
            keep &= held.dt.date <= pd.Timestamp(data.selection.end).date()
        drives = drives.loc[keep.to_numpy()]
    choice = choose_for_points(
        drives, data, HELD_ON, eps_m=p.eps_m, min_samples=p.min_samples,
        max_width_m=p.width_cap(settings), metric_crs=settings.metric_crs, drives=True,
    )  # fmt: skip
    clusters = drive_clusters(
        drives,
        choice,
        metric_crs=settings.metric_crs,
        method=p.method,  # type: ignore[arg-type]
    )
    load = incident_load(clusters, data.incidents, metric_crs=settings.metric_crs)
    return DriveLayer(clusters, load, choice)


def hotspots_and_drives(
    data: AnalysisInputs, settings: Settings, p: HotspotParams, use: ForecastUse | None = None
) -> tuple[gpd.GeoDataFrame, DriveLayer]:
    """Return :func:`find_hotspots` and :func:`drive_layer` of a selection, made side by side.

    The drive layer needs no hotspot, so it is made in a second thread while the hotspots are
    found: its GEOS and PROJ work (the incident load of 1M incidents) releases the GIL, and a
    DBSCAN core that releases it lets both use a core each. Each result is the one made alone;
    the thread runs in a copy of the caller's context (its language). An error of the hotspots
    is raised first, as when they were made first.

    Parameters
    ----------
    data, settings, p, use
        As for :func:`find_hotspots` (``p`` also for :func:`drive_layer`).

    Returns
    -------
    tuple
        The hotspots (:func:`find_hotspots`) and the drive layer, for
        :func:`campaign_clusters` (``drives=``).
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="drives") as pool:
        drives = pool.submit(contextvars.copy_context().run, drive_layer, data, settings, p)
        try:
            spots = find_hotspots(data, settings, p, use)
        except BaseException:
            drives.cancel()
            raise
        return spots, drives.result()


def campaign_clusters(
    data: AnalysisInputs,
    settings: Settings,
    p: HotspotParams,
    spots: gpd.GeoDataFrame,
    *,
    drives: DriveLayer | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, HotspotParamsChoice]:
    """Cluster the selection's awareness drives with the hotspots' rules and link both ways.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    p : HotspotParams
    spots : geopandas.GeoDataFrame
        The incident hotspots (:func:`find_hotspots`).
    drives : DriveLayer, optional
        :func:`drive_layer` of the same arguments when made already
        (:func:`hotspots_and_drives`); by default it is made here.

    Returns
    -------
    tuple
        The hotspots with ``drive_clusters`` (ids of the drive clusters within 500 m), the
        drive clusters (:func:`models.hotspots.drives.drive_clusters`, with the incidents and
        hotspots around each) and their parameter choice.
    """
    from models.hotspots.drives import link_drive_clusters

    layer = drives if drives is not None else drive_layer(data, settings, p)
    linked, clusters = link_drive_clusters(
        spots, layer.clusters, data.incidents, metric_crs=settings.metric_crs, load=layer.load
    )
    return linked, clusters, layer.choice


@dataclass(frozen=True)
class HotspotAnalysis:
    """What ``shakti hotspots`` and the hotspot GeoJSON show of a selection, made once.

    Attributes
    ----------
    hotspots : geopandas.GeoDataFrame
        :func:`find_hotspots`, linked to the drive clusters (:func:`campaign_clusters`).
    drives : geopandas.GeoDataFrame
        The clusters of awareness drives, with the incidents and hotspots around each.
    drive_choice : models.hotspots.density.HotspotParamsChoice
        The drive clusters' parameters and why.
    summary : dict
        :func:`hotspot_summary` of the hotspots.
    use : api.usecases.forecast_choice.ForecastUse
        The forecast in use (none for the campaigns layer) and the sentence saying so.
    """

    hotspots: gpd.GeoDataFrame
    drives: gpd.GeoDataFrame
    drive_choice: HotspotParamsChoice
    summary: dict[str, Any]
    use: ForecastUse


def hotspot_analysis(data: AnalysisInputs, settings: Settings, p: HotspotParams) -> HotspotAnalysis:
    """Find a selection's hotspots and drive clusters, link them and summarize: the one pipeline.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
        Also where the forecast choice is kept (the store analysed).
    p : HotspotParams

    Returns
    -------
    HotspotAnalysis
    """
    from api.usecases.forecast_choice import resolve_forecast

    mode = p.forecast if p.layer != LAYER_CAMPAIGNS else False
    use = resolve_forecast(data, settings, mode)
    spots, layer = hotspots_and_drives(data, settings, p, use)
    summary = hotspot_summary(spots, data, settings, underserved=p.underserved)
    linked, drives, choice = campaign_clusters(data, settings, p, spots, drives=layer)
    return HotspotAnalysis(linked, drives, choice, summary, use)


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
    result = hotspot_analysis(data, source.settings, p)
    spots, drives, choice, use = result.hotspots, result.drives, result.drive_choice, result.use
    attrs = dict(spots.attrs.get(HOTSPOTS_ATTR, {}))
    clustered = int(spots[INCIDENTS].sum()) if len(spots) else 0
    if p.layer == LAYER_CAMPAIGNS:
        meta_drives = {
            **selection_meta(data),
            "layer": LAYER_CAMPAIGNS,
            "parameters": choice.as_dict(),
            "drive_clusters": len(drives),
            "clustered_drives": int(drives["drives"].sum()) if len(drives) else 0,
            "hotspots": len(spots),
        }
        return geojson_bytes(drives, meta=meta_drives)
    meta = {
        **selection_meta(data),
        **result.summary,
        "layer": LAYER_INCIDENTS,
        "underserved_only": p.underserved,
        "hotspots": len(spots),
        "drive_clusters": len(drives),
        "clustered_incidents": clustered,
        "reference_time": attrs.get("reference_time"),
        "notes": attrs.get("notes", []),
    }
    if use.forecast is not None:  # what it is and by how much it beat naive
        meta["forecast"] = use.message
    return geojson_bytes(spots, meta=meta)
