"""The demo centre layers and BNSS sections reproduce the seed review's totals exactly."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo import demo
from geo.centre import (
    AGE_BAND,
    AUDITED_ON,
    BNSS_SECTION,
    CASE_CYBER,
    CASE_OUTCOME,
    CASE_TYPE,
    CENTRE_RESOURCES,
    DISPOSED_ON,
    OUTCOME_PENDING,
    OUTCOME_REUNITED,
    RECEIVED_ON,
    YOUNG_AGE_BANDS,
    needed_column,
    working_column,
)
from geo.ingest import validate_file
from geo.ingest.quarantine import reason_counts
from geo.schema import ACTION_TAKEN, ARRESTS, ATTENDEES, GEOMETRY, SYNTHETIC, THANA, LayerKind
from geo.settings import Settings
from geo.store import open_store
from tests.conftest import NOW

SMALL = demo.MIN_INCIDENTS


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate()


def settings() -> Settings:
    return Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize("n_incidents", [demo.DEMO_INCIDENTS, SMALL])
def test_reunions_and_detentions_by_section_are_the_seeds(n_incidents: int) -> None:
    data = demo.generate(n_incidents=n_incidents)
    cases, inc = data.casework, data.incidents
    reunited = cases.loc[cases[CASE_OUTCOME] == OUTCOME_REUNITED]
    counselled = inc.loc[inc[ACTION_TAKEN] == demo.COUNSELLED]
    assert len(reunited) == demo.N_REUNITED == 255 == len(counselled)
    # the two layers agree per thana too: each reunion is a counselled incident's case
    by_thana = reunited[THANA].value_counts().sort_index()
    pd.testing.assert_series_equal(
        by_thana, counselled[THANA].value_counts().sort_index(), check_dtype=False
    )
    detained = inc.loc[inc[ACTION_TAKEN] == demo.DETAINED]
    assert len(detained) == 659 and detained[BNSS_SECTION].notna().all()
    assert inc.loc[inc[ACTION_TAKEN] != demo.DETAINED, BNSS_SECTION].isna().all()
    counts = detained[BNSS_SECTION].value_counts().to_dict()
    assert counts == dict(demo.N_DETAINED_BY_SECTION) and sum(counts.values()) == 659
    cases_registered = inc.loc[inc[ACTION_TAKEN] == demo.CASE_REGISTERED]
    assert len(cases_registered) == 94 and int(cases_registered[ARRESTS].sum()) == 123
    assert len(data.campaigns) == 2_114 and int(data.campaigns[ATTENDEES].sum()) == 90_000


def test_casework_obeys_the_layer_rules_and_has_pendency_of_every_age(
    data: demo.DemoData,
) -> None:
    cases = data.casework
    assert len(cases) == demo.DEMO_CASEWORK and cases[GEOMETRY].isna().all()
    assert cases.attrs[SYNTHETIC] is True
    pending = cases[CASE_OUTCOME] == OUTCOME_PENDING
    assert cases.loc[pending, DISPOSED_ON].isna().all()
    done = cases.loc[~pending]
    assert done[DISPOSED_ON].notna().all() and (done[DISPOSED_ON] >= done[RECEIVED_ON]).all()
    assert cases[RECEIVED_ON].min() >= pd.Timestamp(demo.START_DATE)
    assert cases[DISPOSED_ON].max() <= pd.Timestamp(demo.REFERENCE_DATE)
    age_d = (pd.Timestamp(demo.REFERENCE_DATE) - cases.loc[pending, RECEIVED_ON]).dt.days
    assert (age_d <= 7).sum() > 0 and ((age_d > 15) & (age_d <= 60)).sum() > 0
    assert (age_d > 30).sum() >= 10
    cyber = cases.loc[cases[CASE_TYPE] == CASE_CYBER]
    assert len(cyber) >= 300 and cyber[AGE_BAND].isin(YOUNG_AGE_BANDS).mean() > 0.5
    assert cases[THANA].nunique() == len(demo.STATIONS)


def test_audits_have_two_dates_per_thana_and_real_shortfalls(data: demo.DemoData) -> None:
    audits = data.centre_audits
    per_thana = audits.groupby(THANA)[AUDITED_ON].nunique()
    assert len(per_thana) == len(demo.STATIONS) and (per_thana >= 2).all()
    for resource in CENTRE_RESOURCES:
        assert (audits[working_column(resource)] >= 0).all()
        assert (audits[needed_column(resource)] >= 1).all()
    latest = audits.sort_values(AUDITED_ON).groupby(THANA).tail(1)
    short = {
        resource: set(
            latest.loc[latest[working_column(resource)] < latest[needed_column(resource)], THANA]
        )
        for resource in CENTRE_RESOURCES
    }
    assert short["computers"] and short["womens_toilet"] and short["vehicles"]
    assert (latest[working_column("computers")] == 0).any()  # no computer at all
    phones_no_sim = latest[working_column("mobile_phones")] > latest[working_column("sim_cards")]
    assert phones_no_sim.any()  # a phone without a SIM
    assert 0 < len(set().union(*short.values())) < len(demo.STATIONS)  # only some thanas
    earlier = audits.drop(latest.index)
    gaps_before = sum(
        int((earlier[working_column(r)] < earlier[needed_column(r)]).sum())
        for r in CENTRE_RESOURCES
    )
    assert gaps_before > sum(len(v) for v in short.values())  # gaps get fixed over time


def test_same_seed_same_centre_layers() -> None:
    a, b = demo.generate(n_incidents=SMALL), demo.generate(n_incidents=SMALL)
    for kind, layer in a.centre_layers().items():
        pd.testing.assert_frame_equal(layer, b.centre_layers()[kind])
    other = demo.generate(seed=demo.DEMO_SEED + 1, n_incidents=SMALL)
    assert not other.centre_audits.equals(a.centre_audits)


@pytest.mark.parametrize("kind", ["centre-audit", "casework"])
def test_centre_files_import_cleanly(data: demo.DemoData, tmp_path: Path, kind: str) -> None:
    files = demo.write_files(data, tmp_path)
    report = validate_file(files[kind], kind, settings=settings(), now=NOW)
    assert report.rows == len(data.centre_layers()[kind])
    assert len(report.accepted) == report.rows, reason_counts(report.quarantine)
    assert report.ignored_columns == [SYNTHETIC]
    frame = pd.read_csv(files[kind], dtype=str, keep_default_na=False)
    assert "lat" not in frame and (frame[SYNTHETIC] == "True").all()
    assert "reunions after counselling" in files[demo.README_KEY].read_text(encoding="utf-8")


def test_load_demo_stores_the_centre_layers_with_the_seed_totals(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store.gpkg")
    results = demo.load_demo(store, tmp_path / "files", settings=settings(), n_incidents=SMALL)
    assert {"centre-audit", "casework"} <= set(results)
    assert store.count(LayerKind.CENTRE_AUDIT) == 3 * len(demo.STATIONS)
    cases = store.read(LayerKind.CASEWORK)
    assert len(cases) == demo.DEMO_CASEWORK
    assert int((cases[CASE_OUTCOME] == OUTCOME_REUNITED).sum()) == 255
    incidents = store.read(LayerKind.INCIDENTS)
    counts = incidents[BNSS_SECTION].value_counts().to_dict()
    assert counts == dict(demo.N_DETAINED_BY_SECTION)
    lanka = store.read(LayerKind.CASEWORK, thana="Lanka")
    assert len(lanka) == int((cases[THANA] == "Lanka").sum())
