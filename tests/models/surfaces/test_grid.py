"""Analysis grids: alignment, coverage, H3 resolution, point-in-cell counting."""

from __future__ import annotations

import math

import geopandas as gpd
import h3
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.errors import ParameterError
from geo.settings import VARANASI_BBOX
from models.surfaces.grid import (
    AREA_KM2,
    CELL_ID,
    COUNT,
    GRID_ATTR,
    count_in_cells,
    grid_kind,
    grid_to_wgs84,
    h3_resolution_for,
    hex_grid,
    locate_points,
    square_grid,
)

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0  # Varanasi, UTM 44N


def metric_points(xs: list[float] | np.ndarray, ys: list[float] | np.ndarray) -> gpd.GeoDataFrame:
    """Points given in UTM metres, returned in EPSG:4326 like real input."""
    frame = gpd.GeoDataFrame(
        {"w": np.arange(len(xs), dtype=float) + 1},
        geometry=gpd.points_from_xy(xs, ys),
        crs=UTM,
    )
    return frame.to_crs("EPSG:4326")


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(7)
    return metric_points(X0 + rng.uniform(30, 1970, 300), Y0 + rng.uniform(30, 1470, 300))


def brute_force_counts(grid: gpd.GeoDataFrame, pts: gpd.GeoDataFrame) -> np.ndarray:
    joined = gpd.sjoin(pts.to_crs(grid.crs), grid[[CELL_ID, "geometry"]], predicate="within")
    return joined[CELL_ID].value_counts().reindex(grid[CELL_ID], fill_value=0).to_numpy()


# --------------------------------------------------------------------------- square grids


def test_square_grid_is_aligned_metric_and_covers_points(points: gpd.GeoDataFrame) -> None:
    grid = square_grid(points, cell_m=250)
    assert grid.crs.to_epsg() == 32644
    assert list(grid.columns) == [CELL_ID, AREA_KM2, "geometry"]
    bounds = grid.geometry.bounds.to_numpy()
    assert np.allclose(np.mod(bounds, 250), 0)
    assert np.allclose(bounds[:, 2] - bounds[:, 0], 250)
    assert np.allclose(grid[AREA_KM2], 0.0625)
    assert grid[CELL_ID].is_unique
    assert grid.index.equals(pd.RangeIndex(len(grid)))
    counts = count_in_cells(grid, points)
    assert counts.sum() == len(points)
    assert (counts.to_numpy() == brute_force_counts(grid, points)).all()
    # 2 km x 1.5 km of points inside [X0, X0 + 2000) x [Y0, Y0 + 1500): 8 x 6 cells
    assert len(grid) == 48


def test_square_grid_ids_do_not_depend_on_the_data(points: gpd.GeoDataFrame) -> None:
    full = square_grid(points, cell_m=250)
    part = square_grid(points.iloc[:20], cell_m=250)
    assert set(part[CELL_ID]) <= set(full[CELL_ID])
    merged = part.merge(pd.DataFrame(full.drop(columns="geometry")), on=CELL_ID)
    assert len(merged) == len(part)
    same = full.set_index(CELL_ID).loc[part[CELL_ID], "geometry"]
    assert same.geom_equals(part.set_index(CELL_ID).geometry).all()
    cell = full.set_index(CELL_ID).geometry[f"sq250m_{int(X0 // 250)}_{int(Y0 // 250)}"]
    assert cell.bounds == (X0, Y0, X0 + 250, Y0 + 250)


def test_square_grid_from_bounds_and_occupied_only(points: gpd.GeoDataFrame) -> None:
    grid = square_grid(VARANASI_BBOX, cell_m=1000)
    assert grid.crs.to_epsg() == 32644
    assert 600 < len(grid) < 800  # ~27 km x 27 km
    occupied = square_grid(points, cell_m=250, occupied_only=True)
    counts = count_in_cells(occupied, points)
    assert (counts > 0).all()
    assert counts.sum() == len(points)
    with pytest.raises(ParameterError, match="occupied_only needs points"):
        square_grid(VARANASI_BBOX, cell_m=1000, occupied_only=True)


def test_study_area_clips_whole_cells(points: gpd.GeoDataFrame) -> None:
    area_metric = shapely.box(X0, Y0, X0 + 1000, Y0 + 1000).buffer(-1)
    area = gpd.GeoSeries([area_metric], crs=UTM).to_crs("EPSG:4326").iloc[0]
    grid = square_grid(points, cell_m=250, study_area=area)
    assert len(grid) == 16
    assert np.allclose(grid[AREA_KM2], 0.0625)  # whole cells, not cut
    inside = points.to_crs(UTM).within(shapely.box(X0, Y0, X0 + 1000, Y0 + 1000))
    assert count_in_cells(grid, points).sum() == inside.sum()
    # a layer works too, and a bigger area extends the grid beyond the points
    layer = gpd.GeoDataFrame(geometry=[shapely.box(X0 - 500, Y0, X0 + 500, Y0 + 500)], crs=UTM)
    grid2 = square_grid(points, cell_m=250, study_area=layer)
    assert grid2.geometry.total_bounds[0] == X0 - 500


