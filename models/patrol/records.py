"""What a patrol plan is made of: its parameters, stops, routes, uncovered places and columns."""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass, field
from typing import Any, Final

from geo.errors import ParameterError
from geo.schema import LAT, LON, TEAM, THANA
from geo.synthetic import DEMO_ID_PREFIX
from models.patrol.routing import (
    DEFAULT_SOLUTION_LIMIT,
    DEFAULT_TIME_LIMIT_S,
)
from models.patrol.stops import Place, Window
from models.patrol.teams import Teams, TeamSpec
from models.patrol.travel import (
    DEFAULT_DETOUR_FACTOR,
)

logger = logging.getLogger(__name__)

__all__ = [
    "ARRIVE",
    "ARRIVE_LATEST",
    "CONDUCT_EN",
    "CONDUCT_HI",
    "COVERAGE_COLUMNS",
    "DATE",
    "DAY",
    "DEFAULT_DWELL_MIN",
    "DEFAULT_FAIRNESS",
    "DEFAULT_REVISIT_MIN",
    "DEFAULT_VARIATION",
    "DEMO_ID_PREFIX",
    "DWELL_MIN",
    "FAIRNESS_BOUNDS",
    "HOTSPOTS_TOTAL",
    "HOTSPOTS_VISITED",
    "HOTSPOT_SHARE",
    "LAT",
    "LEAVE",
    "LEVEL",
    "LEVEL_ALL",
    "LEVEL_TEAM",
    "LEVEL_THANA",
    "LON",
    "MAX_DAYS",
    "MODE",
    "MUST_VISIT",
    "ORDER",
    "PLACES_TOTAL",
    "PLACES_VISITED",
    "PLACE_ID",
    "PLACE_KIND",
    "PLACE_NAME",
    "PRIZE_SCALE",
    "REASON",
    "RISK",
    "RISK_SHARE",
    "SHIFT",
    "STOPS",
    "STOP_COLUMNS",
    "TEAM",
    "THANA",
    "TRAVEL_MIN",
    "WINDOW",
    "PatrolPlan",
    "PlanParams",
    "Route",
    "Stop",
    "Uncovered",
]

#: Default dwell at a stop, minutes: 10 at the lowest risk to 15 at the highest. Koper (1995):
#: police presence of about 10–15 minutes gives the longest residual deterrence.
DEFAULT_DWELL_MIN: Final = (10, 15)
#: Default minimum time between two visits to the same place, minutes (any teams).
DEFAULT_REVISIT_MIN: Final = 120
#: Spread (σ of a log-normal factor) of the day-to-day random variation of prizes.
DEFAULT_VARIATION: Final = 0.3
#: Strength of the deficit correction (0: none).
DEFAULT_FAIRNESS: Final = 1.0
#: The fairness factor stays within these bounds.
FAIRNESS_BOUNDS: Final = (0.25, 4.0)
#: Prize units per unit of risk: prizes dominate travel seconds in the objective.
PRIZE_SCALE: Final = 100_000
#: Most days a plan may span.
MAX_DAYS: Final = 31
#: Columns of :func:`stops_table` (one row per stop of a team on a day); the team, longitude
#: and latitude columns are the layers' own (:data:`geo.schema.TEAM`, ``LON``, ``LAT``).
DAY: Final = "day"
DATE: Final = "date"
SHIFT: Final = "shift"
MODE: Final = "mode"
ORDER: Final = "order"
PLACE_ID: Final = "place_id"
PLACE_KIND: Final = "place_kind"
PLACE_NAME: Final = "place_name"
ARRIVE: Final = "arrive"
ARRIVE_LATEST: Final = "arrive_latest"
LEAVE: Final = "leave"
DWELL_MIN: Final = "dwell_min"
TRAVEL_MIN: Final = "travel_min"
WINDOW: Final = "window"
RISK: Final = "risk"
REASON: Final = "reason"
MUST_VISIT: Final = "must_visit"
STOP_COLUMNS: Final = (
    DAY, DATE, THANA, TEAM, SHIFT, MODE, ORDER, PLACE_ID, PLACE_KIND, PLACE_NAME, LON, LAT,
    ARRIVE, ARRIVE_LATEST, LEAVE, DWELL_MIN, TRAVEL_MIN, WINDOW, RISK, MUST_VISIT, REASON,
)  # fmt: skip
#: Columns of :func:`coverage_table`.
LEVEL: Final = "level"
RISK_SHARE: Final = "risk_share"
HOTSPOTS_VISITED: Final = "hotspots_visited"
HOTSPOTS_TOTAL: Final = "hotspots_total"
HOTSPOT_SHARE: Final = "hotspot_share"
PLACES_VISITED: Final = "places_visited"
PLACES_TOTAL: Final = "places_total"
STOPS: Final = "stops"
COVERAGE_COLUMNS: Final = (
    LEVEL, DAY, DATE, THANA, TEAM, STOPS, PLACES_VISITED, PLACES_TOTAL, RISK_SHARE,
    HOTSPOTS_VISITED, HOTSPOTS_TOTAL, HOTSPOT_SHARE,
)  # fmt: skip
#: Coverage levels.
LEVEL_TEAM: Final = "team"
LEVEL_THANA: Final = "thana"
LEVEL_ALL: Final = "all"

