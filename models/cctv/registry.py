"""The camera register cleaned: duplicates merged, statuses and view radii defaulted, in metres."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from geo.crs import WGS84, metric_coordinates
from geo.errors import ParameterError
from geo.i18n import counted, format_int
from geo.schema import ID, OWNER, STATUS, THANA, VIEW_RADIUS_M
from geo.thanas import assign_thanas
from models.arrays import BoolArray, FloatArray, IntArray
from models.cctv.columns import (
    CAMERA_COLUMNS,
    CAMERA_ID,
    DEFAULT_VIEW_RADIUS_M,
    DUPLICATE_M,
    FAULTY,
    MERGED_IDS,
    RADIUS_ASSUMED,
    RECORDS,
    STATUS_ASSUMED,
    STATUSES,
    UNKNOWN,
    WORKING,
)
from models.checks import check_metres

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class CameraRegistry:
    """A camera register cleaned for analysis: one row per physical camera.

    Attributes
    ----------
    cameras : geopandas.GeoDataFrame
        EPSG:4326, columns :data:`CAMERA_COLUMNS`; ``status`` is one of :data:`STATUSES` and
        ``view_radius_m`` is always set (a default where the register gave none).
    xy : numpy.ndarray
        ``(n, 2)`` camera coordinates in the metric CRS.
    metric_crs : str
    defaults_used : tuple of str
        One sentence per default applied (merged duplicates, unknown status, missing radius).
    counts : dict
        ``rows``, ``cameras``, ``duplicates_merged``, ``status_unknown``, ``status_defaulted``,
        ``radius_defaulted``, ``working``, ``faulty``.
    """

    cameras: gpd.GeoDataFrame
    xy: FloatArray
    metric_crs: str
    defaults_used: tuple[str, ...]
    counts: Mapping[str, int] = field(default_factory=dict)

    @property
    def working(self) -> BoolArray:
        """Return which cameras work."""
        return np.asarray(self.cameras[STATUS].to_numpy() == WORKING, dtype=bool)

    @property
    def radius_m(self) -> FloatArray:
        """Return each camera's view radius in metres."""
        return np.asarray(self.cameras[VIEW_RADIUS_M].to_numpy(dtype=float))


def _status_of(values: pd.Series) -> tuple[npt.NDArray[np.object_], BoolArray]:
    text = values.astype("string").str.strip().str.lower()
    known = text.isin(STATUSES).fillna(False).to_numpy(dtype=bool)
    status = np.where(known, text.fillna(UNKNOWN).to_numpy(dtype=object), UNKNOWN)
    return status.astype(object), ~known


def _register_fields(
    cctv: gpd.GeoDataFrame,
) -> tuple[
    npt.NDArray[np.object_], npt.NDArray[np.object_], BoolArray, FloatArray,
    npt.NDArray[np.object_],
]:  # fmt: skip
    """Return each register row's id, status (and whether defaulted), view radius and owner."""
    n = len(cctv)
    ids = (
        cctv[ID].astype("string").fillna("").to_numpy(dtype=object)
        if ID in cctv.columns
        else np.asarray([f"row {i + 1}" for i in range(n)], dtype=object)
    )
    ids = np.asarray([s if s else f"row {i + 1}" for i, s in enumerate(ids)], dtype=object)
    if STATUS in cctv.columns:
        status, status_defaulted = _status_of(cctv[STATUS])
    else:
        status, status_defaulted = np.full(n, UNKNOWN, dtype=object), np.ones(n, dtype=bool)
    radius = (
        pd.to_numeric(cctv[VIEW_RADIUS_M], errors="coerce").to_numpy(dtype=float)
        if VIEW_RADIUS_M in cctv.columns
        else np.full(n, np.nan)
    )
    radius_missing = ~np.isfinite(radius) | (radius <= 0)
    radius = np.where(radius_missing, np.nan, radius)
    owner = (
        cctv[OWNER].astype("string").to_numpy(dtype=object)
        if OWNER in cctv.columns
        else np.full(n, None, dtype=object)
    )

    return ids, status, status_defaulted, radius, owner


