"""Spreadsheet-safe CSV: a formula-named site, thana or category never reaches a CSV raw."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

import api.cli.analysis
import api.cli.common
import models.evaluation.scorers
from api.cli.common import app
from api.usecases.datasets import quarantine_csv
from geo.csv_safe import (
    BOM,
    ENCODING,
    ESCAPE,
    FORMULA_PREFIXES,
    csv_text,
    escape_cell,
    escape_frame,
    write_csv,
)
from geo.export import write_output
from geo.ingest.quarantine import QUARANTINE_COLUMNS, export_csv, export_text
from geo.schema import LayerKind
from models.patrol import plan_patrols
from models.patrol.export import COVERAGE_CSV, STOPS_CSV, UNCOVERED_CSV, VISITS_CSV, write_plan
from models.patrol.teams import Teams, make_team
from tests.models.patrol.test_patrol import MONDAY, STATION, UTM44, hotspot, site

#: What an attacker names a site, a thana or a category.
FORMULA = '=HYPERLINK("http://evil","x")'
THANA_FORMULA = "@SUM(1+1)*cmd|' /C calc'!A0"
CATEGORY_FORMULA = "+cmd|' /C notepad'!A0"
REPO = Path(__file__).resolve().parents[2]
#: A cell that is a number (harmless in a spreadsheet): written by numeric columns.
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

runner = CliRunner()


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text.removeprefix(BOM))) for cell in row]


def _assert_inert(text: str) -> None:
    """No cell of ``text`` but a plain number starts like a formula (escaped ones start with ')."""
    raw = [c for c in _cells(text) if c.startswith(FORMULA_PREFIXES) and not NUMBER.match(c)]
    assert raw == [], raw


@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_every_formula_prefix_is_escaped(prefix: str) -> None:
    assert escape_cell(prefix + "1+1") == ESCAPE + prefix + "1+1"
    assert escape_cell("Lanka " + prefix) == "Lanka " + prefix


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_escaped() -> None:
    frame = pd.DataFrame(
        {
            "name": [FORMULA, "Assi Ghat", None, "-5"],
            "delta": [-5, 91, 3, 0],
            "mixed": [-5.5, "@x", np.nan, 2],
            "string": pd.array(["+1", "ok", None, "b"], dtype="string"),
            "category": pd.Categorical([CATEGORY_FORMULA, "eve-teasing", CATEGORY_FORMULA, "x"]),
            "when": pd.to_datetime(["2026-01-01"] * 4),
            "=col": [True, False, True, False],
        }
    )
    original = frame.copy()
    text = csv_text(frame)
    assert frame.equals(original)  # the input is not modified
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert back["delta"].tolist() == [-5, 91, 3, 0]  # a real number is a number
    assert back["name"].tolist() == [ESCAPE + FORMULA, "Assi Ghat", "", ESCAPE + "-5"]
    assert back["mixed"].tolist()[:2] == ["-5.5", ESCAPE + "@x"]
    assert back["string"].tolist()[0] == ESCAPE + "+1"
    assert back["category"].tolist()[0] == ESCAPE + CATEGORY_FORMULA
    assert list(back.columns)[-1] == ESCAPE + "=col"
    _assert_inert(text)
    assert escape_frame(frame)["delta"].dtype == frame["delta"].dtype


def test_write_csv_writes_and_appends(tmp_path: Path) -> None:
    path = write_csv(pd.DataFrame({"a": [FORMULA]}), tmp_path / "sub" / "x.csv")
    write_csv(pd.DataFrame({"a": ["-1"]}), path, append=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfa\n")  # one byte-order mark, at the start
    assert path.read_bytes().count(b"\xef\xbb\xbf") == 1
    assert path.read_text(encoding=ENCODING).splitlines() == [
        "a", '"\'=HYPERLINK(""http://evil"",""x"")"', "'-1"
    ]  # fmt: skip


def _quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "import_id": ["imp-1"], "kind": ["incidents"], "source": [FORMULA + ".csv"],
            "row": [3], "field": ["category"], "reason": ["unknown-category"],
            "message": [CATEGORY_FORMULA], "original": ['{"category": "=1+1"}'],
        }
    )  # fmt: skip


def test_devanagari_csv_opens_in_excel(tmp_path: Path) -> None:
    """Excel reads a CSV as UTF-8 only when it starts with a byte-order mark."""
    frame = pd.DataFrame({"थाना": ["लंका", "भेलूपुर"], "घटनाएँ": [3, 5]})
    path = write_csv(frame, tmp_path / "t.csv")
    assert path.read_bytes().startswith("\ufeffथाना,घटनाएँ\n".encode())
    text = csv_text(frame)
    assert text.startswith(BOM) and text.encode("utf-8") == path.read_bytes()
    for back in (pd.read_csv(path), pd.read_csv(path, encoding=ENCODING),
                 pd.read_csv(io.StringIO(text))):  # fmt: skip
        assert back.columns.tolist() == ["थाना", "घटनाएँ"]
        assert back["थाना"].tolist() == ["लंका", "भेलूपुर"]


def test_our_csv_imports_back_without_the_mark() -> None:
    from geo.ingest.delimited import decode

    encoding, head = decode(csv_text(pd.DataFrame({"id": ["a"]})).encode("utf-8"), "x.csv")
    assert encoding == ENCODING and head.startswith("id")


