"""Readers: turn a CSV, Excel, GeoJSON, GeoPackage or (zipped) Shapefile into one raw table.

:func:`read_table` is the single door every file comes through, from the command line and
from the service alike. It opens only what a file's extension promises: the path must be a
plain local file (:mod:`geo.ingest.sniff`), the content must agree with the extension, the work is
bounded by :class:`~geo.ingest.limits.ReadLimits`, and GDAL is opened with one allowed driver per
extension in a process where every other driver, the network and folder listing are off
(:mod:`geo.ingest.gdal_config`). Errors speak of the user's file only
(:func:`geo.ingest.public_text.scrub`).
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS

from geo.crs import WGS84
from geo.errors import InputFileError
from geo.ingest.delimited import DELIMITERS as DELIMITERS
from geo.ingest.delimited import ENCODINGS as ENCODINGS
from geo.ingest.delimited import read_delimited
from geo.ingest.gdal_config import harden_gdal
from geo.ingest.legacy_xls import read_legacy_workbook
from geo.ingest.limits import (
    DEFAULT_LIMITS,
    ReadLimits,
    cell_budget,
    check_archive,
    check_columns,
    check_frame,
    check_rows,
    member_names,
    too_dense,
)
from geo.ingest.mapping import apply_mapping
from geo.ingest.mapping import parse_mapping as parse_mapping
from geo.ingest.mapping import parse_mapping_file as parse_mapping_file
from geo.ingest.public_text import describe_names, scrub
from geo.ingest.sniff import (
    check_content,
    check_geojson_crs,
    check_geopackage,
    check_local_path,
    check_shapefile_member,
    check_shapefile_zip,
)
from geo.ingest.workbook import pick_name, read_workbook

harden_gdal()

logger = logging.getLogger(__name__)

#: Extensions read as delimited text (every value kept as the user's text).
TEXT_SUFFIXES: Final = (".csv", ".txt")
#: Extensions read as Excel workbooks.
EXCEL_SUFFIXES: Final = (".xlsx", ".xls")
#: Extensions read with GDAL (native geometry).
SPATIAL_SUFFIXES: Final = (".geojson", ".json", ".gpkg", ".shp", ".zip")
#: Every extension :func:`read_table` accepts.
SUPPORTED_SUFFIXES: Final = (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, *SPATIAL_SUFFIXES)
#: The one GDAL driver allowed for each extension read through GDAL (CSV and XLSX are read
#: by pandas and openpyxl, never by GDAL). The dataset is opened with the driver's prefix
#: where GDAL has one (``GeoJSON:``, ``GPKG:``); the process has no other driver anyway.
DRIVER_BY_SUFFIX: Final[Mapping[str, str]] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GPKG",
    ".shp": "ESRI Shapefile",
    ".zip": "ESRI Shapefile",
}

#: Sidecar files of a Shapefile that change its content (hashed together with the .shp).
_SHAPEFILE_SIDECARS: Final = (".shx", ".dbf", ".prj", ".cpg")
_HASH_CHUNK: Final = 1024 * 1024
_SUPPORTED_TEXT: Final = (
    "CSV/TXT (.csv, .txt), Excel (.xlsx, .xls), GeoJSON (.geojson, .json), GeoPackage (.gpkg), "
    "Shapefile (.shp) or zipped Shapefile (.zip)"
)
_SPATIAL_FIX: Final = "check that it opens in QGIS, or export it again as GeoJSON or GeoPackage"


@dataclass(frozen=True)
class RawTable:
    """A file as read, before validation.

    Attributes
    ----------
    frame : pandas.DataFrame
        Every attribute column of the file after the column mapping, values as read (text
        for CSV/XLSX, with empty cells as missing), indexed ``0 .. n-1``. Never holds the
        geometry column.
    geometry : geopandas.GeoSeries or None
        Native geometry of a spatial file in EPSG:4326, aligned to ``frame.index``;
        ``None`` for CSV/XLSX.
    source : str
        File name, without directory.
    sha256 : str
        Hex digest of the file's bytes (for a ``.shp``, of it and its sidecar files).
    native_crs : str or None
        CRS the file declared, e.g. ``"EPSG:32644"``; ``None`` when it declared none.
    """

    frame: pd.DataFrame
    geometry: gpd.GeoSeries | None
    source: str
    sha256: str
    native_crs: str | None


def vsi_path(path: Path) -> str:
    """Return the GDAL path of a file: ``/vsizip/...`` for a ``.zip``, the plain path otherwise.

    Parameters
    ----------
    path : Path
        A spatial file, possibly a zipped Shapefile.

    Returns
    -------
    str

    Examples
    --------
    >>> vsi_path(Path("thanas.zip"))
    '/vsizip/thanas.zip'
    >>> vsi_path(Path("thanas.gpkg"))
    'thanas.gpkg'
    """
    if path.suffix.lower() == ".zip":
        return "/vsizip/" + str(path)
    return str(path)


def dataset_name(path: Path, member: str | None = None) -> str:
    """Return the name GDAL opens a checked file by, with its one allowed driver.

    Parameters
    ----------
    path : Path
        A file that passed :func:`geo.ingest.sniff.check_local_path`.
    member : str, optional
        The ``.shp`` member of a zip.

    Returns
    -------
    str
        ``GeoJSON:path``, ``GPKG:path`` (a plain path when it holds a ``:``, which the
        GPKG prefix syntax cannot carry), ``/vsizip/path/member`` or the plain ``.shp`` path.

    Examples
    --------
    >>> dataset_name(Path("/data/sites.geojson"))
    'GeoJSON:/data/sites.geojson'
    >>> dataset_name(Path("/data/thanas.zip"), "thanas.shp")
    '/vsizip//data/thanas.zip/thanas.shp'
    """
    suffix = path.suffix.lower()
    driver = DRIVER_BY_SUFFIX[suffix]
    if suffix == ".zip":
        return f"{vsi_path(path)}/{member}"
    if driver == "GeoJSON" or (driver == "GPKG" and ":" not in str(path)):
        return f"{driver}:{path}"
    return str(path)


# --------------------------------------------------------------------------- reading


def read_table(
    path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    layer: str | None = None,
    limits: ReadLimits | None = None,
) -> RawTable:
    """Read a supported file into a :class:`RawTable`.

    Delimited text and workbooks (``.xlsx``; ``.xls`` through :mod:`geo.ingest.legacy_xls`)
    are read with every value as text (so that validation sees the user's original
    spelling); for delimited text the delimiter (``,``, ``;`` or tab) is sniffed and the
    encoding tried as UTF-8 (with or without BOM), then cp1252, then latin-1 (UTF-16
    with a BOM is also read). Spatial files are read with GDAL and their geometry
    reprojected to EPSG:4326.

    Before any parser runs, the path must be a local file (no ``/vsi…``, URL or
    ``DRIVER:`` prefix) and the content must be what the extension promises (JSON for
    ``.json``/``.geojson``, SQLite for ``.gpkg``, a zip for ``.zip``/``.xlsx``, text for
    ``.csv``/``.txt``); zips and workbooks are checked against the zip-bomb limits, and
    rows, columns and cell lengths against ``limits``.

    Parameters
    ----------
    path : Path
        A ``.csv``/``.txt``, ``.xlsx``, ``.geojson``/``.json``, ``.gpkg``, ``.shp`` or a
        ``.zip`` holding a Shapefile.
    mapping : mapping of str to str, optional
        Columns to rename, ``{source: target}`` (see :func:`parse_mapping`). Sources are
        matched exactly first, then ignoring case.
    layer : str, optional
        The sheet of a workbook, the layer of a GeoPackage or the Shapefile of a zip that
        holds several; the first one by default (for a zip, required when it holds several).
    limits : ReadLimits, optional
        What reading may cost; default :data:`geo.ingest.limits.DEFAULT_LIMITS` (no row limit).

    Returns
    -------
    RawTable

    Raises
    ------
    InputFileError
        When the file is missing, empty, of an unknown type, not what its extension says,
        unreadable, or has projected coordinates without a declared CRS.
    geo.errors.InputTooLargeError
        When it is above a limit (rows, columns, cell length, unpacked size, zip members,
        compression ratio).
    ColumnMappingError
        When a mapping source is not a column of the file or the mapping makes two columns
        share a name.
    """
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    check_local_path(path)
    source = path.name
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            f"{source} has the unsupported extension {path.suffix or '(none)'!r}",
            why="the reader is chosen by the file's extension",
            fix=f"save it as {_SUPPORTED_TEXT}",
        )
    if not path.exists():
        raise InputFileError(f"{source} does not exist", fix=f"check the path {path}")
    if not path.is_file():
        raise InputFileError(
            f"{source} is not a file",
            fix="give the path of one file (zip a Shapefile's parts into a .zip)",
        )
    if path.stat().st_size == 0:
        raise InputFileError(
            f"{source} is empty",
            why="a file of 0 bytes holds no records",
            fix="export the data again and check that the file is not empty",
        )
    if suffix in TEXT_SUFFIXES:
        data = _read_bytes(path)
        frame = read_delimited(data, source, layer, limits)
        table = RawTable(frame, None, source, hashlib.sha256(data).hexdigest(), None)
    elif suffix == ".xls":
        frame = read_legacy_workbook(path, layer, limits)
        table = RawTable(frame, None, source, _digest([path]), None)
    elif suffix in EXCEL_SUFFIXES:
        check_content(path, suffix)
        frame = read_workbook(path, layer, limits)
        table = RawTable(frame, None, source, _digest([path]), None)
    else:
        frame, geometry, native = _read_spatial(path, layer, limits)
        table = RawTable(frame, geometry, source, _digest(_dataset_files(path)), native)
    frame = apply_mapping(table.frame, mapping or {}, source)
    logger.info(
        "read %s: %d rows, %d columns%s",
        source,
        len(frame),
        frame.shape[1],
        "" if table.geometry is None else f", geometry from {table.native_crs or 'no CRS'}",
    )
    return RawTable(frame, table.geometry, source, table.sha256, table.native_crs)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"{path.name} cannot be read: {exc.strerror or type(exc).__name__}",
            fix="check that the file exists and that you may read it",
        ) from exc


def _digest(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    try:
        for path in paths:
            with path.open("rb") as handle:
                while chunk := handle.read(_HASH_CHUNK):
                    digest.update(chunk)
    except OSError as exc:
        raise InputFileError(
            f"{path.name} cannot be read: {exc.strerror or type(exc).__name__}",
            fix="check that the file exists and that you may read it",
        ) from exc
    return digest.hexdigest()


def _dataset_files(path: Path) -> list[Path]:
    if path.suffix.lower() != ".shp":
        return [path]
    sidecars = [
        candidate
        for ext in _SHAPEFILE_SIDECARS
        for candidate in (path.with_suffix(ext), path.with_suffix(ext.upper()))
        if candidate.is_file()
    ]
    return [path, *dict.fromkeys(sidecars)]


# ---- spatial


def _private(path: Path, dataset: str) -> list[str]:
    """Strings no message may show: GDAL's name of the file, its path, its folder."""
    return [dataset, vsi_path(path), str(path), str(path.resolve()), str(path.parent)]


