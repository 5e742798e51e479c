"""KDE heat surfaces: mass, kernel shape, alignment, per-cell densities, heat-map points."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.errors import ParameterError
from models.surfaces.grid import CELL_ID, hex_grid, square_grid
from models.surfaces.kde import (
    GAUSSIAN,
    KDE_DENSITY,
    QUARTIC,
    kde_cells,
    kde_heat_points,
    kde_surface,
    kernel_value,
)

UTM = "EPSG:32644"
X0, Y0 = 700_000.0, 2_800_000.0


@pytest.fixture(scope="module")
def incidents() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    xs = X0 + rng.uniform(0, 2000, 200)
    ys = Y0 + rng.uniform(0, 2000, 200)
    frame = gpd.GeoDataFrame(
        {"weight": rng.integers(1, 4, 200).astype(float)},
        geometry=gpd.points_from_xy(xs, ys),
        crs=UTM,
    )
    return frame.to_crs("EPSG:4326")


def one_point(x: float, y: float) -> gpd.GeoSeries:
    return gpd.GeoSeries.from_xy([x], [y], crs=UTM)


@pytest.mark.parametrize("kernel", [QUARTIC, GAUSSIAN])
def test_surface_integrates_to_the_number_of_points(
    incidents: gpd.GeoDataFrame, kernel: str
) -> None:
    surface = kde_surface(incidents, bandwidth_m=250, cell_m=25, kernel=kernel)  # type: ignore[arg-type]
    assert surface.total() == pytest.approx(len(incidents), rel=0.01)
    weighted = kde_surface(incidents, bandwidth_m=250, cell_m=25, kernel=kernel, weights="weight")  # type: ignore[arg-type]
    assert weighted.total() == pytest.approx(incidents["weight"].sum(), rel=0.01)


def test_raster_is_aligned_and_north_up(incidents: gpd.GeoDataFrame) -> None:
    surface = kde_surface(incidents, bandwidth_m=300, cell_m=50)
    assert surface.crs.to_epsg() == 32644
    assert surface.density.shape == (len(surface.y_edges) - 1, len(surface.x_edges) - 1)
    assert np.allclose(np.mod(surface.x_edges, 50), 0)
    assert np.allclose(np.mod(surface.y_edges, 50), 0)
    assert (np.diff(surface.x_edges) > 0).all()
    assert (np.diff(surface.y_edges) < 0).all()
    x0, cell, _, y0, _, neg = surface.transform
    assert (x0, cell, y0, neg) == (surface.x_edges[0], 50, surface.y_edges[0], -50)
    xmin, xmax, ymin, ymax = surface.extent
    assert xmin < X0 - 250 and xmax > X0 + 2250 and ymin < Y0 - 250 and ymax > Y0 + 2250
    # a single northern point puts the maximum in the upper rows
    north = kde_surface(one_point(X0, Y0 + 5000), bandwidth_m=300, cell_m=50)
    row, _ = np.unravel_index(np.argmax(north.density), north.density.shape)
    assert north.y_centres[row] == pytest.approx(Y0 + 5000, abs=50)


def test_point_mass_gives_the_quartic_kernel() -> None:
    h, cell = 200.0, 20.0
    surface = kde_surface(one_point(X0 + 10, Y0 + 10), bandwidth_m=h, cell_m=cell)  # a centre
    peak = 3 / (math.pi * h * h) * 1e6
    assert surface.density.max() == pytest.approx(peak)
    gx, gy = np.meshgrid(surface.x_centres, surface.y_centres)
    d = np.hypot(gx - (X0 + 10), gy - (Y0 + 10))
    expected = np.where(d < h, 3 / (math.pi * h * h) * (1 - (d / h) ** 2) ** 2, 0.0) * 1e6
    np.testing.assert_allclose(surface.density, expected, atol=1e-9)
    assert (surface.density[d >= h] == 0).all()
    assert surface.total() == pytest.approx(1.0, rel=0.01)


def test_point_mass_gives_the_gaussian_kernel() -> None:
    h, cell = 100.0, 20.0
    surface = kde_surface(
        one_point(X0 + 10, Y0 + 10), bandwidth_m=h, cell_m=cell, kernel="gaussian"
    )
    gx, gy = np.meshgrid(surface.x_centres, surface.y_centres)
    d = np.hypot(gx - (X0 + 10), gy - (Y0 + 10))
    peak = surface.density.max()
    assert peak == pytest.approx(kernel_value(0.0, h, "gaussian") * 1e6)
    at_one_sigma = surface.density[np.isclose(d, h)]
    assert len(at_one_sigma) >= 4
    np.testing.assert_allclose(at_one_sigma, peak * math.exp(-0.5))
    assert (surface.density[d >= 4 * h] == 0).all()
    assert surface.total() == pytest.approx(1.0, rel=0.01)


def test_kde_cells_match_the_surface_and_follow_the_grid(incidents: gpd.GeoDataFrame) -> None:
    grid = square_grid(incidents, cell_m=50)
    cells = kde_cells(incidents, grid, bandwidth_m=300)
    assert cells.crs.to_epsg() == 4326
    assert cells.index.equals(grid.index)
    assert list(cells[CELL_ID]) == list(grid[CELL_ID])
    assert list(cells.columns) == [CELL_ID, KDE_DENSITY, "geometry"]
    surface = kde_surface(incidents, bandwidth_m=300, cell_m=50)
    lookup = {
        (round(x), round(y)): v
        for (y, row) in zip(surface.y_centres, surface.density, strict=True)
        for x, v in zip(surface.x_centres, row, strict=True)
    }
    centres = grid.geometry.centroid
    from_surface = [lookup[(round(p.x), round(p.y))] for p in centres]
    np.testing.assert_allclose(cells[KDE_DENSITY].to_numpy(), from_surface, rtol=1e-9)
    # default grid, and any grid (H3) works
    default = kde_cells(incidents, bandwidth_m=300, cell_m=50)
    np.testing.assert_allclose(default[KDE_DENSITY], cells[KDE_DENSITY])
    hexes = kde_cells(incidents, hex_grid(incidents, cell_m=100), bandwidth_m=300)
    assert (hexes[KDE_DENSITY] > 0).any()
    shuffled = grid.sample(frac=1, random_state=0)
    again = kde_cells(incidents, shuffled, bandwidth_m=300)
    assert again.index.equals(shuffled.index)
    pd.testing.assert_series_equal(again[KDE_DENSITY].sort_index(), cells[KDE_DENSITY].sort_index())


def test_heat_points_are_grid_centres_not_incidents(incidents: gpd.GeoDataFrame) -> None:
    heat = kde_heat_points(incidents, bandwidth_m=300, cell_m=100, min_share=0.05)
    assert heat and all(len(t) == 3 for t in heat)
    arr = np.array(heat)
    assert arr[:, 2].max() == 1.0 and (arr[:, 2] >= 0.05).all()
    assert ((arr[:, 0] > 25.0) & (arr[:, 0] < 25.6) & (arr[:, 1] > 82.8) & (arr[:, 1] < 83.2)).all()
    centres = gpd.GeoSeries.from_xy(arr[:, 1], arr[:, 0], crs="EPSG:4326").to_crs(UTM)
    offsets = np.mod(np.c_[centres.x, centres.y], 100)
    np.testing.assert_allclose(offsets, 50, atol=2)  # cell centres of the 100 m raster
    raw = {(round(p.y, 5), round(p.x, 5)) for p in incidents.geometry}
    assert not raw & {(lat, lon) for lat, lon, _ in heat}


def test_errors_and_purity(incidents: gpd.GeoDataFrame) -> None:
    before = incidents.copy()
    kde_surface(incidents, bandwidth_m=300, cell_m=100, weights="weight")
    kde_cells(incidents, bandwidth_m=300, cell_m=100)
    pd.testing.assert_frame_equal(incidents, before)
    with pytest.raises(ParameterError, match="bandwidth_m must be a positive number"):
        kde_surface(incidents, bandwidth_m=0, cell_m=50)
    with pytest.raises(ParameterError, match="cell_m must be a positive number"):
        kde_surface(incidents, bandwidth_m=300, cell_m=-5)
    with pytest.raises(ParameterError, match="unknown kernel"):
        kde_surface(incidents, bandwidth_m=300, cell_m=50, kernel="box")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="no points to analyse"):
        kde_surface(incidents.iloc[:0], bandwidth_m=300, cell_m=50)
    with pytest.raises(ParameterError, match="needs a grid or a cell_m"):
        kde_cells(incidents, bandwidth_m=300)
    with pytest.raises(ParameterError, match="raster over this extent"):
        kde_surface(incidents, bandwidth_m=300, cell_m=0.5)
