"""Tests for ``--lang hi|en`` and ``SHAKTI_LANG`` on the command line, and table files as XLSX."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.common import console
from api.cli.tables import LABELS, label
from geo.i18n import devanagari_share, use_lang
from geo.ingest.quarantine import QUARANTINE_COLUMNS
from geo.schema import NAME, LayerKind
from geo.settings import get_settings
from geo.store import open_store, read_layer

runner = CliRunner()

#: Letters that stay Latin in Hindi tables: method names and units of measure the tables print.
KEPT = ("CCTV", "Gi*", "PAI", "PEI", "DBSCAN", "KDE", "FDR", "square", "MB", "PNG")
#: Table borders and titles: lines drawn by rich (the text after the table is models' prose).
BOX = re.compile(r"[│┃┏┡└]")


@pytest.fixture(autouse=True)
def _wide_console() -> Iterator[None]:
    """Print tables wide enough that no name is cut or wrapped."""
    width = console.width
    console.width = 240
    yield
    console.width = width


@pytest.fixture(scope="module")
def names(store: Path) -> list[str]:
    """Every thana and site name of the demo store, and their words (names stay as they are)."""
    target = open_store(store)
    found: set[str] = set(LayerKind.__members__)
    for kind in (LayerKind.THANAS, LayerKind.SITES):
        for name in read_layer(target, kind, timezone="Asia/Kolkata")[NAME].dropna().astype(str):
            found.update([name, *name.replace(",", " ").split()])
    found.update(kind.value for kind in LayerKind)
    return sorted(found)


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def table_text(output: str) -> str:
    """Return the rows, headers and title lines of the tables in ``output``."""
    lines = output.splitlines()
    kept = [line for line in lines if BOX.search(line)]
    titles = [lines[i - 1] for i, line in enumerate(lines) if i and line.lstrip().startswith("┏")]
    return "\n".join(titles + kept)


def rows_share(output: str) -> float:
    """Return the Devanagari share of the table rows alone (titles may hold a store's path)."""
    rows = "\n".join(line for line in output.splitlines() if BOX.search(line))
    assert rows, output
    return devanagari_share(rows, ignore=KEPT)


def hindi_share(output: str, names: list[str]) -> float:
    text = re.sub(r"\S*store\S*", " ", table_text(output).replace("\n", ""))
    assert text, output
    return devanagari_share(text, ignore=[*names, *KEPT])


# --------------------------------------------------------------------------- the option


LANG_COMMANDS = (
    ["hotspots"],
    ["significance"],
    ["backtest"],
    ["map", "hotspots"],
    ["map", "cctv"],
    ["map", "patrol"],
    ["cctv", "gaps"],
    ["cctv", "place"],
    ["cctv", "report"],
    ["patrol", "plan"],
    ["validate"],
    ["import"],
    ["quarantine"],
    ["layers"],
)


@pytest.mark.parametrize("command", LANG_COMMANDS, ids=" ".join)
def test_every_reading_command_offers_lang(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--lang" in result.output and "hi|en" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["hotspots"],
        ["layers"],
        ["map", "hotspots", "--out", "m.html"],
        ["cctv", "gaps", "--out", "g.csv"],
        ["patrol", "plan", "--out", "plan"],
    ],
    ids=lambda a: " ".join(a[:2]),
)
def test_unknown_language_exits_2_naming_hi_and_en(store: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--store", str(store), "--lang", "fr"])
    assert result.exit_code == 2
    assert "unknown language 'fr'" in result.output
    assert "hi" in result.output and "en" in result.output
    assert not Path("m.html").exists() and not Path("plan").exists()


def test_lang_accepts_names_and_regions(store: Path) -> None:
    for value in ("hi", "hi-IN", "Hindi", "हिन्दी"):
        assert rows_share(invoke("layers", "--store", str(store), "--lang", value)) == 1.0


def test_shakti_lang_is_the_default_and_lang_overrides_it(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHAKTI_LANG", "hi")
    get_settings.cache_clear()
    assert rows_share(invoke("layers", "--store", str(store))) == 1.0
    english = invoke("layers", "--store", str(store), "--lang", "en")
    assert "layer" in english and "rows" in english
    assert devanagari_share(english) == 0.0


def test_english_is_unchanged_but_numbers_are_indian(store: Path) -> None:
    output = invoke("layers", "--store", str(store))
    assert "layer" in output and "rows" in output and "quarantine" in output
    assert "1,612" in output  # the demo store's incidents, Indian grouping


# --------------------------------------------------------------------------- Hindi tables


def test_hotspots_in_hindi(store: Path, names: list[str]) -> None:
    output = invoke("hotspots", "--store", str(store), "--lang", "hi", "--top", "5")
    assert hindi_share(output, names) >= 0.95
    assert "हॉटस्पॉट" in output and "घटनाएँ" in output
    assert "(हॉटस्पॉट " in output and "(hotspot " not in output


def test_hotspots_json_keeps_english_keys_and_keys_of_vocabularies(store: Path) -> None:
    import json

    output = invoke("hotspots", "--store", str(store), "--lang", "hi", "--json")
    summary = json.loads(output.strip().splitlines()[-1])
    assert {"hotspots", "clustered_incidents", "top"} <= set(summary)
    assert {t["trend"] for t in summary["top"]} <= {"rising", "falling", "stable", "unknown"}


def test_significance_and_emerging_in_hindi(store: Path, names: list[str]) -> None:
    gi = invoke("significance", "--store", str(store), "--lang", "hi")
    assert hindi_share(gi, names) >= 0.9
    assert "(99% विश्वास)" in gi
    emerging = invoke("significance", "--store", str(store), "--lang", "hi", "--emerging",
                      "--bin", "M")  # fmt: skip
    assert hindi_share(emerging, names) >= 0.9


def test_backtest_in_hindi_and_xlsx_round_trip(
    store: Path, names: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "folds.xlsx"
    output = invoke("backtest", "--store", str(store), "--folds", "2", "--lang", "hi",
                    "--out", str(out))  # fmt: skip
    assert hindi_share(output, names) >= 0.9
    assert "पकड़ दर" in output and "सहेजी गईं" in output
    folds = pd.read_excel(out)
    assert len(folds) and {"fold", "method"} <= set(folds.columns)
    assert pd.api.types.is_numeric_dtype(folds["fold"])
    csv = tmp_path / "folds.csv"
    invoke("backtest", "--store", str(store), "--folds", "2", "--out", str(csv))
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(pd.read_csv(csv, encoding="utf-8-sig")) == len(folds)


def test_backtest_refuses_another_table_format(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["backtest", "--store", str(store), "--out", "folds.ods"])
    assert result.exit_code == 2
    assert "CSV or XLSX" in result.output


def test_cctv_gaps_and_place_in_hindi(store: Path, names: list[str], tmp_path: Path) -> None:
    out = tmp_path / "gaps.xlsx"
    gaps = invoke("cctv", "gaps", "--store", str(store), "--lang", "hi", "--out", str(out))
    assert hindi_share(gaps, names) >= 0.9, table_text(gaps)
    assert "प्राथमिकता" in gaps and "सभी थाने" in gaps
    written = pd.read_excel(out)
    assert len(written) and {"lon", "lat", "gap_status"} <= set(written.columns)
    assert set(written["gap_status"]) <= {"covered", "repairable", "uncovered"}  # keys stay
    place = invoke("cctv", "place", "--k", "3", "--store", str(store), "--lang", "hi",
                   "--out", str(tmp_path / "cams.geojson"))  # fmt: skip
    labels = [label for _row, label in _place_labels(tmp_path / "cams.geojson")]
    assert hindi_share(place, [*names, *labels]) >= 0.9


def _place_labels(path: Path) -> list[tuple[int, str]]:
    import geopandas as gpd

    from models.cctv.placement import LABEL, ORDER

    cams = gpd.read_file(path)
    return [(int(r[ORDER]), str(r[LABEL])) for _i, r in cams.iterrows()]


def test_cctv_report_reaches_hindi(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    output = invoke("cctv", "report", "--store", str(store), "--lang", "hi", "--out", str(out))
    assert "रिपोर्ट" in output
    assert re.search(r"[\u0900-\u097f]", out.read_text(encoding="utf-8"))


def test_patrol_plan_in_hindi_with_xlsx_tables(
    store: Path, names: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "plan"
    output = invoke("patrol", "plan", "--store", str(store), "--thana", "Sigra", "--days", "1",
                    "--lang", "hi", "--xlsx", "--out", str(out))  # fmt: skip
    assert hindi_share(output, names) >= 0.9
    assert "गश्त योजना" in output and "पड़ाव" in output
    stops = pd.read_excel(out / "stops.xlsx")
    assert len(stops) == len(pd.read_csv(out / "stops.csv", encoding="utf-8-sig"))
    for name in ("coverage", "visits", "uncovered"):
        assert (out / f"{name}.xlsx").exists()


def test_map_hotspots_reaches_hindi(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    output = invoke("map", "hotspots", "--store", str(store), "--no-tiles", "--lang", "hi",
                    "--out", str(out))  # fmt: skip
    assert "नक्शा" in output
    html = out.read_text(encoding="utf-8")
    assert "शक्ति हॉटस्पॉट" in html or 'lang="hi"' in html


def test_validate_and_quarantine_in_hindi_with_xlsx(
    store: Path, names: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "lon,lat,datetime,category,source\n83.0,25.3,2026-01-01 10:00,eve-teasing,complaint\n"
        "x,25.3,2026-01-01,eve-teasing,complaint\n",
        encoding="utf-8",
    )
    report = tmp_path / "q.xlsx"
    output = invoke("validate", "incidents", str(bad), "--store", str(store), "--lang", "hi",
                    "--quarantine-out", str(report))  # fmt: skip
    assert "पंक्तियाँ" in output and "क्वारंटीन" in output
    assert list(pd.read_excel(report).columns) == list(QUARANTINE_COLUMNS)
    out = tmp_path / "quarantine.xlsx"
    quarantine = invoke("quarantine", "--store", str(store), "--lang", "hi", "--out", str(out))
    assert "क्वारंटीन" in quarantine
    assert list(pd.read_excel(out).columns) == list(QUARANTINE_COLUMNS)


# --------------------------------------------------------------------------- plurals, labels


def test_plural_forms(store: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    output = invoke("hotspots", "--store", str(store), "--min-samples", "500", "--top", "1")
    assert "0 hotspots" in output
    with use_lang("hi"):
        from geo.i18n import ngettext

        assert (
            ngettext("{n} row written to {path}", "{n} rows written to {path}", 1)
            .format(n=1, path=one)
            .startswith("1 पंक्ति ")
        )
        assert (
            ngettext("{n} row written to {path}", "{n} rows written to {path}", 2)
            .format(n=2, path=one)
            .startswith("2 पंक्तियाँ ")
        )


def test_every_label_has_a_hindi_name() -> None:
    with use_lang("hi"):
        for context, keys in LABELS.items():
            for key in keys:
                assert devanagari_share(label(context, key), ignore=KEPT) == 1.0, (context, key)
    with use_lang("en"):
        assert all(label(c, k) == k for c, keys in LABELS.items() for k in keys)
