"""Getis-Ord Gi*: agreement with esda and the textbook formula, planted clusters, FDR, seeds."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from esda.getisord import G_Local
from esda.significance import calculate_significance
from libpysal.weights import Queen, lat2W

from geo.errors import ParameterError
from models.surfaces.grid import AREA_KM2, CELL_ID, COUNT, count_in_cells, square_grid
from models.surfaces.significance import (
    COLD_99,
    GI_CLASS,
    GI_CLASSES,
    GI_P,
    GI_P_FDR,
    GI_Z,
    HOT_90,
    HOT_95,
    HOT_99,
    NOT_SIGNIFICANT,
    cell_weights,
    classify_gi,
    gi_star,
    gi_star_values,
)

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0
CELL = 100.0
SIDE = 15  # 15 x 15 cells of 100 m


@pytest.fixture(scope="module")
def incidents() -> gpd.GeoDataFrame:
    """Sparse background over 1.5 km x 1.5 km plus a dense cluster in a 2 x 2 block of cells."""
    rng = np.random.default_rng(42)
    bx = X0 + rng.uniform(1, SIDE * CELL - 1, 120)
    by = Y0 + rng.uniform(1, SIDE * CELL - 1, 120)
    cx = X0 + 10 * CELL + rng.uniform(5, 2 * CELL - 5, 80)  # cells (10..11, 10..11)
    cy = Y0 + 10 * CELL + rng.uniform(5, 2 * CELL - 5, 80)
    frame = gpd.GeoDataFrame(
        {"kind": ["background"] * 120 + ["cluster"] * 80},
        geometry=gpd.points_from_xy(np.r_[bx, cx], np.r_[by, cy]),
        crs=UTM,
    )
    return frame.to_crs("EPSG:4326")


def cell_id(col: int, row: int) -> str:
    return f"sq100m_{int(X0 // CELL) + col}_{int(Y0 // CELL) + row}"


def by_id(out: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame(out.drop(columns="geometry")).set_index(CELL_ID)


# --------------------------------------------------------------------------- agreement


def test_z_scores_equal_esda_on_queen_weights(incidents: gpd.GeoDataFrame) -> None:
    out = gi_star(incidents, cell_m=CELL, permutations=0)
    grid = square_grid(incidents, cell_m=CELL)
    y = count_in_cells(grid, incidents).to_numpy(dtype=float)
    w = Queen.from_dataframe(grid, use_index=False, silence_warnings=True)
    w.transform = "B"
    direct = G_Local(y, w, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(out[GI_Z].to_numpy(), direct.Zs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(out[GI_P].to_numpy(), np.minimum(1, 2 * direct.p_norm))
    assert (out[COUNT].to_numpy() == y).all()


def test_z_scores_are_the_textbook_gi_star(incidents: gpd.GeoDataFrame) -> None:
    """Getis & Ord (1995) Gi* with binary weights incl. self — what ArcGIS computes."""
    grid = square_grid(incidents, cell_m=CELL)
    x = count_in_cells(grid, incidents).to_numpy(dtype=float)
    w = cell_weights(grid).sparse.toarray()
    n = len(x)
    mean, s = x.mean(), np.sqrt((x**2).mean() - x.mean() ** 2)
    wi = w.sum(axis=1)
    expected = (w @ x - mean * wi) / (s * np.sqrt((n * (w**2).sum(axis=1) - wi**2) / (n - 1)))
    out = gi_star(incidents, cell_m=CELL, permutations=0)
    np.testing.assert_allclose(out[GI_Z].to_numpy(), expected, rtol=1e-9)


def test_permutation_p_values_come_from_esda_simulations(incidents: gpd.GeoDataFrame) -> None:
    out = gi_star(incidents, cell_m=CELL, permutations=99, seed=3, fdr=False)
    grid = square_grid(incidents, cell_m=CELL)
    y = count_in_cells(grid, incidents).to_numpy(dtype=float)
    w = Queen.from_dataframe(grid, use_index=False, silence_warnings=True)
    w.transform = "B"
    g = G_Local(y, w, transform="B", star=True, permutations=99, seed=3, n_jobs=1)
    np.testing.assert_allclose(out[GI_Z].to_numpy(), g.Zs)
    lesser = calculate_significance(g.Gs, g.rGs, alternative="lesser")
    greater = calculate_significance(g.Gs, g.rGs, alternative="greater")
    np.testing.assert_allclose(out[GI_P].to_numpy(), np.minimum(1, 2 * np.minimum(lesser, greater)))
    assert out[GI_P_FDR].isna().all()


def test_square_weights_are_queen_lattice_plus_self() -> None:
    grid = square_grid((82.95, 25.30, 82.96, 25.31), cell_m=250)
    nb = cell_weights(grid)
    cols = grid.geometry.bounds["minx"].nunique()
    rows = grid.geometry.bounds["miny"].nunique()
    lattice = lat2W(rows, cols, rook=False)
    adjacency = nb.sparse.toarray()
    assert (np.diag(adjacency) == 1).all()
    for i in range(len(grid)):
        assert set(np.flatnonzero(adjacency[i])) - {i} == set(lattice.neighbors[i])


def test_distance_band_matching_queen_gives_the_same_z(incidents: gpd.GeoDataFrame) -> None:
    queen = gi_star(incidents, cell_m=CELL, permutations=0)
    band = gi_star(incidents, cell_m=CELL, permutations=0, distance_m=1.5 * CELL)
    np.testing.assert_allclose(queen[GI_Z], band[GI_Z])
    with pytest.raises(ParameterError, match="shorter than the spacing of the cells"):
        gi_star(incidents, cell_m=CELL, distance_m=50)


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize(("permutations", "fdr"), [(0, True), (999, False)])
def test_planted_cluster_is_hot_99_and_empty_areas_are_not_hot(
    incidents: gpd.GeoDataFrame, permutations: int, fdr: bool
) -> None:
    out = by_id(gi_star(incidents, cell_m=CELL, permutations=permutations, fdr=fdr))
    for col, row in [(10, 10), (10, 11), (11, 10), (11, 11)]:
        assert out.loc[cell_id(col, row), GI_CLASS] == HOT_99
    assert set(out[GI_CLASS]) <= set(GI_CLASSES)
    neighbourhood = cell_weights(square_grid(incidents, cell_m=CELL)).sparse @ out[COUNT].to_numpy()
    empty = neighbourhood == 0
    assert empty.sum() > 0
    assert not out[GI_CLASS][empty].str.startswith("hot").any()
    # ties with the (mostly empty) permutations must not turn empty areas into cold spots
    assert (out[GI_CLASS][empty] != COLD_99).all()


def test_fdr_never_adds_significant_cells(incidents: gpd.GeoDataFrame) -> None:
    for permutations in (0, 99):
        with_fdr = gi_star(incidents, cell_m=CELL, permutations=permutations, fdr=True)
        without = gi_star(incidents, cell_m=CELL, permutations=permutations, fdr=False)
        sig_fdr = (with_fdr[GI_CLASS] != NOT_SIGNIFICANT).sum()
        sig_raw = (without[GI_CLASS] != NOT_SIGNIFICANT).sum()
        assert sig_fdr <= sig_raw
        assert (with_fdr[GI_P_FDR] >= with_fdr[GI_P] - 1e-12).all()


def test_fdr_warns_when_permutations_are_too_coarse(
    incidents: gpd.GeoDataFrame, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="models.surfaces.significance"):
        out = gi_star(incidents, cell_m=CELL, permutations=39, fdr=True)
    assert (out[GI_CLASS] == NOT_SIGNIFICANT).all()
    assert "no cell survives the FDR correction" in caplog.text


def test_same_seed_same_result_and_global_rng_untouched(incidents: gpd.GeoDataFrame) -> None:
    np.random.seed(5)
    expected_draw = np.random.rand()
    np.random.seed(5)
    a = gi_star(incidents, cell_m=CELL, permutations=99, seed=11)
    assert np.random.rand() == expected_draw
    b = gi_star(incidents, cell_m=CELL, permutations=99, seed=11)
    c = gi_star(incidents, cell_m=CELL, permutations=99, seed=12)
    pd.testing.assert_frame_equal(a, b)
    assert not np.array_equal(a[GI_P].to_numpy(), c[GI_P].to_numpy())


def test_h3_grid(incidents: gpd.GeoDataFrame) -> None:
    out = gi_star(incidents, cell_m=CELL, grid="h3", permutations=0)
    assert out.crs.to_epsg() == 4326
    assert out[CELL_ID].is_unique
    assert out[COUNT].sum() == len(incidents)
    cluster = incidents[incidents["kind"] == "cluster"].to_crs(UTM).geometry.union_all().centroid
    centres = out.to_crs(UTM).geometry.centroid
    nearest = out.iloc[int(np.argmin(centres.distance(cluster).to_numpy()))]
    assert nearest[GI_CLASS] == HOT_99


def test_output_is_wgs84_and_aligned_with_the_grid(incidents: gpd.GeoDataFrame) -> None:
    before = incidents.copy()
    out = gi_star(incidents, cell_m=CELL, permutations=0)
    grid = square_grid(incidents, cell_m=CELL)
    assert out.crs.to_epsg() == 4326
    assert out.index.equals(grid.index)
    assert list(out[CELL_ID]) == list(grid[CELL_ID])
    assert list(out.columns) == [
        CELL_ID,
        COUNT,
        GI_Z,
        GI_P,
        GI_P_FDR,
        GI_CLASS,
        AREA_KM2,
        "geometry",
    ]
    pd.testing.assert_frame_equal(incidents, before)


def test_classes_follow_alpha_levels() -> None:
    z = np.array([3.0, 2.0, 1.7, 0.5, -1.7, -3.0])
    p = np.array([0.001, 0.03, 0.08, 0.6, 0.08, 0.001])
    assert list(classify_gi(z, p)) == [HOT_99, HOT_95, HOT_90, NOT_SIGNIFICANT, "cold-90", COLD_99]
    assert (
        list(classify_gi(z, p, alpha=(0.2,)))
        == ["hot-80"] * 3 + [NOT_SIGNIFICANT] + ["cold-80"] * 2
    )


def test_constant_counts_are_not_significant() -> None:
    grid = square_grid((82.95, 25.30, 82.96, 25.31), cell_m=250)
    result = gi_star_values(np.ones(len(grid)), cell_weights(grid), permutations=99)
    assert (result.z == 0).all()
    assert (result.classes == NOT_SIGNIFICANT).all()


def test_errors(incidents: gpd.GeoDataFrame) -> None:
    with pytest.raises(ParameterError, match="cell_m must be a positive number of metres"):
        gi_star(incidents, cell_m=0)
    with pytest.raises(ParameterError, match="no points to analyse"):
        gi_star(incidents.iloc[:0], cell_m=CELL)
    with pytest.raises(ParameterError, match="permutations must be 0 or more"):
        gi_star(incidents, cell_m=CELL, permutations=-1)
    with pytest.raises(ParameterError, match="significance levels must be distinct numbers"):
        gi_star(incidents, cell_m=CELL, alpha=(0.1, 1.5))
    with pytest.raises(ParameterError, match="unknown grid kind"):
        gi_star(incidents, cell_m=CELL, grid="triangles")  # type: ignore[arg-type]
