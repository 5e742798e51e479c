"""Each row's geometry, from the file's geometry, lat/lon or WKT, checked against the region."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.errors import InputFileError
from geo.i18n import _, counted
from geo.ingest.columns import ColumnPlan
from geo.ingest.parsing import parse_numbers
from geo.ingest.problems import Problems, as_text, problem_message
from geo.ingest.public_text import describe_names
from geo.ingest.quarantine import Reason
from geo.ingest.readers import RawTable
from geo.region import Region
from geo.schema import LayerSpec

#: Pseudo-field names used in quarantine rows for problems of the location itself.
LOCATION = "location"


@dataclass(frozen=True)
class Locating:
    """What locating a file's rows needs: the file, its columns, the layer, region and collectors.

    Attributes
    ----------
    raw : RawTable
        The file as read (its own geometry, if any).
    frame : pandas.DataFrame
        The file's columns without the personal ones.
    plan : ColumnPlan
        Which columns give which fields and the coordinates.
    spec : LayerSpec
    region : Region
    problems : Problems
        Collects location problems.
    rows : numpy.ndarray
        1-based file row numbers.
    warnings : list of str
        Collects the repairs applied.
    fix_swapped : bool
        Swap swapped lat/lon back instead of quarantining the row.
    """

    raw: RawTable
    frame: pd.DataFrame
    plan: ColumnPlan
    spec: LayerSpec
    region: Region
    problems: Problems
    rows: npt.NDArray[np.int64]
    warnings: list[str]
    fix_swapped: bool


def locate(job: Locating) -> gpd.GeoSeries:
    """Build the geometry of every row, recording location problems."""
    raw, frame, plan, problems, rows = job.raw, job.frame, job.plan, job.problems, job.rows
    n = len(frame)
    if raw.geometry is not None:
        geometry, missing = _geometry_from_file(raw.geometry, problems, rows)
    elif plan.lat and plan.lon and job.spec.geometry == "Point":
        geometry, lon_a, lat_a = _points_from_lat_lon(frame, plan.lat, plan.lon, problems, rows)
        return _check_points(job, geometry, lon_a, lat_a, (plan.lat, plan.lon))
    elif plan.wkt:
        geometry, missing = _geometry_from_wkt(frame, plan.wkt, problems, rows)
    else:
        raise _nowhere_error(raw, frame, job.spec)

    if job.spec.geometry == "Point":
        ok = ~missing
        wrong = _wrong_type(
            geometry,
            ok,
            ("Point",),
            # TRANSLATORS: {type} is a geometry type (LineString, Polygon...), kept in English.
            _("a {type} where a Point is expected"),
            _("give one point per row"),
            problems,
            rows,
        )
        geometry[wrong] = None
        xs = np.full(n, np.nan)
        ys = np.full(n, np.nan)
        points = ok & ~wrong
        xs[points] = shapely.get_x(geometry[points].to_numpy())
        ys[points] = shapely.get_y(geometry[points].to_numpy())
        return _check_points(job, geometry, xs, ys, (LOCATION, LOCATION))
    return _check_polygons(job, geometry, missing)


def _geometry_from_file(
    file_geometry: gpd.GeoSeries, problems: Problems, rows: npt.NDArray[np.int64]
) -> tuple[gpd.GeoSeries, npt.NDArray[np.bool_]]:
    """Return the file's own geometries and which are missing (recorded as problems)."""
    geoms = np.asarray(file_geometry.reset_index(drop=True).to_numpy(), dtype=object)
    geometry = gpd.GeoSeries(geoms, crs=WGS84)
    missing = geometry.isna().to_numpy() | geometry.is_empty.to_numpy()
    problems.add_rows(
        missing,
        LOCATION,
        Reason.MISSING_GEOMETRY,
        rows,
        lambda p: (LOCATION, _("the feature has no geometry"), _("draw or locate it")),
    )
    return geometry, missing


