"""Readers: turn a CSV, Excel, GeoJSON, GeoPackage or (zipped) Shapefile into one raw table."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import warnings
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS

from geo.crs import WGS84
from geo.errors import ColumnMappingError, InputFileError

logger = logging.getLogger(__name__)

#: Extensions read as delimited text (every value kept as the user's text).
TEXT_SUFFIXES: Final = (".csv", ".txt")
#: Extensions read as Excel workbooks.
EXCEL_SUFFIXES: Final = (".xlsx",)
#: Extensions read with GDAL (native geometry).
SPATIAL_SUFFIXES: Final = (".geojson", ".json", ".gpkg", ".shp", ".zip")
#: Every extension :func:`read_table` accepts.
SUPPORTED_SUFFIXES: Final = (*TEXT_SUFFIXES, *EXCEL_SUFFIXES, *SPATIAL_SUFFIXES)

#: Delimiters recognised in delimited text, in order of preference on a tie.
DELIMITERS: Final = (",", ";", "\t")
#: Encodings tried for delimited text, in order; latin-1 decodes any byte string.
ENCODINGS: Final = ("utf-8-sig", "cp1252", "latin-1")

#: Sidecar files of a Shapefile that change its content (hashed together with the .shp).
_SHAPEFILE_SIDECARS: Final = (".shx", ".dbf", ".prj", ".cpg")
_SNIFF_BYTES: Final = 64 * 1024
_HASH_CHUNK: Final = 1024 * 1024
_SUPPORTED_TEXT: Final = (
    "CSV/TXT (.csv, .txt), Excel (.xlsx), GeoJSON (.geojson, .json), GeoPackage (.gpkg), "
    "Shapefile (.shp) or zipped Shapefile (.zip)"
)


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


def _explain(exc: BaseException) -> str:
    """Return an exception's message on one line, without a trailing full stop."""
    text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return " ".join(text.split()).rstrip(".") or type(exc).__name__


# --------------------------------------------------------------------------- mapping


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """Parse ``--map`` items into a ``{source column: target column}`` dictionary.

    Parameters
    ----------
    items : sequence of str
        Each item is ``"SRC=DST"`` (split on the first ``=``, spaces around either side
        stripped) or ``"@FILE"`` naming a mapping file: ``.json`` holding an object
        ``{"SRC": "DST"}``, or ``.csv``/``.txt`` holding two columns ``source,target``
        (header optional) or lines ``SRC=DST``. Blank lines and lines starting with ``#``
        in a text mapping file are skipped.

    Returns
    -------
    dict of str to str
        In the order given.

    Raises
    ------
    ColumnMappingError
        When an item has no ``=`` or an empty side, a mapping file cannot be read, a
        source is mapped to two different targets, or two sources share one target.

    Examples
    --------
    >>> parse_mapping(["Latitude=lat", " Thana Name = thana"])
    {'Latitude': 'lat', 'Thana Name': 'thana'}
    """
    mapping: dict[str, str] = {}
    where: dict[str, str] = {}  # target -> the item that introduced it, for messages
    for item in items:
        if item.strip().startswith("@"):
            pairs = _read_mapping_file(item.strip()[1:].strip(), item)
        else:
            pairs = [(_split_pair(item, item), item)]
        for (src, dst), label in pairs:
            _add_pair(mapping, where, src, dst, label)
    return mapping


def _split_pair(text: str, label: str) -> tuple[str, str]:
    if "=" not in text:
        raise ColumnMappingError(
            f"column mapping {label!r} has no '='",
            why="each mapping item names a column of the file and the name to give it",
            fix="write it as SOURCE=TARGET, e.g. 'Latitude=lat', or @FILE for a mapping file",
        )
    src, dst = (part.strip() for part in text.split("=", 1))
    _check_sides(src, dst, label)
    return src, dst


def _check_sides(src: str, dst: str, label: str) -> None:
    if not src or not dst:
        side = "source" if not src else "target"
        raise ColumnMappingError(
            f"column mapping {label!r} has an empty {side} column name",
            fix="write it as SOURCE=TARGET with both names, e.g. 'Thana Name=thana'",
        )