def _read_spatial(
    path: Path, layer: str | None, limits: ReadLimits
) -> tuple[pd.DataFrame, gpd.GeoSeries | None, str | None]:
    source = path.name
    suffix = path.suffix.lower()
    check_content(path, suffix)
    name: str | None = None
    if suffix == ".zip":
        dataset = _zip_dataset(path, layer, limits)
    else:
        if suffix == ".gpkg":
            check_geopackage(path)
        elif suffix in (".json", ".geojson"):
            check_geojson_crs(_read_bytes(path), source)
        dataset = dataset_name(path)
        name = _spatial_layer(dataset, layer, source, _private(path, dataset))
    private = _private(path, dataset)
    info = _gdal(pyogrio.read_info, dataset, source, private, "cannot be opened", layer=name)
    fields = len(info.get("fields", ()))
    check_columns(fields, limits, source)
    declared = int(info.get("features", -1))
    check_rows(declared, limits, source)
    # The cell budget bounds the rows whatever the file declares: read one past it.
    budget = cell_budget(sum(p.stat().st_size for p in _dataset_files(path))) // (fields + 1)
    _check_budget(declared, budget, source)
    wanted = budget if limits.rows is None else min(budget, limits.rows)
    read = _gdal(
        pyogrio.read_dataframe,
        dataset,
        source,
        private,
        "cannot be read",
        layer=name,
        max_features=wanted + 1,
    )
    _check_budget(len(read), budget, source)
    if not isinstance(read, gpd.GeoDataFrame):
        logger.info("%s has no geometry column", source)
        frame = pd.DataFrame(read).reset_index(drop=True)
        check_frame(frame, limits, source)
        return frame, None, None
    frame = pd.DataFrame(read.drop(columns=read.geometry.name)).reset_index(drop=True)
    check_frame(frame, limits, source)
    geometry = gpd.GeoSeries(read.geometry.to_numpy(), index=frame.index, crs=read.crs)
    native = _crs_label(geometry.crs) if geometry.crs is not None else None
    if geometry.crs is None:
        geometry = _assume_wgs84(geometry, source)
    geometry = geometry.to_crs(WGS84).rename("geometry")
    return frame, geometry, native