#: The conduct guidance printed on every sheet (English, Hindi).
CONDUCT_EN: Final = (
    "Teams are here to protect places and people at risk. Be visible, approachable and "
    "polite. Do not harass, question, photograph or detain couples, or anyone, for being "
    "together; do not act as moral police. Act on complaints and on offences (stalking, "
    "harassment, eve-teasing) under the law; treat every woman who complains with dignity "
    "and keep her identity private. Tell people about Women Power Line 1090 and 112."
)
CONDUCT_HI: Final = (
    "टीमें जोखिम वाले स्थानों और लोगों की सुरक्षा के लिए हैं। दिखाई दें, सुलभ और विनम्र रहें। "
    "साथ बैठे जोड़ों या किसी को भी साथ होने के कारण परेशान न करें, पूछताछ न करें, फ़ोटो न "
    "लें और न रोकें; नैतिक पुलिस की तरह व्यवहार न करें। शिकायतों और अपराधों (पीछा करना, "
    "उत्पीड़न, छेड़छाड़) पर क़ानून के अनुसार कार्रवाई करें; शिकायत करने वाली हर महिला का "
    "सम्मान करें और उसकी पहचान गोपनीय रखें। लोगों को वीमेन पावर लाइन 1090 और 112 के बारे "
    "में बताएँ।"
)


@dataclass(frozen=True)
class PlanParams:
    """Parameters of a patrol plan.

    Attributes
    ----------
    dwell_min : (int, int)
        Dwell at the lowest- and highest-risk stop; in between in proportion to risk.
    revisit_min : int
        Minimum minutes between two visits to one place.
    detour_factor : float
        Road ÷ straight-line distance without a road graph.
    variation : float
        σ of the log-normal day-to-day prize variation (0: the same plan every day).
    fairness : float
        Strength of the deficit correction that keeps visits proportional to risk.
    solution_limit : int
        0: greedy descent (fast); more: guided local search for that many solutions.
    time_limit_s : float
        Safety limit of one solve.
    """

    dwell_min: tuple[int, int] = DEFAULT_DWELL_MIN
    revisit_min: int = DEFAULT_REVISIT_MIN
    detour_factor: float = DEFAULT_DETOUR_FACTOR
    variation: float = DEFAULT_VARIATION
    fairness: float = DEFAULT_FAIRNESS
    solution_limit: int = DEFAULT_SOLUTION_LIMIT
    time_limit_s: float = DEFAULT_TIME_LIMIT_S

    def check(self) -> PlanParams:
        """Return the parameters after checking them.

        Raises
        ------
        geo.errors.ParameterError
        """
        lo, hi = self.dwell_min
        if not (isinstance(lo, int) and isinstance(hi, int) and 1 <= lo <= hi <= 120):
            raise ParameterError(
                f"dwell_min must be two whole minutes 1 ≤ low ≤ high ≤ 120, got {self.dwell_min!r}",
                why="a team stays at each stop between these (more at riskier stops)",
                fix="use (10, 15): Koper's 10–15 minutes of presence",
            )
        if not isinstance(self.revisit_min, int) or not 0 <= self.revisit_min <= 24 * 60:
            raise ParameterError(
                f"revisit_min must be whole minutes in [0, 1440], got {self.revisit_min!r}",
                fix=f"use {DEFAULT_REVISIT_MIN}",
            )
        if not (math.isfinite(self.variation) and 0 <= self.variation <= 2):
            raise ParameterError(
                f"variation must be in [0, 2], got {self.variation!r}",
                fix=f"use {DEFAULT_VARIATION} (0 repeats the same plan every day)",
            )
        if not (math.isfinite(self.fairness) and 0 <= self.fairness <= 10):
            raise ParameterError(
                f"fairness must be in [0, 10], got {self.fairness!r}", fix=f"use {DEFAULT_FAIRNESS}"
            )
        if not isinstance(self.solution_limit, int) or self.solution_limit < 0:
            raise ParameterError(
                f"solution_limit must be a whole number ≥ 0, got {self.solution_limit!r}",
                fix="use 0 (greedy descent) or e.g. 100 (guided local search)",
            )
        if not self.time_limit_s > 0:
            raise ParameterError("time_limit_s must be positive", fix="use 20")
        return self

    def dwell_of(self, risk: float) -> int:
        """Return the dwell in whole minutes at a stop of this risk."""
        lo, hi = self.dwell_min
        return round(lo + (hi - lo) * min(max(risk, 0.0), 1.0))