def _add_pair(
    mapping: dict[str, str], where: dict[str, str], src: str, dst: str, label: str
) -> None:
    previous = mapping.get(src)
    if previous is not None and previous != dst:
        raise ColumnMappingError(
            f"column mapping {label!r} maps {src!r} again, to {dst!r}",
            why=f"{src!r} is already mapped to {previous!r} by {where[previous]!r}",
            fix="map each source column once",
        )
    if previous == dst:
        return
    if dst in where:
        raise ColumnMappingError(
            f"column mapping {label!r} maps a second column to {dst!r}",
            why=f"{where[dst]!r} already maps a column to {dst!r}; a target can hold one column",
            fix=f"map only one column to {dst!r}",
        )
    mapping[src] = dst
    where[dst] = label


def _read_mapping_file(name: str, label: str) -> list[tuple[tuple[str, str], str]]:
    if not name:
        raise ColumnMappingError(
            f"column mapping {label!r} names no file",
            fix="write @ followed by the path of a .json, .csv or .txt mapping file",
        )
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ColumnMappingError(
            f"mapping file {name!r} cannot be read: {_explain(exc)}",
            fix="check the path, and save the file as UTF-8 text",
        ) from exc
    suffix = path.suffix.lower()
    if suffix == ".json":
        return _mapping_from_json(text, path.name)
    if suffix in TEXT_SUFFIXES:
        return _mapping_from_text(text, path.name)
    raise ColumnMappingError(
        f"mapping file {path.name!r} is neither .json, .csv nor .txt",
        fix='use a JSON object {"SOURCE": "TARGET"} or a CSV with columns source,target',
    )


def _mapping_from_json(text: str, name: str) -> list[tuple[tuple[str, str], str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ColumnMappingError(
            f"mapping file {name!r} is not valid JSON: {_explain(exc)}",
            fix='write an object such as {"Latitude": "lat", "Thana Name": "thana"}',
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ColumnMappingError(
            f"mapping file {name!r} is not a JSON object of column names",
            fix='write an object such as {"Latitude": "lat", "Thana Name": "thana"}',
        )
    pairs = []
    for src, dst in data.items():
        label = f"{name}: {src!r}"
        _check_sides(src.strip(), dst.strip(), label)
        pairs.append(((src.strip(), dst.strip()), label))
    return pairs


def _mapping_from_text(text: str, name: str) -> list[tuple[tuple[str, str], str]]:
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    pairs: list[tuple[tuple[str, str], str]] = []
    if all("=" in line for _, line in lines):
        for number, line in lines:
            label = f"{name} line {number}"
            pairs.append((_split_pair(line, label), label))
        return pairs
    delimiter = _sniff_delimiter("\n".join(line for _, line in lines))
    for index, (number, line) in enumerate(lines):
        label = f"{name} line {number}"
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]
        if len(cells) != 2:
            raise ColumnMappingError(
                f"{label} has {len(cells)} columns instead of 2",
                fix="write one 'source,target' pair per line (or SOURCE=TARGET lines)",
            )
        if index == 0 and [c.lower() for c in cells] == ["source", "target"]:
            continue
        _check_sides(cells[0], cells[1], label)
        pairs.append(((cells[0], cells[1]), label))
    return pairs


def _apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str], source: str) -> pd.DataFrame:
    if not mapping:
        return frame
    columns = [str(c) for c in frame.columns]
    renames: dict[str, str] = {}
    for src, dst in mapping.items():
        if src in columns:
            match = src
        else:
            folded = [c for c in columns if c.strip().casefold() == src.strip().casefold()]
            if len(folded) > 1:
                raise ColumnMappingError(
                    f"column mapping source {src!r} matches several columns of {source}: "
                    + ", ".join(repr(c) for c in folded),
                    why="without an exact match, names are compared ignoring case",
                    fix="spell the source column exactly as in the file",
                )
            if not folded:
                raise ColumnMappingError(
                    f"column mapping source {src!r} is not a column of {source}",
                    why="the file's columns are " + ", ".join(repr(c) for c in columns),
                    fix="use one of these names on the left of '=' (case does not matter)",
                )
            match = folded[0]
        if match in renames:
            raise ColumnMappingError(
                f"column {match!r} of {source} is mapped twice (to {renames[match]!r} and {dst!r})",
                fix="map each column once",
            )
        renames[match] = dst
    final = [renames.get(c, c) for c in columns]
    clashes = sorted({c for c in final if final.count(c) > 1})
    if clashes:
        raise ColumnMappingError(
            f"after the column mapping, {source} would have two columns named "
            + ", ".join(repr(c) for c in clashes),
            why="a mapping target is already a column of the file",
            fix="map that existing column to another name as well, or choose another target",
        )
    logger.info("%s: columns renamed %s", source, renames)
    renamed = frame.copy(deep=False)
    renamed.columns = pd.Index(final)
    return renamed


