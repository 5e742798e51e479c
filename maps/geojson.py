"""Compact GeoJSON layers: rounded, delta-encoded coordinates decoded in the browser."""

# A hexagon written as plain GeoJSON by folium takes ~300 bytes; with coordinates as integers
# (degrees × 10^decimals), each vertex stored as the difference from the previous one, and no
# repeated keys, it takes ~60. The browser rebuilds an ordinary FeatureCollection with
# ``shaktiGeo`` before handing it to Leaflet, so styling, popups and search work as usual.

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import numpy.typing as npt
import shapely
from branca.element import Element, Figure
from folium.map import Layer
from folium.template import Template
from folium.utilities import JsCode

from geo.crs import WGS84, metric_crs_for, to_metric, to_wgs84

#: Decimals of the degrees written into maps (5 ≈ 1 m).
DECIMALS: Final = 5
#: Shareable maps: polygons drawn from incident positions are grown by this many metres and
#: simplified, and their vertices rounded to :data:`SHARE_DECIMALS` (≈ 11 m), so no vertex
#: sits on an incident.
SHARE_BLUR_M: Final = 30.0
SHARE_SIMPLIFY_M: Final = 10.0
SHARE_DECIMALS: Final = 4

#: Geometry type codes of the compact encoding.
POINT: Final = 0
POLYGON: Final = 1
MULTIPOLYGON: Final = 2
LINESTRING: Final = 3

#: The browser side of the encoding.
DECODE_JS: Final = """
function shaktiGeo(c) {
  var s = c.scale, features = [];
  function ring(r) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i < r.length; i += 2) { x += r[i]; y += r[i + 1]; out.push([x / s, y / s]); }
    return out;
  }
  for (var i = 0; i < c.g.length; i++) {
    var t = c.t[i], g = c.g[i], geom;
    if (t === 0) { geom = {type: "Point", coordinates: [g[0] / s, g[1] / s]}; }
    else if (t === 1) { geom = {type: "Polygon", coordinates: g.map(ring)}; }
    else if (t === 2) {
      geom = {type: "MultiPolygon", coordinates: g.map(function (p) { return p.map(ring); })};
    }
    else { geom = {type: "LineString", coordinates: ring(g)}; }
    features.push({type: "Feature", id: String(i), geometry: geom, properties: c.p[i]});
  }
  return {type: "FeatureCollection", features: features};
}
"""


