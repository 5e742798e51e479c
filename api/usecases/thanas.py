"""Use case: thana outlines with their counts, and one thana's scorecard."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from api.service.errors import NotFoundError
from api.usecases.common import (
    Source,
    geojson_bytes,
    jsonable,
)
from api.usecases.hotspots import HotspotParams, find_hotspots, underserved_of
from geo.crs import metric_crs_for, to_metric
from geo.errors import ParameterError
from geo.schema import (
    ATTENDEES,
    CATEGORY,
    HELD_ON,
    KIND,
    NAME,
    OCCURRED_AT,
    RESOURCES,
    STATION_LAT,
    STATION_LON,
    STATUS,
    THANA,
    ZONE,
    LayerKind,
)
from geo.store import read_layer
from models.inputs import Selection

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- thanas


def _thana_row(thanas: gpd.GeoDataFrame, name: str) -> pd.Series:
    found = thanas[thanas[NAME] == name]
    if found.empty:
        raise NotFoundError(
            f"thana {name!r} is not in the store",
            fix="spell the thana exactly as the thana layer does (GET /thanas)",
            field="name",
        )
    row: pd.Series = found.iloc[0]
    return row


def thanas_geojson(source: Source) -> bytes:
    """Return the thana boundaries with incident counts of the selection, as GeoJSON.

    Parameters
    ----------
    source : api.usecases.common.Source
        Dates and categories are counted over every thana; the selection's thana (if any) is
        the only feature.

    Returns
    -------
    bytes
    """
    selection, scope = source.selection, source.selection.thana
    whole = Selection(start=selection.start, end=selection.end, categories=selection.categories)
    data = replace(source, selection=whole).load(require=False)
    thanas = data.thanas
    if scope is not None:
        _thana_row(thanas, scope)
        thanas = thanas[thanas[NAME] == scope]
    counts = data.incidents[THANA].value_counts() if len(data.incidents) else pd.Series()
    layer = thanas[[NAME, ZONE, STATION_LON, STATION_LAT, *RESOURCES, "geometry"]].copy()
    layer["incidents"] = [int(counts.get(n, 0)) for n in layer[NAME]]
    meta = {
        "selection": {
            "from": jsonable(selection.start),
            "to": jsonable(selection.end),
            "categories": list(selection.categories),
            "thana": scope,
        },
        "store_version": data.version,
        "thanas": len(layer),
    }
    return geojson_bytes(layer, id_column=NAME, meta=meta)


def scorecard(
    source: Source,
    *,
    eps_m: float = 150.0,
    min_samples: int = 10,
    camera_radius_m: float = 100.0,
) -> dict[str, Any]:
    """Return one thana's scorecard: incidents, hotspots, campaigns, CCTV, sites, resources.

    Parameters
    ----------
    source : api.usecases.common.Source
        Dates and categories, and the thana (required).
    eps_m, min_samples : float, int
        Hotspot parameters.
    camera_radius_m : float
        A site counts as watched when a working camera stands within this distance.

    Returns
    -------
    dict
    """
    store, settings, selection = source.store, source.settings, source.selection
    name = selection.thana
    if name is None:
        raise ParameterError("a scorecard is of one thana", fix="name the thana in the selection")
    thanas = read_layer(store, LayerKind.THANAS, timezone=settings.timezone)
    row = _thana_row(thanas, name)
    data = source.load(require=False)
    incidents = data.incidents
    months = incidents[OCCURRED_AT].dt.strftime("%Y-%m")
    by_month_category = (
        incidents.assign(month=months).groupby(["month", CATEGORY]).size()
        if len(incidents)
        else pd.Series(dtype="int64")
    )
    hotspot_count = underserved = 0
    if len(incidents):
        spots = find_hotspots(data, settings, HotspotParams(eps_m, min_samples))
        hotspot_count = len(spots)
        if len(spots):
            underserved = len(underserved_of(spots, data, settings))

    campaigns = read_layer(store, LayerKind.CAMPAIGNS, timezone=settings.timezone, thana=name)
    held = pd.to_datetime(campaigns[HELD_ON])
    keep = pd.Series(True, index=campaigns.index)
    if selection.start is not None:
        keep &= held >= pd.Timestamp(selection.start)
    if selection.end is not None:
        keep &= held <= pd.Timestamp(selection.end)
    campaigns = campaigns[keep.fillna(False).astype(bool)]
    attendees = pd.to_numeric(campaigns[ATTENDEES], errors="coerce")

    cctv = read_layer(store, LayerKind.CCTV, timezone=settings.timezone, thana=name)
    status = cctv[STATUS].astype("string").fillna("unknown").value_counts()
    sites = read_layer(store, LayerKind.SITES, timezone=settings.timezone, thana=name)
    unwatched = _sites_without_camera(
        sites, data.cctv, camera_radius_m=camera_radius_m, metric_crs=settings.metric_crs
    )
    return {
        "thana": name,
        "zone": jsonable(row[ZONE]),
        "period": {"from": jsonable(selection.start), "to": jsonable(selection.end)},
        "categories": list(selection.categories),
        "store_version": data.version,
        "incidents": {
            "total": len(incidents),
            "by_category": {str(k): int(v) for k, v in incidents[CATEGORY].value_counts().items()},
            "by_month": {str(k): int(v) for k, v in months.value_counts().sort_index().items()},
            "by_month_category": [
                {"month": str(key[0]), "category": str(key[1]), "incidents": int(n)}
                for key, n in by_month_category.items()
                if isinstance(key, tuple)
            ],
        },
        "hotspots": {
            "count": hotspot_count,
            "underserved": underserved,
            "eps_m": eps_m,
            "min_samples": min_samples,
        },
        "campaigns": {
            "held": len(campaigns),
            "attendees": int(attendees.fillna(0).sum()),
            "by_kind": {str(k): int(v) for k, v in campaigns[KIND].value_counts().items()},
        },
        "cctv": {
            "working": int(status.get("working", 0)),
            "faulty": int(status.get("faulty", 0)),
            "unknown": int(status.get("unknown", 0)),
            "total": len(cctv),
        },
        "sites": {
            "total": len(sites),
            "without_working_camera": len(unwatched),
            "camera_radius_m": camera_radius_m,
            "list_without_camera": unwatched,
        },
        "resources": {col: jsonable(row[col]) for col in RESOURCES},
    }


def _sites_without_camera(
    sites: gpd.GeoDataFrame,
    cctv: gpd.GeoDataFrame,
    *,
    camera_radius_m: float,
    metric_crs: str | None,
) -> list[dict[str, Any]]:
    """Return the sites (name, kind) with no working camera within ``camera_radius_m``."""
    if sites.empty:
        return []
    working = cctv[cctv[STATUS].astype("string") == "working"]
    crs = metric_crs_for(sites, metric_crs)
    site_xy = shapely.get_coordinates(to_metric(sites, crs).geometry.to_numpy())
    if working.empty:
        watched = np.zeros(len(sites), dtype=bool)
    else:
        cam_xy = shapely.get_coordinates(to_metric(working, crs).geometry.to_numpy())
        dist, _ = cKDTree(cam_xy).query(site_xy, k=1)
        watched = np.asarray(dist) <= camera_radius_m
    out = sites.loc[~watched, [NAME, KIND]].sort_values([KIND, NAME])
    return [{"name": str(n), "kind": str(k)} for n, k in zip(out[NAME], out[KIND], strict=True)]
