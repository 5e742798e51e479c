"""Deterministic SYNTHETIC Varanasi demo data set (approximate geography, no real incidents)."""

# Everything this module produces is SYNTHETIC and every position in it is APPROXIMATE.
#
# * Thana (police-station) names are those of the Varanasi Police Commissionerate, but the
#   station coordinates were placed by hand from general knowledge of the city (a few hundred
#   metres to a few kilometres off; outlying stations are pulled inside the demo outline) and
#   the zone of each station is a plausible grouping, not the official one.
# * Thana boundaries are NOT the real jurisdictions: they are Voronoi cells of the stations
#   clipped to a hand-drawn city outline (west bank of the Ganga, plus a lobe across the river
#   for Ramnagar), so they tile the outline exactly but follow no real boundary.
# * Colleges, markets, ghats and stations are real names at approximate positions; schools,
#   coaching centres, hostels and training centres have invented, generic names.
# * Incidents, campaigns, cameras and audits are drawn from a seeded random process; they
#   describe no real person, event or camera. Only the seed-review totals (anti-Romeo actions,
#   campaign locations and women reached) are fixed on purpose.
#
# Determinism: one ``numpy.random.default_rng(seed)`` is split with ``spawn`` into one stream
# per layer, nothing reads the clock, and all dates end at REFERENCE_DATE; so the same seed
# gives the same layers and byte-identical files, and thanas, sites, cameras and campaigns do
# not change with ``n_incidents``.

from __future__ import annotations

import functools
import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import WGS84
from geo.quarantine import Reason
from geo.schema import (
    ACTION_TAKEN,
    ACTIONS,
    ARRESTS,
    ATTENDEES,
    CAMPAIGN_KINDS,
    CAMPAIGNS,
    CATEGORY,
    CCTV,
    CCTV_OWNERS,
    CCTV_STATUSES,
    DISPERSES_AT,
    HELD_ON,
    ID,
    INCIDENTS,
    INSTALLED_ON,
    KIND,
    NAME,
    OCCURRED_AT,
    OPENS_AT,
    OWNER,
    RESOURCES,
    SITES,
    SOURCE,
    SOURCES,
    STATION_LAT,
    STATION_LON,
    STATUS,
    STUDENTS,
    SYNTHETIC,
    THANA,
    THANA_MISMATCH,
    THANA_STATED,
    THANAS,
    VENUE_TYPE,
    VENUE_TYPES,
    VIEW_RADIUS_M,
    ZONE,
    FieldType,
    LayerKind,
    LayerSpec,
)
from geo.settings import DEFAULT_CATEGORIES, VARANASI_BBOX, VARANASI_TIMEZONE, Settings
from geo.store import Store

if TYPE_CHECKING:
    from geo.ingest import ImportResult

logger = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ObjArray = npt.NDArray[np.object_]

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

#: The source of anti-Romeo squad actions and the actions whose totals are fixed.
ANTI_ROMEO: Final = "anti-romeo-action"
CASE_REGISTERED: Final = "case-registered"
DETAINED: Final = "detained"
COUNSELLED: Final = "counselled-reunited"
WARNED: Final = "warned"
NO_ACTION: Final = "none"
REFERRED: Final = "referred"

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
#: Smallest ``n_incidents``: the 1,008 fixed anti-Romeo rows plus room for every other source.
MIN_INCIDENTS: Final = 1_200

#: Coordinate columns of the CSV files (recognised by :mod:`geo.columns`).
LAT: Final = "lat"
LON: Final = "lon"

