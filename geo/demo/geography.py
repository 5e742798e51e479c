"""Thana polygons of the demo (Voronoi cells in the outline) and a fast point locator."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.demo.constants import N_CASES_REGISTERED, N_COUNSELLED, N_DETAINED
from geo.demo.draws import FloatArray, IntArray
from geo.demo.knobs import DECIMALS, M_PER_DEG_LAT, M_PER_DEG_LON
from geo.demo.places import OUTLINE, STATIONS

# --------------------------------------------------------------------------- geometry helpers


def city_outline() -> shapely.Polygon:
    """Return the approximate outline of the demo Commissionerate in lon/lat (EPSG:4326).

    The east side follows the west bank of the Ganga from the Varuna confluence to Assi and
    then crosses the river to include Ramnagar; the rest is a rough rural boundary inside
    :data:`geo.settings.VARANASI_BBOX`. It is hand-drawn and approximate, not an official
    boundary.

    Returns
    -------
    shapely.Polygon
        A valid polygon.
    """
    return shapely.Polygon(OUTLINE)


def n_fixed_actions() -> int:
    """Return the number of fixed anti-Romeo actions of the seed review."""
    return N_CASES_REGISTERED + N_DETAINED + N_COUNSELLED


@dataclass(frozen=True)
class Geography:
    """Thana polygons and a fast point locator (polygons tested in alphabetical order)."""

    outline: BaseGeometry
    polygons: tuple[BaseGeometry, ...]  # in STATIONS order
    bounds: FloatArray  # (k, 4)
    order: IntArray  # alphabetical test order, like geo.thanas.assign_thanas
    neighbours: IntArray  # (k, max degree), padded with -1
    n_neighbours: IntArray

    def locate(self, x: FloatArray, y: FloatArray) -> IntArray:
        """Return the index (in STATIONS order) of the thana holding each point, or -1."""
        out = np.full(x.shape, -1, dtype=np.int64)
        for k in self.order:
            w, s, e, n = self.bounds[k]
            cand = np.flatnonzero((out < 0) & (x >= w) & (x <= e) & (y >= s) & (y <= n))
            if cand.size:
                hit = shapely.intersects_xy(self.polygons[k], x[cand], y[cand])
                out[cand[hit]] = k
        return out

    def scatter(
        self,
        rng: np.random.Generator,
        ax: FloatArray,
        ay: FloatArray,
        sigma_m: FloatArray | float,
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """Draw Gaussian points around anchors, redrawing those outside every thana.

        Points still outside after many rounds are put on their anchor (which must lie in a
        thana). Returns rounded ``x, y`` and the thana index of each point.
        """
        sigma = np.broadcast_to(np.asarray(sigma_m, dtype=float), ax.shape)
        x = np.empty_like(ax)
        y = np.empty_like(ay)
        idx = np.full(ax.shape, -1, dtype=np.int64)
        todo = np.arange(ax.size)
        for _ in range(60):
            if not todo.size:
                break
            s = sigma[todo]
            x[todo] = np.round(ax[todo] + rng.normal(size=todo.size) * s / M_PER_DEG_LON, DECIMALS)
            y[todo] = np.round(ay[todo] + rng.normal(size=todo.size) * s / M_PER_DEG_LAT, DECIMALS)
            idx[todo] = self.locate(x[todo], y[todo])
            todo = todo[idx[todo] < 0]
        if todo.size:
            x[todo] = np.round(ax[todo], DECIMALS)
            y[todo] = np.round(ay[todo], DECIMALS)
            idx[todo] = self.locate(x[todo], y[todo])
            if (idx[todo] < 0).any():
                raise RuntimeError("a demo anchor point lies outside every thana")
        return x, y, idx

    def uniform(
        self, rng: np.random.Generator, want: IntArray
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """Draw points uniformly inside thana ``want[i]`` (anywhere in the outline when -1)."""
        n = want.size
        ow, os_, oe, on = self.outline.bounds
        box = np.where(
            (want >= 0)[:, None], self.bounds[np.maximum(want, 0)], np.array([[ow, os_, oe, on]])
        )
        x = np.empty(n)
        y = np.empty(n)
        idx = np.full(n, -1, dtype=np.int64)
        todo = np.arange(n)
        for _ in range(200):
            if not todo.size:
                break
            b = box[todo]
            x[todo] = np.round(b[:, 0] + rng.random(todo.size) * (b[:, 2] - b[:, 0]), DECIMALS)
            y[todo] = np.round(b[:, 1] + rng.random(todo.size) * (b[:, 3] - b[:, 1]), DECIMALS)
            idx[todo] = self.locate(x[todo], y[todo])
            ok = (idx[todo] >= 0) & ((want[todo] < 0) | (idx[todo] == want[todo]))
            todo = todo[~ok]
        if todo.size:  # practically never: fall back to the station
            st = np.where(want[todo] >= 0, want[todo], 0)
            x[todo] = np.array([STATIONS[i].lon for i in st])
            y[todo] = np.array([STATIONS[i].lat for i in st])
            idx[todo] = st
        return x, y, idx


@functools.cache
def build_geography() -> Geography:
    """Build (once) the thana polygons: station Voronoi cells clipped to the outline."""
    outline = city_outline()
    lon = np.array([s.lon for s in STATIONS])
    lat = np.array([s.lat for s in STATIONS])
    points = [shapely.Point(x, y) for x, y in zip(lon, lat, strict=True)]
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=outline)
    )
    polygons: list[BaseGeometry] = []
    for point in points:
        cell = cells[shapely.contains(cells, point)]
        if len(cell) != 1:
            raise RuntimeError("a demo station is not in exactly one Voronoi cell")
        clipped = shapely.normalize(shapely.intersection(cell[0], outline))
        if clipped.geom_type not in ("Polygon", "MultiPolygon") or not clipped.is_valid:
            raise RuntimeError(f"clipped cell is a {clipped.geom_type}")
        polygons.append(clipped)
    for poly in polygons:
        shapely.prepare(poly)
    shapely.prepare(outline)
    k = len(polygons)
    adjacent = np.zeros((k, k), dtype=bool)
    for i in range(k):
        for j in range(i + 1, k):
            shared = shapely.intersection(polygons[i].boundary, polygons[j].boundary)
            adjacent[i, j] = adjacent[j, i] = shared.length > 0
    degree = adjacent.sum(axis=1).astype(np.int64)
    neighbours = np.full((k, int(degree.max())), -1, dtype=np.int64)
    for i in range(k):
        nb = np.flatnonzero(adjacent[i])
        neighbours[i, : nb.size] = nb
    names = [s.name for s in STATIONS]
    return Geography(
        outline=outline,
        polygons=tuple(polygons),
        bounds=np.asarray(shapely.bounds(np.asarray(polygons, dtype=object)), dtype=float),
        order=np.array(sorted(range(k), key=lambda i: names[i]), dtype=np.int64),
        neighbours=neighbours,
        n_neighbours=degree,
    )
