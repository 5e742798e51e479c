"""The review use case on the demo store, with the centre layers the store will hold after merge."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import api.usecases.review as uc
from api.usecases.common import Source
from geo.centre import CASEWORK_LAYER, CENTRE_AUDIT_LAYER
from geo.settings import Settings
from geo.store import open_store
from models.inputs import Selection
from models.review import columns as rc

THANA = "Lanka"


def casework() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "thana": [THANA, THANA, THANA, "Sigra"],
            "received_on": ["2026-10-02", "2026-10-05", "2026-09-10", "2026-10-20"],
            "disposed_on": ["2026-10-09", None, "2026-10-01", None],
            "case_outcome": ["reunited", "pending", "disposed", "pending"],
            "case_type": ["domestic-family-dispute", "cyber", "stalking", "cyber"],
            "age_band": ["26-35", "18-25", "18-25", "under-18"],
        }
    )


def audit() -> pd.DataFrame:
    return pd.DataFrame(
        {"thana": [THANA], "audited_on": ["2026-09-15"], "computers_working": [0],
         "womens_toilet_working": [1], "mobile_phones_working": [2], "sim_cards_working": [1],
         "vehicles_working": [1]}
    )  # fmt: skip


@pytest.fixture
def source(demo_store_file: Path, monkeypatch: pytest.MonkeyPatch) -> Source:
    real = uc.read_layer
    layers = {CASEWORK_LAYER: casework(), CENTRE_AUDIT_LAYER: audit()}

    def read(store: Any, kind: Any, **kwargs: Any) -> Any:
        if kind in layers:
            return layers[kind]
        return real(store, kind, **kwargs)

    monkeypatch.setattr(uc, "read_layer", read)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    return Source(open_store(demo_store_file), settings, Selection())


def test_centre_layers_reach_the_figures_and_sheets(source: Source, tmp_path: Path) -> None:
    result = uc.monthly_review(source, uc.ReviewRequest("2026-10-01", "2026-10-31"))
    assert result.notes == ()  # both centre layers were read
    lanka = result.review.figures.loc[THANA]
    assert lanka[rc.RECEIVED] == 2 and lanka[rc.DISPOSED] == 2 and lanka[rc.PENDING] == 1
    assert lanka[rc.REUNITED] == 1 and lanka[rc.CYBER_YOUNG_PENDING] == 1
    assert lanka[rc.SHORT_ITEMS] == 2 and lanka[rc.FIX_FIRST] == "computers"
    assert result.review.figures.loc["Sigra", rc.FIX_FIRST] == rc.NO_AUDIT
    whole = result.review.commissionerate.iloc[0]
    assert whole[rc.RECEIVED] == 3 and whole[rc.CYBER_YOUNG] == 2
    files = uc.write_review(result, tmp_path, sheet_lang="en")
    assert len(files["sheets"]) == 30
    page = (tmp_path / "review_lanka.html").read_text(encoding="utf-8")
    assert "working computers" in page and "Shortfalls to fix" in page


def test_an_incharge_result_has_only_their_thana(source: Source, tmp_path: Path) -> None:
    result = uc.monthly_review(source, uc.ReviewRequest("2026-10-01", "2026-10-31", thana=THANA))
    assert list(result.figures().index) == [THANA]
    tables = uc.review_tables(result)
    for frame in tables.values():
        assert set(frame["thana"]) <= {THANA}
    files = uc.write_review(result, tmp_path, sheet_lang="hi")
    assert [p.name for p in files["sheets"]] == ["review_lanka.html"]
    summary = result.summary()
    assert summary["thana"] == THANA and [r["thana"] for r in summary["league"]] == [THANA]


def test_missing_centre_layers_are_empty_with_a_note(demo_store_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "no-centre.gpkg"
    shutil.copyfile(demo_store_file, path)
    with sqlite3.connect(path) as conn:  # a store whose centres' registers were never imported
        for table in (CASEWORK_LAYER, CENTRE_AUDIT_LAYER):
            conn.execute(f'DELETE FROM "{table}"')
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    source = Source(open_store(path), settings, Selection())
    result = uc.monthly_review(source, uc.ReviewRequest("2026-10-01", "2026-10-31"))
    assert len(result.notes) == 2 and all("layer" in n for n in result.notes)
    assert result.review.commissionerate.iloc[0][rc.RECEIVED] == 0


def test_unknown_thana_and_long_period_are_refused(source: Source) -> None:
    with pytest.raises(uc.ParameterError, match="thana 'Atlantis' is not in the store"):
        uc.monthly_review(source, uc.ReviewRequest("2026-10-01", "2026-10-31", thana="Atlantis"))
    with pytest.raises(uc.ParameterError, match="at most 3660 days"):
        uc.ReviewRequest("2010-01-01", "2026-10-31").period()


def test_the_deployment_norm_from_settings_holds_centres_to_more(source: Source) -> None:
    request = uc.ReviewRequest("2026-10-01", "2026-10-31", thana=THANA)
    base = uc.monthly_review(source, request).review.figures.loc[THANA]
    assert base[rc.SHORT_ITEMS] == 2  # no computer, one SIM short of two
    strict = Settings(_env_file=None, review_norm={"vehicles": 3})  # type: ignore[call-arg]
    stricter = Source(source.store, strict, Selection())
    held = uc.monthly_review(stricter, request).review.figures.loc[THANA]
    assert held[rc.SHORT_ITEMS] == 3 and held[rc.FIX_FIRST] == base[rc.FIX_FIRST]
    shortfalls = uc.monthly_review(stricter, request).review.shortfalls
    assert "vehicles" in set(shortfalls["resource"])
    with pytest.raises(uc.ParameterError, match="unknown resources: helicopters"):
        bad = Settings(_env_file=None, review_norm={"helicopters": 1})  # type: ignore[call-arg]
        uc.monthly_review(Source(source.store, bad, Selection()), request)


def test_a_review_of_the_demo_store_says_it_is_synthetic(source: Source, tmp_path: Path) -> None:
    """The store keeps the demo's ids, not the generator's flag: the review still knows."""
    result = uc.monthly_review(source, uc.ReviewRequest("2026-10-01", "2026-10-31", thana=THANA))
    assert result.synthetic and result.summary()["synthetic"] is True
    uc.write_review(result, tmp_path, sheet_lang="en")
    assert "SYNTHETIC" in (tmp_path / "review_lanka.html").read_text(encoding="utf-8")