#: Keys of :func:`write_files` besides the layer kinds (``files["messy"]`` is what the CLI reads).
MESSY_KEY: Final = "messy"
README_KEY: Final = "readme"
FILE_NAMES: Final[Mapping[str, str]] = {
    LayerKind.THANAS.value: "thanas.geojson",
    LayerKind.SITES.value: "sites.csv",
    LayerKind.CCTV.value: "cctv.csv",
    LayerKind.CAMPAIGNS.value: "campaigns.csv",
    LayerKind.INCIDENTS.value: "incidents.csv",
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

# --------------------------------------------------------------------------- geography


class Station(NamedTuple):
    """A police station (thana) of the demo Commissionerate; its position is approximate."""

    name: str
    zone: str
    lon: float
    lat: float
    urban: bool


#: The 29 thanas: name, zone, approximate station position, urban or not.
STATIONS: Final[tuple[Station, ...]] = (
    Station("Dashashwamedh", "Kashi", 83.0075, 25.3055, True),
    Station("Chowk", "Kashi", 83.0118, 25.3128, True),
    Station("Kotwali", "Kashi", 83.0160, 25.3195, True),
    Station("Adampur", "Kashi", 83.0255, 25.3262, True),
    Station("Jaitpura", "Kashi", 83.0085, 25.3255, True),
    Station("Luxa", "Kashi", 83.0000, 25.3075, True),
    Station("Bhelupur", "Kashi", 82.9995, 25.2940, True),
    Station("Lanka", "Kashi", 82.9985, 25.2775, True),
    Station("Chetganj", "Kashi", 83.0025, 25.3170, True),
    Station("Ramnagar", "Kashi", 83.0265, 25.2725, False),
    Station("Cantt", "Varuna", 82.9800, 25.3290, True),
    Station("Sigra", "Varuna", 82.9870, 25.3140, True),
    Station("Shivpur", "Varuna", 82.9580, 25.3560, True),
    Station("Sarnath", "Varuna", 83.0225, 25.3775, True),
    Station("Lalpur-Pandeypur", "Varuna", 82.9990, 25.3450, True),
    Station("Chaubeypur", "Varuna", 83.0600, 25.4030, False),
    Station("Cholapur", "Varuna", 82.9700, 25.4060, False),
    Station("Phoolpur", "Varuna", 82.8950, 25.4020, False),
    Station("Baragaon", "Varuna", 82.8750, 25.3650, False),
    Station("Sindhora", "Varuna", 82.9300, 25.3880, False),
    Station("Pindra", "Varuna", 82.8630, 25.4080, False),
    Station("Rohania", "Gomti", 82.9350, 25.2520, False),
    Station("Manduadih", "Gomti", 82.9720, 25.2930, True),
    Station("Mirzamurad", "Gomti", 82.8750, 25.2300, False),
    Station("Kapsethi", "Gomti", 82.8800, 25.2950, False),
    Station("Janshi", "Gomti", 82.9100, 25.3250, False),
    Station("Lohta", "Gomti", 82.9380, 25.2950, False),
    Station("Chitaipur", "Gomti", 82.9800, 25.2710, True),
    Station("Rajatalab", "Gomti", 82.9150, 25.2100, False),
)

# Approximate outline of the demo Commissionerate (lon, lat), clockwise from the north-west.
# The east side follows the west bank of the Ganga from the Varuna confluence down to Assi,
# then crosses the river to take in Ramnagar; the rest is a rough rural boundary kept inside
# the default region box VARANASI_BBOX.
_OUTLINE: Final = (
    (82.8600, 25.4150), (82.9600, 25.4180), (83.0300, 25.4180), (83.0720, 25.4100),
    (83.0850, 25.3850), (83.0780, 25.3600), (83.0620, 25.3420), (83.0500, 25.3320),
    (83.0460, 25.3290),  # Varuna–Ganga confluence; the Ganga's west bank follows
    (83.0390, 25.3260), (83.0348, 25.3243), (83.0252, 25.3218), (83.0222, 25.3201),
    (83.0186, 25.3172), (83.0160, 25.3120), (83.0148, 25.3103), (83.0133, 25.3088),
    (83.0120, 25.3063), (83.0110, 25.3003), (83.0097, 25.2938), (83.0084, 25.2884),
    (83.0082, 25.2855),  # below Assi the outline crosses the river to take in Ramnagar
    (83.0420, 25.2855), (83.0460, 25.2600), (83.0300, 25.2380), (83.0000, 25.2150),
    (82.9600, 25.2000), (82.9000, 25.1900), (82.8650, 25.2050), (82.8550, 25.2600),
    (82.8580, 25.3400),
)  # fmt: skip


class _Place(NamedTuple):
    name: str
    lon: float
    lat: float
    weight: float
    trend: int = 0  # +1 emerging hotspot, -1 fading hotspot


class _College(NamedTuple):
    name: str
    lon: float
    lat: float
    students: int
    opens: str
    disperses: str


_COLLEGES: Final = (
    _College("Banaras Hindu University", 82.9914, 25.2677, 30_000, "08:00", "13:00;17:00"),
    _College("Mahila Mahavidyalaya, BHU", 82.9952, 25.2702, 3_000, "09:00", "14:00;16:00"),
    _College("Mahatma Gandhi Kashi Vidyapith", 82.9835, 25.3222, 20_000, "09:00", "14:00;16:00"),
    _College("Sampurnanand Sanskrit University", 83.0048, 25.3292, 5_000, "10:00", "15:00"),
    _College("Harish Chandra PG College", 83.0122, 25.3178, 6_000, "09:00", "13:00;15:00"),
    _College("Agrasen PG College", 83.0030, 25.3205, 3_500, "09:00", "14:00"),
    _College("Udai Pratap College", 82.9845, 25.3378, 8_000, "09:00", "14:00;16:00"),
    _College("Vasanta College for Women, Rajghat", 83.0335, 25.3280, 2_000, "09:00", "14:00"),
    _College("Arya Mahila PG College", 83.0002, 25.3138, 3_000, "09:00", "14:00"),
    _College("DAV PG College", 83.0058, 25.3180, 4_000, "09:00", "14:00;16:00"),
    _College("Vasant Kanya Mahavidyalaya, Kamachha", 82.9985, 25.3002, 2_500, "09:00", "14:00"),
    _College("Sunbeam College for Women, Bhagwanpur", 82.9965, 25.2630, 2_000, "09:00", "14:00"),
    _College(
        "Central Institute of Higher Tibetan Studies", 83.0205, 25.3758, 1_200, "09:00", "16:00"
    ),
)

_MARKETS: Final = (
    _Place("Godowlia Market", 83.0060, 25.3095, 10),
    _Place("Vishwanath Gali", 83.0098, 25.3102, 8),
    _Place("Dashashwamedh Market", 83.0088, 25.3070, 7),
    _Place("Dal Mandi", 83.0082, 25.3128, 5),
    _Place("Nai Sadak", 83.0035, 25.3118, 5),
    _Place("Thatheri Bazar", 83.0105, 25.3150, 3),
    _Place("Chowk Market", 83.0118, 25.3138, 5),
    _Place("Maidagin Market", 83.0135, 25.3188, 5),
    _Place("Lahurabir Market", 83.0075, 25.3225, 9, trend=-1),  # the fading hotspot
    _Place("Luxa Road Market", 83.0005, 25.3088, 4),
    _Place("Rathyatra Market", 82.9960, 25.3045, 4),
    _Place("Sigra Market", 82.9882, 25.3148, 6),
    _Place("Mahmoorganj Market", 82.9905, 25.3025, 4),
    _Place("Bhelupur Market", 83.0002, 25.2955, 4),
    _Place("Lanka Market", 82.9995, 25.2795, 7),
    _Place("Assi Market", 83.0035, 25.2893, 4),
    _Place("Nadesar Market", 82.9785, 25.3345, 3),
    _Place("Orderly Bazar", 82.9715, 25.3365, 2),
    _Place("Pandeypur Market", 82.9985, 25.3462, 3),
    _Place("Sarnath Market", 83.0245, 25.3795, 3),
    _Place("Shivpur Bazar", 82.9590, 25.3545, 2),
    _Place("Manduadih Bazar", 82.9708, 25.2922, 2),
    _Place("Rohania Bazar", 82.9365, 25.2535, 2),
    _Place("Chaubeypur Bazar", 83.0590, 25.4010, 1),
    _Place("Cholapur Bazar", 82.9708, 25.4040, 1),
)

_GHATS: Final = (
    _Place("Samne Ghat", 83.0105, 25.2740, 2),
    _Place("Assi Ghat", 83.0066, 25.2886, 8),
    _Place("Tulsi Ghat", 83.0070, 25.2903, 2),
    _Place("Shivala Ghat", 83.0079, 25.2937, 1.5),
    _Place("Harishchandra Ghat", 83.0088, 25.2980, 2),
    _Place("Kedar Ghat", 83.0094, 25.3005, 2),
    _Place("Chausatti Ghat", 83.0100, 25.3037, 1),
    _Place("Dashashwamedh Ghat", 83.0104, 25.3066, 10),
    _Place("Man Mandir Ghat", 83.0109, 25.3078, 2),
    _Place("Lalita Ghat", 83.0118, 25.3092, 2),
    _Place("Manikarnika Ghat", 83.0133, 25.3105, 4),
    _Place("Scindia Ghat", 83.0144, 25.3122, 1.5),
    _Place("Panchganga Ghat", 83.0168, 25.3168, 2),
    _Place("Gai Ghat", 83.0200, 25.3200, 1),
    _Place("Trilochan Ghat", 83.0232, 25.3218, 1),
    _Place("Raj Ghat", 83.0320, 25.3252, 2),
    _Place("Namo Ghat", 83.0368, 25.3268, 8, trend=+1),  # an emerging hotspot
)

_TRANSIT: Final = (
    _Place("Varanasi Junction (Cantt) Railway Station", 82.9872, 25.3268, 6),
    _Place("Cantt Roadways Bus Station", 82.9905, 25.3238, 4),
    _Place("Banaras Railway Station (Manduadih)", 82.9735, 25.2890, 3),
    _Place("Varanasi City Railway Station", 83.0228, 25.3318, 2),
    _Place("Kashi Railway Station", 83.0378, 25.3322, 2),
    _Place("Sarnath Railway Station", 83.0298, 25.3818, 1),
    _Place("Lanka Auto-rickshaw Stand", 82.9990, 25.2770, 3),
)

#: Coaching hubs: name, centre, share of the coaching centres; Mahmoorganj is emerging.
_COACHING_HUBS: Final = (
    _Place("Lanka", 82.9992, 25.2790, 0.30),
    _Place("Sigra", 82.9878, 25.3158, 0.22),
    _Place("Mahmoorganj", 82.9900, 25.3020, 0.16, trend=+1),
    _Place("Bhelupur", 83.0005, 25.2958, 0.12),
    _Place("Nadesar", 82.9790, 25.3352, 0.10),
    _Place("Pandeypur", 82.9988, 25.3465, 0.10),
)

#: Main roads (approximate polylines) along which cameras are installed, and how many.
_ROADS: Final[tuple[tuple[str, int, tuple[tuple[float, float], ...]], ...]] = (
    ("Godowlia-Lanka road", 70, ((83.0068, 25.3090), (83.0010, 25.2990), (82.9990, 25.2880),
                                 (82.9995, 25.2790), (82.9930, 25.2690))),
    ("Godowlia-Maidagin-Rajghat road", 50, ((83.0068, 25.3090), (83.0125, 25.3175),
                                            (83.0130, 25.3195), (83.0245, 25.3225),
                                            (83.0330, 25.3262))),
    ("Lahurabir-Cantt-Nadesar road", 45, ((83.0080, 25.3220), (82.9980, 25.3250),
                                          (82.9876, 25.3269), (82.9780, 25.3355))),
    ("Sigra-Rathyatra-Godowlia road", 45, ((82.9875, 25.3160), (82.9960, 25.3050),
                                           (83.0000, 25.3072), (83.0068, 25.3090))),
    ("Cantt-Pandeypur-Sarnath road", 45, ((82.9876, 25.3269), (82.9995, 25.3470),
                                          (83.0150, 25.3650), (83.0240, 25.3790))),
    ("Varanasi-Babatpur road", 25, ((82.9780, 25.3355), (82.9550, 25.3560), (82.9200, 25.3850),
                                    (82.8900, 25.4100))),
    ("Lanka-Rohania ring road", 25, ((82.9930, 25.2690), (82.9700, 25.2600), (82.9350, 25.2500),
                                     (82.8800, 25.2350))),
    ("Manduadih-Mahmoorganj-Sigra road", 30, ((82.9700, 25.2880), (82.9900, 25.3020),
                                              (82.9875, 25.3160))),
)  # fmt: skip

_SCHOOL_PREFIXES: Final = (
    "Government Girls Inter College", "Kanya Inter College", "Composite Vidyalaya",
    "Primary School", "Saraswati Shishu Mandir", "Adarsh Inter College", "Public School",
    "Convent School", "Kanya Pathshala", "Junior High School",
)  # fmt: skip
_COACHING_BRANDS: Final = (
    "Gyan", "Vidya", "Target", "Pinnacle", "Success Point", "Career Plus", "Sankalp",
    "Utkarsh", "Drishti", "Param", "Achievers", "Lakshya", "Disha", "Prayas", "Abhyas",
)  # fmt: skip
_COACHING_SUFFIXES: Final = ("Classes", "Academy", "Institute", "Coaching", "Tutorials")
_HOSTEL_BRANDS: Final = (
    "Shanti", "Gayatri", "Annapurna", "Saraswati", "Sita", "Kashi", "Ganga", "Radha",
    "Lakshmi", "Durga",
)  # fmt: skip
_COACHING_BATCHES: Final = (
    ("11:00;14:00;17:00;20:00", 0.5),
    ("09:00;12:00;15:00;18:00", 0.2),
    ("10:00;13:00;16:00;19:00", 0.2),
    ("08:00;11:00;14:00;17:00;20:00", 0.1),
)

# Places outside the region, for the legacy register's "outside" rows (lon, lat).
_OUTSIDE_PLACES: Final = (
    (80.9462, 26.8467),  # Lucknow, Hazratganj
    (80.9200, 26.8300),  # Lucknow, Charbagh
    (81.8463, 25.4358),  # Prayagraj, Civil Lines
    (80.3319, 26.4499),  # Kanpur, Mall Road
)

# --------------------------------------------------------------------------- process knobs

_SIZES: Final[Mapping[str, int]] = {
    "school": 150, "coaching-centre": 90, "womens-training-centre": 16, "hostel_bhu": 10,
    "hostel_hub": 22, "private_cameras": 160, "duplicate_cameras": 8,
}  # fmt: skip
_M_PER_DEG_LAT: Final = 110_800.0
_M_PER_DEG_LON: Final = 111_320.0 * math.cos(math.radians(25.31))
_DECIMALS: Final = 6  # coordinates are rounded to 6 decimals (about 0.1 m)

# Incident components: where and when an incident happens.
_DISPERSAL, _EVENING, _TRANSIT_C, _RESIDENTIAL, _BACKGROUND = range(5)
_COMPONENT_P: Final[Mapping[str, tuple[float, ...]]] = {
    "complaint": (0.20, 0.18, 0.05, 0.32, 0.25),
    ANTI_ROMEO: (0.55, 0.33, 0.07, 0.03, 0.02),
    "helpline-call": (0.18, 0.17, 0.05, 0.33, 0.27),
    "mission-shakti-centre": (0.15, 0.15, 0.05, 0.40, 0.25),
}
_OTHER_SOURCE_P: Final[Mapping[str, float]] = {
    "complaint": 0.45, "helpline-call": 0.30, "mission-shakti-centre": 0.25,
}  # fmt: skip
#: Share of the non-fixed incidents that are anti-Romeo "warned" actions.
_WARNED_SHARE: Final = 0.10
_OTHER_ACTION_P: Final[Mapping[str, Mapping[str, float]]] = {
    "complaint": {NO_ACTION: 0.55, REFERRED: 0.30, WARNED: 0.15},
    "helpline-call": {NO_ACTION: 0.40, REFERRED: 0.60},
    "mission-shakti-centre": {NO_ACTION: 0.30, REFERRED: 0.50, WARNED: 0.20},
}
_CATEGORY_P: Final[Mapping[int, Mapping[str, float]]] = {
    _DISPERSAL: {"eve-teasing": .42, "stalking": .22, "harassment": .22, "cyber": .04,
                 "assault": .04, "other": .06},
    _EVENING: {"eve-teasing": .34, "stalking": .10, "harassment": .36, "cyber": .02,
               "assault": .08, "other": .10},
    _TRANSIT_C: {"eve-teasing": .28, "stalking": .10, "harassment": .38, "cyber": .02,
                 "assault": .10, "other": .12},
    _RESIDENTIAL: {"eve-teasing": .14, "stalking": .16, "harassment": .32, "cyber": .16,
                   "assault": .10, "other": .12},
    _BACKGROUND: {"eve-teasing": .14, "stalking": .16, "harassment": .30, "cyber": .18,
                  "assault": .10, "other": .12},
}  # fmt: skip
_ANTI_ROMEO_CATEGORY_P: Final[Mapping[str, float]] = {
    "eve-teasing": .55, "stalking": .20, "harassment": .22, "other": .03,
}  # fmt: skip
_MISSING_THANA_SHARE: Final = 0.08
_WRONG_THANA_SHARE: Final = 0.02
#: Emerging hotspots grow as FLOOR + t, fading ones shrink as FLOOR + 1 - t (t: 0 → 1).
_TREND_FLOOR: Final = 0.5
#: Relative frequency of each hour of the day, for incidents with no dispersal or evening peak.
_HOURLY: Final = (
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 1.8, 1.8, 1.9,
    2.0, 2.1, 2.1, 2.0, 2.0, 2.2, 2.4, 2.4, 2.0, 1.5, 1.0, 0.6,
)  # fmt: skip
_PROFILE_FLAT, _PROFILE_DISPERSAL, _PROFILE_EVENING, _PROFILE_CAMPAIGN = range(4)
_COMPONENT_PROFILE: Final = (
    _PROFILE_DISPERSAL,
    _PROFILE_EVENING,
    _PROFILE_FLAT,
    _PROFILE_FLAT,
    _PROFILE_FLAT,
)

_VENUE_P: Final[Mapping[str, float]] = {
    "school": .24, "college": .12, "coaching-centre": .10, "womens-training-centre": .06,
    "market": .14, "ghat": .05, "village": .16, "residential": .07, "transit": .04, "other": .02,
}  # fmt: skip
_KIND_P: Final[Mapping[str, Mapping[str, float]]] = {
    "school": {"school-session": .55, "self-defence-training": .25, "helpline-awareness": .12,
               "awareness-drive": .05, "street-play": .02, "other": .01},
    "college": {"self-defence-training": .35, "awareness-drive": .25,
                "helpline-awareness": .25, "street-play": .10, "other": .05},
    "coaching-centre": {"awareness-drive": .35, "helpline-awareness": .40,
                        "self-defence-training": .15, "street-play": .05, "other": .05},
    "womens-training-centre": {"self-defence-training": .45, "helpline-awareness": .25,
                               "awareness-drive": .25, "other": .05},
    "market": {"awareness-drive": .45, "street-play": .25, "helpline-awareness": .25,
               "other": .05},
    "ghat": {"awareness-drive": .40, "street-play": .35, "helpline-awareness": .20, "other": .05},
    "village": {"awareness-drive": .45, "street-play": .20, "helpline-awareness": .25,
                "self-defence-training": .05, "other": .05},
    "residential": {"awareness-drive": .50, "helpline-awareness": .35, "street-play": .10,
                    "other": .05},
    "transit": {"awareness-drive": .50, "helpline-awareness": .45, "other": .05},
    "other": {"awareness-drive": .40, "helpline-awareness": .30, "other": .30},
}  # fmt: skip
_MEAN_ATTENDEES: Final[Mapping[str, float]] = {
    "school-session": 70, "self-defence-training": 30, "awareness-drive": 40,
    "helpline-awareness": 35, "street-play": 55, "other": 25,
}  # fmt: skip
_MIN_ATTENDEES: Final = 5
#: Venue types held at a generated site of the same kind (the others are placed by area).
_SITE_VENUES: Final = (
    "school", "college", "coaching-centre", "womens-training-centre", "market", "ghat", "transit",
)  # fmt: skip

# Cameras: owner shares per placement, status shares, view radius and installation start.
_OWNER_P: Final[Mapping[str, Mapping[str, float]]] = {
    "market": {"police": .30, "private": .25, "smart-city": .45},
    "ghat": {"police": .35, "private": .15, "smart-city": .50},
    "transit": {"police": .60, "private": .15, "smart-city": .25},
    "road": {"police": .35, "private": .25, "smart-city": .40},
    "college": {"private": .15, "school": .85},
    "school": {"school": 1.0},
    "coaching": {"private": 1.0},
    "station": {"police": 1.0},
    "private": {"private": 1.0},
}  # fmt: skip
_STATUS_P: Final[Mapping[str, Mapping[str, float]]] = {
    "police": {"working": 0.80, "faulty": 0.16, "unknown": 0.04},
    "private": {"working": 0.72, "faulty": 0.18, "unknown": 0.10},
    "school": {"working": 0.76, "faulty": 0.20, "unknown": 0.04},
    "smart-city": {"working": 0.82, "faulty": 0.15, "unknown": 0.03},
}
_RADIUS_M: Final[Mapping[str, float]] = {
    "police": 40, "private": 25, "school": 20, "smart-city": 60,
}  # fmt: skip
_INSTALLED_FROM: Final[Mapping[str, date]] = {
    "police": date(2017, 1, 1), "private": date(2015, 1, 1), "school": date(2018, 1, 1),
    "smart-city": date(2019, 6, 1),
}  # fmt: skip
_MISSING_RADIUS_SHARE: Final = 0.08
_MISSING_INSTALLED_SHARE: Final = 0.06


# --------------------------------------------------------------------------- the data set


@dataclass(frozen=True, eq=False)
class DemoData:
    """The SYNTHETIC demo data set: the five layers and a messy legacy register.

    Every layer is in EPSG:4326 with exactly the stored columns of its schema
    (``LayerSpec.columns``, derived ``thana``/``thana_mismatch`` included for incidents) and
    the dtypes the importer produces, and carries ``attrs["synthetic"] = True``.

    Attributes
    ----------
    thanas, sites, cctv, campaigns, incidents : geopandas.GeoDataFrame
        The layers.
    messy_incidents : pandas.DataFrame
        A small legacy register in a foreign schema (:data:`MESSY_COLUMNS`, all text) with
        deliberate problems (:data:`MESSY_PROBLEMS`) and fake personal columns.
    seed : int
        The seed it was generated from.
    """

    thanas: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    cctv: gpd.GeoDataFrame
    campaigns: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    messy_incidents: pd.DataFrame
    seed: int = DEMO_SEED

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the five layers keyed by layer kind (``"thanas"``, ``"sites"``, ...).

        Returns
        -------
        dict of str to geopandas.GeoDataFrame
            In import order: thanas, sites, cctv, campaigns, incidents.
        """
        return {
            LayerKind.THANAS.value: self.thanas,
            LayerKind.SITES.value: self.sites,
            LayerKind.CCTV.value: self.cctv,
            LayerKind.CAMPAIGNS.value: self.campaigns,
            LayerKind.INCIDENTS.value: self.incidents,
        }


def city_outline() -> shapely.Polygon:
    """Return the approximate outline of the demo Commissionerate in lon/lat (EPSG:4326).

    The east side follows the west bank of the Ganga from the Varuna confluence to Assi and
    then crosses the river to include Ramnagar; the rest is a rough rural boundary inside
    :data:`geo.settings.VARANASI_BBOX`. It is hand-drawn and approximate, not an official
    boundary.

    Returns
    -------
    shapely.Polygon
        A valid polygon.
    """
    return shapely.Polygon(_OUTLINE)


def generate(seed: int = DEMO_SEED, n_incidents: int = DEMO_INCIDENTS) -> DemoData:
    """Generate the SYNTHETIC Varanasi demo data set.

    Parameters
    ----------
    seed : int, default DEMO_SEED
        Seed of ``numpy.random.default_rng``; the same seed always gives the same data.
    n_incidents : int, default DEMO_INCIDENTS
        Total number of incidents, at least :data:`MIN_INCIDENTS`. The seed-review totals
        (:data:`N_CASES_REGISTERED` anti-Romeo cases with :data:`N_CASE_ARRESTS` arrests,
        :data:`N_DETAINED` detained, :data:`N_COUNSELLED` counselled-reunited,
        :data:`N_CAMPAIGNS` campaigns reaching :data:`N_WOMEN_REACHED` women) hold at every
        size; the other layers do not depend on it. A million incidents take seconds.

    Returns
    -------
    DemoData

    Raises
    ------
    ValueError
        When ``n_incidents`` is below :data:`MIN_INCIDENTS`.
    """
    if n_incidents < MIN_INCIDENTS:
        raise ValueError(
            f"n_incidents must be at least {MIN_INCIDENTS} (the {_n_fixed()} fixed anti-Romeo "
            f"actions of the seed review plus other incidents); got {n_incidents}"
        )
    streams = np.random.default_rng(seed).spawn(6)
    geo = _geography()
    thanas = _thanas_layer(streams[0], geo)
    sites = _make_sites(streams[1], geo)
    cctv = _cctv_layer(streams[2], geo, sites)
    campaigns = _campaigns_layer(streams[3], geo, sites)
    incidents = _incidents_layer(streams[4], geo, sites, n_incidents)
    messy = _messy_register(streams[5], incidents)
    layers = [thanas, sites.frame, cctv, campaigns, incidents]
    for layer in layers:
        layer.attrs[SYNTHETIC] = True
        layer.attrs["seed"] = seed
    messy.attrs[SYNTHETIC] = True
    logger.info(
        "generated SYNTHETIC demo data (seed %d): %d thanas, %d sites, %d cameras, "
        "%d campaigns, %d incidents, %d legacy rows",
        seed, len(thanas), len(sites.frame), len(cctv), len(campaigns), len(incidents),
        len(messy),
    )  # fmt: skip
    return DemoData(
        thanas=thanas,
        sites=sites.frame,
        cctv=cctv,
        campaigns=campaigns,
        incidents=incidents,
        messy_incidents=messy,
        seed=seed,
    )


# --------------------------------------------------------------------------- geometry helpers


def _n_fixed() -> int:
    return N_CASES_REGISTERED + N_DETAINED + N_COUNSELLED


@dataclass(frozen=True)
class _Geography:
    """Thana polygons and a fast point locator (polygons tested in alphabetical order)."""

    outline: BaseGeometry
    polygons: tuple[BaseGeometry, ...]  # in STATIONS order
    bounds: FloatArray  # (k, 4)
    order: IntArray  # alphabetical test order, like geo.thanas.assign_thanas
    neighbours: IntArray  # (k, max degree), padded with -1
    n_neighbours: IntArray

    def locate(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Return the index (in STATIONS order) of the thana holding each point, or -1."""
        out = np.full(x.shape, -1, dtype=np.int64)
        for k in self.order:
            w, s, e, n = self.bounds[k]
            cand = np.flatnonzero((out < 0) & (x >= w) & (x <= e) & (y >= s) & (y <= n))
            if cand.size:
                hit = shapely.intersects_xy(self.polygons[k], x[cand], y[cand])
                out[cand[hit]] = k
        return out

    def scatter(
        self,
        rng: np.random.Generator,
        ax: FloatArray,
        ay: FloatArray,
        sigma_m: FloatArray | float,
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """Draw Gaussian points around anchors, redrawing those outside every thana.

        Points still outside after many rounds are put on their anchor (which must lie in a
        thana). Returns rounded ``x, y`` and the thana index of each point.
        """
        sigma = np.broadcast_to(np.asarray(sigma_m, dtype=float), ax.shape)
        x = np.empty_like(ax)
        y = np.empty_like(ay)
        idx = np.full(ax.shape, -1, dtype=np.int64)
        todo = np.arange(ax.size)
        for _ in range(60):
            if not todo.size:
                break
            s = sigma[todo]
            x[todo] = np.round(
                ax[todo] + rng.normal(size=todo.size) * s / _M_PER_DEG_LON, _DECIMALS
            )
            y[todo] = np.round(
                ay[todo] + rng.normal(size=todo.size) * s / _M_PER_DEG_LAT, _DECIMALS
            )
            idx[todo] = self.locate(x[todo], y[todo])
            todo = todo[idx[todo] < 0]
        if todo.size:
            x[todo] = np.round(ax[todo], _DECIMALS)
            y[todo] = np.round(ay[todo], _DECIMALS)
            idx[todo] = self.locate(x[todo], y[todo])
            if (idx[todo] < 0).any():
                raise RuntimeError("a demo anchor point lies outside every thana")
        return x, y, idx

    def uniform(
        self, rng: np.random.Generator, want: IntArray
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """Draw points uniformly inside thana ``want[i]`` (anywhere in the outline when -1)."""
        n = want.size
        ow, os_, oe, on = self.outline.bounds
        box = np.where(
            (want >= 0)[:, None], self.bounds[np.maximum(want, 0)], np.array([[ow, os_, oe, on]])
        )
        x = np.empty(n)
        y = np.empty(n)
        idx = np.full(n, -1, dtype=np.int64)
        todo = np.arange(n)
        for _ in range(200):
            if not todo.size:
                break
            b = box[todo]
            x[todo] = np.round(b[:, 0] + rng.random(todo.size) * (b[:, 2] - b[:, 0]), _DECIMALS)
            y[todo] = np.round(b[:, 1] + rng.random(todo.size) * (b[:, 3] - b[:, 1]), _DECIMALS)
            idx[todo] = self.locate(x[todo], y[todo])
            ok = (idx[todo] >= 0) & ((want[todo] < 0) | (idx[todo] == want[todo]))
            todo = todo[~ok]
        if todo.size:  # practically never: fall back to the station
            st = np.where(want[todo] >= 0, want[todo], 0)
            x[todo] = np.array([STATIONS[i].lon for i in st])
            y[todo] = np.array([STATIONS[i].lat for i in st])
            idx[todo] = st
        return x, y, idx


@functools.cache
def _geography() -> _Geography:
    """Build (once) the thana polygons: station Voronoi cells clipped to the outline."""
    outline = city_outline()
    lon = np.array([s.lon for s in STATIONS])
    lat = np.array([s.lat for s in STATIONS])
    points = [shapely.Point(x, y) for x, y in zip(lon, lat, strict=True)]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=outline)
    )
    polygons: list[BaseGeometry] = []
    for point in points:
        cell = cells[shapely.contains(cells, point)]
        if len(cell) != 1:
            raise RuntimeError("a demo station is not in exactly one Voronoi cell")
        clipped = shapely.normalize(shapely.intersection(cell[0], outline))
        if clipped.geom_type not in ("Polygon", "MultiPolygon") or not clipped.is_valid:
            raise RuntimeError(f"clipped cell is a {clipped.geom_type}")
        polygons.append(clipped)
    for poly in polygons:
        shapely.prepare(poly)
    shapely.prepare(outline)
    k = len(polygons)
    adjacent = np.zeros((k, k), dtype=bool)
    for i in range(k):
        for j in range(i + 1, k):
            shared = shapely.intersection(polygons[i].boundary, polygons[j].boundary)
            adjacent[i, j] = adjacent[j, i] = shared.length > 0
    degree = adjacent.sum(axis=1).astype(np.int64)
    neighbours = np.full((k, int(degree.max())), -1, dtype=np.int64)
    for i in range(k):
        nb = np.flatnonzero(adjacent[i])
        neighbours[i, : nb.size] = nb
    names = [s.name for s in STATIONS]
    return _Geography(
        outline=outline,
        polygons=tuple(polygons),
        bounds=np.asarray(shapely.bounds(np.asarray(polygons, dtype=object)), dtype=float),
        order=np.array(sorted(range(k), key=lambda i: names[i]), dtype=np.int64),
        neighbours=neighbours,
        n_neighbours=degree,
    )


def _pick(rng: np.random.Generator, weights: Sequence[float] | FloatArray, size: int) -> IntArray:
    """Draw ``size`` indices with probability proportional to ``weights``."""
    w = np.asarray(weights, dtype=float)
    return np.asarray(rng.choice(w.size, size=size, p=w / w.sum()), dtype=np.int64)


def _pick_named(
    rng: np.random.Generator, probs: Mapping[str, float], vocab: Sequence[str], size: int
) -> IntArray:
    """Draw ``size`` indices into ``vocab`` with the probabilities given by name."""
    unknown = set(probs) - set(vocab)
    if unknown:
        raise ValueError(f"not in the vocabulary: {sorted(unknown)}")
    return _pick(rng, [probs.get(v, 0.0) for v in vocab], size)


def _dedupe(names: Sequence[str]) -> list[str]:
    """Return the names with repeats numbered: ``X``, ``X No. 2``, ``X No. 3`` ..."""
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} No. {seen[name]}")
    return out


