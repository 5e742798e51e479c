"""Spreadsheet-safe CSV: formula-like text cells written inert, UTF-8 with a BOM for Excel."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Final

import pandas as pd

logger = logging.getLogger(__name__)

#: First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) treat a cell as
#: a formula or a DDE command (OWASP "CSV Injection": ``=``, ``+``, ``-``, ``@``, tab, CR).
FORMULA_PREFIXES: Final = ("=", "+", "-", "@", "\t", "\r")
#: Put in front of such a cell: the spreadsheet shows the text, it never evaluates it.
ESCAPE: Final = "'"
#: Encoding of every CSV written: UTF-8 starting with a byte-order mark, without which Excel
#: reads the file as the local ANSI code page and garbles Devanagari. Python (``utf-8-sig``),
#: pandas, LibreOffice and ``geo.ingest`` read the mark and drop it.
ENCODING: Final = "utf-8-sig"
#: The byte-order mark as text: the first character of :func:`csv_text`.
BOM: Final = "\ufeff"


def escape_cell(value: object) -> object:
    """Return ``value`` made inert for a spreadsheet when it is text starting like a formula.

    Only text (``str``) is escaped, following OWASP: anything starting with one of
    :data:`FORMULA_PREFIXES` gets a leading :data:`ESCAPE`, *including text that happens to look
    like a number* (``"-5"`` becomes ``"'-5"``): a text cell is never known to be a harmless
    number, and ``-2+3+cmd|' /C calc'!A0`` starts like one. Real numbers (``int``, ``float``,
    numpy numbers, in numeric or mixed columns) are values, not text, and stay as they are, so
    ``-5`` or ``+91`` in a numeric column still reads back as a number.

    Parameters
    ----------
    value : object
        One cell.

    Returns
    -------
    object
        The escaped text, or ``value`` unchanged.
    """
    if _is_formula(value):
        return ESCAPE + str(value)
    return value


def _is_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def _is_text(series: pd.Series) -> bool:
    dtype = series.dtype
    return pd.api.types.is_object_dtype(dtype) or isinstance(
        dtype, pd.StringDtype | pd.CategoricalDtype
    )


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` whose text cells and column names are escaped for spreadsheets.

    Columns of text (object, string or categorical dtype) go through :func:`escape_cell` cell by
    cell (a mixed object column keeps its numbers); numeric, boolean and datetime columns are
    not text and are left alone.

    Parameters
    ----------
    frame : pandas.DataFrame
        Not modified.

    Returns
    -------
    pandas.DataFrame
    """
    out = pd.DataFrame(frame, copy=True)
    escaped = 0
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if not _is_text(series):
            continue
        values = series.astype(object)
        risky = values.map(_is_formula).astype(bool)
        if risky.any():
            escaped += int(risky.sum())
            out.isetitem(position, values.map(escape_cell).to_numpy(dtype=object))
    out.columns = pd.Index([escape_cell(c) for c in out.columns])
    if escaped:
        logger.info("escaped %d spreadsheet formula cells", escaped)
    return out


def write_csv(frame: pd.DataFrame, path: Path, *, append: bool = False) -> Path:
    """Write ``frame`` to a spreadsheet-safe CSV file (UTF-8 with a BOM, no index); return the path.

    Every CSV the command line or the service writes goes through here (or :func:`csv_text`).
    Read it back with ``encoding="utf-8-sig"`` (pandas' default ``utf-8`` drops the mark too).

    Parameters
    ----------
    frame : pandas.DataFrame
        Not modified.
    path : Path
        Destination; its folder is created when missing.
    append : bool
        Add the rows to the end of an existing file, without a header line (for writing a big
        table in chunks); the byte-order mark is written once, at the start of the file.

    Returns
    -------
    Path
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    escape_frame(frame).to_csv(
        path, index=False, mode="a" if append else "w", header=not append, encoding=ENCODING
    )
    return path


def csv_text(frame: pd.DataFrame) -> str:
    r"""Return ``frame`` (not modified) as spreadsheet-safe CSV text, no index, for a download.

    The text starts with :data:`BOM`, so the download, encoded as UTF-8, opens in Excel with
    Devanagari intact.

    Examples
    --------
    >>> csv_text(pd.DataFrame({"thana": ["लंका"], "n": [3]}))
    '\ufeffthana,n\nलंका,3\n'
    """
    buffer = io.StringIO()
    buffer.write(BOM)
    escape_frame(frame).to_csv(buffer, index=False)
    return buffer.getvalue()
