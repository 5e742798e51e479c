"""Delimited text (CSV/TXT): encodings, delimiter sniffing and reading every value as text."""

from __future__ import annotations

import csv
import io
import logging
from typing import Final

import pandas as pd

from geo.errors import InputFileError
from geo.i18n import _
from geo.ingest.limits import ReadLimits, check_columns, check_frame
from geo.ingest.public_text import scrub

logger = logging.getLogger(__name__)

#: Delimiters recognised in delimited text, in order of preference on a tie.
DELIMITERS: Final = (",", ";", "\t")
#: Encodings tried for delimited text, in order; latin-1 decodes any byte string.
ENCODINGS: Final = ("utf-8-sig", "cp1252", "latin-1")
#: Bytes looked at to sniff the encoding problems, the delimiter and the header.
SNIFF_BYTES: Final = 64 * 1024


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Return ``(encoding, text of the first bytes)``; the whole file is checked to decode.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str
        The file name, for messages.

    Returns
    -------
    tuple of str

    Raises
    ------
    geo.errors.InputFileError
        Binary content (NUL bytes), XML (e.g. a GDAL VRT) or undecodable UTF-16.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        if b"\x00" in data[:SNIFF_BYTES]:
            raise InputFileError(
                _("{source} does not look like a text (CSV) file").format(source=source),
                why=_("it contains NUL bytes, as binary files such as .xls or .zip do"),
                fix=_("open it in Excel or LibreOffice and save it as CSV (UTF-8) or .xlsx"),
            )
        encodings = ENCODINGS
    for encoding in encodings:
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding != "utf-8-sig":
            logger.info("%s is not UTF-8; read as %s", source, encoding)
        head = data[:SNIFF_BYTES].decode(encoding, errors="ignore")
        if head.lstrip("\ufeff \t\r\n").startswith("<"):
            raise InputFileError(
                _("{source} does not look like a text (CSV) file").format(source=source),
                why=_("it starts with '<' as XML and HTML files (and GDAL VRT files) do"),
                fix=_("export the data as CSV (UTF-8) or .xlsx"),
            )
        return encoding, head
    raise InputFileError(  # only reachable for broken UTF-16
        _("{source} cannot be decoded as {encodings}").format(
            source=source, encodings=", ".join(encodings)
        ),
        fix=_("save it as CSV (UTF-8)"),
    )


def sniff_delimiter(sample: str) -> str:
    r"""Return the delimiter among ``, ; tab`` that splits the sample most consistently.

    Parameters
    ----------
    sample : str
        The first lines of a file.

    Returns
    -------
    str

    Examples
    --------
    >>> sniff_delimiter("id;lat;lon\\n1;25,3;83,01\\n")
    ';'
    """
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


def delimiter_name(delimiter: str) -> str:
    """Return ``"comma"``, ``"semicolon"`` or ``"tab"``.

    Parameters
    ----------
    delimiter : str

    Returns
    -------
    str
    """
    return {",": "comma", ";": "semicolon", "\t": "tab"}[delimiter]


def read_delimited(data: bytes, source: str, layer: str | None, limits: ReadLimits) -> pd.DataFrame:
    """Read delimited text with every value as text and empty cells as missing.

    The header's width is checked on the first bytes before pandas parses anything; pandas
    stops one row past ``limits.rows``; the longest cell is checked on the result.

    Parameters
    ----------
    data : bytes
        The file's content.
    source : str
        The file name.
    layer : str or None
        Ignored (a text file has one table); logged when given.
    limits : ReadLimits

    Returns
    -------
    pandas.DataFrame
        Indexed ``0 .. n-1``, column names as text.

    Raises
    ------
    geo.errors.InputFileError
        Not text, no header, or a line wider than the header.
    geo.errors.InputTooLargeError
        Above a limit.
    """
    if layer is not None:
        logger.warning("%s: layer %r ignored, a text file has a single table", source, layer)
    encoding, head = decode(data, source)
    delimiter = sniff_delimiter(head)
    header = next(csv.reader(io.StringIO(head), delimiter=delimiter), [])
    check_columns(len(header), limits, source)
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            encoding=encoding,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            nrows=None if limits.rows is None else limits.rows + 1,
        )
    except pd.errors.EmptyDataError as exc:
        raise InputFileError(
            _("{source} holds no columns").format(source=source),
            why=_("the file has no header line"),
            fix=_("export the data again with a header line naming the columns"),
        ) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputFileError(
            _("{source} cannot be read as {delimiter}-separated text: {error}").format(
                source=source,
                delimiter=delimiter_name(delimiter),
                error=scrub(str(exc), source).rstrip("."),
            ),
            why=_("a line has a different number of values than the header"),
            fix=_("quote values that contain the delimiter, or export the file again"),
        ) from exc
    frame.columns = pd.Index([str(c) for c in frame.columns])
    check_frame(frame, limits, source)
    logger.debug("%s: %s-separated, %s", source, delimiter_name(delimiter), encoding)
    return frame.reset_index(drop=True)