def _strings(values: Sequence[object] | ObjArray) -> pd.Series:
    """Return a ``string`` Series (missing values as ``<NA>``), like the importer's text."""
    return pd.Series(pd.array(np.asarray(values, dtype=object), dtype="string"))


def _ints(values: IntArray, missing: BoolArray | None = None) -> pd.Series:
    """Return an ``Int64`` Series with ``<NA>`` where ``missing``."""
    mask = np.zeros(values.shape, dtype=bool) if missing is None else missing
    return pd.Series(pd.arrays.IntegerArray(values.astype(np.int64), mask))


def _frame(
    spec: LayerSpec, columns: Mapping[str, pd.Series], x: FloatArray, y: FloatArray
) -> gpd.GeoDataFrame:
    """Assemble a point layer with exactly ``spec.columns``."""
    missing = [c for c in spec.columns if c not in columns and c != "geometry"]
    if missing:
        raise RuntimeError(f"demo {spec.kind.value} lacks {missing}")
    data = {c: columns[c].reset_index(drop=True) for c in spec.columns if c != "geometry"}
    return gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(x, y), crs=WGS84)


@functools.cache
def _calendar() -> tuple[IntArray, IntArray, IntArray]:
    """Return weekday (Mon = 0), month and day of month of every day of the span."""
    days = np.arange(np.datetime64(START_DATE, "D"), np.datetime64(REFERENCE_DATE, "D") + 1)
    ordinal = days.astype(np.int64)
    weekday = (ordinal + 3) % 7  # 1970-01-01 was a Thursday
    months = days.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    dom = (days - months.astype("datetime64[D]")).astype(np.int64) + 1
    return weekday, month, dom


