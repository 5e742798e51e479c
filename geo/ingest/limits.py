"""What reading one file may cost: row, column and cell limits, and the zip-bomb checks."""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

import pandas as pd

from geo.errors import InputFileError, InputTooLargeError
from geo.ingest.public_text import scrub
from geo.settings import Settings

logger = logging.getLogger(__name__)

#: The setting each field of :class:`ReadLimits` comes from, by its name as it appears in
#: messages (and as the service's problem ``field``).
SETTING_OF: Final[dict[str, str]] = {
    "rows": "max_upload_rows",
    "columns": "max_upload_columns",
    "cell_chars": "max_cell_chars",
    "unpacked_bytes": "max_unpacked_bytes",
    "zip_members": "max_zip_members",
    "zip_ratio": "max_zip_ratio",
}
#: Every limit setting a read can name.
LIMIT_SETTINGS: Final = tuple(SETTING_OF.values())
#: Members smaller than this (uncompressed) are not held to the compression ratio: a few
#: kilobytes of repeated XML compress far better than any limit and cost nothing.
RATIO_FLOOR_BYTES: Final = 1024 * 1024
#: Work budget of a compressed or binary file (workbook, GeoPackage, Shapefile): at most
#: :data:`CELLS_FLOOR` cells plus :data:`CELLS_PER_FILE_BYTE` per byte of the file (a cell
#: is a row × column of the table as read, empty ones included), and at most
#: :data:`TEXT_FLOOR_CHARS` plus :data:`TEXT_CHARS_PER_FILE_BYTE` characters of workbook
#: text. Real files hold 0.1-0.3 cells and 3-6 characters per byte (measured on incident
#: registers); a hostile 1 MB file stays below ~2 million cells, a few seconds and
#: ~200 MB. Delimited text needs no budget: each cell costs at least a byte of the file.
CELLS_FLOOR: Final = 1_000_000
CELLS_PER_FILE_BYTE: Final = 1
TEXT_FLOOR_CHARS: Final = 16 * 1024 * 1024
TEXT_CHARS_PER_FILE_BYTE: Final = 10


@dataclass(frozen=True)
class ReadLimits:
    """How much work reading one file may cause; each limit is a setting of that name.

    Attributes
    ----------
    rows : int or None
        Most data rows (``max_upload_rows``); ``None``: no row limit (the command line).
    columns : int
        Most columns (``max_upload_columns``).
    cell_chars : int
        Longest text of one cell (``max_cell_chars``).
    unpacked_bytes : int
        Largest declared uncompressed size of a zip or workbook (``max_unpacked_bytes``).
    zip_members : int
        Most members of a zip or workbook (``max_zip_members``).
    zip_ratio : float
        Largest compression ratio of a member above :data:`RATIO_FLOOR_BYTES`, and of the
        whole archive (``max_zip_ratio``).
    """

    rows: int | None
    columns: int
    cell_chars: int
    unpacked_bytes: int
    zip_members: int
    zip_ratio: float

    @classmethod
    def for_uploads(cls, settings: Settings) -> ReadLimits:
        """Return the limits of a file uploaded to the service (every setting applies).

        Parameters
        ----------
        settings : Settings

        Returns
        -------
        ReadLimits
        """
        return cls(**{field: getattr(settings, name) for field, name in SETTING_OF.items()})

    @classmethod
    def for_files(cls, settings: Settings) -> ReadLimits:
        """Return the limits of a file the operator names on the command line.

        No row limit; the column, cell and zip-bomb guards still apply (a file someone
        else sent can still be hostile). Parameters and returns as :meth:`for_uploads`.
        """
        return replace(cls.for_uploads(settings), rows=None)


def _default(name: str) -> int:
    value = Settings.model_fields[name].default
    assert isinstance(value, int)
    return value


#: The limits of :func:`geo.ingest.readers.read_table` when none are given: the settings' defaults
#: (not the environment's) without a row limit.
DEFAULT_LIMITS: Final = replace(
    ReadLimits(**{field: _default(name) for field, name in SETTING_OF.items()}), rows=None
)


