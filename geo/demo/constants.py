"""Public constants of the SYNTHETIC demo data set: seed, dates, review totals, messy register."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

from geo.ingest.quarantine import Reason
from geo.schema import (
    CATEGORY,
    ID,
    LAT,
    LON,
    OCCURRED_AT,
    SOURCE,
    THANA_STATED,
    LayerKind,
)
from geo.settings import VARANASI_TIMEZONE

# --------------------------------------------------------------------------- public constants

#: Seed of the demo data set (``shakti demo-data`` default).
DEMO_SEED: Final = 2026
#: Default number of incidents.
DEMO_INCIDENTS: Final = 6_000
#: Last day of the data; never "today", so that the output does not depend on the run date.
REFERENCE_DATE: Final = date(2026, 10, 31)
#: First day of the data: 18 whole months, May 2025 – October 2026.
START_DATE: Final = date(2025, 5, 1)
#: Timezone of every local time in the data set.
TIMEZONE: Final = VARANASI_TIMEZONE
#: Zones of the Commissionerate.
ZONES: Final = ("Kashi", "Varuna", "Gomti")

#: Seed-review totals, identical at every ``n_incidents``: anti-Romeo cases registered, the
#: arrests they made, people detained, couples counselled and reunited; campaign locations
#: and women reached. Only anti-Romeo rows carry these three actions and any arrests, so the
#: totals hold whether or not one filters by source.
N_CASES_REGISTERED: Final = 94
N_CASE_ARRESTS: Final = 123
N_DETAINED: Final = 659
N_COUNSELLED: Final = 255
N_CAMPAIGNS: Final = 2_114
N_WOMEN_REACHED: Final = 90_000
#: Detentions by BNSS section (:data:`geo.centre.BNSS_SECTIONS`); they add up to
#: :data:`N_DETAINED`. Only the detained anti-Romeo rows carry a section.
N_DETAINED_BY_SECTION: Final[Mapping[str, int]] = {"126": 398, "135": 137, "170": 124}
#: Complaints of the demo casework layer (Mission Shakti centres), reunions included.
DEMO_CASEWORK: Final = 3_000
#: Reunions after counselling (casework ``case_outcome`` = ``reunited``): the review's source
#: of "families reunited". Each is the centre's case of one ``counselled-reunited`` anti-Romeo
#: incident (same thana, received the day of the incident), so the two layers agree, in
#: total and per thana.
N_REUNITED: Final = N_COUNSELLED
#: Audits of every thana's centre (the last one is current; earlier ones give the trend).
AUDIT_DATES: Final = (date(2025, 8, 14), date(2026, 2, 12), date(2026, 9, 24))
#: Smallest ``n_incidents``: the 1,008 fixed anti-Romeo rows plus room for every other source.
MIN_INCIDENTS: Final = 1_200


#: Keys of :func:`write_files` besides the layer kinds (``files["messy"]`` is what the CLI reads).
MESSY_KEY: Final = "messy"
README_KEY: Final = "readme"
FILE_NAMES: Final[Mapping[str, str]] = {
    LayerKind.THANAS.value: "thanas.geojson",
    LayerKind.SITES.value: "sites.csv",
    LayerKind.CCTV.value: "cctv.csv",
    LayerKind.CAMPAIGNS.value: "campaigns.csv",
    LayerKind.INCIDENTS.value: "incidents.csv",
    LayerKind.CENTRE_AUDIT.value: "centre_audits.csv",
    LayerKind.CASEWORK.value: "casework.csv",
    MESSY_KEY: "incidents_legacy_register.csv",
    README_KEY: "README.txt",
}

# Columns of the deliberately messy "legacy register" (a foreign schema).
M_SR_NO: Final = "Sr No"
M_DATETIME: Final = "Date & Time"
M_LAT: Final = "Latitude"
M_LON: Final = "Longitude"
M_CATEGORY: Final = "Crime Head"
M_SOURCE: Final = "Source"
M_THANA: Final = "Police Station"
M_VICTIM: Final = "Victim Name"
M_MOBILE: Final = "Mobile No"
MESSY_COLUMNS: Final = (
    M_SR_NO, M_DATETIME, M_LAT, M_LON, M_CATEGORY, M_SOURCE, M_THANA, M_VICTIM, M_MOBILE,
)  # fmt: skip
#: ``--map`` for the legacy register: source column → canonical field. The personal columns
#: (victim name, mobile number) are deliberately not mapped; the privacy guard drops them.
MESSY_MAPPING: Final[dict[str, str]] = {
    M_SR_NO: ID,
    M_DATETIME: OCCURRED_AT,
    M_LAT: LAT,
    M_LON: LON,
    M_CATEGORY: CATEGORY,
    M_SOURCE: SOURCE,
    M_THANA: THANA_STATED,
}
#: Rows of the legacy register, and how many of them carry each deliberate problem (one
#: problem per row). The other rows are valid.
MESSY_ROWS: Final = 150
MESSY_PROBLEMS: Final[Mapping[Reason, int]] = {
    Reason.MISSING_COORDINATES: 4,
    Reason.NON_NUMERIC_COORDINATES: 4,
    Reason.LAT_LON_SWAPPED: 4,
    Reason.OUTSIDE_REGION: 4,
    Reason.INVALID_COORDINATES: 2,
    Reason.DUPLICATE_ID: 4,
    Reason.UNPARSEABLE_TIMESTAMP: 4,
    Reason.FUTURE_TIMESTAMP: 4,
    Reason.UNKNOWN_CATEGORY: 4,
    Reason.UNKNOWN_VALUE: 2,
    Reason.MISSING_VALUE: 2,
}