def _n_days() -> int:
    return (REFERENCE_DATE - START_DATE).days + 1


def _day_p(profile: int, trend: int) -> FloatArray:
    """Return the probability of each day of the span for a seasonal profile and a trend."""
    weekday, month, dom = _calendar()
    w = np.ones(weekday.size)
    vacation = (month == 6) | ((month == 5) & (dom >= 20))  # UP schools' summer break
    if profile == _PROFILE_DISPERSAL:
        w *= np.where(weekday == 6, 0.12, 1.0) * np.where(vacation, 0.35, 1.0)
    elif profile == _PROFILE_EVENING:  # festival seasons: Sawan, Holi, Navratri to Dev Deepawali
        w *= np.select(
            [np.isin(month, (10, 11)), np.isin(month, (7, 8)), month == 3], [2.0, 1.4, 1.4], 1.0
        )
        w *= np.where(weekday >= 5, 1.25, 1.0)
    elif profile == _PROFILE_CAMPAIGN:  # Mission Shakti phases start around Navratri
        w *= np.where(weekday == 6, 0.3, 1.0) * np.where(vacation, 0.5, 1.0)
        w *= np.where(month == 10, 1.6, 1.0)
    t = np.linspace(0.0, 1.0, w.size)
    if trend > 0:
        w *= _TREND_FLOOR + t
    elif trend < 0:
        w *= _TREND_FLOOR + 1.0 - t
    return np.asarray(w / w.sum(), dtype=np.float64)


