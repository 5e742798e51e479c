from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from geo.schema import LayerKind
from geo.store import open_store

runner = CliRunner()

HEADER = "Sr No,Latitude,Longitude,Date & Time,Crime Head,Source,Victim Name\n"
GOOD = "1,25.3176,83.0104,2026-10-01 18:30,eve-teasing,complaint,Test Name A\n"
BAD = "2,83.0104,25.3176,2026-10-01 18:30,stalking,complaint,Test Name B\n"
WORSE = "3,abc,83.0,2026-10-01 18:30,nonsense,complaint,Test Name C\n"


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from geo.settings import get_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHAKTI_REGION", raising=False)
    get_settings.cache_clear()


def last_json(output: str) -> dict[str, object]:
    line = output.strip().splitlines()[-1]
    return json.loads(line)  # type: ignore[no-any-return]


def test_import_json_contract(tmp_path: Path) -> None:
    src = tmp_path / "register.csv"
    src.write_text(HEADER + GOOD + BAD + WORSE)
    store = tmp_path / "s.gpkg"
    args = [
        "import",
        "incidents",
        str(src),
        "--store",
        str(store),
        "--map",
        "Crime Head=category",
        "--json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    assert {k: summary[k] for k in ("rows", "accepted", "quarantined")} == {
        "rows": 3,
        "accepted": 1,
        "quarantined": 2,
    }
    assert summary["reasons"] == {
        "lat-lon-swapped": 1,
        "non-numeric-coordinates": 1,
        "unknown-category": 1,
    }
    assert "Victim Name" in result.output  # reported as dropped …
    assert "Test Name" not in result.output  # … but its values never shown
    assert open_store(store).count(LayerKind.INCIDENTS) == 1


def test_validate_offers_swap_fix_and_exports_quarantine(tmp_path: Path) -> None:
    src = tmp_path / "register.csv"
    src.write_text(HEADER + GOOD + BAD)
    out = tmp_path / "q.csv"
    result = runner.invoke(
        app,
        [
            "validate",
            "incidents",
            str(src),
            "--map",
            "Crime Head=category",
            "--quarantine-out",
            str(out),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "--fix-swapped" in out.read_text()
    fixed = runner.invoke(
        app,
        [
            "validate",
            "incidents",
            str(src),
            "--map",
            "Crime Head=category",
            "--fix-swapped",
            "--json",
        ],
    )
    assert last_json(fixed.output)["accepted"] == 2
    assert not (tmp_path / "shakti-store.gpkg").exists()


def test_exit_non_zero_only_when_nothing_valid(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(HEADER + WORSE)
    result = runner.invoke(
        app, ["import", "incidents", str(src), "--store", str(tmp_path / "s.gpkg"), "--json"]
    )
    assert result.exit_code == 1
    summary = last_json(result.stdout)
    assert summary["accepted"] == 0 and summary["quarantined"] == 1
    q = runner.invoke(
        app, ["quarantine", "--store", str(tmp_path / "s.gpkg"), "--out", str(tmp_path / "q.csv")]
    )
    assert q.exit_code == 0
    assert "row" in (tmp_path / "q.csv").read_text().splitlines()[0]


def test_unknown_kind_and_bad_file_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["import", "cows", "x.csv"])
    assert result.exit_code == 2
    assert "incidents" in result.output
    weird = tmp_path / "x.docx"
    weird.write_text("hello")
    result = runner.invoke(app, ["validate", "incidents", str(weird)])
    assert result.exit_code == 2
    assert "x.docx" in result.output and "Fix:" in result.output


def test_validate_uses_the_stores_thanas_when_there_is_one(tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    thanas = tmp_path / "t.geojson"
    gpd.GeoDataFrame(
        {"name": ["Dashashwamedh"]},
        geometry=[shapely.box(83.0, 25.29, 83.03, 25.33)],
        crs="EPSG:4326",
    ).to_file(thanas, driver="GeoJSON")
    store = tmp_path / "s.gpkg"
    assert (
        runner.invoke(app, ["import", "thanas", str(thanas), "--store", str(store)]).exit_code == 0
    )
    src = tmp_path / "register.csv"
    src.write_text(HEADER + GOOD)
    result = runner.invoke(
        app,
        [
            "validate",
            "incidents",
            str(src),
            "--store",
            str(store),
            "--map",
            "Crime Head=category",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert last_json(result.output)["flags"] == {"thana_mismatch": 0, "outside_thanas": 0}
