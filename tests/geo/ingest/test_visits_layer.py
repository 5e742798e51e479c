"""The visit log layer: fields, Hindi headers, status/time rules, stops checked against the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from geo.ingest.quarantine import Q_FIELD, Q_MESSAGE, Q_REASON, Q_ROW, Reason
from geo.ingest.readers import RawTable
from geo.ingest.validation import validate
from geo.ingest.visit_rules import PlannedStop, PlanStops
from geo.region import Region
from geo.schema import (
    ARRIVED,
    SEEN_CATEGORY,
    SEEN_NONE,
    STATUS,
    STOP,
    STOP_PLACE,
    LayerKind,
)
from geo.settings import DEFAULT_CATEGORIES
from geo.store import open_store
from tests.conftest import NOW

RawFactory = Callable[..., RawTable]
DAY = dt.date(2026, 11, 20)
PLAN = PlanStops(
    "P1",
    {
        ("Lanka-1", DAY, 1): PlannedStop(83.0010, 25.2770, "hotspot-1"),
        ("Lanka-1", DAY, 2): PlannedStop(83.0050, 25.2800, "site-S1"),
    },
)


def visits(raw: RawFactory, **overrides: list[object]) -> RawTable:
    cols: dict[str, list[object]] = {
        "plan_id": ["P1", "P1"],
        "team": ["Lanka-1", "Lanka-1"],
        "day": ["2026-11-20", "2026-11-20"],
        "stop": ["1", "2"],
        "arrived": ["2026-11-20T18:00", None],
        "left": ["2026-11-20T18:12", None],
        "status": ["visited", "missed"],
        "seen_category": ["crowd-at-gate", None],
        "seen_count": ["3", None],
    }
    cols.update(overrides)
    return raw(**cols)


def run(table: RawTable, region: Region, **kw: object):  # type: ignore[no-untyped-def]
    return validate(table, LayerKind.VISITS, region, categories=DEFAULT_CATEGORIES, now=NOW, **kw)  # type: ignore[arg-type]


def test_a_log_without_coordinates_is_placed_at_its_planned_stops(
    raw: RawFactory, region: Region
) -> None:
    report = run(visits(raw), region, visit_plans={"P1": PLAN})
    assert report.n_quarantined == 0, report.quarantine[Q_MESSAGE].tolist()
    acc = report.accepted
    assert acc.geometry.x.round(4).tolist() == [83.001, 83.005]
    assert acc[STOP_PLACE].tolist() == ["hotspot-1", "site-S1"]
    assert acc[SEEN_CATEGORY].tolist() == ["crowd-at-gate", SEEN_NONE]  # missing means none
    assert acc[ARRIVED].iloc[0].tz is not None and pd.isna(acc[ARRIVED].iloc[1])


@pytest.mark.parametrize(
    ("overrides", "field", "reason", "match"),
    [
        ({"left": ["2026-11-20T17:50", None]}, "left", Reason.VISIT_TIMES, "left .* before"),
        (
            {"arrived": ["2026-11-20T18:00", "2026-11-20T18:30"]},
            ARRIVED,
            Reason.VISIT_TIMES,
            "marked 'missed'",
        ),
        ({"left": [None, None]}, ARRIVED, Reason.VISIT_TIMES, "lacks its time"),
        ({"stop": ["1", "9"]}, STOP, Reason.STOP_NOT_IN_PLAN, "has no stop 9 of team"),
        ({"status": ["visited", "lost"]}, STATUS, Reason.UNKNOWN_VALUE, "not an allowed"),
        ({"seen_category": ["Ravi Kumar", None]}, SEEN_CATEGORY, Reason.UNKNOWN_VALUE, "allowed"),
    ],
)
def test_inconsistent_rows_are_quarantined_with_a_fix(
    raw: RawFactory,
    region: Region,
    overrides: dict[str, list[object]],
    field: str,
    reason: Reason,
    match: str,
) -> None:
    report = run(visits(raw, **overrides), region, visit_plans={"P1": PLAN})
    q = report.quarantine
    line = q[q[Q_REASON] == reason.value]
    assert len(line) == 1 and len(report.accepted) == 1, q[Q_MESSAGE].tolist()
    assert line[Q_FIELD].iloc[0] == field
    assert pd.Series(line[Q_MESSAGE]).str.contains(match).all()
    assert "Fix:" in line[Q_MESSAGE].iloc[0]


def test_unknown_plan_needs_coordinates_and_is_not_checked(raw: RawFactory, region: Region) -> None:
    with_points = visits(raw, stop=["1", "9"], lat=["25.2770"] * 2, lon=["83.0010"] * 2)
    report = run(with_points, region)
    assert len(report.accepted) == 2  # stop 9 cannot be checked without the plan
    without = run(visits(raw), region, visit_plans={"OTHER": PLAN})
    assert set(without.quarantine[Q_REASON]) == {Reason.MISSING_COORDINATES.value}


def test_hindi_headers_and_values_through_the_preset(raw: RawFactory, region: Region) -> None:
    table = raw(
        **{
            "योजना": ["P1"],
            "टीम": ["Lanka-1"],
            "दिनांक": ["20/11/2026"],
            "पड़ाव संख्या": ["2"],
            "आगमन": ["20/11/2026 18:00"],
            "प्रस्थान": ["20/11/2026 18:05"],
            "स्थिति": ["visited"],
            "क्या देखा": ["छेड़छाड़"],
        }
    )
    report = run(table, region, visit_plans={"P1": PLAN})
    assert any("patrol-visit-log" in n for n in report.notes)
    assert report.n_quarantined == 0, report.quarantine[Q_MESSAGE].tolist()
    assert report.accepted[SEEN_CATEGORY].tolist() == ["eve-teasing"]
    assert report.accepted[STOP_PLACE].tolist() == ["site-S1"]


def test_names_never_reach_the_layer_or_quarantine(raw: RawFactory, region: Region) -> None:
    table = visits(raw, officer_name=["Ravi Kumar", "Sita Devi"], mobile=["9876543210"] * 2)
    report = run(table, region, visit_plans={"P1": PLAN})
    assert report.personal_columns and len(report.accepted) == 2
    text = report.accepted.to_csv() + report.quarantine.to_csv()
    assert "Ravi" not in text and "98765" not in text


def test_visits_round_trip_through_the_store(
    raw: RawFactory, region: Region, tmp_path: Path
) -> None:
    from geo.store import ImportBatch

    report = run(visits(raw), region, visit_plans={"P1": PLAN})
    store = open_store(tmp_path / "s.gpkg")
    store.apply(
        ImportBatch(
            import_id="t1",
            kind=LayerKind.VISITS,
            source="v.csv",
            sha256="0" * 64,
            accepted=report.accepted,
            quarantine=report.quarantine,
            rows=report.rows,
        )
    )
    back = store.read(LayerKind.VISITS)
    assert sorted(back[STOP].tolist()) == [1, 2]
    assert back.loc[back[STOP] == 1, ARRIVED].iloc[0] == pd.Timestamp("2026-11-20T12:30Z")
    assert Q_ROW in report.quarantine.columns


@pytest.mark.parametrize("name", ["Ravi Kumar", "रवि कुमार", "Smt Sunita"])
def test_a_persons_name_as_the_team_is_emptied_and_never_kept(
    raw: RawFactory, region: Region, name: str
) -> None:
    """A visit log naming the officer instead of the team: the row is quarantined unnamed."""
    report = run(visits(raw, team=[name, "Lanka-1"]), region, visit_plans={"P1": PLAN})
    kept = " ".join(
        [
            report.accepted.astype(str).to_csv(),
            report.quarantine.astype(str).to_csv(),
            " ".join(report.warnings),
        ]
    )
    assert name not in kept and "Ravi" not in kept and "सुनीता" not in kept
    assert report.n_quarantined == 1 and set(report.quarantine[Q_ROW]) == {1}
    assert "team" in set(report.quarantine[Q_FIELD])
    assert any("1 cell read as a person's name" in w for w in report.warnings)
    assert report.accepted["team"].tolist() == ["Lanka-1"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("day", "9876543210"),
        ("day", "Sunita Devi"),
        ("arrived", "+91 98765 43210"),
        ("seen_count", "2345 6789 0123"),
        ("status", "Ravi Kumar"),
    ],
)
def test_a_phone_or_name_in_a_date_count_or_vocabulary_field_is_never_kept(
    raw: RawFactory, region: Region, field: str, value: str
) -> None:
    """A malformed value is quarantined; one that is personal is emptied first, never echoed."""
    table = visits(raw, **{field: [value, visits(raw).frame[field].iloc[1]]})
    report = run(table, region, visit_plans={"P1": PLAN})
    kept = " ".join(
        [
            report.accepted.astype(str).to_csv(),
            report.quarantine.astype(str).to_csv(),
            " ".join(report.warnings),
        ]
    )
    for part in ("98765", "6789", "Sunita", "Ravi"):
        assert part not in kept
    assert any("emptied" in w for w in report.warnings)


def test_decimals_and_compact_timestamps_are_not_read_as_phone_numbers() -> None:
    from geo.ingest.privacy import _holds_number_as_other

    cells = pd.Series(["25.317654321098", "202611201800", "9876543210", "-83.9876543210"])
    assert _holds_number_as_other(cells.astype("string")).tolist() == [False, False, True, False]
