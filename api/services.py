"""What the service computes: analyses, scorecards, maps and uploads as JSON-ready results."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from api.errors import NotFoundError, NoValidRowError, PayloadTooLargeError, UnavailableError
from geo.crs import metric_crs_for, to_metric, to_wgs84
from geo.errors import ExportError, InputTooLargeError, ParameterError
from geo.ingest import ImportResult, import_file, validate_file
from geo.ingest.columns import (
    DATE_PART_ALIASES,
    LAT_ALIASES,
    LON_ALIASES,
    TIME_PART_ALIASES,
    WKT_ALIASES,
    normalise,
)
from geo.ingest.limits import LIMIT_SETTINGS, ReadLimits
from geo.ingest.privacy import find_personal_columns
from geo.ingest.public_text import MAX_ECHOED_NAMES, clip
from geo.ingest.quarantine import Q_ORIGINAL, export_text
from geo.schema import (
    ATTENDEES,
    CATEGORY,
    HELD_ON,
    KIND,
    NAME,
    OCCURRED_AT,
    RESOURCES,
    SITES,
    SOURCE,
    STATION_LAT,
    STATION_LON,
    STATUS,
    THANA,
    THANA_STATED,
    ZONE,
    LayerKind,
    layer_spec,
)
from geo.settings import Settings
from geo.store import Store, read_layer
from geo.thanas import normalise_thana
from models.inputs import AnalysisInputs, Selection, load_inputs

logger = logging.getLogger(__name__)

#: Media type of GeoJSON responses (RFC 7946).
GEOJSON: Final = "application/geo+json"
#: Decimal places of coordinates in responses (~0.1 m).
COORD_DECIMALS: Final = 6
#: Incident columns a map may show: nothing that identifies a person or a record.
MAP_INCIDENT_COLUMNS: Final = (OCCURRED_AT, CATEGORY, SOURCE, THANA)
#: Layer fields a response may carry although their names look personal: the name of a thana
#: or site, and the thana resource counts (``phones`` is a number of telephones).
_ALLOWED_COLUMNS: Final = frozenset({NAME, *RESOURCES})


# --------------------------------------------------------------------------- JSON / GeoJSON


def jsonable(value: Any) -> Any:
    """Return ``value`` as plain JSON data (NaN and NA → None, numpy → Python, times → ISO).

    Parameters
    ----------
    value : object

    Returns
    -------
    object
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [jsonable(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return jsonable(float(value))
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return None if pd.isna(value) else value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return str(value)


def public_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` without any column that looks personal (defence in depth).

    Analysis outputs are aggregates and carry no personal field; this guard drops (and logs)
    any column :func:`geo.ingest.privacy.find_personal_columns` flags, so a future column can never
    leak through the service.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
    """
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    attributes = frame.drop(columns=[geometry]) if geometry else frame
    flagged = [c for c in find_personal_columns(attributes, SITES) if c not in _ALLOWED_COLUMNS]
    if not flagged:
        return frame
    logger.warning("columns withheld from a response as personal: %s", ", ".join(flagged))
    return frame.drop(columns=flagged)


def _rounded(geoms: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    rounded: npt.NDArray[np.object_] = shapely.transform(
        geoms, lambda xy: np.round(xy, COORD_DECIMALS)
    )
    return rounded


def geojson_bytes(
    frame: gpd.GeoDataFrame, *, id_column: str | None = None, meta: Mapping[str, Any] | None = None
) -> bytes:
    """Encode a layer as a GeoJSON FeatureCollection (EPSG:4326) with JSON-object properties.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Any CRS; nested dict/list cells stay JSON objects/arrays.
    id_column : str, optional
        Column used as the feature ``id`` (default: the index).
    meta : mapping, optional
        A foreign member ``meta`` (parameters, selection, notes) of the collection.

    Returns
    -------
    bytes
        UTF-8 JSON.
    """
    layer = public_columns(to_wgs84(frame) if frame.crs is not None else frame)
    geometry = layer.geometry
    geoms = _rounded(geometry.to_numpy())
    texts = shapely.to_geojson(geoms)
    columns = [c for c in layer.columns if c != geometry.name]
    records = layer[columns].astype(object).to_dict(orient="records") if columns else []
    ids = layer[id_column].tolist() if id_column else layer.index.tolist()
    features = []
    for i, geom in enumerate(texts):
        props = json.dumps(jsonable(records[i]) if records else {}, ensure_ascii=False)
        fid = json.dumps(jsonable(ids[i]), ensure_ascii=False)
        features.append(
            f'{{"type":"Feature","id":{fid},"properties":{props},'
            f'"geometry":{geom if geom is not None else "null"}}}'
        )
    head = '{"type":"FeatureCollection"'
    if meta is not None:
        head += ',"meta":' + json.dumps(jsonable(meta), ensure_ascii=False)
    return (head + ',"features":[' + ",".join(features) + "]}").encode("utf-8")


# --------------------------------------------------------------------------- inputs


def inputs(
    store: Store, settings: Settings, selection: Selection, *, require: bool = True
) -> AnalysisInputs:
    """Load the store's layers and the selected incidents (see :func:`models.inputs.load_inputs`).

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    require : bool
        Raise (422) when the selection leaves no incident.

    Returns
    -------
    models.inputs.AnalysisInputs
    """
    return load_inputs(store, selection, timezone=settings.timezone, require_incidents=require)


# --------------------------------------------------------------------------- work budgets

#: Most grid cells one request may analyse (Gi*, a map's Gi* layer).
MAX_CELLS: Final = 200_000
#: Most cell × time-bin values of one emerging hot-spot request (~5 s on 2 cores).
MAX_CELL_BINS: Final = 1_000_000
#: Most cell × fold values of one back-test request (~6 s on 2 cores).
MAX_CELL_FOLDS: Final = 300_000
_BIN_DAYS: Final = {"W": 7.0, "14D": 14.0, "M": 30.44}


def estimated_cells(data: AnalysisInputs, settings: Settings, cell_m: float, grid: str) -> int:
    """Estimate how many cells a grid of ``cell_m`` has over the selection's study area.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    cell_m : float
        Square side or hexagon edge, in metres.
    grid : str
        ``square`` or ``h3``.

    Returns
    -------
    int
    """
    area = data.study_area()
    layer = area if area is not None and len(area) else data.incidents
    if layer.empty:
        return 0
    crs = metric_crs_for(layer, settings.metric_crs)
    projected = to_metric(layer, crs)
    if area is not None and len(area):
        square_m2 = float(projected.geometry.area.sum())
    else:
        minx, miny, maxx, maxy = projected.total_bounds
        square_m2 = float((maxx - minx + cell_m) * (maxy - miny + cell_m))
    cell_area = cell_m * cell_m * (2.598 if grid == "h3" else 1.0)
    return math.ceil(square_m2 / cell_area * 1.1)


def _over_budget(what: str, amount: int, limit: int, fix: str) -> ParameterError:
    return ParameterError(
        f"{what} makes ~{amount:,} values to compute, above the service's limit of {limit:,}",
        why="one request may not hold the service for minutes",
        fix=fix,
    )


def check_cells(data: AnalysisInputs, settings: Settings, g: GridParams) -> int:
    """Refuse a grid with more than :data:`MAX_CELLS` cells (422); return the estimate.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    g : GridParams

    Returns
    -------
    int
    """
    cells = estimated_cells(data, settings, g.cell_m, g.grid)
    if cells > MAX_CELLS:
        raise _over_budget(
            f"cell_m {g.cell_m:g} over this area", cells, MAX_CELLS, "use larger cells or a thana"
        )
    return cells


def _selection_meta(data: AnalysisInputs) -> dict[str, Any]:
    return {"selection": data.describe(), "store_version": data.version}


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
    """

    eps_m: float = 150.0
    min_samples: int = 10
    underserved: bool = False


def find_hotspots(data: AnalysisInputs, settings: Settings, p: HotspotParams) -> gpd.GeoDataFrame:
    """Find and explain hotspots of the selected incidents, ranked.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    p : HotspotParams

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`models.hotspots.find_hotspots` (or of
        :func:`models.hotspots.underserved_hotspots`), most at risk first.
    """
    from models import hotspots as hs

    spots = hs.find_hotspots(
        data.incidents,
        eps_m=p.eps_m,
        min_samples=p.min_samples,
        metric_crs=settings.metric_crs,
        sites=data.sites,
        cctv=data.cctv,
        campaigns=data.campaigns,
        thanas=data.thanas,
        reference_time=data.reference_time(),
    )
    if p.underserved:
        spots = hs.underserved_hotspots(spots, data.campaigns, metric_crs=settings.metric_crs)
    rank = hs.UNDERSERVED_RANK if p.underserved else hs.RISK_RANK
    return spots.sort_values(rank) if len(spots) else spots


def hotspots_geojson(
    store: Store, settings: Settings, selection: Selection, p: HotspotParams
) -> bytes:
    """Return the hotspots of a selection as GeoJSON (id = hotspot id, ranked).

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    p : HotspotParams

    Returns
    -------
    bytes
    """
    from models.hotspots import HOTSPOTS_ATTR, INCIDENTS

    data = inputs(store, settings, selection)
    spots = find_hotspots(data, settings, p)
    attrs = dict(spots.attrs.get(HOTSPOTS_ATTR, {}))
    clustered = int(spots[INCIDENTS].sum()) if len(spots) else 0
    meta = {
        **_selection_meta(data),
        "parameters": {"eps_m": p.eps_m, "min_samples": p.min_samples},
        "underserved_only": p.underserved,
        "hotspots": len(spots),
        "clustered_incidents": clustered,
        "reference_time": attrs.get("reference_time"),
        "notes": attrs.get("notes", []),
    }
    return geojson_bytes(spots, meta=meta)


# --------------------------------------------------------------------------- significance


@dataclass(frozen=True)
class GridParams:
    """Grid of a cell analysis.

    Attributes
    ----------
    cell_m : float
        Cell size in metres.
    grid : str
        ``square`` or ``h3``.
    """

    cell_m: float = 250.0
    grid: str = "square"


def gi_geojson(
    store: Store, settings: Settings, selection: Selection, g: GridParams, *, all_cells: bool
) -> bytes:
    """Return Getis-Ord Gi* cells as GeoJSON (only the hot/cold ones unless ``all_cells``).

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    g : GridParams
    all_cells : bool

    Returns
    -------
    bytes
    """
    from models.grid import CELL_ID
    from models.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star

    data = inputs(store, settings, selection)
    check_cells(data, settings, g)
    cells = gi_star(
        data.incidents,
        cell_m=g.cell_m,
        grid=g.grid,  # type: ignore[arg-type]  # checked by the model
        metric_crs=settings.metric_crs,
        study_area=data.study_area(),
    )
    counts = {str(k): int(v) for k, v in cells[GI_CLASS].value_counts().items()}
    flagged = cells if all_cells else cells[cells[GI_CLASS] != NOT_SIGNIFICANT]
    meta = {
        **_selection_meta(data),
        "parameters": {"cell_m": g.cell_m, "grid": g.grid},
        "cells": len(cells),
        "flagged": int((cells[GI_CLASS] != NOT_SIGNIFICANT).sum()),
        "classes": counts,
        "all_cells": all_cells,
    }
    return geojson_bytes(flagged, id_column=CELL_ID, meta=meta)


def emerging_cells(
    data: AnalysisInputs, settings: Settings, selection: Selection, g: GridParams, *, time_bin: str
) -> gpd.GeoDataFrame:
    """Return every cell's emerging hot-spot pattern, within the service's size budget.

    Parameters
    ----------
    data : models.inputs.AnalysisInputs
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    g : GridParams
    time_bin : str
        ``W``, ``14D`` or ``M``.

    Returns
    -------
    geopandas.GeoDataFrame
        The output of :func:`models.emerging.emerging_hotspots`.

    Raises
    ------
    geo.errors.ParameterError
        When cells × time bins exceed :data:`MAX_CELL_BINS`, saying how to shrink it.
    """
    from models.emerging import emerging_hotspots

    n_cells = check_cells(data, settings, g)
    times = data.incidents[OCCURRED_AT]
    first = pd.Timestamp(selection.start) if selection.start else times.min().tz_localize(None)
    last = pd.Timestamp(selection.end) if selection.end else times.max().tz_localize(None)
    bins = max(1, int((last - first).days / _BIN_DAYS.get(time_bin, 7.0)) + 1)
    if n_cells * bins > MAX_CELL_BINS:
        raise _over_budget(
            f"cell_m {g.cell_m:g} with {bins} time bins ({time_bin})",
            n_cells * bins,
            MAX_CELL_BINS,
            "use larger cells, monthly bins (time_bin=M), fewer dates or a thana",
        )
    return emerging_hotspots(
        data.incidents,
        cell_m=g.cell_m,
        bin=time_bin,
        grid=g.grid,  # type: ignore[arg-type]
        start=selection.start,
        end=selection.end,
        metric_crs=settings.metric_crs,
        study_area=data.study_area(),
    )


def emerging_geojson(
    store: Store,
    settings: Settings,
    selection: Selection,
    g: GridParams,
    *,
    time_bin: str,
    all_cells: bool,
) -> bytes:
    """Return emerging hot-spot patterns as GeoJSON (cells with a pattern unless ``all_cells``).

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    g : GridParams
    time_bin : str
        ``W``, ``14D`` or ``M``.
    all_cells : bool

    Returns
    -------
    bytes
    """
    from models.emerging import NO_PATTERN, PATTERN
    from models.grid import CELL_ID

    data = inputs(store, settings, selection)
    cells = emerging_cells(data, settings, selection, g, time_bin=time_bin)
    counts = {str(k): int(v) for k, v in cells[PATTERN].value_counts().items()}
    flagged = cells if all_cells else cells[cells[PATTERN] != NO_PATTERN]
    meta = {
        **_selection_meta(data),
        "parameters": {"cell_m": g.cell_m, "grid": g.grid, "time_bin": time_bin},
        "cells": len(cells),
        "flagged": int((cells[PATTERN] != NO_PATTERN).sum()),
        "patterns": counts,
        "all_cells": all_cells,
    }
    return geojson_bytes(flagged, id_column=CELL_ID, meta=meta)


@dataclass(frozen=True)
class BacktestParams:
    """Parameters of the standard back-test.

    Attributes
    ----------
    train, test : str
        Window lengths (``90D``).
    folds : int
    eps_m : float
    min_samples : int
    bandwidth_m : float
    """

    train: str = "90D"
    test: str = "30D"
    folds: int = 6
    eps_m: float = 150.0
    min_samples: int = 10
    bandwidth_m: float = 300.0


def backtest_summary(
    store: Store, settings: Settings, selection: Selection, g: GridParams, b: BacktestParams
) -> dict[str, Any]:
    """Back-test the standard methods; return the summary table (hit rate, PAI, PEI).

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    g : GridParams
    b : BacktestParams

    Returns
    -------
    dict
        ``folds``, the parameters, ``selection`` and ``summary`` rows.
    """
    from models.backtest import AREA_SHARE, HIT_RATE, METHOD, PAI, PEI
    from models.scorers import standard_backtest

    data = inputs(store, settings, selection)
    n_cells = check_cells(data, settings, g)
    if n_cells * b.folds > MAX_CELL_FOLDS:
        raise _over_budget(
            f"cell_m {g.cell_m:g} with {b.folds} folds",
            n_cells * b.folds,
            MAX_CELL_FOLDS,
            "use larger cells, fewer folds or a thana",
        )
    result = standard_backtest(
        data.incidents,
        cell_m=g.cell_m,
        grid=g.grid,  # type: ignore[arg-type]
        study_area=data.study_area(),
        train=b.train,
        test=b.test,
        n_folds=b.folds,
        metric_crs=settings.metric_crs,
        eps_m=b.eps_m,
        min_samples=b.min_samples,
        bandwidth_m=b.bandwidth_m,
    )
    rows = [
        {
            "method": str(r[METHOD]),
            "area_share": jsonable(r[AREA_SHARE]),
            "hit_rate": jsonable(r[HIT_RATE]),
            "pai": jsonable(r[PAI]),
            "pei": jsonable(r[PEI]),
            "area_share_used": jsonable(r["area_share_used"]),
        }
        for _, r in result.summary.iterrows()
    ]
    return {
        "folds": int(result.folds["fold"].nunique()),
        "train": b.train,
        "test": b.test,
        "cell_m": g.cell_m,
        "grid": g.grid,
        "selection": data.describe(),
        "store_version": data.version,
        "summary": rows,
    }


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


def thanas_geojson(
    store: Store, settings: Settings, selection: Selection, scope: str | None
) -> bytes:
    """Return the thana boundaries with incident counts of the selection, as GeoJSON.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
        Dates and categories counted (its thana is ignored; ``scope`` limits the features).
    scope : str or None
        Only this thana.

    Returns
    -------
    bytes
    """
    whole = Selection(start=selection.start, end=selection.end, categories=selection.categories)
    data = inputs(store, settings, whole, require=False)
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
    store: Store,
    settings: Settings,
    name: str,
    selection: Selection,
    *,
    eps_m: float = 150.0,
    min_samples: int = 10,
    camera_radius_m: float = 100.0,
) -> dict[str, Any]:
    """Return one thana's scorecard: incidents, hotspots, campaigns, CCTV, sites, resources.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    name : str
        The thana.
    selection : models.inputs.Selection
        Dates and categories (its thana is replaced by ``name``).
    eps_m, min_samples : float, int
        Hotspot parameters.
    camera_radius_m : float
        A site counts as watched when a working camera stands within this distance.

    Returns
    -------
    dict
    """
    sel = Selection(
        start=selection.start, end=selection.end, thana=name, categories=selection.categories
    )
    thanas = read_layer(store, LayerKind.THANAS, timezone=settings.timezone)
    row = _thana_row(thanas, name)
    data = inputs(store, settings, sel, require=False)
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
            from models.hotspots import underserved_hotspots

            under = underserved_hotspots(spots, data.campaigns, metric_crs=settings.metric_crs)
            underserved = len(under)

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


# --------------------------------------------------------------------------- maps


@dataclass(frozen=True)
class MapParams:
    """What a map shows beyond hotspots.

    Attributes
    ----------
    hotspots : HotspotParams
    significance : bool
        Add Gi* hot/cold cells.
    cell_m : float
        Cell size of the Gi* layer.
    share : bool
        A map for sharing outside the police (no incident points).
    max_points : int
        Most incident points drawn.
    emerging : bool
        Add the emerging hot-spot trend of each cell (monthly bins).
    """

    hotspots: HotspotParams = HotspotParams()
    significance: bool = False
    cell_m: float = 250.0
    share: bool = False
    max_points: int = 2000
    emerging: bool = False


def tiles_of(settings: Settings) -> str | None:
    """Return the base-map tiles setting, ``None`` for none (``SHAKTI_TILES=none``).

    Parameters
    ----------
    settings : geo.settings.Settings

    Returns
    -------
    str or None
    """
    tiles = (settings.tiles or "").strip()
    return None if tiles.lower() in ("", "none", "off") else tiles


def map_html(
    store: Store, settings: Settings, selection: Selection, m: MapParams, *, asset_prefix: str
) -> str:
    """Render the hotspot map of a selection as a standalone HTML page (assets served locally).

    Everything drawn is limited to the selection's thana when it has one.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    selection : models.inputs.Selection
    m : MapParams
    asset_prefix : str
        URL prefix of the vendored JavaScript/CSS (``/assets``).

    Returns
    -------
    str

    Raises
    ------
    api.errors.UnavailableError
        When the vendored map assets have not been fetched (503, saying how to fetch them).
    """
    from maps.assets import asset_dir
    from maps.hotspot_map import hotspot_map
    from maps.render import map_html as render

    try:
        asset_dir()
    except ExportError as exc:
        raise UnavailableError(exc.what, why=exc.why, fix=exc.fix) from exc
    from models.hotspots import underserved_hotspots
    from models.significance import GI_CLASS, NOT_SIGNIFICANT, gi_star

    data = inputs(store, settings, selection)
    spots = find_hotspots(data, settings, HotspotParams(m.hotspots.eps_m, m.hotspots.min_samples))
    under = (
        underserved_hotspots(spots, data.campaigns, metric_crs=settings.metric_crs)
        if m.hotspots.underserved
        else None
    )
    gi_cells = None
    if m.significance:
        check_cells(data, settings, GridParams(cell_m=m.cell_m))
        cells = gi_star(
            data.incidents,
            cell_m=m.cell_m,
            metric_crs=settings.metric_crs,
            study_area=data.study_area(),
        )
        gi_cells = cells[cells[GI_CLASS] != NOT_SIGNIFICANT]
    trends = None
    if m.emerging:
        from models.emerging import NO_PATTERN, PATTERN

        cube = emerging_cells(data, settings, selection, GridParams(cell_m=m.cell_m), time_bin="M")
        trends = cube[cube[PATTERN] != NO_PATTERN]
    thana = selection.thana

    def scoped(layer: gpd.GeoDataFrame, kind: LayerKind) -> gpd.GeoDataFrame:
        if thana is None:
            return layer
        return read_layer(store, kind, timezone=settings.timezone, thana=thana)

    incidents = data.incidents[[*MAP_INCIDENT_COLUMNS, data.incidents.geometry.name]]
    thanas = data.thanas if thana is None else data.thanas[data.thanas[NAME] == thana]
    where = thana or "all thanas"
    if selection.start is None and selection.end is None:
        when = "all dates"
    else:
        when = f"{selection.start or 'first'} to {selection.end or 'latest'}"
    folium_map = hotspot_map(
        public_columns(incidents),
        thanas=thanas,
        hotspots=spots,
        sites=scoped(data.sites, LayerKind.SITES),
        cctv=scoped(data.cctv, LayerKind.CCTV),
        campaigns=scoped(data.campaigns, LayerKind.CAMPAIGNS),
        gi_cells=gi_cells,
        emerging=trends,
        underserved=under,
        share=m.share,
        tiles=tiles_of(settings),
        tile_attribution=settings.tile_attribution,
        title=f"Shakti Hotspots: {where}, {when}",
        max_points=m.max_points,
    )
    html: str = render(folium_map, assets="served", asset_prefix=asset_prefix)
    return html


def maps_asset_dir() -> Path | None:
    """Return the folder of the maps' vendored JavaScript/CSS, or ``None`` when not fetched.

    Returns
    -------
    Path or None
        ``None`` (and a logged warning saying how to fetch them) when files are missing; the
        service still starts, and map routes then fail with the same fix in their error.
    """
    from maps.assets import asset_dir

    try:
        return asset_dir()
    except ExportError as exc:
        logger.warning("map assets are not served: %s", exc)
        return None


# --------------------------------------------------------------------------- datasets


def layer_counts(store: Store, scope: str | None) -> dict[str, int]:
    """Return the number of rows of each layer (in the thana, with a scope).

    Parameters
    ----------
    store : geo.store.Store
    scope : str or None

    Returns
    -------
    dict
    """
    if scope is None:
        return {kind.value: store.count(kind) for kind in LayerKind}
    return {kind.value: len(store.read(kind, thana=scope)) for kind in LayerKind}


@functools.cache
def _public_original_keys(kind: LayerKind) -> frozenset[str]:
    spec = layer_spec(kind)
    keys = {normalise(name) for name in spec.columns}
    keys |= {normalise(alias) for f in spec.fields for alias in f.aliases}
    for aliases in (LAT_ALIASES, LON_ALIASES, WKT_ALIASES, DATE_PART_ALIASES, TIME_PART_ALIASES):
        keys |= {normalise(a) for a in aliases}
    return frozenset(keys)


def _public_original(text: object, kind: str) -> str:
    """Keep only schema and coordinate columns of a quarantined row's original values.

    Columns that are not in the schema (remarks, descriptions) may hold free text about
    people, so the service never sends them, although the store keeps them.
    """
    try:
        record = json.loads(str(text))
        allowed = _public_original_keys(LayerKind(kind))
    except (ValueError, TypeError):
        return "{}"
    if not isinstance(record, dict):
        return "{}"
    kept = {k: v for k, v in record.items() if normalise(str(k)) in allowed}
    return json.dumps(kept, ensure_ascii=False)


@functools.cache
def _stated_thana_keys(kind: str) -> frozenset[str]:
    """Return the (normalised) column names that state a row's thana."""
    keys = {normalise(THANA_STATED), normalise(THANA)}
    keys |= {normalise(a) for a in layer_spec(LayerKind.INCIDENTS).field(THANA_STATED).aliases}
    if kind == LayerKind.THANAS.value:
        keys.add(normalise(NAME))
    return frozenset(keys)


def _in_thana(record: Mapping[str, Any], kind: str, thana: str, polygon: Any) -> bool:
    """Return whether a quarantined row belongs to a thana: stated thana or point inside."""
    target = normalise_thana(thana)
    stated_keys = _stated_thana_keys(kind)
    values = {normalise(str(k)): v for k, v in record.items()}
    for key in stated_keys:
        if key in values and values[key] is not None and normalise_thana(values[key]) == target:
            return True
    if polygon is None:
        return False
    lat = next((values[a] for a in map(normalise, LAT_ALIASES) if values.get(a) is not None), None)
    lon = next((values[a] for a in map(normalise, LON_ALIASES) if values.get(a) is not None), None)
    try:
        point = shapely.points(float(str(lon)), float(str(lat)))
    except (TypeError, ValueError):
        return False
    return bool(shapely.contains(polygon, point))


def quarantine_csv(
    store: Store, kind: LayerKind, scope: str | None, *, import_id: str | None = None
) -> str:
    """Return the quarantine of a layer as spreadsheet-safe CSV text, limited to a thana's scope.

    A thana's lines are those whose stated thana is it or whose coordinates fall inside it.
    Original values keep only schema and coordinate columns.

    Parameters
    ----------
    store : geo.store.Store
    kind : geo.schema.LayerKind
    scope : str or None
    import_id : str, optional

    Returns
    -------
    str
    """
    table = store.quarantine(kind, import_id=import_id).copy()
    if scope is not None and len(table):
        polygons = store.read(LayerKind.THANAS, thana=scope)
        if polygons.empty:
            raise NotFoundError(f"thana {scope!r} is not in the store", field="thana")
        polygon = polygons.geometry.iloc[0]
        keep = []
        for text in table[Q_ORIGINAL]:
            try:
                record = json.loads(str(text))
            except ValueError:
                record = {}
            keep.append(isinstance(record, dict) and _in_thana(record, kind.value, scope, polygon))
        table = table[np.asarray(keep, dtype=bool)]
    table[Q_ORIGINAL] = [_public_original(t, kind.value) for t in table[Q_ORIGINAL]]
    return export_text(table)


#: Most validation warnings an upload's report carries, each cut to
#: :data:`MAX_WARNING_CHARS` characters.
MAX_REPORT_WARNINGS: Final = 20
MAX_WARNING_CHARS: Final = 300


@dataclass(frozen=True)
class UploadOptions:
    """How to read an uploaded file.

    Attributes
    ----------
    mapping : dict
        Source column → field.
    defaults : dict
        Field → value for missing columns or empty cells.
    fix_swapped : bool
    dry_run : bool
        Validate only.
    """

    mapping: Mapping[str, str]
    defaults: Mapping[str, str]
    fix_swapped: bool = False
    dry_run: bool = False


def import_upload(
    store: Store, settings: Settings, path: Path, kind: LayerKind, options: UploadOptions
) -> dict[str, Any]:
    """Validate (and unless ``dry_run``, import) an uploaded file; return its report.

    The file is read once, through :func:`geo.ingest.readers.read_table` with the service's
    :meth:`~geo.ingest.limits.ReadLimits.for_uploads` limits: it is refused (413) before it is read
    whole when it has more rows, columns, longer cells, a bigger unpacked size, more zip
    members or a higher compression ratio than the settings allow.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    path : Path
        The saved upload (its name is the original file name).
    kind : geo.schema.LayerKind
    options : UploadOptions

    Returns
    -------
    dict
        Like ``shakti import --json``: ``rows``, ``accepted``, ``quarantined``,
        ``reasons`` (+ ``flags``, ``import_id``, ``inserted``, ``updated``), and
        ``dry_run``, ``personal_columns_dropped`` (a count: their names are not echoed),
        ``personal_reasons``, ``ignored_columns`` (the first
        :data:`~geo.ingest.public_text.MAX_ECHOED_NAMES`, clipped), ``ignored_columns_count``,
        ``warnings`` (at most :data:`MAX_REPORT_WARNINGS`, clipped), ``store_version``.

    Raises
    ------
    api.errors.PayloadTooLargeError
        Above a read limit (413), naming the setting as ``field``.
    api.errors.NoValidRowError
        When no row is valid (422; the quarantine is still stored on import).
    """
    limits = ReadLimits.for_uploads(settings)
    try:
        if options.dry_run:
            report = validate_file(
                path,
                kind,
                settings=settings,
                mapping=options.mapping,
                defaults=options.defaults,
                fix_swapped=options.fix_swapped,
                store=store,
                limits=limits,
            )
            result = ImportResult(report=report)
        else:
            result = import_file(
                path,
                kind,
                store,
                settings=settings,
                mapping=options.mapping,
                defaults=options.defaults,
                fix_swapped=options.fix_swapped,
                limits=limits,
            )
    except InputTooLargeError as exc:
        setting = next((name for name in LIMIT_SETTINGS if f"({name})" in exc.what), None)
        raise PayloadTooLargeError(exc.what, why=exc.why, fix=exc.fix, field=setting) from exc
    report = result.report
    ignored = [str(c) for c in report.ignored_columns]
    summary: dict[str, Any] = {
        "kind": kind.value,
        "dry_run": options.dry_run,
        **result.summary(),
        "personal_columns_dropped": len(report.personal_columns),
        "personal_reasons": sorted(set(report.personal_columns.values())),
        "ignored_columns": [clip(c) for c in ignored[:MAX_ECHOED_NAMES]],
        "ignored_columns_count": len(ignored),
        "warnings": [clip(w, MAX_WARNING_CHARS) for w in report.warnings[:MAX_REPORT_WARNINGS]],
        "store_version": store.version,
    }
    if report.rows and not len(report.accepted):
        raise NoValidRowError(
            f"none of the {report.rows} rows of the file is valid",
            why="every row has a problem; "
            + ("nothing was stored" if options.dry_run else "the problems are in the quarantine"),
            fix="download the quarantine report, fix the rows and upload again",
            report=summary,
        )
    return jsonable(summary)  # type: ignore[no-any-return]
