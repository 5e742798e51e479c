from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.crs import WGS84
from geo.ingest import import_file, validate_file
from geo.ingest.quarantine import Q_IMPORT_ID, Q_REASON, Q_ROW, Reason
from geo.region import region_from_settings
from geo.schema import NAME, THANA, THANA_MISMATCH, THANA_STATED, LayerKind
from geo.settings import Settings
from geo.store import open_store
from tests.conftest import NOW, shared_file

HEADER = "id,lat,lon,occurred_at,category,source,thana\n"
ROWS = [
    "I1,25.3176,83.0104,2026-10-01 18:30,eve-teasing,complaint,Dashashwamedh",
    "I2,25.2677,82.9913,2026-10-02 14:00,stalking,helpline-call,Lanka",
    "I3,25.2677,82.9913,2026-10-02 14:00,stalking,helpline-call,Dashashwamedh",
    "I4,,82.99,2026-10-02 14:00,stalking,complaint,Lanka",
    "I5,25.27,82.99,2031-01-01 10:00,stalking,complaint,Lanka",
]


def write_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_thanas(path: Path) -> Path:
    gpd.GeoDataFrame(
        {"name": ["Dashashwamedh", "Lanka"], "zone": ["Kashi", "Kashi"]},
        geometry=[shapely.box(83.0, 25.29, 83.03, 25.33), shapely.box(82.97, 25.25, 83.0, 25.29)],
        crs=WGS84,
    ).to_file(path, driver="GeoJSON")
    return path


def test_import_assigns_thanas_flags_and_quarantines(tmp_path: Path, settings: Settings) -> None:
    store = open_store(settings.store)
    import_file(write_thanas(tmp_path / "t.geojson"), "thanas", store, settings=settings, now=NOW)
    result = import_file(
        write_csv(tmp_path / "i.csv", ROWS), "incidents", store, settings=settings, now=NOW
    )
    summary = result.summary()
    assert summary["rows"] == 5
    assert summary["accepted"] == 3
    assert summary["quarantined"] == 2
    assert summary["reasons"] == {"future-timestamp": 1, "missing-coordinates": 1}
    assert summary["flags"] == {"thana_mismatch": 1, "outside_thanas": 0}
    stored = store.read(LayerKind.INCIDENTS).set_index("id")
    assert stored.loc["I3", THANA] == "Lanka"
    assert bool(stored.loc["I3", THANA_MISMATCH]) is True
    assert bool(stored.loc["I1", THANA_MISMATCH]) is False
    q = store.quarantine(LayerKind.INCIDENTS)
    assert sorted(q[Q_ROW].tolist()) == [4, 5]
    assert set(q[Q_IMPORT_ID]) == {result.record.import_id}  # type: ignore[union-attr]
    assert len(store.read(LayerKind.INCIDENTS, thana="Lanka")) == 2


def test_reimport_is_idempotent(tmp_path: Path, settings: Settings) -> None:
    store = open_store(settings.store)
    path = write_csv(tmp_path / "i.csv", ROWS)
    first = import_file(path, "incidents", store, settings=settings, now=NOW)
    before = store.read(LayerKind.INCIDENTS)
    second = import_file(path, "incidents", store, settings=settings, now=NOW)
    after = store.read(LayerKind.INCIDENTS)
    assert first.record is not None and second.record is not None
    assert (first.record.inserted, first.record.updated) == (3, 0)
    assert (second.record.inserted, second.record.updated) == (0, 3)
    pd.testing.assert_frame_equal(
        before.sort_values("id").reset_index(drop=True),
        after.sort_values("id").reset_index(drop=True),
    )
    assert store.version == 2
    assert len(store.imports()) == 2


def test_nothing_valid_still_keeps_the_quarantine(tmp_path: Path, settings: Settings) -> None:
    store = open_store(settings.store)
    path = write_csv(
        tmp_path / "bad.csv",
        [r.replace("complaint", "gossip").replace("helpline-call", "gossip") for r in ROWS],
    )
    result = import_file(path, "incidents", store, settings=settings, now=NOW)
    assert result.summary()["accepted"] == 0
    assert store.count(LayerKind.INCIDENTS) == 0
    assert store.quarantine()[Q_ROW].nunique() == 5