def _duplicate_groups(
    xy: FloatArray, ids: npt.NDArray[np.object_], dup_m: float
) -> tuple[int, IntArray, list[int]]:
    """Return the groups of rows closer than ``dup_m`` and the groups in canonical order."""
    n = len(xy)
    # Duplicates: connected groups of rows closer than duplicate_m (scipy's graph components).
    pairs = cKDTree(xy).query_pairs(r=dup_m, output_type="ndarray") if n > 1 else np.empty((0, 2))
    graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    n_groups, group = connected_components(graph, directed=False)
    # Canonical order of groups: by their smallest id, so output is independent of row order.
    smallest: dict[int, str] = {}
    for g, i in zip(group.tolist(), ids.astype(str).tolist(), strict=True):
        smallest[g] = min(smallest.get(g, i), i)
    keys = sorted(range(n_groups), key=lambda g: smallest[g])
    return n_groups, group, keys


def _register_notes(
    n: int, n_groups: int, dup_m: float, conflicts: int, n_status_default: int, n_unknown: int,
    n_radius: int, default_r: float,
) -> list[str]:  # fmt: skip
    """Return what cleaning the register merged or assumed, for the notes of every output."""
    merged = n - n_groups
    notes: list[str] = []
    if merged:
        # TRANSLATORS: {rows} register rows became {cameras} cameras within {distance} metres.
        note = counted(
            merged,
            "{n} duplicate register rows merged ({rows} rows → {cameras} cameras within "
            "{distance} m of each other): a merged camera works if any row says so, and keeps "
            "the largest view radius",
            "{n} duplicate register rows merged ({rows} rows → {cameras} cameras within "
            "{distance} m of each other): a merged camera works if any row says so, and keeps "
            "the largest view radius",
            rows=format_int(n),
            cameras=format_int(n_groups),
            distance=format(dup_m, "g"),
        )
        if conflicts:
            note = counted(
                conflicts,
                "{note}; {n} merged cameras had conflicting statuses",
                "{note}; {n} merged cameras had conflicting statuses",
                note=note,
            )
        notes.append(note)
    if n_status_default:
        notes.append(
            counted(
                n_status_default,
                "{n} register rows have no usable status: assumed 'unknown'",
                "{n} register rows have no usable status: assumed 'unknown'",
            )
        )
    if n_unknown:
        notes.append(
            counted(
                n_unknown,
                "{n} cameras of unknown status are treated as not working (offered for a check or "
                "repair, never counted as coverage)",
                "{n} cameras of unknown status are treated as not working (offered for a check or "
                "repair, never counted as coverage)",
            )
        )
    if n_radius:
        notes.append(
            counted(
                n_radius,
                "{n} cameras have no view radius: assumed {radius} m",
                "{n} cameras have no view radius: assumed {radius} m",
                radius=format(default_r, "g"),
            )
        )
    return notes


