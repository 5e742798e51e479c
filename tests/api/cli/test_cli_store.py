"""``shakti --version`` and the store path: a missing store is an error, not a new empty store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from api.cli.common import package_version

runner = CliRunner()

CSV = (
    "Sr No,Latitude,Longitude,Date & Time,Crime Head,Source\n"
    "1,25.3176,83.0104,2026-10-01 18:30,eve-teasing,complaint\n"
)


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from geo.settings import get_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SHAKTI_STORE", raising=False)
    monkeypatch.delenv("SHAKTI_DATABASE_URL", raising=False)
    get_settings.cache_clear()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"shakti {package_version()}"


@pytest.mark.parametrize(
    "args",
    [
        ["layers"],
        ["hotspots"],
        ["quarantine", "--out", "q.csv"],
        ["cctv", "gaps", "--out", "gaps.csv"],
        ["map", "hotspots", "--out", "m.html"],
        ["patrol", "plan", "--out", "plan"],
        ["users", "add", "x", "--role", "incharge", "--thana", "Lanka"],
    ],
)
def test_a_mistyped_store_is_an_error_naming_it(tmp_path: Path, args: list[str]) -> None:
    typo = tmp_path / "shakti-stor.gpkg"
    result = runner.invoke(app, [*args, "--store", str(typo)])
    assert result.exit_code == 2, result.output
    assert f"there is no store at {typo}" in " ".join(result.output.split())
    assert "shakti import" in result.output
    assert not typo.exists()


def test_the_default_store_must_exist_too(tmp_path: Path) -> None:
    result = runner.invoke(app, ["layers"])
    assert result.exit_code == 2
    assert "there is no store at shakti-store.gpkg" in result.output
    assert not (tmp_path / "shakti-store.gpkg").exists()


def test_import_makes_a_new_store_and_says_so(tmp_path: Path) -> None:
    src = tmp_path / "register.csv"
    src.write_text(CSV)
    store = tmp_path / "new.gpkg"
    args = ["import", "incidents", str(src), "--map", "Crime Head=category", "--store", str(store)]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert "new store:" in result.output
    assert json.loads(result.output.strip().splitlines()[-1])["accepted"] == 1
    assert store.exists()
    again = runner.invoke(app, ["layers", "--store", str(store), "--json"])
    assert again.exit_code == 0, again.output


def test_demo_data_with_too_few_incidents_is_an_error_and_makes_no_store(tmp_path: Path) -> None:
    """``demo-data --incidents 600`` printed a ValueError traceback and left an empty store."""
    from geo.demo import MIN_INCIDENTS

    target = tmp_path / "demo.gpkg"
    args = ["demo-data", "--incidents", str(MIN_INCIDENTS - 1), "--store", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    said = " ".join(result.output.split())
    assert f"--incidents {MIN_INCIDENTS - 1} is too few" in said
    assert f"--incidents {MIN_INCIDENTS} or more" in said
    assert not target.exists()
