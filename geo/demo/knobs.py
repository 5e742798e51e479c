"""Process knobs of the demo generator: sizes, shares and rates of every drawn layer."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Final

from geo.incident_vocab import (
    ACTION_NONE,
    ACTION_REFERRED,
    ACTION_WARNED,
    SOURCE_ANTI_ROMEO,
)

# --------------------------------------------------------------------------- process knobs

SIZES: Final[Mapping[str, int]] = {
    "school": 150, "coaching-centre": 90, "womens-training-centre": 16, "hostel_bhu": 10,
    "hostel_hub": 22, "private_cameras": 160, "duplicate_cameras": 8,
}  # fmt: skip
M_PER_DEG_LAT: Final = 110_800.0
M_PER_DEG_LON: Final = 111_320.0 * math.cos(math.radians(25.31))
DECIMALS: Final = 6  # coordinates are rounded to 6 decimals (about 0.1 m)

# Incident components: where and when an incident happens.
DISPERSAL, EVENING, TRANSIT_C, RESIDENTIAL, BACKGROUND = range(5)
COMPONENT_P: Final[Mapping[str, tuple[float, ...]]] = {
    "complaint": (0.20, 0.18, 0.05, 0.32, 0.25),
    SOURCE_ANTI_ROMEO: (0.55, 0.33, 0.07, 0.03, 0.02),
    "helpline-call": (0.18, 0.17, 0.05, 0.33, 0.27),
    "mission-shakti-centre": (0.15, 0.15, 0.05, 0.40, 0.25),
}
OTHER_SOURCE_P: Final[Mapping[str, float]] = {
    "complaint": 0.45, "helpline-call": 0.30, "mission-shakti-centre": 0.25,
}  # fmt: skip
#: Share of the non-fixed incidents that are anti-Romeo "warned" actions.
WARNED_SHARE: Final = 0.10
OTHER_ACTION_P: Final[Mapping[str, Mapping[str, float]]] = {
    "complaint": {ACTION_NONE: 0.55, ACTION_REFERRED: 0.30, ACTION_WARNED: 0.15},
    "helpline-call": {ACTION_NONE: 0.40, ACTION_REFERRED: 0.60},
    "mission-shakti-centre": {ACTION_NONE: 0.30, ACTION_REFERRED: 0.50, ACTION_WARNED: 0.20},
}
CATEGORY_P: Final[Mapping[int, Mapping[str, float]]] = {
    DISPERSAL: {"eve-teasing": .42, "stalking": .22, "harassment": .22, "cyber": .04,
                 "assault": .04, "other": .06},
    EVENING: {"eve-teasing": .34, "stalking": .10, "harassment": .36, "cyber": .02,
               "assault": .08, "other": .10},
    TRANSIT_C: {"eve-teasing": .28, "stalking": .10, "harassment": .38, "cyber": .02,
                 "assault": .10, "other": .12},
    RESIDENTIAL: {"eve-teasing": .14, "stalking": .16, "harassment": .32, "cyber": .16,
                   "assault": .10, "other": .12},
    BACKGROUND: {"eve-teasing": .14, "stalking": .16, "harassment": .30, "cyber": .18,
                  "assault": .10, "other": .12},
}  # fmt: skip
ANTI_ROMEO_CATEGORY_P: Final[Mapping[str, float]] = {
    "eve-teasing": .55, "stalking": .20, "harassment": .22, "other": .03,
}  # fmt: skip
MISSING_THANA_SHARE: Final = 0.08
WRONG_THANA_SHARE: Final = 0.02
#: Emerging hotspots grow as FLOOR + t, fading ones shrink as FLOOR + 1 - t (t: 0 → 1).
TREND_FLOOR: Final = 0.5
#: Relative frequency of each hour of the day, for incidents with no dispersal or evening peak.
HOURLY: Final = (
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 1.8, 1.8, 1.9,
    2.0, 2.1, 2.1, 2.0, 2.0, 2.2, 2.4, 2.4, 2.0, 1.5, 1.0, 0.6,
)  # fmt: skip
_PROFILE_FLAT, PROFILE_DISPERSAL, PROFILE_EVENING, PROFILE_CAMPAIGN = range(4)
COMPONENT_PROFILE: Final = (
    PROFILE_DISPERSAL,
    PROFILE_EVENING,
    _PROFILE_FLAT,
    _PROFILE_FLAT,
    _PROFILE_FLAT,
)

VENUE_P: Final[Mapping[str, float]] = {
    "school": .24, "college": .12, "coaching-centre": .10, "womens-training-centre": .06,
    "market": .14, "ghat": .05, "village": .16, "residential": .07, "transit": .04, "other": .02,
}  # fmt: skip
KIND_P: Final[Mapping[str, Mapping[str, float]]] = {
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
MEAN_ATTENDEES: Final[Mapping[str, float]] = {
    "school-session": 70, "self-defence-training": 30, "awareness-drive": 40,
    "helpline-awareness": 35, "street-play": 55, "other": 25,
}  # fmt: skip
MIN_ATTENDEES: Final = 5
#: Venue types held at a generated site of the same kind (the others are placed by area).
SITE_VENUES: Final = (
    "school", "college", "coaching-centre", "womens-training-centre", "market", "ghat", "transit",
)  # fmt: skip

# Cameras: owner shares per placement, status shares, view radius and installation start.
OWNER_P: Final[Mapping[str, Mapping[str, float]]] = {
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
STATUS_P: Final[Mapping[str, Mapping[str, float]]] = {
    "police": {"working": 0.80, "faulty": 0.16, "unknown": 0.04},
    "private": {"working": 0.72, "faulty": 0.18, "unknown": 0.10},
    "school": {"working": 0.76, "faulty": 0.20, "unknown": 0.04},
    "smart-city": {"working": 0.82, "faulty": 0.15, "unknown": 0.03},
}
RADIUS_M: Final[Mapping[str, float]] = {
    "police": 40, "private": 25, "school": 20, "smart-city": 60,
}  # fmt: skip
INSTALLED_FROM: Final[Mapping[str, date]] = {
    "police": date(2017, 1, 1), "private": date(2015, 1, 1), "school": date(2018, 1, 1),
    "smart-city": date(2019, 6, 1),
}  # fmt: skip
MISSING_RADIUS_SHARE: Final = 0.08
MISSING_INSTALLED_SHARE: Final = 0.06
