"""Excel workbooks (.xlsx): bounded before openpyxl opens them, then read with every value as text.

openpyxl, even read-only, loads the shared strings and a few parts whole and pads sparse
rows, and pandas pads every row to the widest: a 1 MB workbook can hold a 1 GiB cell or a
cell at row 1,048,576, column XFD. So before openpyxl runs, the archive's declared sizes and
ratios are checked (:func:`geo.ingest.limits.check_archive`), the parts openpyxl parses whole are
size-capped, and the shared strings and the chosen sheet are streamed through expat counting
rows, columns and characters, stopping at the first limit passed. openpyxl offers no such
bound, hence this hand-written scan (stdlib expat, constant memory).
"""

from __future__ import annotations

import logging
import posixpath
import re
import warnings
import xml.parsers.expat
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import pandas as pd
from openpyxl.packaging.manifest import Manifest
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    SHARED_STRINGS,
    XLSM,
    XLSX,
    XLTM,
    XLTX,
)

from geo.errors import ColumnMappingError, InputFileError, InputTooLargeError
from geo.i18n import N_, _
from geo.ingest.limits import (
    ReadLimits,
    cell_budget,
    cell_too_long,
    check_archive,
    check_columns,
    check_frame,
    check_rows,
    member_names,
    text_budget,
    too_dense,
)
from geo.ingest.public_text import clip, describe_names, refused_for_names, scrub
from geo.ingest.sniff import check_workbook_members

logger = logging.getLogger(__name__)

#: Largest part openpyxl parses whole (workbook, styles, relationships, properties).
XLSX_PART_BYTES: Final = 16 * 1024 * 1024
#: Excel's own grid: no real workbook has a cell beyond it.
EXCEL_MAX_ROWS: Final = 1_048_576
EXCEL_MAX_COLUMNS: Final = 16_384
#: Bytes fed to expat at a time.
SCAN_CHUNK_BYTES: Final = 1024 * 1024

_WORKBOOK_TYPES: Final = (XLTM, XLTX, XLSM, XLSX)
_WORKBOOK_DEFAULT: Final = "xl/workbook.xml"
_TEXT_ELEMENTS: Final = frozenset({"v", "t", "f"})


class _ScanStoppedError(Exception):
    """Raised from an expat handler to stop at the first limit passed (carries the error)."""

    def __init__(self, error: InputFileError) -> None:
        super().__init__(str(error))
        self.error = error


def _local(name: str) -> str:
    return name.rpartition(":")[2]


def _column_index(ref: str) -> int:
    """Return the 1-based column of a cell reference such as ``"AB12"`` (0 when none)."""
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            index = index * 26 + ord(char) - 96
        else:
            break
    return index


class _Budget:
    """What shared strings and the sheet may add up to (:func:`geo.ingest.limits.cell_budget`)."""

    def __init__(self, file_bytes: int, source: str) -> None:
        self.max_cells = cell_budget(file_bytes)
        self.max_chars = text_budget(file_bytes)
        self.chars = 0
        self.source = source

    def add_text(self, count: int) -> None:
        self.chars += count
        if self.chars > self.max_chars:
            raise _ScanStoppedError(
                too_dense(self.source, f"more than {self.max_chars:,} characters of text")
            )

    def check_grid(self, rows: int, columns: int) -> None:
        if rows * columns > self.max_cells:
            raise _ScanStoppedError(
                too_dense(
                    self.source,
                    f"a grid of {rows:,} rows × {columns:,} columns, more than "
                    f"{self.max_cells:,} cells",
                )
            )


class _Scan:
    """Base of the expat scans: refuses DTDs (entity tricks), nothing else."""

    def __init__(self, limits: ReadLimits, source: str, budget: _Budget | None = None) -> None:
        self.limits = limits
        self.source = source
        self.budget = budget or _Budget(0, source)

    def attach(self, parser: xml.parsers.expat.XMLParserType) -> None:
        parser.StartDoctypeDeclHandler = self._doctype

    def _doctype(self, *args: object) -> None:
        raise _ScanStoppedError(
            InputFileError(
                _("{source} holds an XML document type declaration").format(source=self.source),
                why=_("Excel never writes one; it can be used to make readers expand entities"),
                fix=_("open it in Excel or LibreOffice and save it again as .xlsx"),
            )
        )