def test_points_on_edges_go_east_and_north() -> None:
    pts = gpd.GeoSeries.from_xy(
        [X0 + 100.0, X0 + 250.0 - 1e-3, X0 + 250.0], [Y0 + 100, Y0 + 100, Y0 + 250], crs=UTM
    )
    grid = square_grid(
        gpd.GeoSeries.from_xy([X0, X0 + 499], [Y0, Y0 + 499], crs=UTM), cell_m=250, metric_crs=UTM
    )
    pos = locate_points(grid, pts)
    ids = grid[CELL_ID].to_numpy()[pos]
    c, r = int(X0 // 250), int(Y0 // 250)
    assert list(ids) == [f"sq250m_{c}_{r}", f"sq250m_{c}_{r}", f"sq250m_{c + 1}_{r + 1}"]


# --------------------------------------------------------------------------- H3 grids


@pytest.mark.parametrize(
    ("cell_m", "res"), [(250, 9), (500, 8), (75, 10), (200, 9), (1e9, 0), (0.1, 15)]
)
def test_h3_resolution_is_the_closest_edge_length(cell_m: float, res: int) -> None:
    assert h3_resolution_for(cell_m) == res


def test_hex_grid_covers_points_and_counts(points: gpd.GeoDataFrame) -> None:
    grid = hex_grid(points, cell_m=250)
    assert grid.crs.to_epsg() == 32644
    assert grid.attrs[GRID_ATTR]["resolution"] == 9
    assert all(h3.is_valid_cell(c) and h3.get_resolution(c) == 9 for c in grid[CELL_ID])
    assert grid[CELL_ID].is_unique
    counts = count_in_cells(grid, points)
    assert counts.sum() == len(points)
    assert (counts.to_numpy() == brute_force_counts(grid, points)).all()
    area = h3.cell_area(grid[CELL_ID].iloc[0], unit="km^2")
    assert grid[AREA_KM2].iloc[0] == pytest.approx(area, rel=0.01)
    assert grid_kind(grid) == ("h3", 250.0, 9)
    occupied = hex_grid(points, cell_m=250, occupied_only=True)
    assert (count_in_cells(occupied, points) > 0).all()


# --------------------------------------------------------------------------- counting


def test_count_in_cells_weights_time_bins_and_alignment(points: gpd.GeoDataFrame) -> None:
    grid = square_grid(points, cell_m=500)
    weighted = count_in_cells(grid, points, weights="w")
    assert weighted.sum() == pytest.approx(points["w"].sum())
    assert weighted.index.name == CELL_ID
    assert weighted.name == COUNT
    assert list(weighted.index) == list(grid[CELL_ID])
    same = count_in_cells(grid, points, weights=points["w"].to_numpy())
    pd.testing.assert_series_equal(weighted, same)
    labels = pd.Categorical(np.arange(len(points)) % 3, categories=[0, 1, 2, 3])
    table = count_in_cells(grid, points, time_bins=labels)
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == [0, 1, 2, 3]
    assert table[3].sum() == 0  # empty bin kept
    assert (table.sum(axis=1) == count_in_cells(grid, points)).all()


def test_reprojected_or_unknown_grids_fall_back_to_a_spatial_join(
    points: gpd.GeoDataFrame,
) -> None:
    grid = square_grid(points, cell_m=250)
    expected = count_in_cells(grid, points)
    wgs = grid_to_wgs84(grid)
    assert wgs.crs.to_epsg() == 4326
    assert wgs.index.equals(grid.index)
    pd.testing.assert_series_equal(count_in_cells(wgs, points), expected)
    anonymous = gpd.GeoDataFrame(
        {CELL_ID: [f"cell{i}" for i in range(len(grid))]}, geometry=grid.geometry, crs=grid.crs
    )
    assert grid_kind(anonymous) == (None, None, None)
    assert (count_in_cells(anonymous, points).to_numpy() == expected.to_numpy()).all()


def test_points_outside_or_missing_are_not_counted(points: gpd.GeoDataFrame) -> None:
    grid = square_grid(points.iloc[:50], cell_m=250, occupied_only=True)
    extra = points.copy()
    extra.loc[extra.index[0], "geometry"] = None
    counts = count_in_cells(grid, extra)
    assert counts.sum() == (locate_points(grid, extra) >= 0).sum() < len(extra)


# --------------------------------------------------------------------------- errors, purity


@pytest.mark.parametrize("bad", [0, -250, math.nan, math.inf, "abc"])
def test_bad_cell_size(points: gpd.GeoDataFrame, bad: object) -> None:
    with pytest.raises(ParameterError, match="cell_m must be a positive number of metres"):
        square_grid(points, cell_m=bad)  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="cell_m must be a positive number of metres"):
        hex_grid(points, cell_m=bad)  # type: ignore[arg-type]


def test_empty_input_and_huge_grids(points: gpd.GeoDataFrame) -> None:
    with pytest.raises(ParameterError, match="no points to analyse"):
        square_grid(points.iloc[:0], cell_m=250)
    with pytest.raises(ParameterError, match="no points to analyse"):
        hex_grid(points.iloc[:0], cell_m=250)
    with pytest.raises(ParameterError, match=r"more than 2,000,000\)"):
        square_grid(VARANASI_BBOX, cell_m=1)
    with pytest.raises(ParameterError, match="weights must be finite and non-negative"):
        count_in_cells(square_grid(points, cell_m=250), points, weights=-points["w"])


def test_inputs_are_not_mutated(points: gpd.GeoDataFrame) -> None:
    before = points.copy()
    grid = square_grid(points, cell_m=250)
    grid_before = grid.copy()
    count_in_cells(grid, points, weights="w")
    hex_grid(points, cell_m=250)
    pd.testing.assert_frame_equal(points, before)
    pd.testing.assert_frame_equal(grid, grid_before)