def _points_from_lat_lon(
    frame: pd.DataFrame,
    lat_column: str,
    lon_column: str,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> tuple[gpd.GeoSeries, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return points from latitude/longitude columns and the parsed lon and lat values.

    Missing and non-numeric coordinates are recorded as problems; their points are missing.
    """
    lat, lat_missing, lat_nonnum = parse_numbers(frame[lat_column])
    lon, lon_missing, lon_nonnum = parse_numbers(frame[lon_column])
    missing = lat_missing | lon_missing
    nonnum = (lat_nonnum | lon_nonnum) & ~missing
    problems.add_rows(
        missing,
        LOCATION,
        Reason.MISSING_COORDINATES,
        rows,
        lambda p: (
            lat_column if lat_missing[p] else lon_column,
            _("the coordinate is empty"),
            _("fill in both latitude and longitude in decimal degrees (25.3176, 83.0104)"),
        ),
    )
    problems.add_rows(
        nonnum,
        LOCATION,
        Reason.NON_NUMERIC_COORDINATES,
        rows,
        lambda p: (
            lat_column if lat_nonnum[p] else lon_column,
            _("{value} is not a number").format(
                value=repr(frame[lat_column if lat_nonnum[p] else lon_column].iloc[p])
            ),
            _("write decimal degrees such as 25.3176 (no N/E letters, no degree signs)"),
        ),
    )
    lon_a = lon.to_numpy(dtype=float)
    lat_a = lat.to_numpy(dtype=float)
    geometry = gpd.GeoSeries(shapely.points(lon_a, lat_a), crs=WGS84)
    geometry[missing | nonnum] = None
    return geometry, lon_a, lat_a


def _geometry_from_wkt(
    frame: pd.DataFrame, wkt_column: str, problems: Problems, rows: npt.NDArray[np.int64]
) -> tuple[gpd.GeoSeries, npt.NDArray[np.bool_]]:
    """Return geometries parsed from a WKT column and which are missing or unparseable."""
    text = as_text(frame[wkt_column])
    geoms = shapely.from_wkt(text.fillna("").to_numpy(dtype=object), on_invalid="ignore")
    geometry = gpd.GeoSeries(geoms, crs=WGS84)
    empty_text = text.isna().to_numpy()
    unparsed = (~empty_text) & geometry.isna().to_numpy()
    fix = _("give a WKT such as POINT (83.0104 25.3176), lon first")
    problems.add_rows(
        empty_text,
        LOCATION,
        Reason.MISSING_GEOMETRY,
        rows,
        lambda p: (wkt_column, _("the WKT geometry is empty"), fix),
    )
    problems.add_rows(
        unparsed,
        LOCATION,
        Reason.INVALID_GEOMETRY,
        rows,
        lambda p: (
            wkt_column,
            _("{value} is not valid WKT").format(value=repr(text.iloc[p][:60])),
            fix,
        ),
    )
    missing = empty_text | unparsed
    return geometry, missing


def _nowhere_error(raw: RawTable, frame: pd.DataFrame, spec: LayerSpec) -> InputFileError:
    """Return the error of a file with no way to locate its rows."""
    cols = describe_names(frame.columns)  # a few, clipped: never the whole header
    # TRANSLATORS: {kind} is a layer name (incidents, sites...), kept in English; {columns}
    # the file's column names.
    why = (
        _(
            "a {kind} file needs a geometry, latitude/longitude columns or a WKT column; its "
            "columns are: {columns}"
        )
        if spec.geometry == "Point"
        else _(
            "a {kind} file needs polygon geometry (GeoJSON, GeoPackage, Shapefile) or a WKT "
            "column; its columns are: {columns}"
        )
    )
    return InputFileError(
        _("{source}: cannot find where the rows are").format(source=raw.source),
        why=why.format(kind=spec.kind.value, columns=cols),
        fix=_(
            "rename the coordinate columns to lat/lon (or map them: --map 'Y=lat' "
            "--map 'X=lon'), or give a WKT column named wkt"
        ),
    )


def _wrong_type(
    geometry: gpd.GeoSeries,
    ok: npt.NDArray[np.bool_],
    allowed: tuple[str, ...],
    what: str,
    fix: str,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Record rows whose geometry type is not allowed; return their mask.

    ``what`` is the translated problem text, with a ``{type}`` placeholder.
    """
    types = geometry.geom_type.to_numpy()
    wrong: npt.NDArray[np.bool_] = ok & ~np.isin(types, allowed)
    positions = np.flatnonzero(wrong)
    problems.add(
        positions,
        LOCATION,
        Reason.WRONG_GEOMETRY_TYPE,
        [
            problem_message(int(rows[p]), LOCATION, what.format(type=types[p]), fix)
            for p in positions
        ],
    )
    return wrong


def _check_points(
    job: Locating,
    geometry: gpd.GeoSeries,
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    names: tuple[str, str],
) -> gpd.GeoSeries:
    """Record swapped, off-Earth and out-of-region points; swap back when asked."""
    region, problems, rows = job.region, job.problems, job.rows
    finite = np.isfinite(lon) & np.isfinite(lat)
    in_range = finite & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    inside = region.contains(np.where(in_range, lon, np.nan), np.where(in_range, lat, np.nan))
    swapped = finite & ~inside & region.contains(lat, lon)
    invalid = finite & ~in_range & ~swapped
    outside = in_range & ~inside & ~swapped
    lat_name, lon_name = names
    w, s, e, nn = region.bounds
    if swapped.any():
        pos = np.flatnonzero(swapped)
        if job.fix_swapped:
            geometry.iloc[pos] = shapely.points(lat[pos], lon[pos])
            listed = ", ".join(str(int(rows[p])) for p in pos[:10]) + (
                ", ..." if len(pos) > 10 else ""
            )
            # TRANSLATORS: {rows} lists file row numbers (at most 10, then "...").
            job.warnings.append(
                counted(
                    len(pos),
                    "{n} row had latitude and longitude swapped and was swapped back (row {rows})",
                    "{n} rows had latitude and longitude swapped and were swapped back "
                    "(rows {rows})",
                    rows=listed,
                )
            )
        else:
            problems.add(
                pos,
                LOCATION,
                Reason.LAT_LON_SWAPPED,
                [
                    problem_message(
                        int(rows[p]),
                        f"{lat_name}/{lon_name}" if lat_name != lon_name else lat_name,
                        # TRANSLATORS: {region} is the region's name (Varanasi).
                        _(
                            "latitude {lat} and longitude {lon} look swapped (swapped, the "
                            "point lies inside {region})"
                        ).format(lat=lat[p], lon=lon[p], region=region.label),
                        _(
                            "swap the two values in the file, or rerun with --fix-swapped to "
                            "accept the swapped position"
                        ),
                    )
                    for p in pos
                ],
            )
    problems.add_rows(
        invalid,
        LOCATION,
        Reason.INVALID_COORDINATES,
        rows,
        lambda p: (
            lat_name,
            _("latitude {lat} / longitude {lon} are not on Earth").format(lat=lat[p], lon=lon[p]),
            _("latitude must lie within ±90 and longitude within ±180, in decimal degrees"),
        ),
    )
    problems.add_rows(
        outside,
        LOCATION,
        Reason.OUTSIDE_REGION,
        rows,
        lambda p: (
            lat_name,
            # TRANSLATORS: {region} is the region's name; {west}..{east} and
            # {south}..{north} its bounds in degrees.
            _(
                "the point ({lat}, {lon}) lies outside the region {region} "
                "(lon {west}..{east}, lat {south}..{north})"
            ).format(
                lat=f"{lat[p]:.5f}",
                lon=f"{lon[p]:.5f}",
                region=region.label,
                west=f"{w:.3f}",
                east=f"{e:.3f}",
                south=f"{s:.3f}",
                north=f"{nn:.3f}",
            ),
            _("correct the coordinates, or widen the region with --region / SHAKTI_REGION"),
        ),
    )
    return geometry


def _check_polygons(
    job: Locating, geometry: gpd.GeoSeries, missing: npt.NDArray[np.bool_]
) -> gpd.GeoSeries:
    """Record wrong-type, unrepairable and out-of-region polygons; repair the others."""
    region, problems, rows, warnings = job.region, job.problems, job.rows, job.warnings
    ok = ~missing
    wrong = _wrong_type(
        geometry,
        ok,
        ("Polygon", "MultiPolygon"),
        # TRANSLATORS: {type} is a geometry type (Point, LineString...), kept in English.
        _("a {type} where a polygon is expected"),
        _("give the boundary as a Polygon or MultiPolygon"),
        problems,
        rows,
    )
    candidates = ok & ~wrong
    invalid = candidates & ~geometry.is_valid.to_numpy()
    if invalid.any():
        pos = np.flatnonzero(invalid)
        repaired = shapely.make_valid(geometry.iloc[pos].to_numpy())
        polys = []
        for geom in repaired:
            if geom.geom_type == "GeometryCollection":
                parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                geom = shapely.union_all(parts) if parts else shapely.Polygon()
            polys.append(geom)
        fixed = np.array(
            [g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty for g in polys]
        )
        geometry.iloc[pos] = polys
        if fixed.any():
            n_fixed = int(fixed.sum())
            listed = ", ".join(str(int(rows[p])) for p in pos[fixed][:10]) + (
                ", ..." if n_fixed > 10 else ""
            )
            # TRANSLATORS: {rows} lists file row numbers (at most 10, then "...").
            warnings.append(
                counted(
                    n_fixed,
                    "{n} invalid polygon was repaired with make_valid (row {rows}); check its "
                    "boundary",
                    "{n} invalid polygons were repaired with make_valid (rows {rows}); check their "
                    "boundaries",
                    rows=listed,
                )
            )
        broken = pos[~fixed]
        problems.add(
            broken,
            LOCATION,
            Reason.INVALID_GEOMETRY,
            [
                problem_message(
                    int(rows[p]),
                    LOCATION,
                    _("the polygon is invalid and cannot be repaired"),
                    _("redraw the boundary so it does not cross itself"),
                )
                for p in broken
            ],
        )
    shapely.prepare(region.polygon)
    usable = candidates & ~geometry.isna().to_numpy()
    outside = usable & ~shapely.intersects(region.polygon, geometry.to_numpy())
    problems.add(
        np.flatnonzero(outside),
        LOCATION,
        Reason.OUTSIDE_REGION,
        [
            problem_message(
                int(rows[p]),
                LOCATION,
                _("the polygon does not touch the region {region}").format(region=region.label),
                _("check its CRS and coordinates, or widen the region with --region"),
            )
            for p in np.flatnonzero(outside)
        ],
    )
    return geometry
