"""Names and defaults of the hotspot tables: columns, sentinels, thresholds and risk weights."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

import geopandas as gpd
import numpy.typing as npt
import pandas as pd

from geo.schema import CCTV_WORKING

__all__ = [
    "ALL_WEEK",
    "AREA_KM2",
    "CAMERAS_NOT_WORKING",
    "CAMERAS_WORKING",
    "CAMPAIGNS_RECENT",
    "CATEGORY_MIX",
    "CCTV_COVERED_SHARE",
    "CROSS_THANA",
    "DAYS_SINCE_CAMPAIGN",
    "DAYS_SINCE_LAST",
    "DAY_PATTERN",
    "DAY_PATTERN_FACTOR",
    "DEFAULT_BUFFER_M",
    "DEFAULT_EPS_M",
    "DEFAULT_HULL_RATIO",
    "DEFAULT_KNEE_QUANTILE",
    "DEFAULT_MIN_SAMPLES",
    "DENSITY_PER_KM2",
    "EPS_M",
    "FALLING",
    "FIRST_DATE",
    "HOTSPOTS_ATTR",
    "HOTSPOT_COLUMNS",
    "HOTSPOT_ID",
    "HOUR_PROFILE",
    "HULLS",
    "HULL_BUFFER",
    "HULL_CONCAVE",
    "INCIDENTS",
    "INCIDENT_SHARE",
    "K_DISTANCE_M",
    "LAST_CAMPAIGN",
    "LAST_DATE",
    "MEDIAN_HOTSPOT_SIZE",
    "METHODS",
    "METHOD_AUTO",
    "METHOD_GRID",
    "METHOD_SKLEARN",
    "MIN_SAMPLES",
    "NEAREST_SITES",
    "NOISE",
    "NOISE_SHARE",
    "NOTES",
    "N_HOTSPOTS",
    "N_NEAREST_SITES",
    "PEAK_HOURS",
    "PEAK_HOURS_SHARE",
    "PEAK_WEEKDAY",
    "PEAK_WINDOW_HOURS",
    "PREVIOUS_INCIDENTS",
    "PRIMARY_THANA",
    "RECENT_INCIDENTS",
    "RISING",
    "RISK_COUNT",
    "RISK_NO_CAMERA",
    "RISK_NO_CAMPAIGN",
    "RISK_RANK",
    "RISK_RECENCY",
    "RISK_SCORE",
    "RISK_SITES",
    "RISK_TREND",
    "RISK_WEIGHTS",
    "SITES_BY_KIND",
    "SITES_NEARBY",
    "SITES_SATURATION",
    "SOURCE_MIX",
    "STABLE",
    "SWEEP_COLUMNS",
    "THANA_LIST",
    "TOP_CATEGORY",
    "TOP_CATEGORY_SHARE",
    "TREND",
    "TREND_DOWN",
    "TREND_MIN_CHANGE",
    "TREND_RATIO",
    "TREND_UP",
    "UNDERSERVED_RANK",
    "UNDERSERVED_REASON",
    "UNKNOWN",
    "WEEKDAYS",
    "WEEKDAY_NAMES",
    "WEEKDAY_PROFILE",
    "WEEKENDS",
    "WHY",
    "WIDTH_M",
    "WORKING",
    "HullKind",
    "Method",
    "Points",
    "Weights",
]

Points: TypeAlias = gpd.GeoDataFrame | gpd.GeoSeries
Method: TypeAlias = Literal["auto", "grid", "sklearn"]
HullKind: TypeAlias = Literal["concave", "buffer"]
Weights: TypeAlias = str | pd.Series | Sequence[float] | npt.ArrayLike | None

# --------------------------------------------------------------------------- sentinels

#: Label of a point that belongs to no hotspot.
NOISE: Final = -1
#: Clustering methods of :func:`cluster`.
METHOD_AUTO: Final = "auto"
METHOD_GRID: Final = "grid"
METHOD_SKLEARN: Final = "sklearn"
METHODS: Final = (METHOD_AUTO, METHOD_GRID, METHOD_SKLEARN)
#: Hull kinds of :func:`find_hotspots`.
HULL_CONCAVE: Final = "concave"
HULL_BUFFER: Final = "buffer"
HULLS: Final = (HULL_CONCAVE, HULL_BUFFER)
#: Trend labels.
RISING: Final = "rising"
FALLING: Final = "falling"
STABLE: Final = "stable"
UNKNOWN: Final = "unknown"
#: Day patterns.
WEEKDAYS: Final = "weekdays"
WEEKENDS: Final = "weekends"
ALL_WEEK: Final = "all week"
WEEKDAY_NAMES: Final = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip

# --------------------------------------------------------------------------- output columns

#: Cluster label (Series name of :func:`cluster`; index name of :func:`find_hotspots`).
HOTSPOT_ID: Final = "hotspot_id"
#: Number of incidents in the hotspot.
INCIDENTS: Final = "incidents"
#: ``{category: count}``, most frequent first; and the most frequent category and its share.
CATEGORY_MIX: Final = "category_mix"
TOP_CATEGORY: Final = "top_category"
TOP_CATEGORY_SHARE: Final = "top_category_share"
#: ``{source: count}``, most frequent first.
SOURCE_MIX: Final = "source_mix"
#: Local dates (ISO ``YYYY-MM-DD``) of the first and last incident.
FIRST_DATE: Final = "first_date"
LAST_DATE: Final = "last_date"
#: Whole days from the last incident to the reference time.
DAYS_SINCE_LAST: Final = "days_since_last"
#: 24 counts (local hour 0..23) and 7 counts (Monday..Sunday).
HOUR_PROFILE: Final = "hour_profile"
WEEKDAY_PROFILE: Final = "weekday_profile"
#: Busiest :data:`PEAK_WINDOW_HOURS`-hour window (``"17:00–19:00"``) and its share.
PEAK_HOURS: Final = "peak_hours"
PEAK_HOURS_SHARE: Final = "peak_hours_share"
#: Busiest weekday name, and :data:`WEEKDAYS`, :data:`WEEKENDS` or :data:`ALL_WEEK`.
PEAK_WEEKDAY: Final = "peak_weekday"
DAY_PATTERN: Final = "day_pattern"
#: Area of the hotspot polygon (km², in the metric CRS) and incidents per km².
AREA_KM2: Final = "area_km2"
DENSITY_PER_KM2: Final = "density_per_km2"
#: Largest distance across the hotspot polygon, in metres (its size for a patrol).
WIDTH_M: Final = "width_m"
#: Incidents in the last ``recent_days`` and in the same-length window before it.
RECENT_INCIDENTS: Final = "recent_incidents"
PREVIOUS_INCIDENTS: Final = "previous_incidents"
#: ``recent / previous`` (NaN when previous is 0) and :data:`RISING`/:data:`FALLING`/...
TREND_RATIO: Final = "trend_ratio"
TREND: Final = "trend"
#: Thana with most incidents, whether incidents fall in several thanas, and ``"A; B"``.
PRIMARY_THANA: Final = "primary_thana"
CROSS_THANA: Final = "cross_thana"
THANA_LIST: Final = "thanas"
#: Sensitive sites within ``site_radius_m``: count, ``{kind: count}``, nearest few.
SITES_NEARBY: Final = "sites_nearby"
SITES_BY_KIND: Final = "sites_by_kind"
NEAREST_SITES: Final = "nearest_sites"
#: Share of the incidents within the view radius of a working camera; cameras around.
CCTV_COVERED_SHARE: Final = "cctv_covered_share"
CAMERAS_WORKING: Final = "cameras_working"
CAMERAS_NOT_WORKING: Final = "cameras_not_working"
#: Drives within ``campaign_radius_m`` in the last ``campaign_days``; last one (any time).
CAMPAIGNS_RECENT: Final = "campaigns_recent"
LAST_CAMPAIGN: Final = "last_campaign"
DAYS_SINCE_CAMPAIGN: Final = "days_since_campaign"
#: Risk components, each in [0, 1] (NaN when the layer it needs was not given).
RISK_COUNT: Final = "risk_count"
RISK_RECENCY: Final = "risk_recency"
RISK_TREND: Final = "risk_trend"
RISK_SITES: Final = "risk_sites"
RISK_NO_CAMERA: Final = "risk_no_camera"
RISK_NO_CAMPAIGN: Final = "risk_no_campaign"
#: Weighted mean of the available components, in [0, 1]; 1 = highest risk.
RISK_SCORE: Final = "risk_score"
RISK_RANK: Final = "risk_rank"
#: "Why this hotspot", one sentence with the numbers; and caveats (assumed radii...).
WHY: Final = "why"
NOTES: Final = "notes"
#: Added by :func:`underserved_hotspots`.
UNDERSERVED_REASON: Final = "reason"
UNDERSERVED_RANK: Final = "underserved_rank"

#: Every column of :func:`find_hotspots`, in order (plus ``geometry``).
HOTSPOT_COLUMNS: Final = (
    INCIDENTS, CATEGORY_MIX, TOP_CATEGORY, TOP_CATEGORY_SHARE, SOURCE_MIX, FIRST_DATE,
    LAST_DATE, DAYS_SINCE_LAST, HOUR_PROFILE, WEEKDAY_PROFILE, PEAK_HOURS, PEAK_HOURS_SHARE,
    PEAK_WEEKDAY, DAY_PATTERN, AREA_KM2, DENSITY_PER_KM2, WIDTH_M, RECENT_INCIDENTS,
    PREVIOUS_INCIDENTS, TREND_RATIO, TREND, PRIMARY_THANA, CROSS_THANA, THANA_LIST, SITES_NEARBY,
    SITES_BY_KIND, NEAREST_SITES, CCTV_COVERED_SHARE, CAMERAS_WORKING, CAMERAS_NOT_WORKING,
    CAMPAIGNS_RECENT, LAST_CAMPAIGN, DAYS_SINCE_CAMPAIGN, RISK_COUNT, RISK_RECENCY, RISK_TREND,
    RISK_SITES, RISK_NO_CAMERA, RISK_NO_CAMPAIGN, RISK_SCORE, RISK_RANK, WHY, NOTES,
)  # fmt: skip

#: Columns of :func:`sweep`.
EPS_M: Final = "eps_m"
MIN_SAMPLES: Final = "min_samples"
N_HOTSPOTS: Final = "n_hotspots"
INCIDENT_SHARE: Final = "incident_share"
NOISE_SHARE: Final = "noise_share"
MEDIAN_HOTSPOT_SIZE: Final = "median_hotspot_size"
SWEEP_COLUMNS: Final = (
    EPS_M, MIN_SAMPLES, N_HOTSPOTS, INCIDENT_SHARE, NOISE_SHARE, MEDIAN_HOTSPOT_SIZE,
)  # fmt: skip
#: Name of the :func:`k_distance` Series.
K_DISTANCE_M: Final = "k_distance_m"

#: Key of ``GeoDataFrame.attrs`` holding the parameters and notes of :func:`find_hotspots`.
HOTSPOTS_ATTR: Final = "shakti_hotspots"

# --------------------------------------------------------------------------- defaults

DEFAULT_EPS_M: Final = 150.0
DEFAULT_MIN_SAMPLES: Final = 10
#: Length of the peak window of hours.
PEAK_WINDOW_HOURS: Final = 2
#: A day pattern is "weekdays" when the mean weekday count is ≥ this × the weekend one.
DAY_PATTERN_FACTOR: Final = 1.25
#: Trend: rising when recent ≥ TREND_UP × previous, falling when ≤ TREND_DOWN × previous,
#: and in both cases only when the counts differ by at least TREND_MIN_CHANGE.
TREND_UP: Final = 1.25
TREND_DOWN: Final = 0.8
TREND_MIN_CHANGE: Final = 3
#: ``risk_sites`` reaches 1 at this many sensitive sites.
SITES_SATURATION: Final = 5
#: Number of names in :data:`NEAREST_SITES`.
N_NEAREST_SITES: Final = 3
#: Default concave-hull ratio (shapely: 1 = convex hull, 0 = most concave).
DEFAULT_HULL_RATIO: Final = 0.4
DEFAULT_BUFFER_M: Final = 25.0
#: The k-distance knee ignores the top of the curve beyond this quantile (isolated outliers
#: would otherwise stretch the chord and pull the knee too low).
DEFAULT_KNEE_QUANTILE: Final = 0.98
#: Status of a camera that works.
WORKING: Final = CCTV_WORKING

#: Weights of the risk components (they sum to 1). The score is the weighted mean of the
#: components that could be computed (a component is NaN when its layer was not given).
#:
#: * ``risk_count`` (0.30): ``log(1 + n) / log(1 + n_max)`` over the hotspots of the run.
#: * ``risk_recency`` (0.15): ``1 − days_since_last / recent_days``, clipped to [0, 1].
#: * ``risk_trend`` (0.15): ``recent / (recent + previous)``; 0.5 when both are 0.
#: * ``risk_sites`` (0.15): ``min(1, sites_nearby / SITES_SATURATION)``.
#: * ``risk_no_camera`` (0.15): ``1 − cctv_covered_share``.
#: * ``risk_no_campaign`` (0.10): 1 without a drive within the radius in the campaign
#:   window, else ``days_since_campaign / campaign_days``.
RISK_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        RISK_COUNT: 0.30,
        RISK_RECENCY: 0.15,
        RISK_TREND: 0.15,
        RISK_SITES: 0.15,
        RISK_NO_CAMERA: 0.15,
        RISK_NO_CAMPAIGN: 0.10,
    }
)