def test_validate_writes_nothing(tmp_path: Path, settings: Settings) -> None:
    report = validate_file(
        write_csv(tmp_path / "i.csv", ROWS), "incidents", settings=settings, now=NOW
    )
    assert report.summary()["accepted"] == 3
    assert not settings.store.exists()


def test_lucknow_settings_need_no_code_change(tmp_path: Path) -> None:
    lucknow = Settings(region="80.8,26.7,81.1,27.0", store=tmp_path / "lko.gpkg", _env_file=None)  # type: ignore[call-arg]
    path = tmp_path / "lko.csv"
    path.write_text(
        HEADER + "L1,26.85,80.95,2026-10-01 18:30,stalking,complaint,Hazratganj\n"
        "L2,25.31,83.01,2026-10-01 18:30,stalking,complaint,Chowk\n"
    )
    result = import_file(path, "incidents", open_store(lucknow.store), settings=lucknow, now=NOW)
    assert result.summary()["accepted"] == 1
    assert result.report.quarantine[Q_REASON].tolist() == [Reason.OUTSIDE_REGION.value]
    assert region_from_settings(lucknow).metric_crs.to_epsg() == 32644


@pytest.mark.shared_data
def test_bhubaneswar_jurisdictions_as_thanas(tmp_path: Path) -> None:
    path = shared_file("analogs_india", "bhubaneswar_police_jurisdiction_ccbysa25in.geojson")
    bbsr = Settings(region=str(path), store=tmp_path / "bbsr.gpkg", _env_file=None)  # type: ignore[call-arg]
    store = open_store(bbsr.store)
    result = import_file(path, "thanas", store, settings=bbsr, now=NOW)
    assert result.summary()["rows"] == 17
    assert result.summary()["accepted"] == 17
    thanas = store.read(LayerKind.THANAS)
    assert thanas[NAME].nunique() == 17
    assert thanas.is_valid.all()
    assert region_from_settings(bbsr).metric_crs.to_epsg() == 32645


@pytest.mark.shared_data
def test_varanasi_post_offices_inside_sadar_tehsil(tmp_path: Path) -> None:
    offices = shared_file("varanasi", "post_offices_indiapost_godl.geojson")
    tehsil_path = shared_file("varanasi", "sadar_tehsil_osm_odbl.geojson")
    sadar = Settings(region=str(tehsil_path), store=tmp_path / "po.gpkg", _env_file=None)  # type: ignore[call-arg]
    store = open_store(sadar.store)
    result = import_file(
        offices, "sites", store, settings=sadar, defaults={"kind": "other"}, now=NOW
    )
    s = result.summary()
    assert s["rows"] == 263
    assert s["accepted"] + s["quarantined"] == 263
    assert set(s["reasons"]) == {Reason.OUTSIDE_REGION.value}
    tehsil = gpd.read_file(tehsil_path).to_crs(WGS84).union_all()
    accepted = store.read(LayerKind.SITES)
    assert len(accepted) == s["accepted"] > 0
    assert accepted.geometry.intersects(tehsil).all()
    q = store.quarantine(LayerKind.SITES)
    src = gpd.read_file(offices)
    rejected = src.iloc[q[Q_ROW].to_numpy() - 1]
    assert not rejected.geometry.intersects(tehsil).any()
    assert len(rejected) == s["quarantined"]