def _minutes(times: str) -> list[int]:
    return [int(t[:2]) * 60 + int(t[3:5]) for t in times.split(";")]


# --------------------------------------------------------------------------- thanas


def _thanas_layer(rng: np.random.Generator, geo: _Geography) -> gpd.GeoDataFrame:
    k = len(STATIONS)
    urban = np.array([s.urban for s in STATIONS], dtype=np.int64)
    audit = {
        "vehicles": rng.integers(2, 6, k) + 2 * urban,
        "women_staff": rng.integers(3, 10, k) + urban * rng.integers(2, 9, k),
        "rooms": rng.integers(1, 4, k),
        "toilets": rng.integers(0, 3, k),
        "computers": rng.integers(1, 5, k) + urban,
        "phones": rng.integers(1, 4, k) + urban,
    }
    columns: dict[str, pd.Series] = {
        NAME: _strings([s.name for s in STATIONS]),
        ZONE: _strings([s.zone for s in STATIONS]),
        STATION_LON: pd.Series([s.lon for s in STATIONS], dtype=float),
        STATION_LAT: pd.Series([s.lat for s in STATIONS], dtype=float),
    }
    for res in RESOURCES:
        columns[res] = _ints(np.asarray(audit[res], dtype=np.int64))
    return gpd.GeoDataFrame(
        {c: columns[c] for c in THANAS.names}, geometry=list(geo.polygons), crs=WGS84
    )


# --------------------------------------------------------------------------- sites


@dataclass(frozen=True)
class _Sites:
    """The sites layer and what the other layers need to know about each site."""

    frame: gpd.GeoDataFrame
    x: FloatArray
    y: FloatArray
    kind: ObjArray
    thana: IntArray
    w_dispersal: FloatArray
    w_evening: FloatArray
    w_transit: FloatArray
    trend: IntArray
    dispersal_min: IntArray  # (n, 5) minutes of the day, padded
    n_dispersal: IntArray


def _make_sites(rng: np.random.Generator, geo: _Geography) -> _Sites:
    rows: list[dict[str, Any]] = []
    anchors: list[tuple[float, float, float]] = []  # lon, lat, sigma_m

    def add(
        kind: str,
        name: str,
        lon: float,
        lat: float,
        sigma: float,
        *,
        opens: str | None = None,
        disperses: str | None = None,
        students: int | None = None,
        w_disp: float = 0.0,
        w_eve: float = 0.0,
        w_transit: float = 0.0,
        trend: int = 0,
    ) -> None:
        """Add one site around (lon, lat), ``sigma`` metres (0: exactly there)."""
        rows.append({
            "kind": kind, "name": name, "opens": opens, "disperses": disperses,
            "students": students, "w_disp": w_disp, "w_eve": w_eve, "w_transit": w_transit,
            "trend": trend,
        })  # fmt: skip
        anchors.append((lon, lat, sigma))

    urban = np.array([s.urban for s in STATIONS])
    for c in _COLLEGES:
        add(
            "college",
            c.name,
            c.lon,
            c.lat,
            0.0,
            opens=c.opens,
            disperses=c.disperses,
            students=c.students,
            w_disp=1.5 * math.sqrt(c.students),
        )

    # Schools: spread over every thana, denser in the city.
    n = _SIZES["school"]
    where = _pick(rng, np.where(urban, 2.5, 1.0), n)
    sx, sy, _ = geo.uniform(rng, where)
    prefixes = rng.integers(0, len(_SCHOOL_PREFIXES), n)
    students = rng.integers(150, 1500, n)
    opens = rng.choice(["07:30", "08:00", "08:30"], n)
    disperses = rng.choice(["12:30", "13:00", "13:30", "14:00", "12:30;14:30"], n)
    names = _dedupe(
        [f"{_SCHOOL_PREFIXES[p]}, {STATIONS[t].name}" for p, t in zip(prefixes, where, strict=True)]
    )
    for i in range(n):
        add(
            "school",
            names[i],
            float(sx[i]),
            float(sy[i]),
            0.0,
            opens=str(opens[i]),
            disperses=str(disperses[i]),
            students=int(students[i]),
            w_disp=math.sqrt(int(students[i])) * (1.0 if urban[where[i]] else 0.4),
        )

    # Coaching centres, concentrated in hubs; the Mahmoorganj hub is emerging.
    n = _SIZES["coaching-centre"]
    hub = _pick(rng, [h.weight for h in _COACHING_HUBS], n)
    brand = rng.integers(0, len(_COACHING_BRANDS), n)
    suffix = rng.integers(0, len(_COACHING_SUFFIXES), n)
    batches = _pick(rng, [b[1] for b in _COACHING_BATCHES], n)
    students = rng.integers(40, 600, n)
    names = _dedupe(
        [
            f"{_COACHING_BRANDS[b]} {_COACHING_SUFFIXES[s]}, {_COACHING_HUBS[h].name}"
            for b, s, h in zip(brand, suffix, hub, strict=True)
        ]
    )
    for i in range(n):
        h = _COACHING_HUBS[hub[i]]
        add(
            "coaching-centre",
            names[i],
            h.lon,
            h.lat,
            250.0,
            opens="07:00" if batches[i] == 3 else "08:00",
            disperses=_COACHING_BATCHES[batches[i]][0],
            students=int(students[i]),
            w_disp=3.0 * math.sqrt(int(students[i])),
            trend=h.trend,
        )

    # Women's training centres near some thana stations.
    n = _SIZES["womens-training-centre"]
    chosen = np.sort(rng.choice(len(STATIONS), size=n, replace=False))
    students = rng.integers(20, 120, n)
    for i, t in enumerate(chosen):
        st = STATIONS[t]
        add(
            "womens-training-centre",
            f"Mahila Kaushal Vikas Kendra, {st.name}",
            st.lon,
            st.lat,
            500.0,
            opens="10:00",
            disperses="13:00;16:00" if i % 2 else "14:00",
            students=int(students[i]),
            w_disp=0.8 * math.sqrt(int(students[i])),
        )

    # Girls' hostels around BHU and the coaching hubs.
    bhu = _COLLEGES[0]
    for i in range(_SIZES["hostel_bhu"]):
        add(
            "hostel",
            f"Girls' Hostel {i + 1}, BHU",
            bhu.lon,
            bhu.lat,
            450.0,
            students=int(rng.integers(100, 400)),
        )
    n = _SIZES["hostel_hub"]
    hub = _pick(rng, [h.weight for h in _COACHING_HUBS], n)
    brand = rng.integers(0, len(_HOSTEL_BRANDS), n)
    students = rng.integers(30, 200, n)
    names = _dedupe(
        [
            f"{_HOSTEL_BRANDS[b]} Girls' Hostel, {_COACHING_HUBS[h].name}"
            for b, h in zip(brand, hub, strict=True)
        ]
    )
    for i in range(n):
        h = _COACHING_HUBS[hub[i]]
        add("hostel", names[i], h.lon, h.lat, 300.0, students=int(students[i]))

    for p in _MARKETS:
        add("market", p.name, p.lon, p.lat, 0.0, w_eve=p.weight, trend=p.trend)
    for p in _GHATS:
        add("ghat", p.name, p.lon, p.lat, 0.0, w_eve=p.weight, trend=p.trend)
    for p in _TRANSIT:
        add("transit", p.name, p.lon, p.lat, 0.0, w_transit=p.weight, trend=p.trend)

    table = pd.DataFrame(rows)
    anchor = np.asarray(anchors, dtype=float)
    x, y, thana = geo.scatter(rng, anchor[:, 0], anchor[:, 1], anchor[:, 2])
    n = len(table)
    disp = np.zeros((n, 5), dtype=np.int64)
    n_disp = np.zeros(n, dtype=np.int64)
    for i, times in enumerate(table["disperses"]):
        if isinstance(times, str):
            minutes = _minutes(times)
            disp[i, : len(minutes)] = minutes
            n_disp[i] = len(minutes)
    students_v = table["students"].to_numpy(dtype=float)
    columns = {
        ID: _strings([f"DEMO-SITE-{i + 1:04d}" for i in range(n)]),
        NAME: _strings(table["name"].tolist()),
        KIND: _strings(table["kind"].tolist()),
        OPENS_AT: _strings(table["opens"].tolist()),
        DISPERSES_AT: _strings(table["disperses"].tolist()),
        STUDENTS: _ints(np.nan_to_num(students_v).astype(np.int64), np.isnan(students_v)),
    }
    return _Sites(
        frame=_frame(SITES, columns, x, y),
        x=x,
        y=y,
        kind=table["kind"].to_numpy(dtype=object),
        thana=thana,
        w_dispersal=table["w_disp"].to_numpy(dtype=float),
        w_evening=table["w_eve"].to_numpy(dtype=float),
        w_transit=table["w_transit"].to_numpy(dtype=float),
        trend=table["trend"].to_numpy(dtype=np.int64),
        dispersal_min=disp,
        n_dispersal=n_disp,
    )


