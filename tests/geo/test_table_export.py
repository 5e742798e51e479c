"""Tables as CSV or XLSX: Devanagari intact, formulas inert, numbers numbers, bold header."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from geo.csv_safe import ENCODING, ESCAPE
from geo.errors import ExportError
from geo.table_export import MAX_WIDTH, MIN_WIDTH, write_table

FORMULA = '=HYPERLINK("http://evil","x")'


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "थाना": ["लंका", "भेलूपुर", FORMULA],
            "घटनाएँ": [346, 12, 0],
            "share": [0.37, np.nan, 1.0],
            "mix": [{"छेड़छाड़": 3}, {}, None],
            "=col": [True, False, True],
            "when": pd.to_datetime(["2024-03-09 13:00"] * 3).tz_localize("Asia/Kolkata"),
            "why": ["x" * 200, "-5", "सबसे अधिक छेड़छाड़ (37%)"],
        },
        index=[10, 20, 30],
    )


def test_xlsx_reads_back_with_devanagari_numbers_and_inert_formulas(tmp_path: Path) -> None:
    frame = _frame()
    original = frame.copy()
    path = write_table(frame, tmp_path / "out" / "hotspots.XLSX")
    assert frame.equals(original)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet.title == "hotspots"
    rows = list(sheet.values)
    assert rows[0] == ("थाना", "घटनाएँ", "share", "mix", ESCAPE + "=col", "when", "why")
    assert [r[0] for r in rows[1:]] == ["लंका", "भेलूपुर", ESCAPE + FORMULA]
    assert [r[1] for r in rows[1:]] == [346, 12, 0]  # numbers stay numbers
    assert rows[1][2] == 0.37 and rows[2][2] is None  # NaN is an empty cell
    assert rows[1][3] == '{"छेड़छाड़": 3}'
    assert rows[1][4] is True
    assert rows[1][5] == "2024-03-09T13:00:00+05:30"
    assert rows[2][6] == ESCAPE + "-5"
    assert all(not isinstance(c.value, str) or c.data_type == "s" for row in sheet for c in row)
    assert all(cell.font.bold for cell in sheet[1]) and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"
    widths = {k: d.width for k, d in sheet.column_dimensions.items()}
    assert widths["G"] == MAX_WIDTH and MIN_WIDTH <= widths["B"] < 20
    assert all(MIN_WIDTH <= w <= MAX_WIDTH for w in widths.values())


def test_csv_reads_back_the_same(tmp_path: Path) -> None:
    path = write_table(_frame(), tmp_path / "hotspots.csv")
    assert path.read_bytes().startswith("\ufeffथाना,".encode())
    back = pd.read_csv(path, encoding=ENCODING)
    assert back.columns.tolist()[:2] == ["थाना", "घटनाएँ"]
    assert back["थाना"].tolist() == ["लंका", "भेलूपुर", ESCAPE + FORMULA]
    assert back["घटनाएँ"].tolist() == [346, 12, 0]
    assert back["mix"].tolist()[0] == '{"छेड़छाड़": 3}' and math.isnan(back["mix"].tolist()[2])


def test_geometry_is_wkt_text(tmp_path: Path) -> None:
    layer = gpd.GeoDataFrame(
        {"name": ["घाट"]}, geometry=shapely.points([83.0], [25.3]), crs="EPSG:4326"
    )
    rows = list(openpyxl.load_workbook(write_table(layer, tmp_path / "g.xlsx")).active.values)
    assert rows == [("name", "geometry"), ("घाट", "POINT (83 25.3)")]


def test_empty_table_and_sheet_name(tmp_path: Path) -> None:
    path = write_table(pd.DataFrame({"a": []}), tmp_path / "e.xlsx", sheet="gaps: [Lanka]")
    book = openpyxl.load_workbook(path)
    assert book.active.title == "gaps_ _Lanka_"
    assert list(book.active.values) == [("a",)]


@pytest.mark.parametrize("name", ["t.xls", "t.json", "t", "t.csv.gz"])
def test_other_extensions_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError, match=r"unknown table format.*\.csv, \.xlsx"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / name)
    assert not (tmp_path / name).exists()