def test_thanas_imported_later_are_assigned_to_stored_incidents(
    tmp_path: Path, settings: Settings
) -> None:
    store = open_store(settings.store)
    import_file(write_csv(tmp_path / "i.csv", ROWS), "incidents", store, settings=settings, now=NOW)
    assert store.read(LayerKind.INCIDENTS)[THANA].isna().all()
    import_file(write_thanas(tmp_path / "t.geojson"), "thanas", store, settings=settings, now=NOW)
    stored = store.read(LayerKind.INCIDENTS).set_index("id")
    assert stored[THANA].to_dict() == {"I1": "Dashashwamedh", "I2": "Lanka", "I3": "Lanka"}
    assert stored[THANA_MISMATCH].to_dict() == {"I1": False, "I2": False, "I3": True}
    assert "thanas changed by import" in store.imports()["source"].iloc[-1]


def test_read_layer_gives_local_times(tmp_path: Path, settings: Settings) -> None:
    from geo.schema import OCCURRED_AT
    from geo.store import read_layer

    store = open_store(settings.store)
    import_file(write_csv(tmp_path / "i.csv", ROWS), "incidents", store, settings=settings, now=NOW)
    assert str(store.read(LayerKind.INCIDENTS)[OCCURRED_AT].dt.tz) == "UTC"
    local = read_layer(store, LayerKind.INCIDENTS, timezone="Asia/Kolkata").set_index("id")
    assert local.loc["I1", OCCURRED_AT] == pd.Timestamp("2026-10-01 18:30", tz="Asia/Kolkata")
    assert local.loc["I1", OCCURRED_AT].hour == 18


@pytest.mark.parametrize("value", ["Ravi Kumar", "रवि कुमार", "Sunita d/o Ramesh"])
def test_a_name_typed_as_an_incidents_thana_is_never_kept(
    tmp_path: Path, settings: Settings, value: str
) -> None:
    """A person's name in an incident's thana column: the row kept, the name withheld."""
    store = open_store(settings.store)
    import_file(write_thanas(tmp_path / "t.geojson"), "thanas", store, settings=settings, now=NOW)
    rows = [
        "1,25.2677,82.9913,2026-10-02 14:00,stalking,complaint," + value,
        "2,25.2677,82.9913,2026-10-02 15:00,stalking,complaint,Thana Lanka",
        "3,25.2677,82.9913,2031-10-02 15:00,stalking,complaint," + value,
    ]
    result = import_file(
        write_csv(tmp_path / "i.csv", rows), "incidents", store, settings=settings, now=NOW
    )
    stored = store.read(LayerKind.INCIDENTS).sort_values("occurred_at")
    assert stored[THANA].tolist() == ["Lanka", "Lanka"]
    assert stored[THANA_STATED].isna().tolist() == [True, False]
    assert result.summary()["reasons"] == {"future-timestamp": 1}
    assert any("not one of the store's thanas" in w for w in result.report.warnings)
    quarantined = store.quarantine(LayerKind.INCIDENTS).drop(columns=[Q_IMPORT_ID])
    everything = " ".join(
        [stored.astype(str).to_csv(), quarantined.astype(str).to_csv(), *result.report.warnings]
    )
    for part in value.split():
        assert part not in everything


def test_a_name_kept_before_thanas_were_imported_is_withheld_then(
    tmp_path: Path, settings: Settings
) -> None:
    """Stated thanas kept as written without thanas: those naming none are withheld later."""
    store = open_store(settings.store)
    rows = [*ROWS[:3], "I9,25.2677,82.9913,2026-10-02 16:00,stalking,complaint,Ravi Kumar"]
    import_file(write_csv(tmp_path / "i.csv", rows), "incidents", store, settings=settings, now=NOW)
    assert "Ravi Kumar" in store.read(LayerKind.INCIDENTS)[THANA_STATED].tolist()
    import_file(write_thanas(tmp_path / "t.geojson"), "thanas", store, settings=settings, now=NOW)
    stored = store.read(LayerKind.INCIDENTS).set_index("id")
    assert stored[THANA_STATED].isna().to_dict() == {
        "I1": False,
        "I2": False,
        "I3": False,
        "I9": True,
    }
    assert stored.loc["I9", THANA] == "Lanka"
    assert "Ravi" not in stored.astype(str).to_csv()