class _TextScan(_Scan):
    """Base of the scans that count the characters of each cell's text elements."""

    #: Local names of the elements whose character data is a cell's text.
    text_elements: frozenset[str] | tuple[str, ...] = ("t",)

    def __init__(self, limits: ReadLimits, source: str, budget: _Budget) -> None:
        super().__init__(limits, source, budget)
        self.chars = 0
        self.inside_text = False

    def attach(self, parser: xml.parsers.expat.XMLParserType) -> None:
        super().attach(parser)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        raise NotImplementedError

    def _end(self, name: str) -> None:
        if _local(name) in self.text_elements:
            self.inside_text = False

    def _text(self, data: str) -> None:
        if self.inside_text:
            self.chars += len(data)
            if self.chars > self.limits.cell_chars:
                raise _ScanStoppedError(cell_too_long(self.limits, self.source))
            self.budget.add_text(len(data))


class _SharedStrings(_TextScan):
    """Counts the characters of each shared string (``<si>``, its ``<t>`` runs)."""

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "si":
            self.chars = 0
        elif local == "t":
            self.inside_text = True


class _Sheet(_TextScan):
    """Follows a worksheet's rows, columns and characters per cell, as openpyxl will see them."""

    text_elements = _TEXT_ELEMENTS

    def __init__(self, limits: ReadLimits, source: str, budget: _Budget) -> None:
        super().__init__(limits, source, budget)
        self.row = 0
        self.max_row = 0
        self.column = 0
        self.max_column = 0

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        local = _local(name)
        if local == "c":
            ref = attrs.get("r")
            self.column = _column_index(ref) if ref else self.column + 1
            if self.column > self.max_column:
                self.max_column = self.column
                if self.column > EXCEL_MAX_COLUMNS:
                    self._stop_grid()
                try:
                    check_columns(self.column, self.limits, self.source)
                except InputTooLargeError as exc:
                    raise _ScanStoppedError(exc) from None
                self.budget.check_grid(self.max_row, self.max_column)
        elif local == "row":
            ref = attrs.get("r", "")
            self.row = int(ref) if ref.isdigit() else self.row + 1
            self.column = 0
            if self.row > self.max_row:
                self.max_row = self.row
                if self.row > EXCEL_MAX_ROWS:
                    self._stop_grid()
                try:
                    check_rows(self.row - 1, self.limits, self.source)  # row 1: the header
                except InputTooLargeError as exc:
                    raise _ScanStoppedError(exc) from None
                self.budget.check_grid(self.max_row, max(self.max_column, 1))
        elif local in _TEXT_ELEMENTS:
            self.inside_text = True
            self.chars = 0

    def _stop_grid(self) -> None:
        raise _ScanStoppedError(
            InputFileError(
                _("{source} has a cell beyond Excel's last row or column").format(
                    source=self.source
                ),
                fix=_("open it in Excel or LibreOffice and save it again as .xlsx"),
            )
        )


def _scan(archive: zipfile.ZipFile, member: str, scan: _Scan) -> None:
    parser = xml.parsers.expat.ParserCreate()
    parser.buffer_text = True
    scan.attach(parser)
    try:
        with archive.open(member) as handle:
            while chunk := handle.read(SCAN_CHUNK_BYTES):
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _ScanStoppedError as stop:
        raise stop.error from None
    except xml.parsers.expat.ExpatError as exc:
        raise InputFileError(
            _("{source} has a broken part {name}: {error} (line {lineno})").format(
                source=scan.source,
                name=repr(clip(member)),
                error=xml.parsers.expat.ErrorString(exc.code),
                lineno=exc.lineno,
            ),
            fix=_("open it in Excel or LibreOffice and save it again as .xlsx"),
        ) from exc


