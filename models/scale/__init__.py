"""Scale-out on Dask: exact DBSCAN in strips, grid counts and Gi*, hotspot sums."""

from __future__ import annotations

from models.arrays import FloatArray, IntArray
from models.scale.counts import (
    dask_gi_star,
    dask_grid_counts,
    read_partitions,
)
from models.scale.dbscan import (
    CENTROID_X,
    CENTROID_Y,
    COMP,
    IS_CORE,
    PID,
    SCHEDULER_ENV,
    TIE,
    ScaleDbscan,
    Strips,
    X,
    Y,
    dask_client,
    dask_cluster,
)
from models.scale.sums import (
    SUM_COLUMNS,
    hotspot_sums,
)

__all__ = [
    "CENTROID_X",
    "CENTROID_Y",
    "COMP",
    "IS_CORE",
    "PID",
    "SCHEDULER_ENV",
    "SUM_COLUMNS",
    "TIE",
    "FloatArray",
    "IntArray",
    "ScaleDbscan",
    "Strips",
    "X",
    "Y",
    "dask_client",
    "dask_cluster",
    "dask_gi_star",
    "dask_grid_counts",
    "hotspot_sums",
    "read_partitions",
]