@dataclass(frozen=True)
class Stop:
    """One stop of a team's route.

    Attributes
    ----------
    order : int
        1, 2, … along the route.
    place : Place
    arrive_min, arrive_latest_min, leave_min : int
        Planned arrival, the latest arrival that keeps the rest of the route on time, and
        departure (minutes after local midnight).
    dwell_min, travel_min : int
        Minutes at the stop; minutes of travel from the previous stop.
    window : Window
        The time window of the visit.
    prize : float
        Risk value of the visit that day (risk × weights × day factors).
    must_visit : bool
    reason : str
    """

    order: int
    place: Place
    arrive_min: int
    arrive_latest_min: int
    leave_min: int
    dwell_min: int
    travel_min: int
    window: Window
    prize: float
    must_visit: bool
    reason: str


@dataclass(frozen=True)
class Route:
    """A team's route on one day.

    Attributes
    ----------
    day : int
        0-based day of the plan.
    date : datetime.date
    team : TeamSpec
        With its start point.
    stops : tuple of Stop
    back_min : int
        When the team is back at its start.
    distance_km : float
    path : tuple of (lon, lat)
        Start → stops → start, on roads when a road graph was given.
    """

    day: int
    date: dt.date
    team: TeamSpec
    stops: tuple[Stop, ...]
    back_min: int
    distance_km: float
    path: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Uncovered:
    """A place no team visited on a day (or in the whole plan), and why.

    Attributes
    ----------
    day : int or None
        ``None`` for the whole plan.
    place : Place
    reason : str
    """

    day: int | None
    place: Place
    reason: str


@dataclass
class PatrolPlan:
    """A patrol plan: routes per team and day, coverage, what was not covered, and notes.

    Attributes
    ----------
    start : datetime.date
    days : int
    seed : int
    params : PlanParams
    teams : Teams
    places : list of Place
    routes : list of Route
    uncovered : list of Uncovered
    notes : list of str
        Defaults used and assumptions.
    travel : str
        How travel times were computed.
    solve : list of dict
        Per thana and day: status, seconds, slots.
    synthetic : bool
        Whether the inputs are the SYNTHETIC demo data.
    """

    start: dt.date
    days: int
    seed: int
    params: PlanParams
    teams: Teams
    places: list[Place]
    routes: list[Route]
    uncovered: list[Uncovered]
    notes: list[str]
    travel: str
    solve: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False
    #: Thana name → Hindi name (``name_hi`` of the thanas layer), for Hindi sheets and tables.
    thana_names_hi: dict[str, str] = field(default_factory=dict)

    @property
    def thanas(self) -> list[str]:
        """Return the planned thanas, in order."""
        return list(dict.fromkeys(t.thana for t in self.teams.teams))

    def date_of(self, day: int) -> dt.date:
        """Return the date of a 0-based day."""
        return self.start + dt.timedelta(days=day)

    def route(self, day: int, team: str) -> Route:
        """Return the route of a team on a day.

        Raises
        ------
        geo.errors.ParameterError
            For a day or team not in the plan.
        """
        for r in self.routes:
            if r.day == day and r.team.team == team:
                return r
        raise ParameterError(
            f"the plan has no route of team {team!r} on day {day + 1}",
            fix=f"use a day in 1..{self.days} and a team of the plan",
        )