def too_large(source: str, what: str, setting: str, fix: str = "") -> InputTooLargeError:
    """Return the error of a file above a limit, naming the setting and how to raise it.

    Parameters
    ----------
    source : str
        The file name.
    what : str
        What is too large, e.g. ``"more than 500,000 rows"``.
    setting : str
        The setting, e.g. ``SETTING_OF["rows"]``.
    fix : str, optional
        How to fix the file; raising ``SHAKTI_<SETTING>`` is always offered as well.

    Returns
    -------
    geo.errors.InputTooLargeError
    """
    env = "SHAKTI_" + setting.upper()
    return InputTooLargeError(
        f"{source} has {what} ({setting})",
        why="a file above this limit is refused before it is read, so that no upload can "
        "exhaust the server",
        fix=(fix + ", or " if fix else "") + f"ask the administrator to raise {env}",
    )


def check_rows(count: int, limits: ReadLimits, source: str) -> None:
    """Refuse more data rows than ``limits.rows``.

    Parameters
    ----------
    count : int
        Rows read or declared (may be a lower bound: limit + 1 read).
    limits : ReadLimits
    source : str

    Raises
    ------
    geo.errors.InputTooLargeError
    """
    if limits.rows is not None and count > limits.rows:
        raise too_large(
            source,
            f"more than {limits.rows:,} rows",
            SETTING_OF["rows"],
            "split the file into smaller files",
        )


def check_columns(count: int, limits: ReadLimits, source: str) -> None:
    """Refuse more columns than ``limits.columns``.

    Parameters
    ----------
    count : int
    limits : ReadLimits
    source : str

    Raises
    ------
    geo.errors.InputTooLargeError
    """
    if count > limits.columns:
        raise too_large(
            source,
            f"{count:,} columns, more than {limits.columns:,}",
            SETTING_OF["columns"],
            "keep only the columns the layer needs",
        )


def cell_too_long(limits: ReadLimits, source: str) -> InputTooLargeError:
    """Return the error of a cell longer than ``limits.cell_chars``.

    Parameters
    ----------
    limits : ReadLimits
    source : str

    Returns
    -------
    geo.errors.InputTooLargeError
    """
    return too_large(
        source,
        f"a cell longer than {limits.cell_chars:,} characters",
        SETTING_OF["cell_chars"],
        "shorten that text (free-text columns are not stored anyway)",
    )


def check_frame(frame: pd.DataFrame, limits: ReadLimits, source: str) -> None:
    """Check a table as read: rows, columns and the longest text cell.

    Parameters
    ----------
    frame : pandas.DataFrame
    limits : ReadLimits
    source : str

    Raises
    ------
    geo.errors.InputTooLargeError
    """
    check_columns(frame.shape[1], limits, source)
    check_rows(len(frame), limits, source)
    names = [str(c) for c in frame.columns]
    if any(len(name) > limits.cell_chars for name in names):
        raise cell_too_long(limits, source)
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        if column.dtype != object and not isinstance(column.dtype, pd.StringDtype):
            continue
        try:
            longest = column.str.len().max()
        except AttributeError:  # no text at all in an object column
            continue
        if pd.notna(longest) and int(longest) > limits.cell_chars:
            raise cell_too_long(limits, source)


def _per_byte_budget(floor: int, per_byte: int, file_bytes: int) -> int:
    """Return ``floor`` plus ``per_byte`` for every byte of the file."""
    return floor + per_byte * max(file_bytes, 0)


def cell_budget(file_bytes: int) -> int:
    """Return how many cells a table read from a file of ``file_bytes`` bytes may have."""
    return _per_byte_budget(CELLS_FLOOR, CELLS_PER_FILE_BYTE, file_bytes)


def text_budget(file_bytes: int) -> int:
    """Return how many characters of text a workbook of ``file_bytes`` bytes may unpack to."""
    return _per_byte_budget(TEXT_FLOOR_CHARS, TEXT_CHARS_PER_FILE_BYTE, file_bytes)


def too_dense(source: str, what: str) -> InputTooLargeError:
    """Return the error of a file that unpacks to far more than files of its size hold.

    Parameters
    ----------
    source : str
    what : str
        E.g. ``"more than 2,000,000 cells"``.

    Returns
    -------
    geo.errors.InputTooLargeError
    """
    return InputTooLargeError(
        f"{source} unpacks to {what}, far more than a file of its size holds",
        why=f"a table may have {CELLS_FLOOR:,} cells plus {CELLS_PER_FILE_BYTE} per byte of "
        f"the file, and a workbook {TEXT_FLOOR_CHARS:,} characters of text plus "
        f"{TEXT_CHARS_PER_FILE_BYTE} per byte, so that no small file costs minutes of work "
        "(empty rows and columns between cells count too)",
        fix="delete the empty rows and columns, or save the data as CSV (UTF-8), which has "
        "no such budget",
    )