# --------------------------------------------------------------------------- cctv


def _cctv_layer(rng: np.random.Generator, geo: _Geography, sites: _Sites) -> gpd.GeoDataFrame:
    ax: list[FloatArray] = []
    ay: list[FloatArray] = []
    sig: list[FloatArray] = []
    owner: list[IntArray] = []

    def group(x: FloatArray, y: FloatArray, sigma: float | FloatArray, placement: str) -> None:
        ax.append(np.asarray(x, dtype=float))
        ay.append(np.asarray(y, dtype=float))
        sig.append(np.broadcast_to(np.asarray(sigma, dtype=float), x.shape).copy())
        owner.append(_pick_named(rng, _OWNER_P[placement], CCTV_OWNERS, x.size))

    def around(mask: BoolArray, counts: IntArray) -> tuple[FloatArray, FloatArray]:
        idx = np.repeat(np.flatnonzero(mask), counts)
        return sites.x[idx], sites.y[idx]

    for kind, base, per_weight, sigma in (
        ("market", 3.0, 1.5, 70.0),
        ("ghat", 2.0, 1.2, 60.0),
        ("transit", 6.0, 1.0, 90.0),
    ):
        mask = sites.kind == kind
        weight = (sites.w_evening if kind != "transit" else sites.w_transit)[mask]
        x, y = around(mask, rng.poisson(base + per_weight * weight))
        group(x, y, sigma, kind)
    for _name, count, coords in _ROADS:
        line = shapely.LineString(coords)
        pts = shapely.line_interpolate_point(line, rng.random(count), normalized=True)
        group(shapely.get_x(pts), shapely.get_y(pts), 15.0, "road")
    colleges = np.flatnonzero(sites.kind == "college")
    counts = rng.poisson(4.0, colleges.size) + 1
    counts[0] = 24  # BHU's large campus
    sigma_c = np.where(np.arange(colleges.size) == 0, 500.0, 120.0)
    x, y = around(sites.kind == "college", counts)
    group(x, y, np.repeat(sigma_c, counts), "college")
    schools = sites.kind == "school"
    counts = (rng.random(int(schools.sum())) < 0.25) * (1 + (rng.random(int(schools.sum())) < 0.4))
    x, y = around(schools, counts.astype(np.int64))
    group(x, y, 12.0, "school")
    coaching = sites.kind == "coaching-centre"
    counts = (rng.random(int(coaching.sum())) < 0.20).astype(np.int64)
    x, y = around(coaching, counts)
    group(x, y, 8.0, "coaching")
    st_x = np.array([s.lon for s in STATIONS])
    st_y = np.array([s.lat for s in STATIONS])
    group(np.repeat(st_x, 2), np.repeat(st_y, 2), 15.0, "station")
    urban = np.flatnonzero([s.urban for s in STATIONS])
    at = urban[rng.integers(0, urban.size, _SIZES["private_cameras"])]
    group(st_x[at], st_y[at], 900.0, "private")

    x, y, _ = geo.scatter(rng, np.concatenate(ax), np.concatenate(ay), np.concatenate(sig))
    own = np.concatenate(owner)
    n = own.size
    status = np.empty(n, dtype=np.int64)
    radius = np.empty(n)
    installed = np.empty(n, dtype="datetime64[D]")
    end = np.datetime64(REFERENCE_DATE, "D")
    for code, name in enumerate(CCTV_OWNERS):
        rows = np.flatnonzero(own == code)
        status[rows] = _pick_named(rng, _STATUS_P[name], CCTV_STATUSES, rows.size)
        radius[rows] = np.round(_RADIUS_M[name] * rng.uniform(0.7, 1.3, rows.size) / 5.0) * 5.0
        start = np.datetime64(_INSTALLED_FROM[name], "D")
        span = int((end - start).astype(np.int64))
        installed[rows] = start + rng.integers(0, span + 1, rows.size).astype("timedelta64[D]")
    radius[rng.random(n) < _MISSING_RADIUS_SHARE] = np.nan
    installed[rng.random(n) < _MISSING_INSTALLED_SHARE] = np.datetime64("NaT")

    # A few cameras registered twice at the same spot (e.g. in two surveys).
    dup = np.sort(rng.choice(n, size=_SIZES["duplicate_cameras"], replace=False))
    rows_all = np.concatenate([np.arange(n), dup])
    perm = rows_all[rng.permutation(rows_all.size)]
    m = perm.size
    columns = {
        ID: _strings([f"DEMO-CAM-{i + 1:04d}" for i in range(m)]),
        OWNER: _strings(np.asarray(CCTV_OWNERS, dtype=object)[own[perm]]),
        STATUS: _strings(np.asarray(CCTV_STATUSES, dtype=object)[status[perm]]),
        VIEW_RADIUS_M: pd.Series(radius[perm], dtype=float),
        INSTALLED_ON: pd.Series(installed[perm].astype("datetime64[ns]")),
    }
    return _frame(CCTV, columns, x[perm], y[perm])


# --------------------------------------------------------------------------- campaigns


def _campaigns_layer(rng: np.random.Generator, geo: _Geography, sites: _Sites) -> gpd.GeoDataFrame:
    n = N_CAMPAIGNS
    venue = _pick_named(rng, _VENUE_P, VENUE_TYPES, n)
    kind = np.empty(n, dtype=np.int64)
    ax = np.zeros(n)
    ay = np.zeros(n)
    sigma = np.zeros(n)
    uniform_want = np.full(n, -2, dtype=np.int64)  # -2: anchored, -1: anywhere, k: in thana k
    urban = np.flatnonzero([s.urban for s in STATIONS])
    rural = np.flatnonzero([not s.urban for s in STATIONS])
    for code, name in enumerate(VENUE_TYPES):
        rows = np.flatnonzero(venue == code)
        kind[rows] = _pick_named(rng, _KIND_P[name], CAMPAIGN_KINDS, rows.size)
        if name in _SITE_VENUES:
            of_kind = np.flatnonzero(sites.kind == name)
            at = of_kind[rng.integers(0, of_kind.size, rows.size)]
            ax[rows], ay[rows], sigma[rows] = sites.x[at], sites.y[at], 40.0
        elif name == "residential":
            at = urban[rng.integers(0, urban.size, rows.size)]
            ax[rows] = [STATIONS[i].lon for i in at]
            ay[rows] = [STATIONS[i].lat for i in at]
            sigma[rows] = 800.0
        elif name == "village":
            uniform_want[rows] = rural[rng.integers(0, rural.size, rows.size)]
        else:
            uniform_want[rows] = -1
    x = np.empty(n)
    y = np.empty(n)
    anchored = uniform_want == -2
    x[anchored], y[anchored], _ = geo.scatter(rng, ax[anchored], ay[anchored], sigma[anchored])
    x[~anchored], y[~anchored], _ = geo.uniform(rng, uniform_want[~anchored])

    day = rng.choice(_n_days(), size=n, p=_day_p(_PROFILE_CAMPAIGN, 0))
    # Attendees: gamma-distributed around a mean per kind, then scaled to the exact total
    # (every drive reaches at least _MIN_ATTENDEES; largest remainders get the last units).
    means = np.array([_MEAN_ATTENDEES[k] for k in CAMPAIGN_KINDS])[kind]
    raw = rng.gamma(4.0, means / 4.0)
    extra = N_WOMEN_REACHED - _MIN_ATTENDEES * n
    share = raw / raw.sum() * extra
    base = np.floor(share).astype(np.int64)
    left = extra - int(base.sum())
    base[np.argsort(-(share - base), kind="stable")[:left]] += 1
    attendees = _MIN_ATTENDEES + base

    order = np.lexsort((np.arange(n), day))
    held = np.datetime64(START_DATE, "D") + day[order].astype("timedelta64[D]")
    columns = {
        ID: _strings([f"DEMO-CMP-{i + 1:05d}" for i in range(n)]),
        HELD_ON: pd.Series(held.astype("datetime64[ns]")),
        KIND: _strings(np.asarray(CAMPAIGN_KINDS, dtype=object)[kind[order]]),
        VENUE_TYPE: _strings(np.asarray(VENUE_TYPES, dtype=object)[venue[order]]),
        ATTENDEES: _ints(attendees[order]),
    }
    return _frame(CAMPAIGNS, columns, x[order], y[order])


# --------------------------------------------------------------------------- incidents


