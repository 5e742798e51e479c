"""Writing a table people open in a spreadsheet: CSV (UTF-8 with a BOM) or XLSX, by extension."""

from __future__ import annotations

import logging
import math
import re
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from geo.csv_safe import escape_frame, write_csv
from geo.errors import ExportError
from geo.export import flatten_for_export

logger = logging.getLogger(__name__)

#: Table formats by file extension.
TABLE_FORMATS: Final = {".csv": "CSV", ".xlsx": "XLSX"}
#: Column widths of an XLSX sheet, in characters: from the longest cell, within these bounds.
MIN_WIDTH: Final = 6
MAX_WIDTH: Final = 60
#: Characters a worksheet name may not hold, and its longest length (Excel's rules).
_SHEET_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX: Final = 31


def write_table(frame: pd.DataFrame, path: Path, *, sheet: str | None = None) -> Path:
    """Write ``frame`` (no index) as ``.csv`` or ``.xlsx``, chosen by the extension of ``path``.

    Both are safe and readable in Excel: text cells that start like a formula are escaped
    (:func:`geo.csv_safe.escape_frame`), list/dict cells become JSON text and date-times ISO
    text (:func:`geo.export.flatten_for_export`), Devanagari stays intact (the CSV is UTF-8 with
    a byte-order mark). An XLSX sheet has a bold, frozen header row and columns as wide as
    their content (within :data:`MIN_WIDTH`..:data:`MAX_WIDTH` characters); numbers stay numbers
    and missing values are empty cells.

    Parameters
    ----------
    frame : pandas.DataFrame
        Not modified. A GeoDataFrame's geometry is written as WKT text.
    path : Path
        ``.csv`` or ``.xlsx`` (any case); its folder is created when missing.
    sheet : str, optional
        Name of the XLSX worksheet; default: the file's stem (cut to Excel's 31 characters).

    Returns
    -------
    Path

    Raises
    ------
    geo.errors.ExportError
        For another extension.
    """
    fmt = TABLE_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(
            f"cannot write the table {path.name}: unknown table format {path.suffix or '(none)'!r}",
            why="tables are written as CSV or Excel workbooks only",
            fix="name the file with one of " + ", ".join(TABLE_FORMATS),
        )
    flat = pd.DataFrame(flatten_for_export(frame))
    for column in flat.columns:
        if flat[column].map(lambda v: hasattr(v, "wkt")).any():
            flat[column] = flat[column].map(lambda v: v.wkt if hasattr(v, "wkt") else v)
    if fmt == "CSV":
        write_csv(flat, path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_xlsx(escape_frame(flat), path, sheet or path.stem)
    logger.info("wrote a %d-row table to %s", len(frame), path)
    return path


def _cell(value: Any, illegal: re.Pattern[str]) -> Any:
    """Return ``value`` as openpyxl writes it: plain Python, missing as ``None``.

    ``illegal`` matches the characters a workbook cannot hold (openpyxl's pattern).
    """
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return illegal.sub("", value)
    return value


def _width(values: list[Any]) -> float:
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    return float(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))


def _write_xlsx(frame: pd.DataFrame, path: Path, sheet: str) -> None:
    # openpyxl is imported here, not at start: the command line imports this module always.
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = _SHEET_FORBIDDEN.sub("_", sheet)[:_SHEET_MAX] or "table"
    header = [_cell(str(c), ILLEGAL_CHARACTERS_RE) for c in frame.columns]
    worksheet.append(header)
    for cell in worksheet[1]:
        cell.font = Font(bold=True)
    rows = [
        [_cell(v, ILLEGAL_CHARACTERS_RE) for v in row]
        for row in frame.itertuples(index=False, name=None)
    ]
    for row in rows:
        worksheet.append(row)
    for position, name in enumerate(header, start=1):
        column = [name, *(row[position - 1] for row in rows)]
        worksheet.column_dimensions[get_column_letter(position)].width = _width(column)
    worksheet.freeze_panes = "A2"
    workbook.save(path)