# --------------------------------------------------------------------------- archives


def declared_members(path: Path) -> int | None:
    """Return the member count a zip's end record declares, without reading its directory.

    Uses the standard library's (private, long-stable) end-record reader; ``None`` when it
    is not available or the file has no end record.

    Parameters
    ----------
    path : Path

    Returns
    -------
    int or None
    """
    reader = getattr(zipfile, "_EndRecData", None)
    if reader is None:  # pragma: no cover - a future Python
        return None
    with path.open("rb") as handle:
        record = reader(handle)
    if not record:
        return None
    return int(record[4])  # _ECD_ENTRIES_TOTAL


def check_archive(
    path: Path, limits: ReadLimits, source: str, *, what: str = "zip archive"
) -> list[zipfile.ZipInfo]:
    """Check a zip (or a workbook, which is one) before anything unpacks it.

    Refused: more members than ``limits.zip_members`` (counted from the end record first,
    so a directory of millions of entries is never loaded), a declared total size above
    ``limits.unpacked_bytes``, a member above :data:`RATIO_FLOOR_BYTES` or the whole
    archive compressed more than ``limits.zip_ratio`` times, and encrypted members.
    Readers of members (Python's zipfile, GDAL's /vsizip/) stop at the declared sizes.

    Parameters
    ----------
    path : Path
    limits : ReadLimits
    source : str
        The file name.
    what : str
        How the file is called in messages ("zip archive", "Excel workbook").

    Returns
    -------
    list of zipfile.ZipInfo
        The members, in order.

    Raises
    ------
    geo.errors.InputTooLargeError
        Above a limit (413).
    geo.errors.InputFileError
        Not a readable zip, or encrypted.
    """
    try:
        declared = declared_members(path)
        if declared is not None and declared > limits.zip_members:
            raise _too_many_members(declared, limits, source)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except InputTooLargeError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise InputFileError(
            f"{source} is not a readable {what}: {scrub(str(exc), source, [str(path)])}",
            fix="create the file again (zip the Shapefile again, or save the workbook again "
            "as .xlsx)",
        ) from exc
    if len(infos) > limits.zip_members:
        raise _too_many_members(len(infos), limits, source)
    if any(info.flag_bits & 0x1 for info in infos):
        raise InputFileError(
            f"{source} is an encrypted {what}",
            why="password-protected files cannot be read",
            fix="save or zip it again without a password",
        )
    total = sum(info.file_size for info in infos)
    if total > limits.unpacked_bytes:
        raise too_large(
            source,
            f"{total:,} bytes once unpacked, more than {limits.unpacked_bytes:,}",
            SETTING_OF["unpacked_bytes"],
            "split the data into smaller files",
        )
    size = max(path.stat().st_size, 1)
    worst = max(
        (info.file_size / max(info.compress_size, 1) for info in infos if _held_to_ratio(info)),
        default=0.0,
    )
    whole = total / size if total > RATIO_FLOOR_BYTES else 0.0
    if max(worst, whole) > limits.zip_ratio:
        raise too_large(
            source,
            f"content compressed {max(worst, whole):,.0f} times, more than {limits.zip_ratio:g} "
            "times (a zip bomb)",
            SETTING_OF["zip_ratio"],
            "send the data uncompressed (CSV), or without the padding",
        )
    return infos


def _held_to_ratio(info: zipfile.ZipInfo) -> bool:
    return info.file_size > RATIO_FLOOR_BYTES


def _too_many_members(count: int, limits: ReadLimits, source: str) -> InputTooLargeError:
    return too_large(
        source,
        f"{count:,} members, more than {limits.zip_members:,}",
        SETTING_OF["zip_members"],
        "zip only the files needed",
    )


def member_names(infos: Sequence[zipfile.ZipInfo]) -> list[str]:
    """Return the names of an archive's members that are files (not folders).

    Parameters
    ----------
    infos : sequence of zipfile.ZipInfo

    Returns
    -------
    list of str
    """
    return [info.filename for info in infos if not info.is_dir()]