def in_wgs84(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the layer in EPSG:4326 (the same object when it already is)."""
    if layer.crs is None:
        return layer.set_crs(WGS84)
    return to_wgs84(layer)


def drawable(layer: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """Return a layer to draw, in EPSG:4326; ``None`` when it is missing or has no rows.

    Examples
    --------
    >>> drawable(None), drawable(gpd.GeoDataFrame(geometry=[], crs=32644))
    (None, None)
    >>> drawable(gpd.GeoDataFrame(geometry=[shapely.Point(7e5, 2.8e6)], crs=32644)).crs.to_epsg()
    4326
    """
    return in_wgs84(layer) if layer is not None and len(layer) else None


def point_degrees(
    points: npt.NDArray[np.object_],
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return the latitudes and longitudes of points (EPSG:4326), rounded to :data:`DECIMALS`.

    Examples
    --------
    >>> lat, lon = point_degrees(shapely.points([[82.9912345, 25.2812345]]))
    >>> float(lat[0]), float(lon[0])
    (25.28123, 82.99123)
    """
    coords = shapely.get_coordinates(points)
    return np.round(coords[:, 1], DECIMALS), np.round(coords[:, 0], DECIMALS)


def simplified(layer: gpd.GeoDataFrame, tolerance_m: float) -> npt.NDArray[np.object_]:
    """Return the layer's geometries simplified by ``tolerance_m`` metres, in EPSG:4326."""
    if layer.empty:
        return np.empty(0, dtype=object)
    crs = metric_crs_for(layer)
    metric = to_metric(layer.geometry, crs).to_numpy()
    simple = shapely.simplify(metric, tolerance_m, preserve_topology=True)
    return np.asarray(gpd.GeoSeries(simple, crs=crs).to_crs(WGS84).to_numpy(), dtype=object)


def blur_polygons(layer: gpd.GeoDataFrame) -> npt.NDArray[np.object_]:
    """Return the polygons grown by :data:`SHARE_BLUR_M` and simplified, in EPSG:4326.

    Hotspot hulls are drawn through incident positions; in shareable maps they are blurred so
    that no vertex reveals one.
    """
    if layer.empty:
        return np.empty(0, dtype=object)
    crs = metric_crs_for(layer)
    metric = to_metric(layer.geometry, crs)
    grown = shapely.simplify(shapely.buffer(metric.to_numpy(), SHARE_BLUR_M), SHARE_SIMPLIFY_M)
    back = gpd.GeoSeries(grown, crs=crs).to_crs(WGS84)
    return np.asarray(back.to_numpy(), dtype=object)


def _ring(coords: npt.NDArray[np.float64], scale: float) -> list[int]:
    """Return a coordinate sequence as integer deltas ``[x0, y0, dx1, dy1, ...]``."""
    q = np.round(np.asarray(coords)[:, :2] * scale).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    keep = np.ones(len(deltas), dtype=bool)
    keep[1:] = np.any(deltas[1:] != 0, axis=1)  # vertices repeated after rounding
    flat: list[int] = deltas[keep].reshape(-1).tolist()
    return flat


def encode_geometry(geom: Any, scale: float) -> tuple[int, list[Any]] | None:
    """Return ``(type code, integer-delta coordinates)`` of a geometry (``None`` if empty)."""
    if geom is None or geom.is_empty:
        return None
    kind = geom.geom_type
    if kind == "Point":
        return POINT, _ring(np.array([[geom.x, geom.y]]), scale)
    if kind == "Polygon":
        rings = [geom.exterior, *geom.interiors]
        return POLYGON, [_ring(np.asarray(r.coords), scale) for r in rings]
    if kind == "MultiPolygon":
        return MULTIPOLYGON, [
            [_ring(np.asarray(r.coords), scale) for r in (p.exterior, *p.interiors)]
            for p in geom.geoms
        ]
    if kind == "LineString":
        return LINESTRING, _ring(np.asarray(geom.coords), scale)
    if kind == "GeometryCollection":  # keep the polygon parts (e.g. after a buffer)
        parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
        if not parts:
            return None
        return encode_geometry(shapely.union_all(parts), scale)
    raise ValueError(f"cannot draw a {kind} geometry")


def _encode_polygons(polys: npt.NDArray[np.object_], scale: float) -> list[list[list[list[int]]]]:
    """Return, per (multi)polygon, its polygons' rings as integer deltas (vectorised)."""
    parts, part_of = shapely.get_parts(polys, return_index=True)
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    coords, coord_of = shapely.get_coordinates(rings, return_index=True)
    q = np.round(coords * scale).astype(np.int64)
    deltas = q.copy()
    deltas[1:] -= q[:-1]
    first = np.ones(len(q), dtype=bool)
    first[1:] = coord_of[1:] != coord_of[:-1]
    deltas[first] = q[first]
    keep = first | np.any(deltas != 0, axis=1)  # vertices repeated after rounding
    deltas, coord_of = deltas[keep], coord_of[keep]
    cuts = np.flatnonzero(np.diff(coord_of)) + 1
    ring_lists = [chunk.reshape(-1).tolist() for chunk in np.split(deltas, cuts)]
    ring_ids = coord_of[np.concatenate(([0], cuts))] if len(coord_of) else np.empty(0, int)
    by_part: list[list[list[int]]] = [[] for _ in range(len(parts))]
    for ring_id, ring in zip(ring_ids, ring_lists, strict=True):
        by_part[int(ring_of[ring_id])].append(ring)
    out: list[list[list[list[int]]]] = [[] for _ in range(len(polys))]
    for part, rings_ in enumerate(by_part):
        out[int(part_of[part])].append(rings_)
    return out


def compact_collection(
    geoms: Sequence[Any] | npt.NDArray[np.object_],
    properties: Sequence[Mapping[str, Any]],
    *,
    decimals: int = DECIMALS,
) -> dict[str, Any]:
    """Return the compact encoding of features (decoded by ``shaktiGeo`` in the browser).

    Parameters
    ----------
    geoms : sequence of shapely geometries
        In EPSG:4326; missing and empty ones are skipped.
    properties : sequence of dict
        One per geometry (JSON-serialisable).
    decimals : int
        Coordinates are rounded to this many decimals of a degree.

    Returns
    -------
    dict
        ``{"scale": 10**decimals, "t": [type codes], "g": [coordinates], "p": [properties]}``.
    """
    scale = 10**decimals
    arr = np.asarray(geoms, dtype=object)
    if len(arr) != len(properties):
        raise ValueError(f"{len(arr)} geometries for {len(properties)} property sets")
    type_ids = shapely.get_type_id(arr)
    empty = shapely.is_empty(arr) | (type_ids < 0)
    encoded: list[tuple[int, list[Any]] | None] = [None] * len(arr)
    points = np.flatnonzero((type_ids == 0) & ~empty)
    if points.size:
        q = np.round(shapely.get_coordinates(arr[points]) * scale).astype(np.int64).tolist()
        for i, xy in zip(points, q, strict=True):
            encoded[i] = (POINT, xy)
    polys = np.flatnonzero(((type_ids == 3) | (type_ids == 6)) & ~empty)
    if polys.size:
        for i, parts in zip(polys, _encode_polygons(arr[polys], scale), strict=True):
            encoded[i] = (POLYGON, parts[0]) if type_ids[i] == 3 else (MULTIPOLYGON, parts)
    for i in np.flatnonzero(~empty & ~np.isin(type_ids, (0, 3, 6))):
        encoded[i] = encode_geometry(arr[i], scale)
    types: list[int] = []
    coords: list[Any] = []
    props: list[dict[str, Any]] = []
    for item, prop in zip(encoded, properties, strict=True):
        if item is None:
            continue
        types.append(item[0])
        coords.append(item[1])
        props.append(dict(prop))
    return {"scale": scale, "t": types, "g": coords, "p": props}


def feature_collection(
    geoms: Sequence[Any] | npt.NDArray[np.object_],
    properties: Sequence[Mapping[str, Any]],
    *,
    decimals: int = DECIMALS,
) -> dict[str, Any]:
    """Return a plain GeoJSON FeatureCollection (coordinates rounded; ids ``"0"``, ``"1"``...).

    Used where a plain collection is needed (the mini-map outline); layers use
    :class:`CompactGeoJson`.
    """
    features = []
    for i, (geom, prop) in enumerate(zip(geoms, properties, strict=True)):
        if geom is None or geom.is_empty:
            continue
        rounded = shapely.transform(geom, lambda xy: np.round(xy, decimals))
        features.append(
            {
                "type": "Feature",
                "id": str(i),
                "geometry": shapely.geometry.mapping(rounded),
                "properties": dict(prop),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def compact_json(value: Any) -> str:
    """Return JSON without spaces that is safe inside an HTML ``<script>`` element."""
    return (
        json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def add_decoder(m: folium.Map) -> None:
    """Add ``shaktiGeo`` (the decoder) to the page head, once."""
    root = m.get_root()
    if isinstance(root, Figure):
        root.header.add_child(Element(f"<script>{DECODE_JS}</script>"), name="shakti_geo")


class CompactGeoJson(folium.GeoJson):
    """A GeoJSON layer embedded in the compact encoding (a folium ``GeoJson`` for controls).

    It is a ``folium.GeoJson`` so that the layer control and folium's ``Search`` accept it;
    ``data`` holds the first feature's properties only (what ``Search`` checks). A layer that
    is off at start builds its features when first switched on, so hidden layers cost nothing
    when the page opens.

    Parameters
    ----------
    geoms : sequence of shapely geometries
        In EPSG:4326.
    properties : sequence of dict
    name : str
        Name in the layer control.
    on_each_feature : str
        JavaScript ``function (feature, layer)`` (styles, popups, tooltips).
    show : bool
    decimals : int
    marker : folium.CircleMarker or folium.Circle, optional
        How points are drawn (its options are the defaults of each point).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJson(null, {
            {%- if this.marker %}
            pointToLayer: function (feature, latlng) {
                return new L.{{ this.marker._name }}(
                    latlng, {{ this.marker.options|tojavascript }});
            },
            {%- endif %}
            onEachFeature: {{ this.on_each_feature }},
            smoothFactor: 0.5
        });
        {%- if this.show %}
        {{ this.get_name() }}.addData(shaktiGeo({{ this.compact }}));
        {%- else %}
        {{ this.get_name() }}.once("add", function () {
            this.addData(shaktiGeo({{ this.compact }}));
        });
        {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(
        self,
        geoms: Sequence[Any] | npt.NDArray[np.object_],
        properties: Sequence[Mapping[str, Any]],
        *,
        name: str,
        on_each_feature: str,
        show: bool = True,
        decimals: int = DECIMALS,
        marker: Any = None,
    ) -> None:
        Layer.__init__(self, name=name, overlay=True, control=True, show=show)
        self._name = "GeoJson"
        collection = compact_collection(geoms, properties, decimals=decimals)
        self.n_features = len(collection["t"])
        self.compact = compact_json(collection)
        first = collection["p"][:1]
        self.data = {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "geometry": None, "properties": p} for p in first],
        }
        self.on_each_feature = JsCode(on_each_feature)
        self.marker = marker
        self.style = False
        self.highlight = False
        self.embed = True