# --------------------------------------------------------------------------- reading


def read_table(
    path: Path, *, mapping: Mapping[str, str] | None = None, layer: str | None = None
) -> RawTable:
    """Read a supported file into a :class:`RawTable`.

    Delimited text is read with every value as text (so that validation sees the user's
    original spelling), the delimiter (``,``, ``;`` or tab) sniffed and the encoding tried
    as UTF-8 (with or without BOM), then cp1252, then latin-1 (UTF-16 with a BOM is also
    read). Spatial files are read with GDAL and their geometry reprojected to EPSG:4326.

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

    Returns
    -------
    RawTable

    Raises
    ------
    InputFileError
        When the file is missing, empty, of an unknown type, unreadable, or has projected
        coordinates without a declared CRS.
    ColumnMappingError
        When a mapping source is not a column of the file or the mapping makes two columns
        share a name.
    """
    path = Path(path)
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
        frame = _read_text(data, source, layer)
        table = RawTable(frame, None, source, hashlib.sha256(data).hexdigest(), None)
    elif suffix in EXCEL_SUFFIXES:
        frame = _read_excel(path, layer)
        table = RawTable(frame, None, source, _digest([path]), None)
    else:
        frame, geometry, native = _read_spatial(path, layer)
        table = RawTable(frame, geometry, source, _digest(_dataset_files(path)), native)
    frame = _apply_mapping(table.frame, mapping or {}, source)
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
            f"{path.name} cannot be read: {_explain(exc)}",
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
            f"{path.name} cannot be read: {_explain(exc)}",
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


