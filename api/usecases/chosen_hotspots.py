"""Hotspots the plans stand on (patrol stops, review periods), found as ``shakti hotspots`` does."""

from __future__ import annotations

from typing import TYPE_CHECKING

from geo.settings import Settings

if TYPE_CHECKING:
    import geopandas as gpd

    from api.usecases.hotspots import HotspotParams
    from models.inputs import AnalysisInputs


def chosen_hotspots(
    data: AnalysisInputs,
    settings: Settings,
    p: HotspotParams,
    *,
    metric_crs: str | None,
    campaigns: bool,
) -> gpd.GeoDataFrame | None:
    """Return the selection's hotspots with the parameters ``shakti hotspots`` chooses.

    The parameters are :func:`api.usecases.hotspots.choose_params` of ``p`` (density-aware, at
    most ``SHAKTI_MAX_HOTSPOT_M`` wide unless ``p`` says otherwise), so every hotspot is a place
    a team can cover.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    p : api.usecases.hotspots.HotspotParams
    metric_crs : str or None
        The CRS to measure in (None: chosen from the incidents).
    campaigns : bool
        Describe awareness drives near each hotspot.

    Returns
    -------
    geopandas.GeoDataFrame or None
        :func:`models.hotspots.hotspots_of_inputs`; None when the selection has no incidents.
    """
    from api.usecases.hotspots import choose_params
    from models.hotspots import hotspots_of_inputs

    if data.incidents.empty:
        return None
    chosen = choose_params(data, settings, p)
    return hotspots_of_inputs(
        data,
        eps_m=chosen.eps_m,
        min_samples=chosen.min_samples,
        max_width_m=chosen.max_width_m,
        metric_crs=metric_crs,
        campaigns=campaigns,
    )