def _manifest(archive: zipfile.ZipFile) -> Manifest:
    from openpyxl.xml.functions import fromstring

    return Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))


def _workbook_part(manifest: Manifest) -> str:
    for content_type in _WORKBOOK_TYPES:
        part = manifest.find(content_type)
        if part:
            return str(part.PartName)[1:]
    return _WORKBOOK_DEFAULT


def _rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _worksheets(
    archive: zipfile.ZipFile, workbook_part: str, names: Sequence[str], source: str
) -> list[tuple[str, str]]:
    """Return ``(sheet name, member)`` of each worksheet, as openpyxl will find them."""
    parser = WorkbookParser(archive, workbook_part, keep_links=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parser.parse()
        found = [(str(sheet.name), rel) for sheet, rel in parser.find_sheets()]
    present = set(names)
    charts = [name for name, rel in found if "chartsheet" in str(rel.Type)]
    if charts:
        raise refused_for_names(
            _("{source} holds chart sheets: {names}"),
            source,
            charts,
            why=_("only sheets of data are read"),
            fix=_("copy the data sheet into a new workbook, or save it as CSV"),
        )
    return [(name, str(rel.target)) for name, rel in found if str(rel.target) in present]


def _check_parts(infos: Sequence[zipfile.ZipInfo], parsed: Sequence[str], source: str) -> None:
    sizes = {info.filename: info.file_size for info in infos}
    for part in parsed:
        size = sizes.get(part, 0)
        if size > XLSX_PART_BYTES:
            raise InputTooLargeError(
                _("{source} has a part {name} of {size} bytes, more than {limit}").format(
                    source=source,
                    name=repr(clip(part)),
                    size=format(size, ","),
                    limit=format(XLSX_PART_BYTES, ","),
                ),
                why=_("workbook parts other than the sheets are read whole"),
                fix=_("copy the data into a new workbook without formatting, or save it as CSV"),
            )


#: The texts of :func:`pick_name` per kind of name: (not found, the names there are, fix).
_PICK_TEXTS: Final = {
    "sheet": (
        N_("{source} has no sheet {name}"),
        N_("its sheets are {names}"),
        N_("name one of these sheets as the layer"),
    ),
    "layer": (
        N_("{source} has no layer {name}"),
        N_("its layers are {names}"),
        N_("name one of these layers as the layer"),
    ),
    "Shapefile": (
        N_("{source} has no Shapefile {name}"),
        N_("its Shapefiles are {names}"),
        N_("name one of these Shapefiles as the layer"),
    ),
}


def pick_name(wanted: str, names: Sequence[str], source: str, what: str) -> str:
    """Return the name among ``names`` equal to ``wanted`` (exactly, else ignoring case).

    Parameters
    ----------
    wanted : str
    names : sequence of str
    source : str
        The file name.
    what : str
        ``"sheet"``, ``"layer"``, ``"Shapefile"``.

    Returns
    -------
    str

    Raises
    ------
    geo.errors.InputFileError
        Naming a few of the names there are.
    """
    if wanted in names:
        return wanted
    folded = [n for n in names if n.casefold() == wanted.casefold()]
    if len(folded) == 1:
        return folded[0]
    # one text per kind of name, so each reads whole in every language
    texts = _PICK_TEXTS.get(what, _PICK_TEXTS["layer"])
    missing, there, fix = texts
    raise InputFileError(
        _(missing).format(source=source, name=repr(clip(wanted))),
        why=_(there).format(names=describe_names(names)),
        fix=_(fix),
    )


def check_workbook(path: Path, layer: str | None, limits: ReadLimits) -> str:
    """Check a workbook before openpyxl opens it; return the sheet to read.

    Parameters
    ----------
    path : Path
    layer : str or None
        The sheet (default: the first).
    limits : ReadLimits

    Returns
    -------
    str
        The sheet's name.

    Raises
    ------
    geo.errors.InputTooLargeError
        Above a limit.
    geo.errors.InputFileError
        Not a workbook, broken, or with a DTD or chart sheets.
    """
    source = path.name
    infos = check_archive(path, limits, source, what="Excel workbook")
    names = member_names(infos)
    check_workbook_members(names, source)
    with zipfile.ZipFile(path) as archive:
        _check_parts(infos, [ARC_CONTENT_TYPES], source)
        _scan(archive, ARC_CONTENT_TYPES, _Scan(limits, source))
        manifest = _manifest(archive)
        workbook = _workbook_part(manifest)
        parsed = [workbook, _rels_path(workbook), ARC_CORE, ARC_CUSTOM, ARC_STYLE, ARC_THEME]
        parsed = [p for p in parsed if p in names]
        _check_parts(infos, parsed, source)
        for part in parsed:
            _scan(archive, part, _Scan(limits, source))
        sheets = _worksheets(archive, workbook, names, source)
        if not sheets:
            raise InputFileError(
                _("{source} holds no sheet").format(source=source),
                fix=_("save the workbook again with its data sheet"),
            )
        titles = [name for name, _member in sheets]
        sheet = pick_name(layer, titles, source, "sheet") if layer else titles[0]
        member = dict(sheets)[sheet]
        sheet_rels = [p for p in (_rels_path(m) for _, m in sheets) if p in names]
        _check_parts(infos, sheet_rels, source)
        for part in sheet_rels:
            _scan(archive, part, _Scan(limits, source))
        budget = _Budget(path.stat().st_size, source)
        strings = manifest.find(SHARED_STRINGS)
        if strings is not None and str(strings.PartName)[1:] in names:
            _scan(archive, str(strings.PartName)[1:], _SharedStrings(limits, source, budget))
        _scan(archive, member, _Sheet(limits, source, budget))
    return sheet


#: How pandas writes a date cell as text: a date alone is a day, not midnight (as for ``.xls``).
_MIDNIGHT: Final = re.compile(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$")


def _dates_as_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with date cells written as ``YYYY-MM-DD`` instead of midnight."""
    return frame.replace(to_replace=_MIDNIGHT, value=r"\1", regex=True)


def read_workbook(path: Path, layer: str | None, limits: ReadLimits) -> pd.DataFrame:
    """Read one sheet of an .xlsx workbook, every value as text, after :func:`check_workbook`.

    Parameters
    ----------
    path : Path
    layer : str or None
        The sheet (default: the first); case does not matter.
    limits : ReadLimits

    Returns
    -------
    pandas.DataFrame
        Indexed ``0 .. n-1``; empty cells missing.

    Raises
    ------
    geo.errors.InputFileError
        Unreadable, or an empty sheet.
    geo.errors.InputTooLargeError
        Above a limit.
    """
    source = path.name
    try:
        sheet = check_workbook(path, layer, limits)
        with warnings.catch_warnings():
            # openpyxl's harmless notes about workbooks written by other software.
            warnings.filterwarnings("ignore", message="Workbook contains no default style")
            warnings.filterwarnings("ignore", message=".*extension is not supported")
            frame = pd.read_excel(
                path,
                sheet_name=sheet,
                engine="openpyxl",
                dtype=str,
                keep_default_na=False,
                na_values=[""],
                nrows=None if limits.rows is None else limits.rows + 1,
            )
    except (InputFileError, ColumnMappingError):
        raise
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise InputFileError(
            _("{source} cannot be read as an Excel workbook: {error}").format(
                source=source,
                error=scrub(str(exc) or type(exc).__name__, source, [str(path), str(path.parent)]),
            ),
            fix=_("open it in Excel or LibreOffice and save it again as .xlsx (or as CSV UTF-8)"),
        ) from exc
    if frame.shape[1] == 0:
        raise InputFileError(
            _("sheet {name} of {source} is empty").format(name=repr(clip(sheet)), source=source),
            fix=_("put the header in the first row of the first sheet, or name the sheet as layer"),
        )
    frame.columns = pd.Index([str(c) for c in frame.columns])
    check_frame(frame, limits, source)
    return _dates_as_days(frame).reset_index(drop=True)
