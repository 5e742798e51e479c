"""Tests for models.cctv.placement: MILP = brute force, greedy bound, repairs, layouts, data."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import ParameterError
from geo.schema import ID, KIND, NAME, OCCURRED_AT, STATUS, THANA, VIEW_RADIUS_M
from models.cctv import gaps as cg
from models.cctv import placement as pl

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "crime_points_dev"


def brute_force(problem: pl.CoverageProblem, k: int, budget: float | None) -> float:
    best = 0.0
    for size in range(min(k, problem.n_candidates) + 1):
        for subset in itertools.combinations(range(problem.n_candidates), size):
            if budget is not None and problem.cost[list(subset)].sum() > budget + 1e-9:
                continue
            best = max(best, problem.value(subset))
    return best


@st.composite
def problems(draw: st.DrawFn) -> tuple[pl.CoverageProblem, int, float | None]:
    n_d = draw(st.integers(1, 9))
    n_c = draw(st.integers(1, 7))
    cells = draw(st.lists(st.booleans(), min_size=n_d * n_c, max_size=n_d * n_c))
    weights = draw(st.lists(st.integers(0, 20), min_size=n_d, max_size=n_d))
    costs = draw(st.lists(st.sampled_from([0.3, 1.0, 1.5]), min_size=n_c, max_size=n_c))
    k = draw(st.integers(0, 4))
    budget = draw(st.one_of(st.none(), st.sampled_from([0.3, 1.0, 1.6, 2.5])))
    cover = np.asarray(cells, dtype=float).reshape(n_d, n_c)
    return pl.make_problem(weights, sp.csr_matrix(cover), costs), k, budget


@settings(max_examples=60, deadline=None)
@given(problems())
def test_milp_equals_brute_force(case: tuple[pl.CoverageProblem, int, float | None]) -> None:
    problem, k, budget = case
    solution = pl.solve(problem, k=k, budget=budget, method="milp")
    assert solution.value == pytest.approx(brute_force(problem, k, budget), abs=1e-6)
    assert solution.optimal and solution.method == pl.MILP and solution.gap <= pl.MIP_REL_GAP
    assert len(solution.chosen) <= k
    assert len(set(solution.chosen.tolist())) == len(solution.chosen)
    if budget is not None:
        assert problem.cost[solution.chosen].sum() <= budget + 1e-9
    assert problem.value(solution.chosen) == pytest.approx(solution.value)
    # in order of marginal gain: each gain is the best next one, so gains never increase
    assert np.all(np.diff(solution.gains) <= 1e-9) and np.all(solution.gains > 0)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_greedy_is_within_one_minus_one_over_e(
    case: tuple[pl.CoverageProblem, int, float | None],
) -> None:
    problem, k, _ = case
    chosen, gains = pl.greedy(problem, k)
    optimum = brute_force(problem, k, None)
    assert problem.value(chosen) >= (1 - 1 / math.e) * optimum - 1e-9
    assert problem.value(chosen) == pytest.approx(gains.sum())
    # the reported bound of the fallback is a true upper bound and its gap is honest
    fallback = pl.solve(problem, k=k, method="auto", max_exact_nonzeros=-1)
    if k and optimum:  # (nothing to choose is solved without any solver)
        assert fallback.method == pl.GREEDY and not fallback.optimal
    assert fallback.bound >= optimum - 1e-6
    assert fallback.value >= (1 - 1 / math.e) * optimum - 1e-9
    assert 0 <= fallback.gap <= 1


def test_fallback_reports_its_gap_against_the_lp_bound() -> None:
    # the classic instance where greedy is fooled: one big set vs two disjoint halves
    cover = np.array([[1, 1, 0], [1, 1, 0], [1, 0, 1], [1, 0, 1], [0, 1, 0], [0, 0, 1]])
    problem = pl.make_problem([1, 1, 1, 1, 0.9, 0.9], cover, [1, 1, 1])
    exact = pl.solve(problem, k=2, method="milp")
    assert exact.value == pytest.approx(5.8)
    fallback = pl.solve(problem, k=2, method="auto", max_exact_nonzeros=1)
    assert fallback.method == pl.GREEDY
    assert fallback.value == pytest.approx(4.9)
    assert fallback.bound >= 5.8 - 1e-9
    assert fallback.gap == pytest.approx((fallback.bound - 4.9) / fallback.bound)
    assert any("greedy fallback" in n for n in fallback.notes)
    assert pl.lp_bound(problem, 2) >= 5.8 - 1e-9


def test_repairs_are_preferred_when_cheaper() -> None:
    # candidate 0: new camera, candidate 1: repair covering the same demand
    cover = np.array([[1, 1], [1, 1], [1, 0]])
    same = pl.make_problem([3, 2], cover[:2], [1.0, 0.3])
    assert pl.solve(same, k=1).chosen.tolist() == [1]
    # the new camera covers a little more, but a budget of 0.5 leaves only the repair
    more = pl.make_problem([3, 2, 1], cover, [1.0, 0.3])
    assert pl.solve(more, k=1).chosen.tolist() == [0]
    assert pl.solve(more, k=1, budget=0.5).chosen.tolist() == [1]
    # both fit a budget of 1.3, but the repair adds nothing once the new camera is chosen
    both = pl.solve(more, k=2, budget=1.3)
    assert both.value == pytest.approx(6) and both.chosen.tolist() == [0]


def test_reduction_keeps_the_optimum() -> None:
    rng = np.random.default_rng(3)
    cover = (rng.random((40, 12)) < 0.2).astype(float)
    cover[:, 5] = cover[:, 4]  # a duplicate column (same cost): one is dropped
    problem = pl.make_problem(rng.integers(0, 5, 40), cover, np.ones(12))
    reduced = pl.reduce_problem(problem)
    assert reduced.problem.n_candidates < 12
    assert reduced.problem.weights.sum() <= problem.weights.sum()
    for k in (1, 2, 3):
        full = brute_force(problem, k, None)
        assert pl.solve(problem, k=k).value == pytest.approx(full)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": -1}, "k must be a whole number"),
        ({"k": 2, "budget": -1.0}, "budget must be a number ≥ 0"),
        ({"k": 2, "method": "annealing"}, "unknown method"),
    ],
)
def test_bad_solver_parameters(kwargs: dict[str, object], message: str) -> None:
    problem = pl.make_problem([1], [[1]], [1])
    with pytest.raises(ParameterError, match=message):
        pl.solve(problem, **kwargs)  # type: ignore[arg-type]


def test_make_problem_checks_shapes_and_costs() -> None:
    with pytest.raises(ParameterError, match="there are 2 demand weights and 1 costs"):
        pl.make_problem([1, 2], [[1]], [1])
    with pytest.raises(ParameterError, match="candidate costs must be finite and > 0"):
        pl.make_problem([1], [[1]], [0])


# --------------------------------------------------------------------------- layouts


def pts(xy: list[tuple[float, float]]) -> list[shapely.Point]:
    return [shapely.Point(X0 + x, Y0 + y) for x, y in xy]


def layout_layers() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    sites = gpd.GeoDataFrame(
        {ID: ["S1", "S2"], NAME: ["Girls School", "Seen College"], KIND: ["school", "college"]},
        geometry=pts([(0, 0), (2000, 0)]),
        crs=UTM,
    )
    cams = gpd.GeoDataFrame(
        {ID: ["F1", "W1"], STATUS: ["faulty", "working"], VIEW_RADIUS_M: [60.0, 80.0]},
        geometry=pts([(0, 0), (2000, 10)]),
        crs=UTM,
    )
    t = pd.Timestamp("2026-06-01 17:00", tz="Asia/Kolkata")
    incidents = gpd.GeoDataFrame(
        {OCCURRED_AT: [t] * 5},
        geometry=pts([(10, 0), (0, 15), (-20, 5), (2000, 20), (2010, -10)]),
        crs=UTM,
    )
    return sites, cams, incidents


def test_repair_is_chosen_over_a_new_camera_on_a_real_layout() -> None:
    sites, cams, incidents = layout_layers()
    plan = pl.place_cameras(sites, cams, k=1, incidents=incidents, metric_crs=UTM)
    row = plan.cameras.iloc[0]
    assert row[pl.ACTION] == pl.REPAIR and row[cg.CAMERA_ID] == "F1"
    assert row[pl.INCIDENTS_GAINED] == 3 and row[pl.SITES_GAINED] == 1
    assert row[pl.SITE_NAMES] == "Girls School"
    # the college and its incidents are seen by W1 already: held fixed, worth nothing
    assert plan.summary["weight_seen_before"] == pytest.approx(2 + 10 * 1.0)
    assert row[pl.MARGINAL_GAIN] == pytest.approx(3 + 10 * cg.KIND_PRIORITY["school"])
    assert "repair faulty camera F1" in row[pl.WHY]
    assert plan.cameras.crs == "EPSG:4326"
    assert plan.cameras.geometry.geom_type.tolist() == ["Point"]
    # a new camera costs more for the same view: with a repair cost above it, a new one wins
    dear = pl.place_cameras(sites, cams, k=1, incidents=incidents, metric_crs=UTM, repair_cost=2)
    assert dear.cameras.iloc[0][pl.ACTION] == pl.NEW


def test_working_cameras_are_fixed_and_nothing_left_means_no_camera() -> None:
    sites, cams, incidents = layout_layers()
    cams[STATUS] = "working"
    plan = pl.place_cameras(sites, cams, k=3, incidents=incidents, metric_crs=UTM)
    assert plan.cameras.empty and plan.summary["weight_gained"] == 0
    assert plan.summary["share_seen_before"] == pytest.approx(1.0)


def test_candidates_include_entrances_approaches_cells_and_repairs() -> None:
    sites, cams, incidents = layout_layers()
    hotspot = gpd.GeoDataFrame(
        {cg.HOTSPOT_ID: [0]}, geometry=[shapely.Point(X0 + 500, Y0).buffer(60)], crs=UTM
    )
    reg = cg.clean_registry(cams, metric_crs=UTM)
    layout = pl.build_layout(sites, reg, incidents=incidents, hotspots=hotspot, crs=UTM)
    kinds = pd.Series(layout.candidate_kind).value_counts().to_dict()
    cells = int(kinds[pl.HOTSPOT_CELL])
    assert kinds == {
        pl.APPROACH: 2 * 8 * len(pl.APPROACH_STEPS), pl.HOTSPOT_CELL: cells,
        pl.SITE_ENTRANCE: 2, pl.REPAIR: 1,
    }  # fmt: skip
    # ~ π·60² / 50² ≈ 4.5 cells of 50 m have their centre in the disc
    assert 2 <= cells <= 8
    approach = layout.candidate_xy[layout.candidate_kind == pl.APPROACH][:16:2]  # site 1
    d = np.hypot(approach[:, 0] - X0, approach[:, 1] - Y0)
    assert d == pytest.approx(np.full(8, pl.APPROACH_RADIUS_M * pl.APPROACH_STEPS[0]))
    assert layout.candidate_cost[layout.candidate_kind == pl.REPAIR].tolist() == [pl.REPAIR_COST]
    demand = pd.Series(layout.demand_kind).value_counts().to_dict()
    assert demand == {pl.DEMAND_INCIDENT: 5, pl.DEMAND_HOTSPOT: cells, pl.DEMAND_SITE: 2}


def test_placement_within_a_thana_only_places_there() -> None:
    sites, cams, incidents = layout_layers()
    cams[STATUS] = "faulty"
    thanas = gpd.GeoDataFrame(
        {NAME: ["West", "East"]},
        geometry=[
            shapely.box(X0 - 5000, Y0 - 5000, X0 + 1000, Y0 + 5000),
            shapely.box(X0 + 1000, Y0 - 5000, X0 + 5000, Y0 + 5000),
        ],
        crs=UTM,
    )
    plan = pl.place_cameras(
        sites, cams, k=5, incidents=incidents, thanas=thanas, thana="East", metric_crs=UTM
    )
    assert len(plan.cameras) >= 1 and set(plan.cameras[THANA]) == {"East"}
    assert plan.cameras[pl.ORDER].tolist() == list(range(1, len(plan.cameras) + 1))
    assert plan.cameras[pl.CUMULATIVE_GAIN].iloc[-1] == pytest.approx(
        plan.cameras[pl.MARGINAL_GAIN].sum()
    )
    with pytest.raises(ParameterError, match="thana 'North' is not in the thana layer"):
        pl.place_cameras(sites, cams, k=1, thanas=thanas, thana="North", metric_crs=UTM)


@pytest.mark.skipif(
    not (SHARED / "mesa_az_geodanet_schools.geojson").exists(),
    reason="../shared/data/crime_points_dev (Mesa schools and crimes) is absent",
)
def test_mesa_schools_and_crimes_milp_equals_brute_force_for_two_cameras() -> None:
    schools = gpd.read_file(SHARED / "mesa_az_geodanet_schools.geojson")
    crimes = gpd.read_file(SHARED / "mesa_az_geodanet_crimes.geojson")
    sites = schools.assign(**{NAME: [f"school {i}" for i in schools["POLYID"]], KIND: "school"})
    crs = "EPSG:32612"
    weights = {pl.DEMAND_INCIDENT: 1.0, pl.DEMAND_HOTSPOT: 0.0, pl.DEMAND_SITE: 10.0}
    plan = pl.place_cameras(
        sites, None, k=2, incidents=crimes, metric_crs=crs, weights=weights, new_radius_m=100
    )
    reg = cg.clean_registry(None, metric_crs=crs)
    layout = pl.build_layout(
        sites, reg, incidents=crimes, hotspots=None, crs=crs, weights=weights, new_radius_m=100
    )
    tgt, cand, _ = cg.covering_pairs(
        layout.demand_xy, layout.candidate_xy, layout.candidate_radius, layout.demand_extent
    )
    cover = sp.csr_matrix(
        (np.ones(len(tgt)), (tgt, cand)), shape=(len(layout.demand_xy), len(layout.candidate_xy))
    )
    problem = pl.make_problem(layout.demand_weight, cover, layout.candidate_cost)
    assert problem.n_candidates == 8 * (1 + 8 * len(pl.APPROACH_STEPS))
    assert plan.summary["weight_gained"] == pytest.approx(brute_force(problem, 2, None))
    greedy_chosen, _ = pl.greedy(problem, 2)
    assert plan.summary["weight_gained"] >= problem.value(greedy_chosen)
    assert plan.cameras[pl.SITES_GAINED].sum() >= 1
