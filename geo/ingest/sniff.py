"""What a file must be before a parser opens it: a plain local file whose content fits its name.

GDAL picks its driver from a file's content, not its name, and follows whatever the content
names (a VRT naming ``/etc/passwd``, a URL, a database). So before any reader runs, a path
must be a local file (no ``/vsi…`` prefix, URL or connection string) and its first bytes must
be what its extension promises; GeoPackages may hold only plain tables, GeoJSON may not link
its CRS to a URL, and a zipped Shapefile holds neither a VRT nor a nested archive.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sqlite3
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Final

from geo.errors import InputFileError
from geo.i18n import _
from geo.ingest.public_text import clip, refused_for_names, scrub

logger = logging.getLogger(__name__)

#: Leading bytes of each binary format.
SQLITE_MAGIC: Final = b"SQLite format 3\x00"
ZIP_MAGIC: Final = b"PK\x03\x04"
SHAPEFILE_MAGIC: Final = b"\x00\x00\x27\x0a"
#: OLE2 compound documents (Excel 97-2003 workbooks, .xls).
OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Members every Excel workbook (.xlsx) holds.
XLSX_REQUIRED: Final = ("[Content_Types].xml", "xl/workbook.xml")
#: Extensions a zipped Shapefile may not hold: what GDAL could open as another dataset.
FORBIDDEN_ZIP_SUFFIXES: Final = (
    ".vrt",
    ".zip",
    ".gz",
    ".tgz",
    ".tar",
    ".7z",
    ".rar",
    ".kmz",
    ".gdalg.json",
    ".ovf",
)
#: Bytes read to sniff a file's type.
HEAD_BYTES: Final = 64 * 1024
#: Sources of a JSON value :func:`check_geojson_crs` parses at once (a ``crs`` member).
CRS_WINDOW_BYTES: Final = 64 * 1024
#: ``crs`` types GDAL would fetch from a URL.
URL_CRS_TYPES: Final = ("link", "url")

# "SCHEME:" or "DRIVER:" before anything else (two letters at least: "C:" is a drive).
_PREFIX = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_+.\- ]+):")
# A JSON string spelling "crs" in any case, letters possibly \u-escaped.
_CRS_KEY = re.compile(rb'"(?:c|\\u00[46]3)(?:r|\\u00[57]2)(?:s|\\u00[57]3)"', re.IGNORECASE)
_JSON_SPACE = re.compile(rb"(?:\s+|/\*.*?\*/|//[^\n]*\n)*", re.DOTALL)
# Virtual tables a GeoPackage may have: its R-tree spatial indexes.
_RTREE = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE\s+.*\bUSING\s+rtree\s*\(", re.I | re.S)
_VIRTUAL = re.compile(r"^\s*CREATE\s+VIRTUAL\s+TABLE", re.I)


def check_local_path(path: Path) -> None:
    """Refuse a path that is not a plain local file name for GDAL and pandas.

    Refused: GDAL virtual file systems (``/vsicurl/``, ``/vsizip/``, …), URLs (``http:``,
    ``https:``, ``ftp:``) and driver or connection prefixes (``PG:``, ``MySQL:``, ``CSV:``,
    ``GeoJSON:``, …), and NUL characters. A Windows drive letter (``C:``) is a path.

    Parameters
    ----------
    path : Path

    Raises
    ------
    geo.errors.InputFileError
    """
    text = str(path)
    source = path.name or text
    if "\x00" in text:
        raise InputFileError(
            _("{name} is not a file name").format(name=repr(clip(source))),
            fix=_("give a file's path"),
        )
    prefix = _PREFIX.match(text)
    if text.lstrip().startswith(("/vsi", "\\vsi")) or prefix:
        said = f"'{prefix.group(1)}:'" if prefix else "'/vsi…'"
        raise InputFileError(
            _("{name} is not the path of a local file (it starts with {said})").format(
                name=repr(clip(source)), said=said
            ),
            why=_(
                "URLs, database connections and GDAL virtual files are never opened: a file "
                "could otherwise make the reader fetch or open anything"
            ),
            fix=_("download or export the data to a file first, and give that file's path"),
        )


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """Return the first ``size`` bytes of a file.

    Parameters
    ----------
    path : Path
    size : int

    Returns
    -------
    bytes

    Raises
    ------
    geo.errors.InputFileError
        When the file cannot be read.
    """
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise InputFileError(
            _("{name} cannot be read: {error}").format(
                name=path.name, error=exc.strerror or type(exc).__name__
            ),
            fix=_("check that the file exists and that you may read it"),
        ) from exc


def _mismatch(source: str, expected: str, head: bytes, fix: str) -> InputFileError:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        found = _("XML (such as a GDAL VRT or an HTML page)")
    elif head.startswith(SQLITE_MAGIC):
        found = _("an SQLite database")
    elif head.startswith(ZIP_MAGIC):
        found = _("a zip archive (such as an .xlsx workbook)")
    elif head.startswith(OLE2_MAGIC):
        found = _("an OLE2 document (such as an .xls workbook)")
    elif stripped.startswith((b"{", b"[")):
        found = "JSON"
    else:
        found = _("something else")
    return InputFileError(
        _("{source} is not {expected}: its content looks like {found}").format(
            source=source, expected=expected, found=found
        ),
        why=_("a file is read only as what its extension says, and its content must agree"),
        fix=fix,
    )


def check_content(path: Path, suffix: str) -> bytes:
    """Check that a file's first bytes are what its extension promises.

    ``.json``/``.geojson``: JSON (``{`` or ``[`` after a BOM and white space);
    ``.gpkg``: an SQLite database; ``.zip``/``.xlsx``: a zip archive; ``.xls``: an OLE2
    document; ``.shp``: a Shapefile header. Delimited text is checked by its reader (no NUL
    bytes, no XML).

    Parameters
    ----------
    path : Path
    suffix : str
        The extension, lower case.

    Returns
    -------
    bytes
        The first :data:`HEAD_BYTES` bytes.

    Raises
    ------
    geo.errors.InputFileError
    """
    head = read_head(path)
    source = path.name
    if suffix in (".json", ".geojson"):
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
            raise _mismatch(
                source, _("GeoJSON"), head, _("export the layer as GeoJSON (RFC 7946) from QGIS")
            )
    elif suffix == ".gpkg":
        if not head.startswith(SQLITE_MAGIC):
            raise _mismatch(source, _("a GeoPackage"), head, _("export the layer as a GeoPackage"))
    elif suffix in (".zip", ".xlsx"):
        if not head.startswith(ZIP_MAGIC):
            what = (
                _("an Excel workbook (.xlsx)") if suffix == ".xlsx" else _("a readable zip archive")
            )
            fix = (
                _("save it from Excel or LibreOffice as .xlsx")
                if suffix == ".xlsx"
                else _("zip the Shapefile's .shp, .shx, .dbf and .prj files again")
            )
            raise _mismatch(source, what, head, fix)
    elif suffix == ".xls" and not head.startswith(OLE2_MAGIC):
        raise _mismatch(
            source,
            _("an Excel 97-2003 workbook (.xls)"),
            head,
            _(
                "open it in Excel or LibreOffice and save it as .xlsx (or as CSV UTF-8); "
                "portals often send a web page or CSV named .xls"
            ),
        )
    elif suffix == ".shp" and not head.startswith(SHAPEFILE_MAGIC):
        raise _mismatch(source, _("a Shapefile"), head, _("export the layer as a Shapefile again"))
    return head


def check_workbook_members(names: Sequence[str], source: str) -> None:
    """Refuse a zip that lacks the members of every Excel workbook.

    Parameters
    ----------
    names : sequence of str
        The archive's member names.
    source : str

    Raises
    ------
    geo.errors.InputFileError
    """
    present = set(names)
    missing = [name for name in XLSX_REQUIRED if name not in present]
    if missing:
        raise InputFileError(
            _("{source} is not an Excel workbook (.xlsx): it lacks {members}").format(
                source=source, members=", ".join(repr(m) for m in missing)
            ),
            why=_("an .xlsx file is a zip holding the workbook's XML parts"),
            fix=_("open it in Excel or LibreOffice and save it again as .xlsx (or as CSV UTF-8)"),
        )


def _unsafe_member(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or ":" in name
        or ".." in parts
        or name.lower().startswith("/vsi")
    )


def check_shapefile_zip(names: Sequence[str], source: str) -> list[str]:
    """Check a zipped Shapefile's member names; return its ``.shp`` members, sorted.

    Refused: names that are absolute, climb out (``..``), hold a backslash, colon or NUL,
    and members GDAL could open as another dataset (:data:`FORBIDDEN_ZIP_SUFFIXES`: VRTs and
    nested archives). macOS ``__MACOSX/`` copies are ignored.

    Parameters
    ----------
    names : sequence of str
        Member names (files only).
    source : str

    Returns
    -------
    list of str

    Raises
    ------
    geo.errors.InputFileError
    """
    unsafe = [n for n in names if _unsafe_member(n)]
    if unsafe:
        raise refused_for_names(
            _("{source} holds members with unsafe names: {names}"),
            source,
            unsafe,
            why=_("member names must be plain relative paths"),
            fix=_("zip the Shapefile's files again from their folder"),
        )
    forbidden = [
        n
        for n in names
        if any(part.lower().endswith(FORBIDDEN_ZIP_SUFFIXES) for part in PurePosixPath(n).parts)
    ]
    if forbidden:
        raise refused_for_names(
            _("{source} holds a VRT or a nested archive: {names}"),
            source,
            forbidden,
            why=_("a zipped Shapefile is read as its .shp, .shx, .dbf and .prj files only"),
            fix=_("zip only the Shapefile's .shp, .shx, .dbf, .prj and .cpg files"),
        )
    return sorted(n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX/"))


def check_shapefile_member(archive: zipfile.ZipFile, member: str, source: str) -> None:
    """Check that a zipped ``.shp`` member starts with a Shapefile header.

    Parameters
    ----------
    archive : zipfile.ZipFile
    member : str
    source : str

    Raises
    ------
    geo.errors.InputFileError
    """
    with archive.open(member) as handle:
        head = handle.read(len(SHAPEFILE_MAGIC))
    if head != SHAPEFILE_MAGIC:
        raise InputFileError(
            _("{source}: {name} is not a Shapefile").format(source=source, name=repr(clip(member))),
            why=_("its first bytes are not a Shapefile header"),
            fix=_("zip the Shapefile's .shp, .shx, .dbf and .prj files again"),
        )


def check_geopackage(path: Path) -> list[str]:
    """Check a GeoPackage with SQLite itself before GDAL opens it; return its data layers.

    Refused: a file SQLite cannot read, a database without ``gpkg_contents``, virtual tables
    other than the R-tree spatial indexes (a virtual table can read other files), and
    layers that are not plain tables (a view can compute without end). Read-only and
    ``immutable``: nothing is written, no journal is looked for.

    Parameters
    ----------
    path : Path

    Returns
    -------
    list of str
        The feature and attribute layers, in ``gpkg_contents`` order.

    Raises
    ------
    geo.errors.InputFileError
    """
    source = path.name
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
            schema = conn.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
            tables = {str(name).casefold() for kind, name, _sql in schema if kind == "table"}
            if "gpkg_contents" not in tables:
                raise InputFileError(
                    _("{source} is an SQLite database but not a GeoPackage").format(source=source),
                    why=_("it has no gpkg_contents table"),
                    fix=_("export the layer as a GeoPackage from QGIS or ArcGIS"),
                )
            layers = [
                str(row[0])
                for row in conn.execute(
                    "SELECT table_name FROM gpkg_contents "
                    "WHERE lower(data_type) IN ('features', 'attributes')"
                )
            ]
    except sqlite3.Error as exc:
        raise InputFileError(
            _("{source} is not a readable GeoPackage: {error}").format(
                source=source, error=scrub(str(exc), source, [str(path)])
            ),
            fix=_("export the layer as a GeoPackage again from QGIS or ArcGIS"),
        ) from exc
    virtual = [
        str(name)
        for kind, name, sql in schema
        if kind == "table" and _VIRTUAL.match(str(sql or "")) and not _RTREE.match(str(sql))
    ]
    if virtual:
        raise refused_for_names(
            _("{source} holds virtual tables: {names}"),
            source,
            virtual,
            why=_(
                "a virtual table can read other files; GeoPackages made by QGIS, ArcGIS or "
                "GDAL hold none besides their spatial indexes"
            ),
            fix=_("export the layer as a new GeoPackage from QGIS"),
        )
    plain = {
        str(name).casefold()
        for kind, name, sql in schema
        if kind == "table" and not _VIRTUAL.match(str(sql or ""))
    }
    odd = [layer for layer in layers if layer.casefold() not in plain]
    if odd:
        raise refused_for_names(
            _("{source} has layers that are not tables: {names}"),
            source,
            odd,
            why=_("only layers stored as tables are read (a view can compute without end)"),
            fix=_("export the layer as a new GeoPackage from QGIS"),
        )
    return layers


def check_geojson_crs(data: bytes, source: str) -> None:
    """Refuse GeoJSON whose ``crs`` links to a URL, which GDAL would fetch.

    Old GeoJSON (2008) allowed ``"crs": {"type": "link", "properties": {"href": URL}}``;
    GDAL downloads that URL while reading, from the server. Every member spelled ``crs``
    (any case, escaped letters too) is found in the raw bytes and its value parsed alone;
    a value of type ``link`` or ``url``, or one that cannot be parsed, is refused. Named
    CRSs (``"type": "name"``) are fine.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str

    Raises
    ------
    geo.errors.InputFileError
    """
    decoder = json.JSONDecoder()
    for match in _CRS_KEY.finditer(data):
        at = _skip_space(data, match.end())
        if data[at : at + 1] != b":":
            continue  # a value that spells "crs", not a member
        start = _skip_space(data, at + 1)
        window = data[start : start + CRS_WINDOW_BYTES].decode("utf-8", errors="replace")
        try:
            value, _end = decoder.raw_decode(window)
        except ValueError as exc:
            raise _linked_crs(source, _("its 'crs' member cannot be checked")) from exc
        if not isinstance(value, dict):
            continue
        types = [str(v).strip().casefold() for k, v in value.items() if k.casefold() == "type"]
        if any(t in URL_CRS_TYPES for t in types):
            raise _linked_crs(source, _("its 'crs' member links to a URL"))


def _skip_space(data: bytes, at: int) -> int:
    match = _JSON_SPACE.match(data, at)
    return match.end() if match else at


def _linked_crs(source: str, what: str) -> InputFileError:
    return InputFileError(
        _("{source} is refused: {what}").format(source=source, what=what),
        why=_(
            "the reader would download that URL from the server; GeoJSON (RFC 7946) is "
            "always in WGS84 lon/lat and needs no 'crs'"
        ),
        fix=_("remove the 'crs' member (or export the layer again as GeoJSON from QGIS)"),
    )
