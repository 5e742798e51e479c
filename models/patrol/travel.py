"""Travel between patrol stops: straight line × detour factor, or shortest paths on a road graph."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Transformer
from scipy import sparse
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from geo.crs import WGS84
from geo.errors import InputFileError, ParameterError
from geo.i18n import counted, format_int, ngettext
from models.arrays import FloatArray, IntArray

logger = logging.getLogger(__name__)


#: Road distance ÷ straight-line distance assumed without a road graph. Urban circuity is
#: typically 1.2–1.4 (Boscoe et al. 2012; Giacomin & Levinson 2015); old-city lanes are worse.
DEFAULT_DETOUR_FACTOR: Final = 1.4
#: Methods of :class:`Distances`.
STRAIGHT: Final = "straight-line"
ROAD: Final = "road-graph"
#: File types read as OpenStreetMap XML by osmnx, and as GraphML.
OSM_SUFFIXES: Final = (".osm", ".xml")
GRAPHML_SUFFIXES: Final = (".graphml",)
#: Vector files read as road centre lines (no osmnx needed).
LINE_SUFFIXES: Final = (".geojson", ".gpkg", ".shp", ".json")


def check_detour(detour_factor: float) -> float:
    """Return the detour factor after checking it is a number in [1, 5].

    Raises
    ------
    geo.errors.ParameterError
    """
    try:
        value = float(detour_factor)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value) or not 1.0 <= value <= 5.0:
        raise ParameterError(
            f"detour_factor must be a number in [1, 5], got {detour_factor!r}",
            why="road distance is at least the straight-line distance",
            fix=f"use {DEFAULT_DETOUR_FACTOR} (typical urban roads) or load a road graph",
        )
    return value


def travel_seconds(distance_m: FloatArray, speed_kmh: float) -> IntArray:
    """Return whole seconds (rounded up) to cover ``distance_m`` at ``speed_kmh``.

    Parameters
    ----------
    distance_m : array of float
    speed_kmh : float
        Positive.

    Returns
    -------
    array of int64
    """
    if not speed_kmh > 0:
        raise ParameterError(f"speed_kmh must be positive, got {speed_kmh!r}", fix="use 18")
    metres_per_s = speed_kmh * 1000.0 / 3600.0
    return np.ceil(np.asarray(distance_m, dtype=np.float64) / metres_per_s - 1e-9).astype(np.int64)


@dataclass(frozen=True)
class RoadGraph:
    """A directed road graph in the metric CRS, ready for shortest paths.

    Attributes
    ----------
    node_xy : array (n, 2)
        Node coordinates in ``metric_crs`` (metres).
    node_lonlat : array (n, 2)
        The same in EPSG:4326.
    lengths : scipy.sparse.csr_matrix
        Edge lengths in metres (the shortest of parallel edges).
    metric_crs : str
    source : str
        Where it came from (file name), for reports.
    """

    node_xy: FloatArray
    node_lonlat: FloatArray
    lengths: sparse.csr_matrix
    metric_crs: str
    source: str
    _tree: Any = field(default=None, repr=False, compare=False)

    @property
    def tree(self) -> cKDTree:
        """Return the KD-tree of the nodes (for snapping stops to the nearest node)."""
        if self._tree is None:
            object.__setattr__(self, "_tree", cKDTree(self.node_xy))
        tree: cKDTree = self._tree
        return tree


def road_graph_from_networkx(graph: Any, *, metric_crs: str, source: str = "graph") -> RoadGraph:
    """Build a :class:`RoadGraph` from an osmnx / networkx graph.

    Parameters
    ----------
    graph : networkx.MultiDiGraph or DiGraph
        Nodes with ``x`` (longitude) and ``y`` (latitude) in EPSG:4326 and edges with
        ``length`` in metres — as osmnx builds them. Undirected graphs count both ways.
    metric_crs : str
        Projected CRS the nodes are placed in (the lengths are the graph's own).
    source : str
        Name of the graph (its file) for messages and reports.

    Returns
    -------
    RoadGraph
        Directed as ``graph`` is; the shortest of parallel edges kept.

    Raises
    ------
    geo.errors.InputFileError
        For a graph without nodes or edges, or without coordinates or lengths.
    """
    nodes = list(graph.nodes(data=True))
    if not nodes or graph.number_of_edges() == 0:
        raise InputFileError(
            f"the road graph {source} has no roads",
            fix="extract an area with roads (e.g. osmium extract or the Overpass API export)",
        )
    index: dict[Any, int] = {}
    lonlat = np.empty((len(nodes), 2), dtype=np.float64)
    for i, (key, data) in enumerate(nodes):
        if "x" not in data or "y" not in data:
            raise InputFileError(
                f"node {key!r} of the road graph {source} has no x/y coordinates",
                fix="load OpenStreetMap files with osmnx, which sets them",
            )
        index[key] = i
        lonlat[i] = (float(data["x"]), float(data["y"]))
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for u, v, data in graph.edges(data=True):
        length = data.get("length")
        if length is None or not math.isfinite(float(length)) or float(length) < 0:
            raise InputFileError(
                f"edge {u!r}→{v!r} of the road graph {source} has no length in metres",
                fix="load OpenStreetMap files with osmnx, which sets edge lengths",
            )
        rows.append(index[u])
        cols.append(index[v])
        vals.append(float(length))
    edges = (rows, cols, vals)
    return _road_graph(lonlat, edges, bool(graph.is_directed()), metric_crs, source)


def _road_graph(
    lonlat: FloatArray,
    edges: tuple[Any, Any, Any],
    directed: bool,
    metric_crs: str,
    source: str,
) -> RoadGraph:
    """Return a :class:`RoadGraph` of edges ``rows → cols`` of ``vals`` metres.

    ``edges``: the ``(rows, cols, vals)`` node numbers and lengths, any sequences of numbers.
    """
    rows = np.asarray(edges[0], dtype=np.int64)
    cols = np.asarray(edges[1], dtype=np.int64)
    vals = np.asarray(edges[2], dtype=np.float64)
    if not directed:
        rows, cols, vals = (
            np.concatenate([rows, cols]),
            np.concatenate([cols, rows]),
            np.tile(vals, 2),
        )
    vals = np.maximum(vals, 1e-3)  # a zero length would vanish in a sparse matrix
    n = len(lonlat)
    # Parallel edges: keep the shortest (coo→csr would add them up).
    order = np.lexsort((vals, cols, rows))
    r, c, w = rows[order], cols[order], vals[order]
    first = np.ones(len(r), dtype=bool)
    first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
    lengths = sparse.csr_matrix((w[first], (r[first], c[first])), shape=(n, n))
    to_metric = Transformer.from_crs(WGS84, metric_crs, always_xy=True)
    x, y = to_metric.transform(lonlat[:, 0], lonlat[:, 1])
    xy = np.column_stack([np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)])
    logger.info("road graph %s: %d nodes, %d edges", source, n, lengths.nnz)
    return RoadGraph(xy, lonlat, lengths, metric_crs, source)


def road_graph_from_lines(
    lines: gpd.GeoDataFrame, *, metric_crs: str, source: str = "lines"
) -> RoadGraph:
    """Build an undirected :class:`RoadGraph` from road centre lines (e.g. an OSM export).

    Every vertex is a node and lines that share a vertex (as OpenStreetMap ways do at
    junctions) are connected there; an edge's length is measured in ``metric_crs``.

    Parameters
    ----------
    lines : geopandas.GeoDataFrame
        LineStrings or MultiLineStrings in any CRS (not modified).
    metric_crs : str
        Projected CRS in which the edges are measured and near vertices (0.1 m) merged.
    source : str
        Name of the layer (its file) for messages and reports.

    Returns
    -------
    RoadGraph
        Every edge both ways.

    Raises
    ------
    geo.errors.InputFileError
        For a layer without lines.
    """
    geoms = lines.geometry.to_crs(metric_crs).explode(index_parts=False).to_numpy()
    geoms = np.asarray([g for g in geoms if g is not None and g.geom_type == "LineString"])
    if geoms.size == 0:
        raise InputFileError(
            f"the road layer {source} has no lines",
            fix="give road centre lines (LineStrings), e.g. an OpenStreetMap highway export",
        )
    coords, part = shapely.get_coordinates(geoms, return_index=True)
    key = np.round(coords, 1)  # vertices closer than 0.1 m are one junction
    _, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    same_line = part[1:] == part[:-1]
    u, v = inverse[:-1][same_line], inverse[1:][same_line]
    seg = np.hypot(*(coords[1:][same_line] - coords[:-1][same_line]).T)
    n = int(inverse.max()) + 1
    node_xy = np.zeros((n, 2))
    node_xy[inverse] = coords
    to_wgs = Transformer.from_crs(metric_crs, WGS84, always_xy=True)
    lon, lat = to_wgs.transform(node_xy[:, 0], node_xy[:, 1])
    lonlat = np.column_stack([np.asarray(lon), np.asarray(lat)]).astype(np.float64)
    keep = u != v
    return _road_graph(lonlat, (u[keep], v[keep], seg[keep]), False, metric_crs, source)


def load_road_graph(path: Path | str, *, metric_crs: str) -> RoadGraph:
    """Load a road graph from a local file: OSM XML or GraphML (osmnx), or road lines.

    Parameters
    ----------
    path : Path or str
        An OpenStreetMap XML extract (``.osm``/``.xml``) or a GraphML file saved by osmnx
        (both need osmnx), or road centre lines (``.geojson``/``.gpkg``/``.shp``, read with
        geopandas). Nothing is downloaded.
    metric_crs : str
        Projected CRS of the graph's nodes (and of the lines' lengths).

    Returns
    -------
    RoadGraph
        Its ``source`` is the file's name.

    Raises
    ------
    geo.errors.InputFileError
        When osmnx is not installed, or the file is missing or cannot be read.
    """
    file = Path(path)
    if not file.exists():
        raise InputFileError(f"road graph file {file} does not exist", fix="check the path")
    if file.suffix.lower() in LINE_SUFFIXES:
        try:
            lines = gpd.read_file(file)
        except Exception as exc:  # pyogrio raises its own error kinds
            raise InputFileError(f"cannot read the road lines {file.name}: {exc}", fix="") from exc
        return road_graph_from_lines(lines, metric_crs=metric_crs, source=file.name)
    try:
        import osmnx
    except ImportError:
        raise InputFileError(
            "reading a road graph needs the optional package osmnx, which is not installed",
            why="without it travel times use straight lines × a detour factor",
            fix="pip install osmnx==2.1.1, or leave out the road graph",
        ) from None
    suffix = file.suffix.lower()
    try:
        if suffix in GRAPHML_SUFFIXES:
            graph = osmnx.load_graphml(file)
        elif suffix in OSM_SUFFIXES:
            graph = osmnx.graph_from_xml(file, simplify=True, retain_all=True)
        else:
            raise InputFileError(
                f"cannot read a road graph from {file.name}",
                fix="give an OpenStreetMap .osm/.xml extract, an osmnx .graphml file or road "
                "lines (.geojson/.gpkg/.shp)",
            )
    except InputFileError:
        raise
    except Exception as exc:  # osmnx raises many kinds (XML, value, key errors)
        raise InputFileError(
            f"cannot read the road graph {file.name}: {exc}",
            fix="check that it is an OpenStreetMap XML extract with highways",
        ) from exc
    return road_graph_from_networkx(graph, metric_crs=metric_crs, source=file.name)


@dataclass(frozen=True)
class Distances:
    """Travel distances between points (metres) and, on a road graph, the paths.

    Attributes
    ----------
    distance_m : array (n, n)
        Distance from row point to column point.
    method : str
        :data:`STRAIGHT` or :data:`ROAD`.
    description : str
        How distances were computed, for reports.
    notes : tuple of str
        Caveats (pairs not connected by the road graph, far snaps).
    """

    distance_m: FloatArray
    method: str
    description: str
    notes: tuple[str, ...] = ()
    _lonlat: FloatArray | None = field(default=None, repr=False, compare=False)
    _road: RoadGraph | None = field(default=None, repr=False, compare=False)
    _snap: IntArray | None = field(default=None, repr=False, compare=False)
    _sources: IntArray | None = field(default=None, repr=False, compare=False)
    _pred: IntArray | None = field(default=None, repr=False, compare=False)

    def path_lonlat(self, i: int, j: int) -> list[tuple[float, float]]:
        """Return the path from point ``i`` to point ``j`` as ``(lon, lat)`` pairs.

        A straight segment without a road graph (or when the graph does not connect them).
        """
        if self._lonlat is None:
            return []
        a = (float(self._lonlat[i, 0]), float(self._lonlat[i, 1]))
        b = (float(self._lonlat[j, 0]), float(self._lonlat[j, 1]))
        if (
            self._road is None
            or self._snap is None
            or self._sources is None
            or self._pred is None
            or i == j
        ):
            return [a, b]
        row = int(np.searchsorted(self._sources, self._snap[i]))
        target = int(self._snap[j])
        nodes = [target]
        while nodes[-1] != self._snap[i]:
            prev = int(self._pred[row, nodes[-1]])
            if prev < 0:
                return [a, b]
            nodes.append(prev)
        coords = [tuple(map(float, self._road.node_lonlat[n])) for n in reversed(nodes)]
        return [a, *[(c[0], c[1]) for c in coords], b]


def straight_distances(
    xy: FloatArray,
    lonlat: FloatArray | None = None,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
) -> Distances:
    """Return straight-line distances × ``detour_factor`` between metric points.

    Parameters
    ----------
    xy : array (n, 2)
        Points in the metric CRS.
    lonlat : array (n, 2), optional
        The same in EPSG:4326 (for drawing paths).
    detour_factor : float
        Road distance ÷ straight-line distance, in [1, 5].

    Returns
    -------
    Distances
        Method :data:`STRAIGHT`; its paths are straight segments (none without ``lonlat``).
    """
    factor = check_detour(detour_factor)
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    dist = cdist(pts, pts) * factor
    return Distances(
        distance_m=dist,
        method=STRAIGHT,
        description=f"straight line × {factor:g} detour factor (no road graph given)",
        _lonlat=None if lonlat is None else np.asarray(lonlat, dtype=np.float64),
    )


def road_distances(
    xy: FloatArray,
    lonlat: FloatArray,
    road: RoadGraph,
    *,
    detour_factor: float = DEFAULT_DETOUR_FACTOR,
) -> Distances:
    """Return shortest-path distances on ``road`` between points (Dijkstra with scipy).

    Each point is snapped to its nearest graph node; the snap distance is walked straight
    (× ``detour_factor``) at both ends. Pairs the graph does not connect fall back to the
    straight line × ``detour_factor``, and the notes say how many.

    Parameters
    ----------
    xy : array (n, 2)
        Points in ``road.metric_crs``.
    lonlat : array (n, 2)
        The same in EPSG:4326 (the ends of the paths).
    road : RoadGraph
        The roads, e.g. from :func:`load_road_graph`.
    detour_factor : float
        In [1, 5]: for the walks to and from the graph and the pairs it does not connect.

    Returns
    -------
    Distances
        Method :data:`ROAD`, with the paths on the graph and notes on the pairs it does not
        connect and on stops far from its roads.
    """
    factor = check_detour(detour_factor)
    pts = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    snap_m, snap = road.tree.query(pts)
    snap = np.asarray(snap, dtype=np.int64)
    snap_m = np.asarray(snap_m, dtype=np.float64)
    sources = np.unique(snap)
    graph_m, pred = dijkstra(road.lengths, directed=True, indices=sources, return_predecessors=True)
    row_of = np.searchsorted(sources, snap)
    on_graph = graph_m[row_of][:, snap]
    dist = on_graph + factor * (snap_m[:, None] + snap_m[None, :])
    straight = cdist(pts, pts) * factor
    broken = ~np.isfinite(dist)
    dist = np.where(broken, straight, dist)
    np.fill_diagonal(dist, 0.0)
    notes: list[str] = []
    if broken.any():
        text = ngettext(
            "{n} of {total} stop pairs are not connected by the road graph; they use the "
            "straight line × {factor}",
            "{n} of {total} stop pairs are not connected by the road graph; they use the "
            "straight line × {factor}",
            int(broken.size),
        )
        notes.append(
            text.format(
                n=format_int(int(broken.sum())),
                total=format_int(int(broken.size)),
                factor=f"{factor:g}",
            )
        )
    far = int((snap_m > 500).sum())
    if far:
        notes.append(
            counted(
                far,
                "{n} stops are more than 500 m from the nearest road of the graph",
                "{n} stops are more than 500 m from the nearest road of the graph",
            )
        )
    return Distances(
        distance_m=dist,
        method=ROAD,
        description=f"shortest paths on the road graph {road.source} (Dijkstra)",
        notes=tuple(notes),
        _lonlat=np.asarray(lonlat, dtype=np.float64),
        _road=road,
        _snap=snap,
        _sources=sources.astype(np.int64),
        _pred=np.asarray(pred, dtype=np.int64),
    )
