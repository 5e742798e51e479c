"""Names and defaults of the CCTV analyses: camera and gap statuses, columns, radii, weights."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from geo.schema import (
    CCTV_FAULTY,
    CCTV_STATUSES,
    CCTV_UNKNOWN,
    CCTV_WORKING,
    KIND,
    NAME,
    NAME_HI,
    OWNER,
    STATUS,
    THANA,
    VIEW_RADIUS_M,
)
from models.hotspots import HOTSPOT_ID

#: The "why" column of the gap table, shared with the hotspot table.
from models.hotspots import WHY as WHY

# ---- camera status (the register's vocabulary, :data:`geo.schema.CCTV_STATUSES`) ----
WORKING: Final = CCTV_WORKING
FAULTY: Final = CCTV_FAULTY
UNKNOWN: Final = CCTV_UNKNOWN
STATUSES: Final = CCTV_STATUSES

# ---- site gap status ----
#: A working camera's view reaches the site.
COVERED_STATUS: Final = "covered"
#: No working camera sees it, but a faulty (or unchecked) camera would once repaired.
REPAIRABLE: Final = "repairable"
#: No camera, working or not, reaches it.
UNCOVERED: Final = "uncovered"
GAP_STATUSES: Final = (COVERED_STATUS, REPAIRABLE, UNCOVERED)

# ---- priority classes ----
HIGH: Final = "high"
MEDIUM: Final = "medium"
LOW: Final = "low"
#: Priority of a site a working camera already sees.
NO_GAP: Final = "none"
#: Lower score bound of the ``high`` and ``medium`` classes.
PRIORITY_BREAKS: Final[Mapping[str, float]] = MappingProxyType({HIGH: 0.6, MEDIUM: 0.35})

# ---- camera registry columns ----
CAMERA_ID: Final = "camera_id"
#: ``;``-separated ids of the register rows merged into one camera (duplicates).
MERGED_IDS: Final = "merged_ids"
#: Number of register rows merged into the camera (1 when it was listed once).
RECORDS: Final = "records"
STATUS_ASSUMED: Final = "status_assumed"
RADIUS_ASSUMED: Final = "radius_assumed"
CAMERA_COLUMNS: Final = (
    CAMERA_ID, MERGED_IDS, RECORDS, OWNER, STATUS, VIEW_RADIUS_M, STATUS_ASSUMED, RADIUS_ASSUMED,
    THANA,
)  # fmt: skip

# ---- gap columns ----
SITE_ID: Final = "site_id"
GAP_STATUS: Final = "gap_status"
#: Whether a working camera's view reaches the site (also the name of :func:`site_coverage`).
COVERED: Final = "covered_by_working_camera"
NEAREST_WORKING_M: Final = "nearest_working_m"
NEAREST_WORKING_ID: Final = "nearest_working_id"
CAMERAS_SEEING: Final = "cameras_seeing"
NEAREST_FAULTY_ID: Final = "nearest_faulty_id"
NEAREST_FAULTY_M: Final = "nearest_faulty_m"
#: The camera whose repair would cover the site (the nearest such), or missing.
REPAIR_CAMERA_ID: Final = "repair_camera_id"
SITE_EXTENT_COL: Final = "site_extent_m"
INCIDENTS_NEAR: Final = "incidents_near"
IN_HOTSPOT: Final = "in_hotspot"
PRIORITY_SCORE: Final = "priority_score"
PRIORITY: Final = "priority"
#: Rank among the sites with a gap (1 = most urgent), overall and within the thana.
GAP_RANK: Final = "gap_rank"
THANA_RANK: Final = "thana_rank"
GAP_COLUMNS: Final = (
    SITE_ID, NAME, NAME_HI, KIND, THANA, GAP_STATUS, COVERED, NEAREST_WORKING_M, NEAREST_WORKING_ID,
    CAMERAS_SEEING, NEAREST_FAULTY_ID, NEAREST_FAULTY_M, REPAIR_CAMERA_ID, SITE_EXTENT_COL,
    INCIDENTS_NEAR, IN_HOTSPOT, HOTSPOT_ID, PRIORITY_SCORE, PRIORITY, GAP_RANK, THANA_RANK, WHY,
)  # fmt: skip

# ---- thana summary columns ----
SITES_COL: Final = "sites"
COVERED_COL: Final = "covered"
REPAIRABLE_COL: Final = "repairable"
UNCOVERED_COL: Final = "uncovered"
HIGH_PRIORITY_COL: Final = "high_priority"
INCIDENTS_COL: Final = "incidents"
INCIDENTS_IN_VIEW_SHARE: Final = "incidents_in_view_share"
HOTSPOTS_COL: Final = "hotspots"
HOTSPOTS_IN_VIEW_SHARE: Final = "hotspots_in_view_share"
CAMERAS_COL: Final = "cameras"
CAMERAS_WORKING_COL: Final = "cameras_working"
CAMERAS_FAULTY_COL: Final = "cameras_faulty"
CAMERAS_UNKNOWN_COL: Final = "cameras_unknown"
TOP_GAPS: Final = "top_gaps"
SUMMARY_COLUMNS: Final = (
    THANA, SITES_COL, COVERED_COL, REPAIRABLE_COL, UNCOVERED_COL, HIGH_PRIORITY_COL,
    INCIDENTS_COL, INCIDENTS_IN_VIEW_SHARE, HOTSPOTS_COL, HOTSPOTS_IN_VIEW_SHARE, CAMERAS_COL,
    CAMERAS_WORKING_COL, CAMERAS_FAULTY_COL, CAMERAS_UNKNOWN_COL, TOP_GAPS,
)  # fmt: skip
#: Thana label of points in no thana polygon.
NO_THANA: Final = "(no thana)"

# ---- defaults ----
#: View radius of a camera whose register gives none (as models.hotspots assumes).
DEFAULT_VIEW_RADIUS_M: Final = 50.0
#: Register rows this close together are one camera listed twice.
DUPLICATE_M: Final = 3.0
#: Incidents within this distance of a site count for it.
DEFAULT_RADIUS_M: Final = 300.0
#: ... in this many days up to the reference time.
DEFAULT_DAYS: Final = 90
#: How far a site extends around its point, by kind: a camera covers the site when its view
#: radius plus this reaches the point (a college campus is wide, a coaching centre a doorway).
SITE_EXTENT_M: Final[Mapping[str, float]] = MappingProxyType(
    {
        "school": 20.0,
        "college": 100.0,
        "coaching-centre": 10.0,
        "womens-training-centre": 20.0,
        "hostel": 20.0,
        "market": 50.0,
        "ghat": 50.0,
        "transit": 50.0,
        "other": 0.0,
    }
)
#: How much a gap at each kind of site matters (0..1), a component of the priority.
KIND_PRIORITY: Final[Mapping[str, float]] = MappingProxyType(
    {
        "school": 1.0,
        "college": 1.0,
        "coaching-centre": 1.0,
        "womens-training-centre": 1.0,
        "hostel": 0.8,
        "transit": 0.6,
        "market": 0.5,
        "ghat": 0.5,
        "other": 0.3,
    }
)
#: Weights of the priority components (they sum to 1): nearby incidents (saturating at
#: :data:`INCIDENT_SATURATION`), lying in a hotspot, the kind of site, and how far the nearest
#: working camera is (saturating at :data:`FAR_M`).
PRIORITY_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {"incidents": 0.45, "hotspot": 0.25, "kind": 0.2, "distance": 0.1}
)
INCIDENT_SATURATION: Final = 10
FAR_M: Final = 500.0
#: Names listed in the per-thana ``top_gaps``.
TOP_N: Final = 5
