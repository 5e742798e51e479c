"""A SYNTHETIC visit log of a patrol plan's week: what teams might have done at their stops.

For trying the field loop on the demo store (``make demo``): every stop of every route gets a
row of the visit-log preset's columns — visited (near the planned time, for about the planned
dwell), cut short, missed, or no team available for a whole team's day — drawn from one seeded
generator, so the same plan and seed give the same log. Nothing in it happened.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

logger = logging.getLogger(__name__)

#: Columns of the log (the names ``shakti patrol log import`` reads without a mapping).
VISIT_LOG_COLUMNS: Final = (
    "team", "day", "stop", "status", "arrived", "left", "seen_category", "seen_count",
)  # fmt: skip
#: Default share of stops missed (on average: some places far more often), and of team-days
#: no team was available for.
MISS_SHARE: Final = 0.15
#: Parameters of the Beta distribution of a place's chance of being missed.
MISS_BETA: Final = (0.5, 4.0)
NO_TEAM_SHARE: Final = 0.05
#: Share of the visits made that were cut short (left before the planned dwell).
CUT_SHORT_SHARE: Final = 0.25
#: Categories a synthetic visit may have seen (mostly nothing), and their weights.
SEEN: Final = ("none", "eve-teasing", "crowd-at-gate", "stalking", "suspicious-vehicle")
SEEN_WEIGHTS: Final = (0.8, 0.08, 0.07, 0.03, 0.02)
_TIME_FORMAT: Final = "%Y-%m-%d %H:%M"


def _minutes(clock: str) -> int:
    """Return ``HH:MM`` as minutes after midnight."""
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _visit(
    rng: np.random.Generator, day: dt.date, stop: Mapping[str, Any], missed: bool
) -> dict[str, Any]:
    """Return one stop's synthetic row: missed, or there for about its planned dwell."""
    if missed:
        return {"status": "missed"}
    start = dt.datetime.combine(day, dt.time()) + dt.timedelta(
        minutes=_minutes(str(stop["arrive"])) + int(rng.integers(-5, 11))
    )
    planned = int(stop["dwell_min"])
    if rng.random() < CUT_SHORT_SHARE:
        stay = max(2, round(planned * float(rng.uniform(0.3, 0.9))))
    else:
        stay = planned + int(rng.integers(0, 6))
    seen = str(rng.choice(SEEN, p=SEEN_WEIGHTS))
    return {
        "status": "visited" if stay >= planned else "cut-short",
        "arrived": start.strftime(_TIME_FORMAT),
        "left": (start + dt.timedelta(minutes=stay)).strftime(_TIME_FORMAT),
        "seen_category": seen,
        "seen_count": 0 if seen == "none" else int(rng.integers(1, 6)),
    }


def synthetic_visit_log(
    routes: Sequence[Mapping[str, Any]],
    *,
    seed: int = 0,
    miss_share: float = MISS_SHARE,
    no_team_share: float = NO_TEAM_SHARE,
) -> pd.DataFrame:
    """Return a SYNTHETIC visit log of a plan's routes (one row per planned stop).

    Parameters
    ----------
    routes : sequence of Mapping
        The plan JSON's ``routes`` (``team``, ``date`` and ``stops`` with ``order``,
        ``arrive``, ``dwell_min`` and ``place_id``).
    seed : int
        Seed of every draw.
    miss_share : float
        Mean chance that a stop is missed; each place draws its own chance (Beta(0.5, 4)
        scaled to this mean, at most 0.9), so a few places are missed often.
    no_team_share : float
        Chance that no team was available for a whole team's day.

    Returns
    -------
    pandas.DataFrame
        :data:`VISIT_LOG_COLUMNS`, in team, day and stop order.

    Examples
    --------
    >>> route = {"team": "Lanka-1", "date": "2026-12-01",
    ...          "stops": [{"order": 1, "arrive": "18:00", "dwell_min": 12}]}
    >>> synthetic_visit_log([route], seed=1, miss_share=0.0)[["team", "stop"]].values.tolist()
    [['Lanka-1', 1]]
    """
    rng = np.random.default_rng(seed)
    places = sorted({str(s.get("place_id", "")) for r in routes for s in r["stops"]})
    # a few places are missed often (far, late, unlit), most seldom: Beta(0.5, 4), mean 1/9
    draws = rng.beta(MISS_BETA[0], MISS_BETA[1], size=len(places))
    scale = miss_share * (MISS_BETA[0] + MISS_BETA[1]) / MISS_BETA[0]
    chance = dict(zip(places, np.clip(draws * scale, 0.0, 0.9), strict=True))
    rows: list[dict[str, Any]] = []
    for route in sorted(routes, key=lambda r: (str(r["team"]), str(r["date"]))):
        day = dt.date.fromisoformat(str(route["date"]))
        no_team = bool(rng.random() < no_team_share)
        for stop in route["stops"]:
            key = {"team": route["team"], "day": day.isoformat(), "stop": int(stop["order"])}
            if no_team:
                rows.append({**key, "status": "no-team-available"})
                continue
            missed = bool(rng.random() < chance[str(stop.get("place_id", ""))])
            rows.append({**key, **_visit(rng, day, stop, missed)})
    logger.info("synthetic visit log: %d rows of %d routes (seed %d)", len(rows), len(routes), seed)
    return pd.DataFrame(rows).reindex(columns=list(VISIT_LOG_COLUMNS))