def clean_registry(
    cctv: gpd.GeoDataFrame | None,
    *,
    thanas: gpd.GeoDataFrame | None = None,
    metric_crs: str | None = None,
    default_radius_m: float = DEFAULT_VIEW_RADIUS_M,
    duplicate_m: float = DUPLICATE_M,
) -> CameraRegistry:
    """Clean a camera register: merge duplicates, default unknown status and missing radius.

    Rules (each one applied is reported in ``defaults_used``):

    * rows within ``duplicate_m`` of each other are one camera (connected groups): it works if
      any row says so, else it is faulty if any row says so; its radius is the largest given;
      its id is the smallest id and ``merged_ids`` lists them all;
    * a missing or unrecognised status is ``unknown``, which counts as not working (a repair or
      check candidate, never coverage);
    * a missing, negative or zero view radius is ``default_radius_m``.

    Parameters
    ----------
    cctv : geopandas.GeoDataFrame or None
        The cctv layer (any CRS) with ``id``, ``status``, ``view_radius_m`` (all optional).
    thanas : geopandas.GeoDataFrame, optional
        Thana polygons: each camera gets its ``thana`` (missing outside every polygon).
    metric_crs : str, optional
    default_radius_m : float
    duplicate_m : float

    Returns
    -------
    CameraRegistry

    Raises
    ------
    geo.errors.ParameterError
        For a bad parameter or a camera that is not a point.
    """
    default_r = check_metres(default_radius_m, "default_radius_m", example=50.0)
    dup_m = check_metres(duplicate_m, "duplicate_m", allow_low=True, example=50.0)
    if cctv is None or cctv.empty:
        empty = gpd.GeoDataFrame(
            {c: pd.Series(dtype=object) for c in CAMERA_COLUMNS}, geometry=[], crs=WGS84
        )
        crs = metric_crs or "EPSG:32644"  # nominal: an empty register has nothing to project
        zero = dict.fromkeys(
            ("rows", "cameras", "duplicates_merged", "status_unknown", "status_defaulted",
             "radius_defaulted", "working", "faulty"), 0,
        )  # fmt: skip
        return CameraRegistry(empty, np.empty((0, 2)), crs, (), zero)
    xy, crs_obj = metric_coordinates(cctv, metric_crs, what="cctv")
    crs = crs_obj.to_string()
    n = len(cctv)
    ids, status, status_defaulted, radius, owner = _register_fields(cctv)

    n_groups, group, keys = _duplicate_groups(xy, ids, dup_m)
    records: list[dict[str, Any]] = []
    geoms: list[Any] = []
    cam_xy = np.empty((n_groups, 2))
    conflicts = 0
    status_rank = {WORKING: 0, FAULTY: 1, UNKNOWN: 2}
    src = cctv.to_crs(WGS84).geometry.to_numpy() if cctv.crs is not None else cctv.geometry
    for out_i, g in enumerate(keys):
        rows = np.flatnonzero(group == g)
        rows = rows[np.argsort(ids[rows].astype(str), kind="stable")]
        sts = {str(s) for s in status[rows]}
        if len(sts - {UNKNOWN}) > 1:
            conflicts += 1
        best = min(sts, key=lambda s: status_rank[s])
        known_r = radius[rows][np.isfinite(radius[rows])]
        r_assumed = known_r.size == 0
        owners = [o for o in owner[rows] if o is not None and not pd.isna(o)]
        records.append(
            {
                CAMERA_ID: str(ids[rows[0]]),
                MERGED_IDS: ";".join(str(i) for i in ids[rows]),
                RECORDS: int(rows.size),
                OWNER: owners[0] if owners else None,
                STATUS: best,
                VIEW_RADIUS_M: default_r if r_assumed else float(known_r.max()),
                STATUS_ASSUMED: bool(status_defaulted[rows].all()),
                RADIUS_ASSUMED: bool(r_assumed),
            }
        )
        cam_xy[out_i] = xy[rows].mean(axis=0) if rows.size > 1 else xy[rows[0]]
        geoms.append(src[rows[0]])
    cameras = gpd.GeoDataFrame(records, geometry=list(geoms), crs=WGS84)
    if len(cameras) and (cameras.geometry.is_empty.any() or cameras.geometry.isna().any()):
        raise ParameterError("a camera has no position", fix="drop cctv rows without coordinates")
    cameras[THANA] = (
        assign_thanas(cameras, thanas)[THANA].to_numpy()
        if thanas is not None and len(thanas)
        else pd.Series(pd.NA, index=cameras.index, dtype="string")
    )
    cameras = cameras[[*CAMERA_COLUMNS, "geometry"]]
    merged = n - n_groups
    n_unknown = int((cameras[STATUS] == UNKNOWN).sum())
    n_radius = int(cameras[RADIUS_ASSUMED].sum())
    n_status_default = int(status_defaulted.sum())
    notes = _register_notes(
        n, n_groups, dup_m, conflicts, n_status_default, n_unknown, n_radius, default_r
    )
    counts = {
        "rows": n,
        "cameras": n_groups,
        "duplicates_merged": merged,
        "status_unknown": n_unknown,
        "status_defaulted": n_status_default,
        "radius_defaulted": n_radius,
        "working": int((cameras[STATUS] == WORKING).sum()),
        "faulty": int((cameras[STATUS] == FAULTY).sum()),
    }
    for note in notes:
        logger.info("camera register: %s", note)
    return CameraRegistry(cameras, cam_xy, crs, tuple(notes), counts)