def test_quarantine_export_file_and_text(tmp_path: Path) -> None:
    path = export_csv(_quarantine(), tmp_path / "q.csv")
    for text in (path.read_text(encoding=ENCODING), export_text(_quarantine())):
        _assert_inert(text)
        assert ESCAPE + FORMULA + ".csv" in _cells(text)
        assert _cells(text)[: len(QUARANTINE_COLUMNS)] == list(QUARANTINE_COLUMNS)


def test_service_quarantine_download_is_escaped() -> None:
    class Store:
        def quarantine(self, kind: LayerKind, import_id: str | None = None) -> pd.DataFrame:
            return _quarantine()

    text = quarantine_csv(Store(), LayerKind.INCIDENTS, None)  # type: ignore[arg-type]
    _assert_inert(text)
    assert ESCAPE + CATEGORY_FORMULA in _cells(text)


def test_analysis_export_csv_is_escaped_and_numbers_stay(tmp_path: Path) -> None:
    layer = gpd.GeoDataFrame(
        {"name": [FORMULA, "School"], "thana": [THANA_FORMULA, "Lanka"], "trend": [-5, 2]},
        geometry=shapely.points([83.0, 83.01], [25.3, 25.31]),
        crs="EPSG:4326",
    )
    path = write_output(layer, tmp_path / "gaps.csv")
    text = path.read_text(encoding=ENCODING)
    _assert_inert(text)
    back = pd.read_csv(path)
    assert back["name"].tolist() == [ESCAPE + FORMULA, "School"]
    assert back["thana"].tolist()[0] == ESCAPE + THANA_FORMULA
    assert back["trend"].tolist() == [-5, 2] and back["lon"].tolist() == [83.0, 83.01]


def test_patrol_tables_are_escaped(tmp_path: Path) -> None:
    places = [
        dataclasses.replace(hotspot(0, 800, 300, 0.9, thana=THANA_FORMULA), name=FORMULA),
        dataclasses.replace(site(3, 600, 900, 0.5, 13 * 60 + 30, thana=THANA_FORMULA),
                            name=CATEGORY_FORMULA),
        site(8, 60_000, 0, 0.9, 9 * 60, thana=THANA_FORMULA),  # unreachable: uncovered
    ]  # fmt: skip
    teams = Teams(
        (
            make_team(THANA_FORMULA, "T-1", "08:00", "14:00", "bike"),
            make_team(THANA_FORMULA, "T-2", "13:00", "19:00", "foot"),
        ),
        (),
    )
    plan = plan_patrols(
        places, teams, {THANA_FORMULA: STATION["A"]}, start=MONDAY, days=1, metric_crs=UTM44
    )
    write_plan(plan, tmp_path)
    for name in (STOPS_CSV, COVERAGE_CSV, VISITS_CSV, UNCOVERED_CSV):
        text = (tmp_path / name).read_text(encoding=ENCODING)
        _assert_inert(text)
        assert ESCAPE + THANA_FORMULA in _cells(text), name
    stops = pd.read_csv(tmp_path / STOPS_CSV)
    assert ESCAPE + FORMULA in set(stops["place_name"])
    assert stops["lon"].dtype == float and stops["risk"].dtype == float
    visits = (tmp_path / VISITS_CSV).read_text(encoding=ENCODING)
    assert ESCAPE + FORMULA in _cells(visits) and ESCAPE + CATEGORY_FORMULA in _cells(visits)


def test_backtest_folds_are_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folds = pd.DataFrame({"fold": [0, 1], "method": [FORMULA, "kde"], "pai": [-1.5, 2.0]})
    summary = pd.DataFrame(
        {"method": ["kde"], "area_share": [0.05], "hit_rate": [0.2], "pai": [4.0], "pei": [0.5],
         "area_share_used": [0.05]}
    )  # fmt: skip
    inputs = SimpleNamespace(
        incidents=None,
        sites=None,
        cctv=None,
        campaigns=None,
        study_area=lambda: None,
        describe=lambda: {},
    )
    monkeypatch.setattr(api.cli.common, "selection_inputs", lambda *a, **k: inputs)

    def fake_backtest(*args: Any, **kwargs: Any) -> SimpleNamespace:
        return SimpleNamespace(folds=folds, summary=summary)

    monkeypatch.setattr(models.evaluation.scorers, "standard_backtest", fake_backtest)
    out = tmp_path / "folds.csv"
    result = runner.invoke(app, ["backtest", "--out", str(out)])
    assert result.exit_code == 0, result.output
    back = pd.read_csv(out)
    assert back["method"].tolist() == [ESCAPE + FORMULA, "kde"]
    assert back["pai"].tolist() == [-1.5, 2.0]


def test_every_csv_goes_through_the_safe_writer() -> None:
    """No module writes CSV but :mod:`geo.csv_safe` (and the synthetic input generator)."""
    allowed = {"geo/csv_safe.py", "geo/demo/loader.py"}
    pattern = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(")
    offenders = [
        str(path.relative_to(REPO))
        for package in ("geo", "models", "maps", "api")
        for path in sorted((REPO / package).rglob("*.py"))
        if str(path.relative_to(REPO)) not in allowed and pattern.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_escaping_a_big_table_is_quick() -> None:
    rng = np.random.default_rng(7)
    words = np.array(["Lanka", "=1+1", "-3", "Assi", "@x"], dtype=object)
    frame = pd.DataFrame({"a": rng.choice(words, 200_000), "b": rng.normal(size=200_000)})
    started = dt.datetime.now()
    escaped = escape_frame(frame)
    assert (dt.datetime.now() - started).total_seconds() < 5
    assert escaped["a"].str.startswith(("=", "-", "@")).sum() == 0
