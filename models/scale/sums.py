"""Scale-out on Dask: per-hotspot sums (incidents, mixes, profiles, centroids) of clusters."""

from __future__ import annotations

import logging
from typing import Any, Final, cast

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import metric_coordinates
from geo.errors import ParameterError
from geo.schema import CATEGORY, OCCURRED_AT, SOURCE, TIME_EXACT, TIME_MONTH
from models.hotspots import (
    CATEGORY_MIX,
    FIRST_DATE,
    HOTSPOT_ID,
    HOUR_PROFILE,
    INCIDENTS,
    LAST_DATE,
    SOURCE_MIX,
    WEEKDAY_PROFILE,
)
from models.precision import time_precision
from models.scale.counts import cell_index
from models.scale.dbscan import (
    CENTROID_X,
    CENTROID_Y,
    ScaleDbscan,
    as_dask,
    compute,
    delayed,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- hotspot sums


#: Attributes of a hotspot that add up over partitions (computed by :func:`hotspot_sums`).
SUM_COLUMNS: Final = (
    INCIDENTS,
    CATEGORY_MIX,
    SOURCE_MIX,
    FIRST_DATE,
    LAST_DATE,
    HOUR_PROFILE,
    WEEKDAY_PROFILE,
    CENTROID_X,
    CENTROID_Y,
)


def _partial_sums(part: gpd.GeoDataFrame, labels: pd.Series, crs: str) -> dict[str, pd.DataFrame]:
    """Per hotspot of one partition: counts, sums of x/y, first/last day, profiles, mixes."""
    member = labels.to_numpy() >= 0
    lab = labels.to_numpy()[member]
    frame = part.loc[member]
    xy, _ = metric_coordinates(frame.geometry, crs) if len(frame) else (np.empty((0, 2)), None)
    times = frame[OCCURRED_AT]
    local = times.dt.tz_localize(None) if times.dt.tz is not None else times
    day = local.dt.normalize().to_numpy(dtype="datetime64[ns]").astype(np.int64)
    base = pd.DataFrame(
        {
            "h": lab,
            "n": 1,
            "sx": xy[:, 0],
            "sy": xy[:, 1],
            "first": day,
            "last": day,
        }
    )
    scalars = base.groupby("h").agg({"n": "sum", "sx": "sum", "sy": "sum", "first": "min",
                                     "last": "max"})  # fmt: skip
    # times known only to the day (or month) have no hour (or weekday): left out
    precision = time_precision(frame)
    hour_ok = slice(None) if precision is None else precision == TIME_EXACT
    day_ok = slice(None) if precision is None else precision != TIME_MONTH
    hour_v = times.dt.hour.to_numpy()
    wday_v = times.dt.day_of_week.to_numpy()
    hours = pd.DataFrame({"h": lab[hour_ok], "v": hour_v[hour_ok]}).value_counts()
    wdays = pd.DataFrame({"h": lab[day_ok], "v": wday_v[day_ok]}).value_counts()
    out = {"scalars": scalars, "hours": hours.to_frame("c"), "wdays": wdays.to_frame("c")}
    for name, column in ((CATEGORY_MIX, CATEGORY), (SOURCE_MIX, SOURCE)):
        if column in frame.columns:
            values = frame[column].to_numpy(dtype=object)
            counts = pd.DataFrame({"h": lab, "v": values}).dropna().value_counts()
            out[name] = counts.to_frame("c")
    return out


def _combine_sums(*parts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Add partial hotspot sums (min/max for the dates)."""
    out: dict[str, pd.DataFrame] = {}
    keys = {k for p in parts for k in p}
    for key in keys:
        frames = [p[key] for p in parts if key in p]
        both = pd.concat(frames)
        if key == "scalars":
            out[key] = both.groupby(level=0).agg(
                {"n": "sum", "sx": "sum", "sy": "sum", "first": "min", "last": "max"}
            )
        else:
            out[key] = both.groupby(level=[0, 1]).sum()
    return out


def _mix_dicts(counts: pd.DataFrame, k: int) -> list[dict[str, int]]:
    """Per hotspot, ``{value: count}`` sorted by count (desc) then value (as find_hotspots)."""
    out: list[dict[str, int]] = [{} for _ in range(k)]
    triples = sorted(
        (
            (int(h), str(v), int(c))
            for h, v, c in zip(
                counts.index.get_level_values(0),
                counts.index.get_level_values(1),
                counts["c"].to_numpy(),
                strict=True,
            )
        ),
        key=lambda t: (t[0], -t[2], t[1]),
    )
    for h, v, c in triples:
        out[h][v] = c
    return out


def _profile(counts: pd.DataFrame, k: int, width: int) -> list[list[int]]:
    table = np.zeros((k, width), dtype=np.int64)
    h = np.asarray(counts.index.get_level_values(0), dtype=np.int64)
    v = np.asarray(counts.index.get_level_values(1), dtype=np.int64)
    np.add.at(table, (h, v), counts["c"].to_numpy(dtype=np.int64))
    return [[int(x) for x in row] for row in table]


def hotspot_sums(incidents: Any, result: ScaleDbscan) -> pd.DataFrame:
    """Return the hotspot attributes that add up over partitions, computed on Dask.

    Per input partition and hotspot: the number of incidents, the category and source mixes,
    the first and last local date, the hour-of-day and weekday profiles and the sums of the
    metric coordinates; partial results are combined in a tree. The values equal those of
    :func:`models.hotspots.find_hotspots` for the same labels (polygons, nearby sites,
    cameras and the risk score need all of a hotspot's points and stay single-process:
    run ``find_hotspots`` on the incidents of the hotspots of interest).

    Parameters
    ----------
    incidents : GeoDataFrame or dask-geopandas GeoDataFrame
        The points given to :func:`dask_cluster` (same partitions), with ``occurred_at``
        (local time) and optionally ``category`` and ``source``.
    result : ScaleDbscan
        Its labels.

    Returns
    -------
    pandas.DataFrame
        Index :data:`models.hotspots.HOTSPOT_ID` (0..k-1), columns :data:`SUM_COLUMNS`.
    """
    ddf = as_dask(incidents, result.labels.npartitions)
    parts = ddf.to_delayed()
    label_parts = cast(Any, result.labels).to_delayed()
    if len(parts) != len(label_parts):
        raise ParameterError(
            f"{len(parts)} incident partitions for {len(label_parts)} label partitions",
            fix="pass the same (dask-)GeoDataFrame that was clustered",
        )
    crs = result.crs.to_string()
    partial = [
        delayed(_partial_sums)(p, lab, crs) for p, lab in zip(parts, label_parts, strict=True)
    ]
    while len(partial) > 1:
        partial = [delayed(_combine_sums)(*partial[i : i + 8]) for i in range(0, len(partial), 8)]
    (sums,) = compute(partial[0])
    k = result.n_clusters
    scalars = sums["scalars"].reindex(range(k))
    n = scalars["n"].to_numpy(dtype=np.int64)
    empty = pd.DataFrame({"c": pd.Series(dtype=np.int64)}, index=cell_index([], []))
    out = pd.DataFrame(
        {
            INCIDENTS: n,
            CATEGORY_MIX: _mix_dicts(sums.get(CATEGORY_MIX, empty), k),
            SOURCE_MIX: _mix_dicts(sums.get(SOURCE_MIX, empty), k),
            FIRST_DATE: pd.to_datetime(scalars["first"].to_numpy()).strftime("%Y-%m-%d"),
            LAST_DATE: pd.to_datetime(scalars["last"].to_numpy()).strftime("%Y-%m-%d"),
            HOUR_PROFILE: _profile(sums["hours"], k, 24),
            WEEKDAY_PROFILE: _profile(sums["wdays"], k, 7),
            CENTROID_X: scalars["sx"].to_numpy() / n,
            CENTROID_Y: scalars["sy"].to_numpy() / n,
        },
        index=pd.RangeIndex(k, name=HOTSPOT_ID),
    )
    return out