def _check_budget(rows: int, budget: int, source: str) -> None:
    if rows > budget:
        raise too_dense(source, f"more than {budget:,} rows of its columns")


def _gdal(
    call: Any, dataset: str, source: str, private: list[str], failing: str, **kwargs: Any
) -> Any:
    """Run a pyogrio call; its errors become an :class:`InputFileError` about the user's file."""
    try:
        return call(dataset, **kwargs)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        raise InputFileError(
            f"{source} {failing}: {scrub(str(exc), source, private)}", fix=_SPATIAL_FIX
        ) from exc


def _spatial_layer(dataset: str, layer: str | None, source: str, private: list[str]) -> str:
    listed = _gdal(pyogrio.list_layers, dataset, source, private, "cannot be opened")
    layers = [str(row[0]) for row in listed]
    if not layers:
        raise InputFileError(
            f"{source} holds no layer",
            fix="export the data again with at least one layer",
        )
    if layer is None:
        if len(layers) > 1:
            logger.info("%s has %d layers; reading the first", source, len(layers))
        return layers[0]
    return pick_name(layer, layers, source, "layer")


def _zip_dataset(path: Path, layer: str | None, limits: ReadLimits) -> str:
    source = path.name
    infos = check_archive(path, limits, source)
    shapefiles = check_shapefile_zip(member_names(infos), source)
    if not shapefiles:
        raise InputFileError(
            f"{source} holds no Shapefile (.shp)",
            why="a .zip is read as a zipped Shapefile",
            fix="zip the .shp, .shx, .dbf and .prj files together, or send a GeoJSON/GeoPackage",
        )
    if layer is None:
        if len(shapefiles) > 1:
            raise InputFileError(
                f"{source} holds several Shapefiles: " + describe_names(shapefiles),
                fix="name the one to read as the layer (its name without .shp)",
            )
        member = shapefiles[0]
    else:
        by_name = {Path(m).stem: m for m in shapefiles}
        by_name.update({m: m for m in shapefiles})
        member = by_name[pick_name(layer, list(by_name), source, "Shapefile")]
    with zipfile.ZipFile(path) as archive:
        check_shapefile_member(archive, member, source)
    return dataset_name(path, member)


def _crs_label(crs: CRS) -> str:
    authority = crs.to_authority()
    if authority is not None:
        return ":".join(authority)
    return str(crs.to_wkt())


def _assume_wgs84(geometry: gpd.GeoSeries, source: str) -> gpd.GeoSeries:
    bounds = geometry.total_bounds
    finite = bool(np.all(np.isfinite(bounds)))
    w, s, e, n = (float(v) for v in bounds)
    if finite and not (-180 <= w <= e <= 180 and -90 <= s <= n <= 90):
        raise InputFileError(
            f"{source} has projected coordinates but no CRS "
            f"(x from {w:.0f} to {e:.0f}, y from {s:.0f} to {n:.0f})",
            why="without a CRS these coordinates cannot be placed on the map",
            fix="add the .prj file that came with the Shapefile (or set the CRS in QGIS), "
            "or reproject it to EPSG:4326 before importing",
        )
    logger.warning("%s declares no CRS; its coordinates are degrees, assumed EPSG:4326", source)
    return geometry.set_crs(WGS84)
