"""Column names and sentinels of the monthly Mission Shakti review (tests import them)."""

from __future__ import annotations

from typing import Final

from geo.centre import BNSS_SECTIONS

#: Index label of the commissionerate row (every thana together).
COMMISSIONERATE: Final = "(commissionerate)"
#: Index name of every per-thana table.
THANA_INDEX: Final = "thana"

# ---- complaints at the centre (casework layer) ----
RECEIVED: Final = "complaints_received"
DISPOSED: Final = "complaints_disposed"
PENDING: Final = "complaints_pending"
#: Days of pendency the review reports: a complaint pending *more than* N days at the period end.
AGEING_DAYS: Final = (7, 15, 30)


def pending_over(days: int) -> str:
    """Return the column of complaints pending more than ``days`` days (``pending_over_7d``)."""
    return f"pending_over_{days}d"


PENDING_OVER: Final = tuple(pending_over(d) for d in AGEING_DAYS)
MEDIAN_DISPOSAL_DAYS: Final = "median_days_to_disposal"
REUNITED: Final = "counselling_reunions"
CYBER_YOUNG: Final = "cyber_young_received"
CYBER_YOUNG_DISPOSED: Final = "cyber_young_disposed"
CYBER_YOUNG_PENDING: Final = "cyber_young_pending"
CYBER_YOUNG_MEDIAN_DAYS: Final = "cyber_young_median_days"
CASEWORK_COLUMNS: Final = (
    RECEIVED, DISPOSED, PENDING, *PENDING_OVER, MEDIAN_DISPOSAL_DAYS, REUNITED,
    CYBER_YOUNG, CYBER_YOUNG_DISPOSED, CYBER_YOUNG_PENDING, CYBER_YOUNG_MEDIAN_DAYS,
)  # fmt: skip

# ---- anti-Romeo squads (incidents layer) ----
AR_CASES: Final = "anti_romeo_cases"
AR_ARRESTS: Final = "anti_romeo_arrests"
AR_COUNSELLED: Final = "anti_romeo_counselled_reunited"
DETENTIONS: Final = "detentions"
#: Detentions without a BNSS section on record.
SECTION_UNSTATED: Final = "unstated"


def detentions_under(section: str) -> str:
    """Return the column of detentions under a BNSS section (``detentions_bnss_126``)."""
    return f"detentions_bnss_{section}"


DETENTION_COLUMNS: Final = tuple(detentions_under(s) for s in (*BNSS_SECTIONS, SECTION_UNSTATED))
ANTI_ROMEO_COLUMNS: Final = (AR_CASES, AR_ARRESTS, DETENTIONS, *DETENTION_COLUMNS, AR_COUNSELLED)

# ---- awareness (campaigns layer) ----
DRIVES: Final = "awareness_drives"
PLACES: Final = "awareness_places"
WOMEN_REACHED: Final = "women_reached"
AWARENESS_COLUMNS: Final = (DRIVES, PLACES, WOMEN_REACHED)

# ---- CCTV at places of study and training (sites, cameras) ----
#: Site kinds whose camera coverage the review checks.
STUDY_SITE_KINDS: Final = ("school", "college", "coaching-centre", "womens-training-centre")


def sites_of(kind: str) -> str:
    """Return the column of the number of sites of a kind (``sites_coaching_centre``)."""
    return "sites_" + kind.replace("-", "_")


def covered_of(kind: str) -> str:
    """Return the column of the sites of a kind a working camera sees (``covered_school``)."""
    return "covered_" + kind.replace("-", "_")


STUDY_SITES: Final = "study_sites"
STUDY_SITES_COVERED: Final = "study_sites_covered"
STUDY_COVERAGE: Final = "study_sites_coverage"
CAMERAS_ADDED: Final = "cameras_added"
CCTV_COLUMNS: Final = (
    STUDY_SITES, STUDY_SITES_COVERED, STUDY_COVERAGE,
    *(c for k in STUDY_SITE_KINDS for c in (sites_of(k), covered_of(k))), CAMERAS_ADDED,
)  # fmt: skip

# ---- the field loop ----
HOTSPOTS: Final = "hotspots"
#: Patrol visits in the period (missing without a visits layer).
PATROL_VISITS: Final = "patrol_visits"
#: Minutes of presence at the stops (visited or cut short), the dosage of the period.
PATROL_MINUTES: Final = "patrol_minutes"
#: Planned stops recorded as missed (or no team available).
PATROL_MISSED: Final = "patrol_missed"
FIELD_COLUMNS: Final = (HOTSPOTS, PATROL_VISITS, PATROL_MINUTES, PATROL_MISSED)

# ---- resources (centre audit) ----
AUDITED_ON: Final = "last_audited_on"
SHORT_ITEMS: Final = "resources_short"
SHORT_UNITS: Final = "units_short"
FIX_FIRST: Final = "fix_first"
#: ``FIX_FIRST`` of a thana without an audit on record.
NO_AUDIT: Final = "no-audit"
RESOURCE_COLUMNS: Final = (AUDITED_ON, SHORT_ITEMS, SHORT_UNITS, FIX_FIRST)

#: Every column of the figures table, in order.
FIGURE_COLUMNS: Final = (
    *CASEWORK_COLUMNS, *ANTI_ROMEO_COLUMNS, *AWARENESS_COLUMNS, *CCTV_COLUMNS, *FIELD_COLUMNS,
    *RESOURCE_COLUMNS,
)  # fmt: skip
#: Figures that are not counts (no sum over thanas, no change as a count).
NON_ADDITIVE: Final = (
    MEDIAN_DISPOSAL_DAYS, CYBER_YOUNG_MEDIAN_DAYS, STUDY_COVERAGE, AUDITED_ON, FIX_FIRST,
)  # fmt: skip

# ---- the shortfall table (one row per thana and resource short) ----
RESOURCE: Final = "resource"
WORKING: Final = "working"
REQUIRED: Final = "required"
SHORT: Final = "short"
FIX_ORDER: Final = "fix_order"
SHORTFALL_COLUMNS: Final = (RESOURCE, WORKING, REQUIRED, SHORT, FIX_ORDER)

# ---- the league table ----
SCORE: Final = "score"
RANK: Final = "rank"
FLAGGED: Final = "flagged"
#: Keys of the measures that pull a thana down (``DISPOSAL_RATE`` ...), comma-separated.
PULLED_DOWN_BY: Final = "pulled_down_by"
WHY: Final = "why"
LEAGUE_COLUMNS: Final = (SCORE, RANK, FLAGGED, PULLED_DOWN_BY, WHY)
