"""Shared fixtures: a pinned clock, Varanasi settings and region, tiny tables built in code."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from geo.ingest.readers import RawTable
from geo.region import Region, region_from_settings
from geo.settings import Settings

#: Every test runs "now" at this instant, so future-date checks are reproducible.
NOW = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Varanasi defaults with a store in the test's temporary folder."""
    return Settings(store=tmp_path / "store.gpkg", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def region(settings: Settings) -> Region:
    """The default (Varanasi) region."""
    return region_from_settings(settings)


@pytest.fixture
def raw() -> Callable[..., RawTable]:
    """Build a RawTable from column lists (all values as text, like a CSV)."""

    def make(_file: str = "test.csv", **columns: list[object]) -> RawTable:
        frame = pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in columns.items()})
        return RawTable(frame=frame, geometry=None, source=_file, sha256="0" * 64, native_crs=None)

    return make


def shared_file(*parts: str) -> Path:
    """Return a file under ../shared/data, skipping the test when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real data {path} is absent (../shared/data is not beside the project)")
    return path
