"""Incident hotspots: exact DBSCAN, eps help, other clusterings and the explained hotspot table."""

from __future__ import annotations

from geo.crs import metric_coordinates
from models.arrays import BoolArray, FloatArray, IntArray
from models.hotspots import columns
from models.hotspots.clusterings import (
    cluster_campaigns,
    cluster_hdbscan,
    cluster_st,
)
from models.hotspots.columns import *  # noqa: F403 (every name of columns.__all__)
from models.hotspots.dbscan import (
    DbscanResult,
    cluster,
    dbscan_xy,
)
from models.hotspots.density import (
    HotspotParamsChoice,
    choose_params,
    split_wide,
)
from models.hotspots.eps import (
    EpsSuggestion,
    k_distance,
    knee_index,
    suggest_eps,
    sweep,
)
from models.hotspots.table import (
    find_hotspots,
    hotspots_of_inputs,
    underserved_hotspots,
)

__all__ = [
    "BoolArray",
    "DbscanResult",
    "EpsSuggestion",
    "FloatArray",
    "HotspotParamsChoice",
    "IntArray",
    "choose_params",
    "cluster",
    "cluster_campaigns",
    "cluster_hdbscan",
    "cluster_st",
    "dbscan_xy",
    "find_hotspots",
    "hotspots_of_inputs",
    "k_distance",
    "knee_index",
    "metric_coordinates",
    "split_wide",
    "suggest_eps",
    "sweep",
    "underserved_hotspots",
]
__all__ += columns.__all__
