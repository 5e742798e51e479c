"""Hotspots and the drive layer made side by side equal those made one after the other."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from api.usecases import hotspots as uc
from geo.i18n import use_lang
from geo.i18n.context import current_lang
from geo.settings import Settings
from geo.store import open_store
from models.hotspots.drives import INCIDENTS_NEARBY
from models.inputs import load_inputs


def test_side_by_side_equals_one_after_the_other(demo_store_file: Path) -> None:
    settings = Settings(_env_file=None, max_hotspot_m=600)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), timezone=settings.timezone)
    p = uc.HotspotParams()
    spots, layer = uc.hotspots_and_drives(data, settings, p)
    linked, drives, choice = uc.campaign_clusters(data, settings, p, spots, drives=layer)
    alone = uc.find_hotspots(data, settings, p)
    want_linked, want_drives, want_choice = uc.campaign_clusters(data, settings, p, alone)
    assert len(spots) > 3 and len(drives) > 0 and drives[INCIDENTS_NEARBY].sum() > 0
    pd.testing.assert_frame_equal(spots, alone)
    pd.testing.assert_frame_equal(linked, want_linked)
    pd.testing.assert_frame_equal(drives, want_drives)
    assert choice == want_choice
    assert np.array_equal(layer.load, want_drives[INCIDENTS_NEARBY].to_numpy())


def test_the_drive_layer_runs_in_the_callers_language(
    demo_store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), timezone=settings.timezone)
    seen: list[str] = []
    real = uc.drive_layer

    def spy(*args: object) -> uc.DriveLayer:
        seen.append(current_lang())
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(uc, "drive_layer", spy)
    with use_lang("hi"):
        uc.hotspots_and_drives(data, settings, uc.HotspotParams())
    with use_lang("en"):
        uc.hotspots_and_drives(data, settings, uc.HotspotParams())
    assert seen == ["hi", "en"]


def test_an_error_of_the_hotspots_comes_first(
    demo_store_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    data = load_inputs(open_store(demo_store_file), timezone=settings.timezone)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the hotspots failed")

    def also_broken(*args: object, **kwargs: object) -> None:
        raise ValueError("the drives failed")

    monkeypatch.setattr(uc, "find_hotspots", broken)
    monkeypatch.setattr(uc, "drive_layer", also_broken)
    with pytest.raises(RuntimeError, match="the hotspots failed"):
        uc.hotspots_and_drives(data, settings, uc.HotspotParams())
