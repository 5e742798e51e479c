"""Dosage arithmetic by hand, and the next plan shifting toward the places that were missed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from geo.ingest.visit_rules import PlannedStop, PlanStops
from geo.schema import ARRIVED, DAY, LEFT, STATUS, STOP, STOP_PLACE, TEAM
from models.patrol import PlanParams, plan_patrols
from models.patrol.dosage import (
    BELOW_REFERENCE,
    CUT_SHORT,
    DOSAGE_COLUMNS,
    MINUTES,
    MINUTES_PER_VISIT,
    MISSED,
    PLANNED,
    UNLOGGED,
    VISITED,
    WEEK,
    dosage_table,
    follow_up,
    week_of,
)
from models.patrol.export import visit_shares
from models.patrol.records import PLACE_ID
from tests.models.patrol.test_patrol import MONDAY, STATION, UTM44, hotspot, teams_of

TZ = "Asia/Kolkata"


def at(day: str, hhmm: str | None) -> pd.Timestamp:
    return pd.NaT if hhmm is None else pd.Timestamp(f"{day}T{hhmm}", tz=TZ)


def log(rows: list[tuple[str, int, str, str, str | None, str | None]]) -> pd.DataFrame:
    """Visit rows: (day, stop, place, status, arrived HH:MM, left HH:MM), team T-1."""
    return pd.DataFrame(
        {
            DAY: [pd.Timestamp(r[0]) for r in rows],
            TEAM: "T-1",
            STOP: [r[1] for r in rows],
            STOP_PLACE: [r[2] for r in rows],
            STATUS: [r[3] for r in rows],
            ARRIVED: [at(r[0], r[4]) for r in rows],
            LEFT: [at(r[0], r[5]) for r in rows],
        }
    )


def test_dosage_by_hand() -> None:
    visits = log(
        [
            ("2026-11-02", 1, "hotspot-1", "visited", "18:00", "18:12"),  # 12 min
            ("2026-11-03", 1, "hotspot-1", "cut-short", "18:00", "18:04"),  # 4 min
            ("2026-11-04", 1, "hotspot-1", "missed", None, None),
            ("2026-11-04", 2, "site-S1", "visited", "13:30", "13:45"),  # 15 min
            ("2026-11-05", 1, "site-S1", "no-team-available", None, None),
            ("2026-11-09", 1, "hotspot-1", "visited", "18:00", "18:10"),  # next week
        ]
    )
    planned = PlanStops(
        "P",
        {
            ("T-1", dt.date(2026, 11, 2), 1): PlannedStop(83.0, 25.3, "hotspot-1"),
            ("T-1", dt.date(2026, 11, 6), 1): PlannedStop(83.0, 25.3, "hotspot-1"),  # no row
        },
    )
    table = dosage_table(visits, planned)
    assert tuple(table.columns) == DOSAGE_COLUMNS
    rows = {(r[PLACE_ID], r[WEEK]): r for _i, r in table.iterrows()}
    hot = rows[("hotspot-1", dt.date(2026, 11, 2))]
    # planned: 3 rows + 1 unlogged stop; visits 2 (one cut short) for 12 + 4 = 16 minutes
    assert (hot[PLANNED], hot[VISITED], hot[CUT_SHORT], hot[MISSED], hot[UNLOGGED]) == (
        4, 2, 1, 1, 1
    )  # fmt: skip
    assert hot[MINUTES] == 16.0 and hot[MINUTES_PER_VISIT] == 8.0 and hot[BELOW_REFERENCE]
    site = rows[("site-S1", dt.date(2026, 11, 2))]
    assert (site[PLANNED], site[VISITED], site[MISSED], site[MINUTES]) == (2, 1, 1, 15.0)
    assert not site[BELOW_REFERENCE]
    later = rows[("hotspot-1", dt.date(2026, 11, 9))]
    assert later[MINUTES] == 10.0 and later[MISSED] == 0
    assert week_of(dt.date(2026, 11, 8)) == dt.date(2026, 11, 2)  # Sunday → its Monday

    first = follow_up(table, week=dt.date(2026, 11, 4))
    assert set(first) == {"hotspot-1", "site-S1"}
    assert first["hotspot-1"].factor == pytest.approx(1 + 1 / 4)
    assert first["site-S1"].factor == pytest.approx(1.5)
    assert first["site-S1"].why == "missed 1 of 2 planned visits last week"
    assert follow_up(table) == {}  # the latest week missed nothing
    assert follow_up(table, week=dt.date(2026, 11, 2), strength=0) == {}


def test_next_plan_shifts_toward_missed_places() -> None:
    """Six hotspots, a team that cannot reach all: the missed one gains visits and says why."""
    places = [
        hotspot(i, 2500 * np.cos(i), 2500 * np.sin(i), r)
        for i, r in enumerate([0.95, 0.8, 0.6, 0.45, 0.3, 0.2])
    ]
    teams = teams_of(("17:00", "19:00", "bike"))
    params = PlanParams(fairness=1.0)

    def shares(follow=None):  # type: ignore[no-untyped-def]
        plan = plan_patrols(places, teams, STATION, start=MONDAY, days=7, seed=3, params=params,
                            metric_crs=UTM44, follow_up=follow)  # fmt: skip
        table = visit_shares(plan).set_index("place_id")
        return plan, table["visits"]  # visits per place over the week

    _plan, before = shares()
    missed_place = "hotspot-4"
    visits = log(
        [("2026-11-02", i + 1, missed_place, "missed", None, None) for i in range(3)]
        + [("2026-11-03", 1, "hotspot-0", "visited", "17:10", "17:22")]
    )
    follow = follow_up(dosage_table(visits))
    assert follow[missed_place].why == "missed 3 of 3 planned visits last week"
    after_plan, after = shares(follow)
    assert after.get(missed_place, 0) > before.get(missed_place, 0)
    reasons = [
        s.reason for r in after_plan.routes for s in r.stops if s.place.place_id == missed_place
    ]
    assert reasons and all("missed 3 of 3 planned visits last week" in t for t in reasons)
