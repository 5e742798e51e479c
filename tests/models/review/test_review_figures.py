"""Figures of the monthly review, worked out by hand on small tables built in code."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from geo.errors import ParameterError
from models.review import (
    LeagueParams,
    Period,
    ResourceNorm,
    ReviewLayers,
    monthly_review,
    shortfalls,
)
from models.review import columns as rc
from models.review.anti_romeo import anti_romeo_figures
from models.review.awareness import awareness_figures
from models.review.casework import casework_figures
from models.review.cctv import cctv_figures

JAN = Period.of("2026-01-01", "2026-01-31")


def cases() -> pd.DataFrame:
    """Six complaints of thana A and one of B, by hand."""
    return pd.DataFrame(
        {
            "thana": ["A", "A", "A", "A", "A", "A", "B"],
            "received_on": [
                "2026-01-02", "2026-01-10", "2026-01-24", "2026-01-16", "2025-12-20",
                "2026-01-05", "2026-01-30",
            ],
            "disposed_on": [
                "2026-01-06", "2026-01-20", None, None, None, "2026-02-03", None,
            ],
            "case_outcome": [
                "reunited", "disposed", "pending", "pending", "pending", "fir-registered",
                "pending",
            ],
            "case_type": ["domestic-family-dispute", "cyber", "cyber", "harassment", "other",
                          "cyber", "stalking"],
            "age_band": ["26-35", "18-25", "under-18", "18-25", "36-plus", "36-plus", "18-25"],
        }
    )  # fmt: skip


def test_complaints_by_hand() -> None:
    frame = cases()
    before = frame.copy()
    out = casework_figures(frame, JAN, ["A", "B", "C"])
    a = out.loc["A"]
    # received in January: rows 0,1,2,3,5 (row 4 came in December)
    assert a[rc.RECEIVED] == 5
    # disposed in January: rows 0 (4 days) and 1 (10 days); row 5 only in February
    assert a[rc.DISPOSED] == 2
    assert a[rc.MEDIAN_DISPOSAL_DAYS] == 7.0
    # pending on 31 January: rows 2 (7 days), 3 (15 days), 4 (42 days), 5 (26 days)
    assert a[rc.PENDING] == 4
    assert a[rc.pending_over(7)] == 3  # exactly 7 days is not over 7
    assert a[rc.pending_over(15)] == 2  # exactly 15 days is not over 15
    assert a[rc.pending_over(30)] == 1
    assert a[rc.REUNITED] == 1
    # cyber, young: rows 1 (18-25) and 2 (under-18); row 5 is 36-plus
    assert a[rc.CYBER_YOUNG] == 2
    assert a[rc.CYBER_YOUNG_DISPOSED] == 1
    assert a[rc.CYBER_YOUNG_PENDING] == 1
    assert a[rc.CYBER_YOUNG_MEDIAN_DAYS] == 10.0
    assert out.loc["B", rc.PENDING] == 1 and out.loc["B", rc.pending_over(7)] == 0
    assert out.loc["C"].drop([rc.MEDIAN_DISPOSAL_DAYS, rc.CYBER_YOUNG_MEDIAN_DAYS]).sum() == 0
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    ("age", "over"), [(6, (0, 0, 0)), (7, (0, 0, 0)), (8, (1, 0, 0)), (15, (1, 0, 0)),
                      (16, (1, 1, 0)), (30, (1, 1, 0)), (31, (1, 1, 1))],
)  # fmt: skip
def test_ageing_boundaries(age: int, over: tuple[int, int, int]) -> None:
    received = JAN.end - pd.Timedelta(days=age).to_pytimedelta()
    frame = pd.DataFrame(
        {"thana": ["A"], "received_on": [received.isoformat()], "disposed_on": [None],
         "case_outcome": ["pending"]}
    )  # fmt: skip
    row = casework_figures(frame, JAN, ["A"]).loc["A"]
    assert tuple(int(row[c]) for c in rc.PENDING_OVER) == over


def test_commissionerate_medians_over_every_complaint() -> None:
    out = casework_figures(cases(), JAN, ["A", "B"], whole=True)
    assert list(out.index) == [rc.COMMISSIONERATE]
    assert out.iloc[0][rc.RECEIVED] == 6 and out.iloc[0][rc.PENDING] == 5


def incidents() -> pd.DataFrame:
    times = pd.to_datetime(
        ["2026-01-03 10:00", "2026-01-04 18:00", "2026-01-05 19:00", "2026-01-31 23:30",
         "2026-02-01 00:10", "2026-01-07 12:00", "2026-01-08 12:00"]
    ).tz_localize("Asia/Kolkata")  # fmt: skip
    return pd.DataFrame(
        {
            "thana": ["A", "A", "A", "B", "B", "A", "A"],
            "occurred_at": times,
            "source": ["anti-romeo-action"] * 5 + ["complaint", "anti-romeo-action"],
            "action_taken": ["case-registered", "detained", "detained", "detained", "detained",
                             "detained", "counselled-reunited"],
            "arrests": [2, 0, 0, 0, 0, None, 0],
            "bnss_section": [None, "126", "170", None, "135", "126", None],
        }
    )  # fmt: skip


def test_anti_romeo_by_hand() -> None:
    out = anti_romeo_figures(incidents(), JAN, ["A", "B"])
    assert out.loc["A", rc.AR_CASES] == 1 and out.loc["A", rc.AR_ARRESTS] == 2
    assert out.loc["A", rc.DETENTIONS] == 2  # the complaint row is not a squad's
    assert out.loc["A", rc.detentions_under("126")] == 1
    assert out.loc["A", rc.detentions_under("170")] == 1
    assert out.loc["A", rc.AR_COUNSELLED] == 1
    # 31 Jan 23:30 local is in January; 1 Feb 00:10 is not
    assert out.loc["B", rc.DETENTIONS] == 1
    assert out.loc["B", rc.detentions_under(rc.SECTION_UNSTATED)] == 1
    detentions = out[list(rc.DETENTION_COLUMNS)].sum(axis=1)
    assert (detentions == out[rc.DETENTIONS]).all()


def test_anti_romeo_without_section_column() -> None:
    out = anti_romeo_figures(incidents().drop(columns="bnss_section"), JAN, ["A"])
    assert out.loc["A", rc.detentions_under(rc.SECTION_UNSTATED)] == 2


def test_awareness_by_hand() -> None:
    campaigns = gpd.GeoDataFrame(
        {"thana": ["A", "A", "A", "B"],
         "held_on": ["2026-01-02", "2026-01-09", "2026-02-02", "2026-01-15"],
         "attendees": [40, 60, 500, None]},
        geometry=[Point(83.0, 25.3), Point(83.0, 25.3), Point(83.1, 25.3), Point(83.2, 25.3)],
        crs="EPSG:4326",
    )  # fmt: skip
    out = awareness_figures(campaigns, JAN, ["A", "B"])
    assert out.loc["A"].tolist() == [2, 1, 100]
    assert out.loc["B"].tolist() == [1, 1, 0]


def test_cctv_by_hand() -> None:
    gaps = pd.DataFrame(
        {"thana": ["A", "A", "A", "A", "B"],
         "kind": ["school", "college", "school", "market", "coaching-centre"],
         "gap_status": ["covered", "uncovered", "repairable", "covered", "covered"]}
    )  # fmt: skip
    cctv = pd.DataFrame({"thana": ["A", "B", "B"],
                         "installed_on": ["2026-01-05", "2025-06-01", None]})  # fmt: skip
    out = cctv_figures(gaps, cctv, JAN, ["A", "B"])
    assert out.loc["A", rc.STUDY_SITES] == 3 and out.loc["A", rc.STUDY_SITES_COVERED] == 1
    assert out.loc["A", rc.STUDY_COVERAGE] == pytest.approx(1 / 3)
    assert out.loc["A", rc.sites_of("school")] == 2 and out.loc["A", rc.covered_of("school")] == 1
    assert out.loc["A", rc.CAMERAS_ADDED] == 1 and out.loc["B", rc.CAMERAS_ADDED] == 0
    assert out.loc["B", rc.STUDY_COVERAGE] == 1.0


def audit() -> pd.DataFrame:
    rows = {
        "thana": ["A", "A", "B"],
        "audited_on": ["2025-12-01", "2026-01-20", "2026-01-10"],
        "computers_working": [0, 1, 0],
        "womens_toilet_working": [0, 0, 1],
        "mobile_phones_working": [2, 1, 2],
        "sim_cards_working": [2, 2, 2],
        "vehicles_working": [1, 1, 0],
        "rooms_working": [1, 1, 1],
        "rooms_needed": [2, 2, 1],
    }
    return pd.DataFrame(rows)


def test_shortfall_rules() -> None:
    short = shortfalls(audit(), JAN, ResourceNorm())
    a = short.loc[["A"]]
    # latest audit of A (20 Jan): toilet 0 < 1, phones 1 < 2, rooms 1 < needed 2
    assert a[rc.RESOURCE].tolist() == ["womens_toilet", "mobile_phones", "rooms"]
    assert a[rc.SHORT].tolist() == [1, 1, 1] and a[rc.FIX_ORDER].tolist() == [1, 2, 3]
    b = short.loc[["B"]]
    assert b[rc.RESOURCE].tolist() == ["computers", "vehicles"]
    # a looser norm without the audit's needed counts
    loose = shortfalls(audit(), JAN, ResourceNorm(minimum={"computers": 1}, use_needed=False))
    assert loose[rc.RESOURCE].tolist() == ["computers"]
    # before A's January audit only December's counts
    early = shortfalls(audit(), Period.of("2026-01-01", "2026-01-05"), ResourceNorm())
    assert early.loc[["A"]][rc.RESOURCE].tolist()[:2] == ["womens_toilet", "computers"]


def test_norm_refuses_unknown_resources() -> None:
    with pytest.raises(ParameterError, match="unknown resources: printers"):
        ResourceNorm(minimum={"printers": 1})
    with pytest.raises(ParameterError, match="not whole numbers"):
        ResourceNorm(minimum={"computers": -1})


def layers() -> ReviewLayers:
    return ReviewLayers(
        thanas=["A", "B", "C"],
        incidents=incidents(),
        casework=cases(),
        audit=audit(),
        gaps=pd.DataFrame(
            {"thana": ["A", "B"], "kind": ["school"] * 2, "gap_status": ["uncovered", "covered"]}
        ),
    )


def test_review_totals_change_and_league() -> None:
    lay = layers()
    review = monthly_review(
        lay, Period.of("2026-01-16", "2026-01-31"), league=LeagueParams(flag_lowest=2)
    )
    assert review.previous_period == Period.of("2025-12-31", "2026-01-15")
    figures, whole = review.figures, review.commissionerate
    unrecorded = {rc.PATROL_VISITS, rc.PATROL_MINUTES, rc.PATROL_MISSED}  # no visit log: NA
    additive = [c for c in rc.FIGURE_COLUMNS if c not in rc.NON_ADDITIVE and c not in unrecorded]
    sums = figures[additive].sum()
    assert (sums == whole.iloc[0][additive]).all()
    # received: A rows 2, 3 (24 and 16 Jan) and B row 6 (30 Jan); before: A rows 0, 1, 5
    assert review.figures.loc["A", rc.RECEIVED] == 2
    assert review.previous.loc["A", rc.RECEIVED] == 3
    assert review.change.loc["A", rc.RECEIVED] == -1
    assert review.commissionerate_change.iloc[0][rc.RECEIVED] == 0
    league = review.league
    assert set(league.index) == {"A", "B", "C"} and league[rc.FLAGGED].sum() == 2
    assert league[rc.RANK].tolist() == sorted(league[rc.RANK].tolist())
    flagged = league[league[rc.FLAGGED] & league[rc.WHY].ne("")]
    assert len(flagged) >= 1 and "commissionerate" in flagged[rc.WHY].iloc[0]
    assert review.figures.loc["C", rc.FIX_FIRST] == rc.NO_AUDIT


def test_league_flags_lowest_with_reasons() -> None:
    figures = pd.DataFrame(
        {rc.DISPOSED: [9, 5, 1], rc.PENDING: [1, 5, 9], rc.pending_over(30): [0, 1, 6],
         rc.MEDIAN_DISPOSAL_DAYS: [3.0, 6.0, 20.0], rc.CYBER_YOUNG_MEDIAN_DAYS: [None] * 3,
         rc.STUDY_COVERAGE: [0.9, 0.5, 0.2], rc.SHORT_UNITS: [0, 1, 4]},
        index=pd.Index(["A", "B", "C"], name=rc.THANA_INDEX),
    )  # fmt: skip
    whole = pd.DataFrame(
        {rc.DISPOSED: [15], rc.PENDING: [15], rc.pending_over(30): [7],
         rc.MEDIAN_DISPOSAL_DAYS: [6.0], rc.CYBER_YOUNG_MEDIAN_DAYS: [None],
         rc.STUDY_COVERAGE: [0.5], rc.SHORT_UNITS: [5]}, index=[rc.COMMISSIONERATE],
    )  # fmt: skip
    league = league_of(figures, whole)
    assert league.index.tolist() == ["A", "B", "C"]
    assert league.loc["C", rc.FLAGGED] and not league.loc["A", rc.FLAGGED]
    assert league.loc["C", rc.PULLED_DOWN_BY].split(",")[0] in {
        "disposal_rate", "pending_over_30d_share", "median_days_to_disposal",
        "study_sites_coverage", "units_short"}  # fmt: skip
    assert "20" in league.loc["C", rc.WHY] and league.loc["A", rc.WHY] == ""


def league_of(figures: pd.DataFrame, whole: pd.DataFrame) -> pd.DataFrame:
    from models.review import league_table

    return league_table(figures, whole, LeagueParams(flag_lowest=1))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(-1, 60)), min_size=1, max_size=30))
def test_received_disposed_pending_balance(rows: list[tuple[int, int]]) -> None:
    """Pending at the end = pending at the start + received − disposed (every period)."""
    start = pd.Timestamp("2026-01-01")
    received = [start + pd.Timedelta(days=r) for r, _ in rows]
    pairs = zip(received, rows, strict=True)
    disposed = [r + pd.Timedelta(days=d) if d >= 0 else None for r, (_, d) in pairs]
    frame = pd.DataFrame({"thana": "A", "received_on": received, "disposed_on": disposed,
                          "case_outcome": ["disposed" if d is not None else "pending"
                                           for d in disposed]})  # fmt: skip
    period = Period.of("2026-01-20", "2026-02-10")
    now = casework_figures(frame, period, ["A"]).loc["A"]
    before = casework_figures(frame, period.previous(), ["A"]).loc["A"]
    assert now[rc.PENDING] == before[rc.PENDING] + now[rc.RECEIVED] - now[rc.DISPOSED]


def test_register_errors_do_not_break_the_figures() -> None:
    """A disposal before receipt has no duration; a count that is not a number is missing."""
    frame = pd.DataFrame(
        {"thana": ["A", "A"], "received_on": ["2026-01-20", "not a date"],
         "disposed_on": ["2026-01-10", "2026-01-12"], "case_outcome": ["disposed", "disposed"]}
    )  # fmt: skip
    row = casework_figures(frame, JAN, ["A"]).loc["A"]
    assert row[rc.DISPOSED] == 2 and pd.isna(row[rc.MEDIAN_DISPOSAL_DAYS])
    odd = pd.DataFrame(
        {"thana": ["A"], "audited_on": ["2026-01-02"], "computers_working": ["two"],
         "womens_toilet_working": [1], "mobile_phones_working": [2], "sim_cards_working": [2],
         "vehicles_working": [1]}
    )  # fmt: skip
    short = shortfalls(odd, JAN, ResourceNorm())
    assert short[rc.RESOURCE].tolist() == ["computers"] and short[rc.WORKING].tolist() == [0]


def test_rows_without_a_thana_count_only_for_the_commissionerate() -> None:
    frame = cases().assign(thana=[None, "A", "A", "A", "A", "A", "B"])
    per = casework_figures(frame, JAN, ["A", "B"])
    whole = casework_figures(frame, JAN, ["A", "B"], whole=True)
    assert per[rc.RECEIVED].sum() == 5 and whole.iloc[0][rc.RECEIVED] == 6


def test_patrol_visits_minutes_and_misses_of_the_visit_log_by_hand() -> None:
    from models.review.field import field_figures

    visits = pd.DataFrame(
        {
            "thana": ["A", "A", "A", "B", "B"],
            "day": ["2026-01-20", "2026-01-21", "2026-01-22", "2026-01-22", "2026-02-02"],
            "status": ["visited", "cut-short", "missed", "no-team-available", "visited"],
            "arrived": ["2026-01-20 18:00", "2026-01-21 18:00", None, None, "2026-02-02 18:00"],
            "left": ["2026-01-20 18:12", "2026-01-21 18:05", None, None, "2026-02-02 18:30"],
        }
    )
    period = Period.of("2026-01-16", "2026-01-31")
    out = field_figures(None, period, ["A", "B", "C"], visits=visits)
    # A: two visits in the period (12 + 5 minutes), one miss; B: one miss (its visit is later)
    assert out[rc.PATROL_VISITS].tolist() == [2, 0, 0]
    assert out[rc.PATROL_MINUTES].tolist() == [17, 0, 0]
    assert out[rc.PATROL_MISSED].tolist() == [1, 1, 0]
    whole = field_figures(None, period, ["A", "B", "C"], visits=visits, whole=True)
    assert whole.iloc[0][[rc.PATROL_VISITS, rc.PATROL_MINUTES, rc.PATROL_MISSED]].tolist() == [
        2, 17, 2
    ]  # fmt: skip
    unrecorded = field_figures(None, period, ["A"])
    assert unrecorded[rc.PATROL_VISITS].isna().all()


def test_rows_in_period_by_local_day_and_none_without_the_column() -> None:
    frame = pd.DataFrame(
        {"held_on": ["2025-12-31", "2026-01-01", None, "2026-01-31", "2026-02-01"]}
    )
    assert JAN.rows_in(frame, "held_on").tolist() == [False, True, False, True, False]
    assert JAN.rows_in(frame, "installed_on").tolist() == [False] * 5