def _incidents_layer(
    rng: np.random.Generator, geo: _Geography, sites: _Sites, n: int
) -> gpd.GeoDataFrame:
    # Sources and actions: the fixed anti-Romeo block first, then "warned" anti-Romeo rows,
    # then the other sources. Rows are sorted by time at the end, which mixes them.
    i_ar = SOURCES.index(ANTI_ROMEO)
    n_fixed = _n_fixed()
    n_warned = round(_WARNED_SHARE * (n - n_fixed))
    n_ar = n_fixed + n_warned
    src = np.full(n, i_ar, dtype=np.int64)
    others = [SOURCES.index(s) for s in _OTHER_SOURCE_P]
    src[n_ar:] = np.asarray(others)[_pick(rng, list(_OTHER_SOURCE_P.values()), n - n_ar)]
    act = np.empty(n, dtype=np.int64)
    bounds = np.cumsum([0, N_CASES_REGISTERED, N_DETAINED, N_COUNSELLED, n_warned])
    fixed_actions = (CASE_REGISTERED, DETAINED, COUNSELLED, WARNED)
    for (lo, hi), action in zip(pairwise(bounds.tolist()), fixed_actions, strict=True):
        act[lo:hi] = ACTIONS.index(action)
    for name, probs in _OTHER_ACTION_P.items():
        rows = np.flatnonzero(src == SOURCES.index(name))
        act[rows] = _pick_named(rng, probs, ACTIONS, rows.size)
    arrests = np.zeros(n, dtype=np.int64)
    arrests[:N_CASES_REGISTERED] = 1 + rng.multinomial(
        N_CASE_ARRESTS - N_CASES_REGISTERED, np.full(N_CASES_REGISTERED, 1 / N_CASES_REGISTERED)
    )
    no_arrest_field = src != i_ar  # arrests are recorded for anti-Romeo actions only

    # Component (where/when) of each incident, by source.
    comp = np.empty(n, dtype=np.int64)
    for code, name in enumerate(SOURCES):
        rows = np.flatnonzero(src == code)
        comp[rows] = _pick(rng, _COMPONENT_P[name], rows.size)

    # Anchors.
    ax = np.zeros(n)
    ay = np.zeros(n)
    sigma = np.zeros(n)
    site = np.full(n, -1, dtype=np.int64)
    for c, weights, s in (
        (_DISPERSAL, sites.w_dispersal, 120.0),
        (_EVENING, sites.w_evening, 100.0),
        (_TRANSIT_C, sites.w_transit, 150.0),
    ):
        rows = np.flatnonzero(comp == c)
        pick = _pick(rng, weights, rows.size)
        site[rows] = pick
        ax[rows], ay[rows], sigma[rows] = sites.x[pick], sites.y[pick], s
    rows = np.flatnonzero(comp == _RESIDENTIAL)
    urban = np.array([s.urban for s in STATIONS])
    at = _pick(rng, np.where(urban, 4.0, 1.0), rows.size)
    ax[rows] = np.array([s.lon for s in STATIONS])[at]
    ay[rows] = np.array([s.lat for s in STATIONS])[at]
    sigma[rows] = np.where(urban[at], 700.0, 1800.0)
    trend = np.where(site >= 0, sites.trend[np.maximum(site, 0)], 0)

    # Locations: Gaussian around anchors, uniform for the background.
    x = np.empty(n)
    y = np.empty(n)
    thana = np.empty(n, dtype=np.int64)
    bg = comp == _BACKGROUND
    x[~bg], y[~bg], thana[~bg] = geo.scatter(rng, ax[~bg], ay[~bg], sigma[~bg])
    x[bg], y[bg], thana[bg] = geo.uniform(rng, np.full(int(bg.sum()), -1, dtype=np.int64))

    # Days: a seasonal profile per component, times the site's trend.
    day = np.empty(n, dtype=np.int64)
    for c, profile in enumerate(_COMPONENT_PROFILE):
        for t in (-1, 0, 1):
            rows = np.flatnonzero((comp == c) & (trend == t))
            if rows.size:
                day[rows] = rng.choice(_n_days(), size=rows.size, p=_day_p(profile, t))

    # Minute of the day.
    minute = np.empty(n, dtype=np.int64)
    rows = np.flatnonzero(comp == _DISPERSAL)
    slot = (rng.random(rows.size) * sites.n_dispersal[site[rows]]).astype(np.int64)
    offset = np.round(rng.gamma(2.0, 12.0, rows.size) - 10.0).astype(np.int64)
    minute[rows] = sites.dispersal_min[site[rows], slot] + offset
    rows = np.flatnonzero(comp == _EVENING)
    minute[rows] = np.clip(np.round(rng.normal(19.25 * 60, 80.0, rows.size)), 15 * 60, 1439)
    rows = np.flatnonzero(comp >= _TRANSIT_C)
    minute[rows] = _pick(rng, _HOURLY, rows.size) * 60 + rng.integers(0, 60, rows.size)
    minute = np.clip(minute, 0, 1439)

    # Categories.
    cat = np.empty(n, dtype=np.int64)
    for c, probs in _CATEGORY_P.items():
        for anti_romeo in (False, True):
            rows = np.flatnonzero((comp == c) & ((src == i_ar) == anti_romeo))
            p = _ANTI_ROMEO_CATEGORY_P if anti_romeo else probs
            cat[rows] = _pick_named(rng, p, DEFAULT_CATEGORIES, rows.size)

    # Stated thana: mostly right, sometimes missing, ~2 % a neighbouring station.
    u = rng.random(n)
    missing = u < _MISSING_THANA_SHARE
    wrong = (~missing) & (u < _MISSING_THANA_SHARE + _WRONG_THANA_SHARE)
    stated = thana.copy()
    w_rows = np.flatnonzero(wrong)
    nb_slot = (rng.random(w_rows.size) * geo.n_neighbours[thana[w_rows]]).astype(np.int64)
    stated[w_rows] = geo.neighbours[thana[w_rows], nb_slot]

    # Sort by time and assemble.
    local = np.datetime64(START_DATE, "s") + (day * 86_400 + minute * 60).astype("timedelta64[s]")
    order = np.argsort(local, kind="stable")
    names = np.asarray([s.name for s in STATIONS], dtype=object)
    stated_names = names[stated[order]]
    stated_names[missing[order]] = None
    width = max(7, len(str(n)))
    ids = np.char.add("DEMO-INC-", np.char.zfill(np.arange(1, n + 1).astype(str), width))
    occurred = pd.DatetimeIndex(local[order].astype("datetime64[ns]")).tz_localize(TIMEZONE)
    columns = {
        ID: _strings(ids.astype(object)),
        OCCURRED_AT: pd.Series(occurred),
        CATEGORY: _strings(np.asarray(DEFAULT_CATEGORIES, dtype=object)[cat[order]]),
        SOURCE: _strings(np.asarray(SOURCES, dtype=object)[src[order]]),
        THANA_STATED: _strings(stated_names),
        ACTION_TAKEN: _strings(np.asarray(ACTIONS, dtype=object)[act[order]]),
        ARRESTS: _ints(arrests[order], no_arrest_field[order]),
        THANA: _strings(names[thana[order]]),
        THANA_MISMATCH: pd.Series(wrong[order], dtype=bool),
    }
    return _frame(INCIDENTS, columns, x[order], y[order])


# --------------------------------------------------------------------------- legacy register


def _messy_register(rng: np.random.Generator, incidents: gpd.GeoDataFrame) -> pd.DataFrame:
    """Build the legacy register: mostly valid rows, each problem class a few times."""
    n_dup = MESSY_PROBLEMS[Reason.DUPLICATE_ID]
    n_base = MESSY_ROWS - n_dup
    pool = np.flatnonzero((incidents[SOURCE] != ANTI_ROMEO).to_numpy(dtype=bool))
    picked = np.sort(rng.choice(pool, size=n_base, replace=False))
    sub = incidents.iloc[picked]
    local = sub[OCCURRED_AT].dt.tz_localize(None)
    iso = rng.random(n_base) < 0.25
    when = np.where(iso, local.dt.strftime("%Y-%m-%d %H:%M"), local.dt.strftime("%d/%m/%Y %H:%M"))
    style = rng.integers(0, 3, n_base)
    stated = sub[THANA_STATED].astype(object).tolist()
    police = [
        "" if pd.isna(s) else (str(s), f"Thana {s}", f"{s} PS")[int(k)]
        for s, k in zip(stated, style, strict=True)
    ]
    records: list[dict[str, str]] = [
        {
            M_DATETIME: str(when[i]),
            M_LAT: f"{sub.geometry.iloc[i].y:.6f}",
            M_LON: f"{sub.geometry.iloc[i].x:.6f}",
            M_CATEGORY: str(sub[CATEGORY].iloc[i]),
            M_SOURCE: str(sub[SOURCE].iloc[i]),
            M_THANA: police[i],
        }
        for i in range(n_base)
    ]

    # Corrupt a random subset, one problem per row.
    problems = [
        r for r, k in MESSY_PROBLEMS.items() if r is not Reason.DUPLICATE_ID for _ in range(k)
    ]
    victims = rng.choice(n_base, size=len(problems), replace=False)
    bad_text = ("25.3O12", "see map", "Godowlia crossing", "83.0l5")
    unparseable = ("31/02/2026 10:00", "yesterday evening", "25/13/2025 18:00", "2026-09-31T25:61")
    future = ("15/03/2031 18:00", "01/01/2031 09:30", "2031-06-12 20:15", "28/11/2031 19:45")
    unknown_cat = ("chain-snatching", "dowry", "theft", "road-accident")
    unknown_src = ("walk-in", "newspaper report")
    counters: dict[Reason, int] = {}
    for row, reason in zip(victims, problems, strict=True):
        rec = records[int(row)]
        k = counters.get(reason, 0)
        counters[reason] = k + 1
        if reason is Reason.MISSING_COORDINATES:
            rec[M_LAT] = ""
            if k % 2:
                rec[M_LON] = ""
        elif reason is Reason.NON_NUMERIC_COORDINATES:
            rec[M_LAT if k % 2 == 0 else M_LON] = bad_text[k % len(bad_text)]
        elif reason is Reason.LAT_LON_SWAPPED:
            rec[M_LAT], rec[M_LON] = rec[M_LON], rec[M_LAT]
        elif reason is Reason.OUTSIDE_REGION:
            lon, lat = _OUTSIDE_PLACES[k % len(_OUTSIDE_PLACES)]
            rec[M_LAT], rec[M_LON] = f"{lat:.4f}", f"{lon:.4f}"
        elif reason is Reason.INVALID_COORDINATES:
            rec[M_LAT] = ("125.3120", "-95.2040")[k % 2]
        elif reason is Reason.UNPARSEABLE_TIMESTAMP:
            rec[M_DATETIME] = unparseable[k % len(unparseable)]
        elif reason is Reason.FUTURE_TIMESTAMP:
            rec[M_DATETIME] = future[k % len(future)]
        elif reason is Reason.UNKNOWN_CATEGORY:
            rec[M_CATEGORY] = unknown_cat[k % len(unknown_cat)]
        elif reason is Reason.UNKNOWN_VALUE:
            rec[M_SOURCE] = unknown_src[k % len(unknown_src)]
        elif reason is Reason.MISSING_VALUE:
            rec[M_CATEGORY] = ""
    for i, rec in enumerate(records):
        rec[M_SR_NO] = str(i + 1)

    # Duplicate ids: exact copies, and rows reusing another row's number, placed after it.
    problem_rows = {int(v) for v in victims}
    valid_rows = [i for i in range(n_base) if i not in problem_rows]
    sources = rng.choice(valid_rows, size=n_dup, replace=False)
    donors = rng.choice([i for i in valid_rows if i not in set(sources)], size=n_dup, replace=False)
    inserts: list[tuple[int, dict[str, str]]] = []
    for k, (src_row, donor) in enumerate(zip(sources, donors, strict=True)):
        copy = dict(records[int(src_row)] if k % 2 == 0 else records[int(donor)])
        copy[M_SR_NO] = records[int(src_row)][M_SR_NO]
        position = int(rng.integers(int(src_row) + 1, n_base + 1))
        inserts.append((position, copy))
    final: list[dict[str, str]] = []
    by_position: dict[int, list[dict[str, str]]] = {}
    for position, rec in inserts:
        by_position.setdefault(position, []).append(rec)
    for i in range(n_base + 1):
        final.extend(by_position.get(i, []))
        if i < n_base:
            final.append(records[i])
    for j, rec in enumerate(final):
        rec[M_VICTIM] = f"Test Name {j + 1}"
        rec[M_MOBILE] = f"90000 {j + 1:05d}"
    frame = pd.DataFrame(final, columns=list(MESSY_COLUMNS))
    return frame.astype(object)


