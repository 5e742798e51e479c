"""Column names and vocabularies of the Mission Shakti centre layers (resources audit, casework)."""

from __future__ import annotations

from typing import Final

# ---- layer kinds (values of ``geo.schema.LayerKind`` once the layers are registered) ----
#: A thana centre's resources on an audit date; the latest audit of a thana is current.
CENTRE_AUDIT_LAYER: Final = "centre-audit"
#: Complaints handled by a centre: no names, no free text.
CASEWORK_LAYER: Final = "casework"

# ---- centre resources audit ----
#: Date of the audit (a day).
AUDITED_ON: Final = "audited_on"
#: Resources counted by an audit. Each has two integer columns: ``<resource>_working`` (what
#: the centre has in working order) and ``<resource>_needed`` (what it should have).
CENTRE_RESOURCES: Final = (
    "rooms",
    "womens_toilet",
    "registers",
    "furniture",
    "computers",
    "mobile_phones",
    "sim_cards",
    "vehicles",
    "women_staff",
)
WORKING_SUFFIX: Final = "_working"
NEEDED_SUFFIX: Final = "_needed"


def working_column(resource: str) -> str:
    """Return the column of a resource's working count (``computers_working``)."""
    return resource + WORKING_SUFFIX


def needed_column(resource: str) -> str:
    """Return the column of a resource's needed count (``computers_needed``)."""
    return resource + NEEDED_SUFFIX


# ---- casework ----
#: Day the complaint was received.
RECEIVED_ON: Final = "received_on"
#: What the complaint is about: one of :data:`CASE_TYPES`.
CASE_TYPE: Final = "case_type"
#: How the centre took it up: one of :data:`CASE_ROUTES`.
CASE_ROUTE: Final = "case_route"
#: Where it stands: one of :data:`CASE_OUTCOMES`.
CASE_OUTCOME: Final = "case_outcome"
#: Day the complaint was disposed of (empty while pending).
DISPOSED_ON: Final = "disposed_on"
#: Age band of the complainant (a band, never a birth date): one of :data:`AGE_BANDS`.
AGE_BAND: Final = "age_band"

CASE_DOMESTIC: Final = "domestic-family-dispute"
CASE_HARASSMENT: Final = "harassment"
CASE_STALKING: Final = "stalking"
CASE_CYBER: Final = "cyber"
CASE_OTHER: Final = "other"
CASE_TYPES: Final = (CASE_DOMESTIC, CASE_HARASSMENT, CASE_STALKING, CASE_CYBER, CASE_OTHER)

ROUTE_COUNSELLING: Final = "counselling"
ROUTE_FIR: Final = "fir"
ROUTE_REFERRED: Final = "referred"
CASE_ROUTES: Final = (ROUTE_COUNSELLING, ROUTE_FIR, ROUTE_REFERRED)

OUTCOME_REUNITED: Final = "reunited"
OUTCOME_FIR: Final = "fir-registered"
OUTCOME_DISPOSED: Final = "disposed"
OUTCOME_PENDING: Final = "pending"
CASE_OUTCOMES: Final = (OUTCOME_REUNITED, OUTCOME_FIR, OUTCOME_DISPOSED, OUTCOME_PENDING)

#: Age bands; "young women" in the review are the bands in :data:`YOUNG_AGE_BANDS`.
AGE_BANDS: Final = ("under-18", "18-25", "26-35", "36-plus", "unknown")
YOUNG_AGE_BANDS: Final = ("under-18", "18-25")

# ---- incidents: detentions by BNSS section ----
#: BNSS section under which an anti-Romeo detention was made (incidents layer, optional).
BNSS_SECTION: Final = "bnss_section"
BNSS_SECTIONS: Final = ("126", "135", "170")
