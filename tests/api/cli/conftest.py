"""Fixtures of the command-line tests: a copy of the session demo store, a clean environment."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geo.settings import get_settings

#: Settings the command-line tests must not inherit from the machine running them.
CLEARED_SETTINGS = ("SHAKTI_REGION", "SHAKTI_STORE", "SHAKTI_METRIC_CRS", "SHAKTI_TILES")


@pytest.fixture(scope="module")
def store(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's copy of the session's SYNTHETIC demo store (1,500 incidents, seed 5)."""
    path = tmp_path_factory.mktemp("cli-store") / "store.gpkg"
    shutil.copyfile(demo_store_file, path)
    return path


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Run in an empty folder with no SHAKTI_* settings from the environment."""
    monkeypatch.chdir(tmp_path)
    for var in CLEARED_SETTINGS:
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
