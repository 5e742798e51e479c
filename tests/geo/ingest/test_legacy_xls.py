"""Reading .xls registers: text cells, Excel dates, and hostile files refused before parsing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from geo.errors import InputFileError, InputTooLargeError
from geo.ingest.limits import DEFAULT_LIMITS
from geo.ingest.readers import read_table
from tests.geo.ingest.biff import write_xls


def test_cells_read_as_text_with_dates(tmp_path: Path) -> None:
    rows = [
        ["FIR No.", "दिनांक", "समय", "arrests", "when"],
        ["12/2025", "२८/११/२०२५", "शाम 6:30", 2, dt.date(2025, 11, 28)],
        ["13/2025", None, None, 1.5, dt.datetime(2025, 11, 29, 7, 15)],
        [None, None, None, None, None],
    ]
    frame = read_table(write_xls(tmp_path / "register.xls", rows)).frame
    assert list(frame.columns) == ["FIR No.", "दिनांक", "समय", "arrests", "when"]
    assert len(frame) == 2  # the blank row is dropped, as in CSV
    assert frame.loc[0].tolist() == ["12/2025", "२८/११/२०२५", "शाम 6:30", "2", "2025-11-28"]
    assert frame.loc[1, "arrests"] == "1.5"
    assert frame.loc[1, "when"] == "2025-11-29T07:15"


@pytest.mark.parametrize(
    ("content", "found"),
    [
        (b"<html><table><tr><td>id</td></tr></table></html>", "XML"),
        (b"id,lat,lon\n1,25.3,83.0\n", "something else"),
        (b"PK\x03\x04" + b"\x00" * 100, "zip archive"),
    ],
)
def test_not_an_xls_is_refused_before_parsing(tmp_path: Path, content: bytes, found: str) -> None:
    path = tmp_path / "export.xls"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=f"not an Excel 97-2003 workbook.*{found}"):
        read_table(path)


def test_corrupt_ole2_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x07" * 2000)
    with pytest.raises(InputFileError, match="cannot be read as an Excel 97-2003") as info:
        read_table(path)
    assert str(tmp_path) not in str(info.value)


def test_huge_declared_dimensions_are_refused_before_the_sheet_is_read(tmp_path: Path) -> None:
    rows = [["id", "x"], ["1", "2"]]
    path = write_xls(tmp_path / "bomb.xls", rows, declared=(65536, 256))
    with pytest.raises(InputTooLargeError, match="65,536 × 256"):
        read_table(path)
    limited = replace(DEFAULT_LIMITS, rows=10)
    path = write_xls(tmp_path / "rows.xls", rows, declared=(5000, 2))
    with pytest.raises(InputTooLargeError, match="rows"):
        read_table(path, limits=limited)
    path = write_xls(tmp_path / "cols.xls", rows, declared=(2, 255))
    with pytest.raises(InputTooLargeError, match="columns"):
        read_table(path, limits=replace(DEFAULT_LIMITS, columns=50))


def test_sheet_lying_about_its_size_is_checked_after_reading(tmp_path: Path) -> None:
    rows = [["id"], *([str(i)] for i in range(30))]
    path = write_xls(tmp_path / "liar.xls", rows, declared=(2, 1))
    with pytest.raises(InputTooLargeError, match="rows"):
        read_table(path, limits=replace(DEFAULT_LIMITS, rows=10))
