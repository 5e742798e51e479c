"""Excel 97-2003 workbooks (.xls, BIFF8): bounded before xlrd reads a sheet, every value as text.

A ``.xls`` file is an OLE2 compound document holding a ``Workbook`` stream of BIFF records.
Before xlrd (2.x, pinned; it reads only ``.xls``) loads anything, the file must start with the
OLE2 signature (an HTML page, a CSV or an ``.xlsx`` renamed ``.xls`` is refused, as CCTNS and
other portals often export). xlrd then opens the workbook ``on_demand`` (the workbook globals
only: sheet list, shared strings, formats, whose size is that of the file) and, before the
chosen sheet is parsed, its declared dimensions (the sheet's ``DIMENSIONS`` record) are held to
``ReadLimits`` (rows, columns) and to the per-byte cell budget of
:func:`geo.ingest.limits.cell_budget`. Rows are read unpadded (``ragged_rows``) and blank cells
are skipped, so a sheet lying about its size still costs at most its records; the table read
is checked again. Cells become text as in an ``.xlsx``: numbers without a needless ``.0``,
dates from Excel serials as ISO 8601 (a date alone stays a date, a time alone ``HH:MM``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import struct
from pathlib import Path
from typing import Any, Final

import pandas as pd
import xlrd

from geo.errors import InputFileError
from geo.i18n import N_, _
from geo.ingest.limits import (
    ReadLimits,
    cell_budget,
    check_columns,
    check_frame,
    check_rows,
    too_dense,
)
from geo.ingest.public_text import clip, scrub
from geo.ingest.sniff import check_content
from geo.ingest.workbook import pick_name

logger = logging.getLogger(__name__)

#: BIFF record codes read before a sheet is parsed.
DIMENSIONS: Final = 0x0200
BIFF_EOF: Final = 0x000A
#: Records scanned from a sheet's start for its DIMENSIONS (it comes within the first few).
DIMENSIONS_SCAN_RECORDS: Final = 1024
_FIX: Final = N_("open it in Excel or LibreOffice and save it as .xlsx (or as CSV UTF-8)")


def declared_dimensions(mem: bytes, start: int) -> tuple[int, int] | None:
    """Return the (rows, columns) a BIFF8 sheet declares, or ``None`` when it declares none.

    Parameters
    ----------
    mem : bytes
        The workbook stream.
    start : int
        Offset of the sheet's BOF record.

    Returns
    -------
    tuple of int or None

    Examples
    --------
    >>> rec = struct.pack("<HHIIHHH", DIMENSIONS, 14, 0, 70000, 0, 300, 0)
    >>> declared_dimensions(struct.pack("<HH", 0x0809, 0) + rec, 0)
    (70000, 300)
    """
    pos = start
    for _record in range(DIMENSIONS_SCAN_RECORDS):
        if pos + 4 > len(mem):
            return None
        code, length = struct.unpack_from("<HH", mem, pos)
        body = pos + 4
        if code == DIMENSIONS and length >= 12:
            _first_row, rows, _first_col, cols = struct.unpack_from("<IIHH", mem, body)
            return int(rows), int(cols)
        if code == BIFF_EOF and pos != start:
            return None
        pos = body + length
    return None


def _text(cell: xlrd.sheet.Cell, datemode: int) -> str | None:
    """Return a cell as the text a user sees (``None`` when empty or an error)."""
    kind, value = cell.ctype, cell.value
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if kind == xlrd.XL_CELL_TEXT:
        text = str(value).strip()
        return text or None
    if kind == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if value else "FALSE"
    if kind == xlrd.XL_CELL_DATE:
        try:
            when: dt.datetime = xlrd.xldate.xldate_as_datetime(value, datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _number(value)
        if value < 1:
            return when.strftime("%H:%M:%S" if when.second else "%H:%M")
        if when.time() == dt.time(0):
            return when.date().isoformat()
        return when.isoformat(timespec="seconds" if when.second else "minutes")
    return _number(value)


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)


def _columns(header: list[str | None]) -> list[str]:
    """Return header names as pandas would read them: blanks ``Unnamed: i``, repeats ``.1``."""
    seen: dict[str, int] = {}
    names = []
    for i, value in enumerate(header):
        name = value if value else f"Unnamed: {i}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    return names


def _open(path: Path) -> xlrd.book.Book:
    source = path.name
    try:
        return xlrd.open_workbook(
            str(path), on_demand=True, ragged_rows=True, logfile=io.StringIO(), verbosity=0
        )
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, struct.error, ...
        raise InputFileError(
            _("{source} cannot be read as an Excel 97-2003 workbook (.xls): {error}").format(
                source=source,
                error=scrub(str(exc) or type(exc).__name__, source, [str(path), str(path.parent)]),
            ),
            fix=_(_FIX),
        ) from exc


def read_legacy_workbook(path: Path, layer: str | None, limits: ReadLimits) -> pd.DataFrame:
    """Read one sheet of an ``.xls`` workbook, every value as text, bounded before parsing.

    Parameters are those of :func:`geo.ingest.workbook.read_workbook`.

    Returns
    -------
    pandas.DataFrame
        Indexed ``0 .. n-1``; empty cells missing; blank rows dropped.

    Raises
    ------
    geo.errors.InputFileError
        Not an OLE2 file, unreadable, or an empty sheet.
    geo.errors.InputTooLargeError
        When the sheet declares (or holds) more rows, columns or cells than allowed.
    """
    source = path.name
    check_content(path, ".xls")
    book = _open(path)
    try:
        names = book.sheet_names()
        if not names:
            raise InputFileError(_("{source} holds no sheet").format(source=source), fix=_(_FIX))
        sheet_name = pick_name(layer, names, source, "sheet") if layer else names[0]
        index = names.index(sheet_name)
        declared = declared_dimensions(book.mem, book._sh_abs_posn[index])
        budget = cell_budget(path.stat().st_size)
        if declared is not None:
            rows, cols = declared
            check_columns(cols, limits, source)
            check_rows(max(rows - 1, 0), limits, source)
            if rows * cols > budget:
                raise too_dense(source, f"a sheet declaring {rows:,} × {cols:,} cells")
        try:
            sheet = book.sheet_by_index(index)
        except Exception as exc:
            raise InputFileError(
                _("sheet {name} of {source} cannot be read: {error}").format(
                    name=repr(clip(sheet_name)),
                    source=source,
                    error=scrub(str(exc) or type(exc).__name__, source, [str(path)]),
                ),
                fix=_(_FIX),
            ) from exc
        width = max((sheet.row_len(r) for r in range(sheet.nrows)), default=0)
        check_columns(width, limits, source)
        check_rows(max(sheet.nrows - 1, 0), limits, source)
        if sheet.nrows * width > budget:
            raise too_dense(source, f"a sheet of {sheet.nrows:,} × {width:,} cells")
        table = [[_text(cell, book.datemode) for cell in sheet.row(r)] for r in range(sheet.nrows)]
    finally:
        book.release_resources()
    if not table or not any(v is not None for v in table[0]):
        raise InputFileError(
            _("sheet {name} of {source} is empty").format(
                name=repr(clip(sheet_name)), source=source
            ),
            fix=_("put the header in the first row of the first sheet, or name the sheet as layer"),
        )
    header = _columns(table[0] + [None] * (width - len(table[0])))
    body = [
        row + [None] * (width - len(row)) for row in table[1:] if any(v is not None for v in row)
    ]
    frame = pd.DataFrame(body, columns=header, dtype="object")
    check_frame(frame, limits, source)
    logger.info("read sheet %r of %s: %d rows", clip(sheet_name), source, len(frame))
    return frame.reset_index(drop=True)