# --------------------------------------------------------------------------- files


def _iso_with_offset(values: pd.Series) -> ObjArray:
    """Format tz-aware times as ISO 8601 with the UTC offset, e.g. ``2026-03-14T18:42:00+05:30``."""
    local = values.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    utc = values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    offsets = (local - utc).astype(np.int64)
    text = np.datetime_as_string(local, unit="s").astype(object)
    out = np.empty(len(values), dtype=object)
    for off in np.unique(offsets):
        sign = "+" if off >= 0 else "-"
        hh, mm = divmod(abs(int(off)) // 60, 60)
        rows = offsets == off
        out[rows] = text[rows] + f"{sign}{hh:02d}:{mm:02d}"
    out[values.isna().to_numpy()] = ""
    return out


def _csv_frame(layer: gpd.GeoDataFrame, spec: LayerSpec) -> pd.DataFrame:
    """Return the columns written to a point layer's CSV: fields, lat, lon, synthetic."""
    out: dict[str, Any] = {}
    for fspec in spec.fields:
        col = layer[fspec.name]
        if fspec.type is FieldType.DATETIME:
            out[fspec.name] = _iso_with_offset(col)
        elif fspec.type is FieldType.DATE:
            out[fspec.name] = col.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
        else:
            out[fspec.name] = col.to_numpy(dtype=object, na_value="")
    out[LAT] = layer.geometry.y.to_numpy()
    out[LON] = layer.geometry.x.to_numpy()
    out[SYNTHETIC] = np.ones(len(layer), dtype=bool)
    return pd.DataFrame(out)


def _thanas_geojson(layer: gpd.GeoDataFrame, seed: int) -> str:
    features = []
    for i in range(len(layer)):
        props: dict[str, Any] = {}
        for fspec in THANAS.fields:
            value = layer[fspec.name].iloc[i]
            props[fspec.name] = (
                None
                if pd.isna(value)
                else (
                    int(value)
                    if fspec.type is FieldType.INTEGER
                    else float(value)
                    if fspec.type is FieldType.NUMBER
                    else str(value)
                )
            )
        props[SYNTHETIC] = True
        geometry = json.loads(shapely.to_geojson(layer.geometry.iloc[i]))
        features.append({"type": "Feature", "properties": props, "geometry": geometry})
    collection = {
        "type": "FeatureCollection",
        "name": "thanas",
        "description": f"SYNTHETIC demo data generated by shakti demo-data, seed {seed}: "
        "approximate Voronoi jurisdictions, not the real thana boundaries",
        "features": features,
    }
    return json.dumps(collection, ensure_ascii=False) + "\n"


def _readme(data: DemoData) -> str:
    lines = [
        f"SYNTHETIC demo data generated by shakti demo-data, seed {data.seed} — not real "
        "incidents.",
        "",
        "Every record in these files was drawn from a seeded random process (geo/demo.py);",
        "no row describes a real person, incident, camera or audit. Station positions, thana",
        "boundaries (Voronoi cells of the stations clipped to a hand-drawn outline), the",
        "outline itself and the positions of colleges, markets, ghats and stations are",
        "approximate. Every file carries a 'synthetic' column (True), which import ignores.",
        f"The data span {START_DATE.isoformat()} to {REFERENCE_DATE.isoformat()} ({TIMEZONE}).",
        "",
        "Files:",
    ]
    counts = {
        LayerKind.THANAS.value: len(data.thanas),
        LayerKind.SITES.value: len(data.sites),
        LayerKind.CCTV.value: len(data.cctv),
        LayerKind.CAMPAIGNS.value: len(data.campaigns),
        LayerKind.INCIDENTS.value: len(data.incidents),
        MESSY_KEY: len(data.messy_incidents),
    }
    for key, count in counts.items():
        lines.append(f"  {FILE_NAMES[key]:<32} {count:>9,} rows")
    lines += [
        "",
        f"{FILE_NAMES[MESSY_KEY]} is a deliberately messy legacy register (foreign column",
        "names, missing/non-numeric/swapped/outside coordinates, duplicate ids, unparseable",
        "and future timestamps, unknown categories and sources) with FAKE names and phone",
        "numbers, to show the quarantine and the privacy guard. Import it with the mapping",
        "MESSY_MAPPING of geo/demo.py:",
        "  " + json.dumps(MESSY_MAPPING),
        "",
    ]
    return "\n".join(lines)


def write_files(data: DemoData, directory: Path) -> dict[str, Path]:
    """Write the demo data set as importable files, clearly labelled SYNTHETIC.

    Thanas go to GeoJSON; point layers to CSV with ``lat``/``lon`` columns and ISO 8601
    timestamps with the ``+05:30`` offset; the legacy register to
    ``incidents_legacy_register.csv``. Every file has a ``synthetic`` column (True) that
    import ignores, and a ``README.txt`` says the data are synthetic. The bytes written
    depend only on ``data`` (same seed → identical files).

    Parameters
    ----------
    data : DemoData
        What :func:`generate` returned.
    directory : Path
        Folder to write into (created if needed; files of the same names are replaced).

    Returns
    -------
    dict of str to Path
        Layer kind (``"thanas"``, ``"sites"``, ``"cctv"``, ``"campaigns"``, ``"incidents"``),
        :data:`MESSY_KEY` and :data:`README_KEY` → file written.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {key: directory / name for key, name in FILE_NAMES.items()}
    thanas_path = paths[LayerKind.THANAS.value]
    thanas_path.write_text(_thanas_geojson(data.thanas, data.seed), encoding="utf-8")
    for kind, spec in (
        (LayerKind.SITES, SITES),
        (LayerKind.CCTV, CCTV),
        (LayerKind.CAMPAIGNS, CAMPAIGNS),
        (LayerKind.INCIDENTS, INCIDENTS),
    ):
        frame = _csv_frame(data.layers()[kind.value], spec)
        frame.to_csv(paths[kind.value], index=False, lineterminator="\n", encoding="utf-8")
    messy = data.messy_incidents.assign(**{SYNTHETIC: True})
    messy.to_csv(paths[MESSY_KEY], index=False, lineterminator="\n", encoding="utf-8")
    paths[README_KEY].write_text(_readme(data), encoding="utf-8")
    logger.info("wrote SYNTHETIC demo files to %s", directory)
    return paths


#: Import order: thanas first, so every point gets its thana at import.
IMPORT_ORDER: Final = ("thanas", "sites", "cctv", "campaigns", "incidents")


def load_demo(
    store: Store,
    folder: Path,
    *,
    settings: Settings,
    seed: int = DEMO_SEED,
    n_incidents: int = DEMO_INCIDENTS,
    progress: Callable[[str], None] | None = None,
) -> dict[str, ImportResult]:
    """Generate the synthetic data set, write its files and import them into ``store``.

    The files go through the same reader and validator as a user's upload, so the demo
    exercises the real path, including the deliberately messy legacy register whose bad
    rows land in the quarantine. The region is always Varanasi's, whatever the settings say.

    Parameters
    ----------
    store : Store
        Target store.
    folder : Path
        Where the generated files are written (kept, so users can look at them).
    settings : Settings
        Deployment settings (categories, timezone); the region is overridden.
    seed : int
        Random seed.
    n_incidents : int
        Total number of incidents.
    progress : callable, optional
        Called with a short message before each step (the CLI shows it).

    Returns
    -------
    dict
        Layer (and ``"legacy_register"``) → :class:`geo.ingest.ImportResult`.
    """
    from geo.ingest import import_file

    region = ",".join(str(v) for v in VARANASI_BBOX)
    say = progress or (lambda _msg: None)
    say(f"generating synthetic Varanasi data (seed {seed}, {n_incidents:,} incidents)")
    files = write_files(generate(seed=seed, n_incidents=n_incidents), folder)
    results: dict[str, ImportResult] = {}
    for kind in IMPORT_ORDER:
        say(f"importing {kind}")
        results[kind] = import_file(files[kind], kind, store, settings=settings, region=region)
    say("importing the legacy register (deliberately messy)")
    results["legacy_register"] = import_file(
        files[MESSY_KEY],
        "incidents",
        store,
        settings=settings,
        region=region,
        mapping=MESSY_MAPPING,
    )
    return results
