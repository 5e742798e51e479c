"""Patrol planning: teams, stops, travel, routing, the day-by-day planner and its outputs."""

from __future__ import annotations

from models.patrol import records
from models.patrol.layers import (
    load_road,
    plan_from_layers,
    plan_from_store,
    station_points,
)
from models.patrol.plan import (
    MAX_SLOTS,
    must_visit_places,
    plan_patrols,
    teams_thanas,
)
from models.patrol.records import *  # noqa: F403 (every name of records.__all__)

__all__ = [
    "MAX_SLOTS",
    "load_road",
    "must_visit_places",
    "plan_from_layers",
    "plan_from_store",
    "plan_patrols",
    "station_points",
    "teams_thanas",
]
__all__ += records.__all__