# ---- delimited text


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """Return ``(encoding, text of the first bytes)``; the whole file is checked to decode."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        if b"\x00" in data[:_SNIFF_BYTES]:
            raise InputFileError(
                f"{source} does not look like a text (CSV) file",
                why="it contains NUL bytes, as binary files such as .xls or .zip do",
                fix="open it in Excel or LibreOffice and save it as CSV (UTF-8) or .xlsx",
            )
        encodings = ENCODINGS
    for encoding in encodings:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8-sig":
            logger.info("%s is not UTF-8; read as %s", source, encoding)
        head = data[:_SNIFF_BYTES].decode(encoding, errors="ignore")
        return encoding, head
    raise InputFileError(  # only reachable for broken UTF-16
        f"{source} cannot be decoded as {', '.join(encodings)}",
        fix="save it as CSV (UTF-8)",
    )


def _sniff_delimiter(sample: str) -> str:
    """Return the delimiter among ``, ; tab`` that splits the sample most consistently."""
    lines = sample.splitlines()
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may cut the last line short
    best, best_score = DELIMITERS[0], (False, 0.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = [
                row
                for row in csv.reader(lines, delimiter=delimiter)
                if any(cell.strip() for cell in row)
            ]
        except csv.Error:
            continue
        if not rows:
            continue
        width = len(rows[0])
        consistency = sum(len(row) == width for row in rows) / len(rows)
        score = (width > 1, consistency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_text(data: bytes, source: str, layer: str | None) -> pd.DataFrame:
    if layer is not None:
        logger.warning("%s: layer %r ignored, a text file has a single table", source, layer)
    encoding, head = _decode(data, source)
    delimiter = _sniff_delimiter(head)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
    except pd.errors.EmptyDataError as exc:
        raise InputFileError(
            f"{source} holds no columns",
            why="the file has no header line",
            fix="export the data again with a header line naming the columns",
        ) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(
            f"{source} cannot be read as {_delimiter_name(delimiter)}-separated text: "
            + _explain(exc),
            why="a line has a different number of values than the header",
            fix="quote values that contain the delimiter, or export the file again",
        ) from exc
    frame.columns = pd.Index([str(c) for c in frame.columns])
    logger.debug("%s: %s-separated, %s", source, _delimiter_name(delimiter), encoding)
    return frame.reset_index(drop=True)


def _delimiter_name(delimiter: str) -> str:
    return {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]


# ---- Excel


def _read_excel(path: Path, layer: str | None) -> pd.DataFrame:
    source = path.name
    try:
        with warnings.catch_warnings():
            # openpyxl's harmless notes about workbooks written by other software.
            warnings.filterwarnings("ignore", message="Workbook contains no default style")
            warnings.filterwarnings("ignore", message=".*extension is not supported")
            with pd.ExcelFile(path, engine="openpyxl") as book:
                sheets = [str(s) for s in book.sheet_names]
                sheet = _pick_name(layer, sheets, source, "sheet") if layer else sheets[0]
                frame = pd.read_excel(
                    book, sheet_name=sheet, dtype=str, keep_default_na=False, na_values=[""]
                )
    except (InputFileError, ColumnMappingError):
        raise
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise InputFileError(
            f"{source} cannot be read as an Excel workbook: {_explain(exc)}",
            fix="open it in Excel or LibreOffice and save it again as .xlsx (or as CSV UTF-8)",
        ) from exc
    if frame.shape[1] == 0:
        raise InputFileError(
            f"sheet {sheet!r} of {source} is empty",
            fix="put the header in the first row of the first sheet, or name the sheet as layer",
        )
    frame.columns = pd.Index([str(c) for c in frame.columns])
    return frame.reset_index(drop=True)


def _pick_name(wanted: str, names: Sequence[str], source: str, what: str) -> str:
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    raise InputFileError(
        f"{source} has no {what} {wanted!r}",
        why=f"its {what}s are " + ", ".join(repr(n) for n in names),
        fix=f"name one of these {what}s as the layer",
    )


# ---- spatial


def _read_spatial(
    path: Path, layer: str | None
) -> tuple[pd.DataFrame, gpd.GeoSeries | None, str | None]:
    source = path.name
    if path.suffix.lower() == ".zip":
        dataset, name = _zip_member(path, layer), None
    else:
        dataset = vsi_path(path)
        name = _spatial_layer(dataset, layer, source)
    try:
        read = pyogrio.read_dataframe(dataset, layer=name)
    except Exception as exc:  # pyogrio raises DataSourceError, DataLayerError, ...
        raise InputFileError(
            f"{source} cannot be read: {_explain(exc)}",
            fix="check that it opens in QGIS, or export it again as GeoJSON or GeoPackage",
        ) from exc
    if not isinstance(read, gpd.GeoDataFrame):
        logger.info("%s has no geometry column", source)
        return pd.DataFrame(read).reset_index(drop=True), None, None
    frame = pd.DataFrame(read.drop(columns=read.geometry.name)).reset_index(drop=True)
    geometry = gpd.GeoSeries(read.geometry.to_numpy(), index=frame.index, crs=read.crs)
    native = _crs_label(geometry.crs) if geometry.crs is not None else None
    if geometry.crs is None:
        geometry = _assume_wgs84(geometry, source)
    geometry = geometry.to_crs(WGS84).rename("geometry")
    return frame, geometry, native


def _spatial_layer(dataset: str, layer: str | None, source: str) -> str | None:
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(dataset)]
    except Exception as exc:  # pyogrio raises DataSourceError
        raise InputFileError(
            f"{source} cannot be opened: {_explain(exc)}",
            fix="check that it opens in QGIS, or export it again as GeoJSON or GeoPackage",
        ) from exc
    if not layers:
        raise InputFileError(
            f"{source} holds no layer",
            fix="export the data again with at least one layer",
        )
    if layer is None:
        if len(layers) > 1:
            logger.info("%s has layers %s; reading the first, %r", source, layers, layers[0])
        return layers[0]
    return _pick_name(layer, layers, source, "layer")


def _zip_member(path: Path, layer: str | None) -> str:
    source = path.name
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputFileError(
            f"{source} is not a readable zip archive: {_explain(exc)}",
            fix="zip the Shapefile's .shp, .shx, .dbf and .prj files again",
        ) from exc
    shapefiles = sorted(
        m for m in members if m.lower().endswith(".shp") and not m.startswith("__MACOSX/")
    )
    if not shapefiles:
        raise InputFileError(
            f"{source} holds no Shapefile (.shp)",
            why="a .zip is read as a zipped Shapefile",
            fix="zip the .shp, .shx, .dbf and .prj files together, or send a GeoJSON/GeoPackage",
        )
    if layer is None:
        if len(shapefiles) > 1:
            raise InputFileError(
                f"{source} holds several Shapefiles: " + ", ".join(shapefiles),
                fix="name the one to read as the layer (its name without .shp)",
            )
        member = shapefiles[0]
    else:
        by_name = {Path(m).stem: m for m in shapefiles}
        by_name.update({m: m for m in shapefiles})
        member = by_name[_pick_name(layer, list(by_name), source, "Shapefile")]
    return f"{vsi_path(path)}/{member}"


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
