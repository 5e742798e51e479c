"""Validation of the centre layers (resources audit, casework) and the BNSS section field."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from geo.centre import (
    AGE_BAND,
    AUDITED_ON,
    BNSS_SECTION,
    CASE_OUTCOME,
    CASE_ROUTE,
    CASE_TYPE,
    CENTRE_RESOURCES,
    DISPOSED_ON,
    RECEIVED_ON,
    needed_column,
    working_column,
)
from geo.ingest import ImportResult
from geo.ingest.presets import detect_preset
from geo.ingest.quarantine import Q_FIELD, Q_MESSAGE, Q_REASON, Q_ROW, Reason
from geo.ingest.readers import RawTable
from geo.ingest.validation import ValidationReport, validate
from geo.region import Region
from geo.schema import GEOMETRY, ID, THANA, LayerKind, layer_spec
from geo.settings import DEFAULT_CATEGORIES
from geo.store import Store
from geo.store.frames import Q_IMPORT_ID
from tests.conftest import NOW

RawFactory = Callable[..., RawTable]


def run(table: RawTable, region: Region, kind: LayerKind, **kw: object) -> ValidationReport:
    return validate(table, kind, region, categories=DEFAULT_CATEGORIES, now=NOW, **kw)  # type: ignore[arg-type]


def casework(raw: RawFactory, n: int = 3, **overrides: list[object]) -> RawTable:
    cols: dict[str, list[object]] = {
        ID: [f"C{i}" for i in range(n)],
        THANA: ["Lanka"] * n,
        RECEIVED_ON: ["2026-10-01"] * n,
        CASE_TYPE: ["cyber"] * n,
        CASE_ROUTE: ["counselling"] * n,
        CASE_OUTCOME: ["reunited"] * n,
        DISPOSED_ON: ["2026-10-09"] * n,
        AGE_BAND: ["18-25"] * n,
    }
    cols.update(overrides)
    return raw(**cols)


def audits(raw: RawFactory, n: int = 2, **overrides: list[object]) -> RawTable:
    cols: dict[str, list[object]] = {
        ID: [f"A{i}" for i in range(n)],
        THANA: ["Lanka"] * n,
        AUDITED_ON: ["2026-09-01"] * n,
    }
    for resource in CENTRE_RESOURCES:
        cols[working_column(resource)] = ["1"] * n
        cols[needed_column(resource)] = ["2"] * n
    cols.update(overrides)
    return raw(**cols)


def reasons(report: ValidationReport) -> list[tuple[int, str, str]]:
    q = report.quarantine
    return list(zip(q[Q_ROW].tolist(), q[Q_FIELD].tolist(), q[Q_REASON].tolist(), strict=True))


def test_centre_layers_are_attribute_tables() -> None:
    for kind in (LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK):
        spec = layer_spec(kind)
        assert not spec.spatial and spec.geometry is None
        assert THANA in spec.names and spec.field(THANA).required
    assert layer_spec(LayerKind.INCIDENTS).spatial


def test_clean_casework_is_accepted_without_coordinates(raw: RawFactory, region: Region) -> None:
    report = run(casework(raw), region, LayerKind.CASEWORK)
    assert report.summary()["accepted"] == 3 and report.n_quarantined == 0
    accepted = report.accepted
    assert list(accepted.columns) == list(layer_spec(LayerKind.CASEWORK).columns)
    assert accepted[GEOMETRY].isna().all()
    assert accepted[DISPOSED_ON].iloc[0] == pd.Timestamp("2026-10-09")
    assert accepted[CASE_OUTCOME].tolist() == ["reunited"] * 3


def test_casework_quarantine_reasons(raw: RawFactory, region: Region) -> None:
    table = casework(
        raw,
        4,
        **{
            CASE_OUTCOME: ["reunited", "pending", "disposed", "pending"],
            DISPOSED_ON: ["2026-09-20", "2026-10-05", "", ""],
        },
    )
    report = run(table, region, LayerKind.CASEWORK)
    assert reasons(report) == [
        (1, DISPOSED_ON, Reason.DISPOSED_BEFORE_RECEIVED.value),
        (2, DISPOSED_ON, Reason.PENDING_WITH_DISPOSAL.value),
        (3, DISPOSED_ON, Reason.MISSING_VALUE.value),
    ]
    assert len(report.accepted) == 1  # the pending row without a disposal date
    assert report.accepted[DISPOSED_ON].isna().all()
    assert "before it was received on 2026-10-01" in report.quarantine["message"].iloc[0]


def test_an_unreadable_disposal_date_is_one_problem(raw: RawFactory, region: Region) -> None:
    table = casework(raw, 2, **{DISPOSED_ON: ["not a day", "2027-01-01"]})
    report = run(table, region, LayerKind.CASEWORK)
    assert reasons(report) == [
        (1, DISPOSED_ON, Reason.UNPARSEABLE_DATE.value),
        (2, DISPOSED_ON, Reason.FUTURE_DATE.value),
    ]


def test_casework_vocabularies_in_hindi(raw: RawFactory, region: Region) -> None:
    table = raw(
        **{
            "क्रमांक": ["1", "2", "3"],
            "थाना": ["Lanka", "Bhelupur", "Chetganj"],
            "प्राप्ति दिनांक": ["01/10/2026", "02/10/2026", "03/10/2026"],
            "शिकायत का प्रकार": ["घरेलू विवाद", "साइबर", "छेड़छाड़"],
            "कार्यवाही का माध्यम": ["परामर्श", "एफआईआर", "रेफर"],
            "परिणाम": ["सुलह/पुनर्मिलन", "लंबित", "एफआईआर दर्ज"],
            "निस्तारण दिनांक": ["09/10/2026", "", "05/10/2026"],
            "आयु वर्ग": ["26-35", "18-25", ""],
            "शिकायतकर्ता का नाम": ["Sita", "Gita", "Rita"],
            "विवरण": ["free text", "about", "people"],
        }
    )
    report = run(table, region, LayerKind.CASEWORK)
    assert report.n_quarantined == 0, report.quarantine
    got = report.accepted
    assert got[CASE_TYPE].tolist() == ["domestic-family-dispute", "cyber", "harassment"]
    assert got[CASE_ROUTE].tolist() == ["counselling", "fir", "referred"]
    assert got[CASE_OUTCOME].tolist() == ["reunited", "pending", "fir-registered"]
    assert got[AGE_BAND].tolist() == ["26-35", "18-25", "unknown"]
    assert got[THANA].tolist() == ["Lanka", "Bhelupur", "Chetganj"]
    assert "शिकायतकर्ता का नाम" in report.personal_columns
    kept = " ".join(map(str, got.astype(str).to_numpy().ravel()))
    assert "Sita" not in kept and "free text" not in kept


def test_english_register_headers(raw: RawFactory, region: Region) -> None:
    table = raw(
        **{
            "Complaint No.": ["7"],
            "Police Station": ["Lanka"],
            "Date of Receipt": ["1/10/2026"],
            "Nature of Complaint": ["Domestic dispute"],
            "Action Route": ["Counselling"],
            "Present Status": ["Pending"],
            "Date of Disposal": [""],
        }
    )
    report = run(table, region, LayerKind.CASEWORK)
    assert report.n_quarantined == 0, report.quarantine
    assert report.accepted[CASE_TYPE].tolist() == ["domestic-family-dispute"]
    assert report.accepted[CASE_OUTCOME].tolist() == ["pending"]


def test_audit_negative_counts_are_quarantined(raw: RawFactory, region: Region) -> None:
    table = audits(raw, 2, computers_working=["-1", "1"], vehicles_needed=["1", "x"])
    report = run(table, region, LayerKind.CENTRE_AUDIT)
    assert reasons(report) == [
        (1, "computers_working", Reason.OUT_OF_RANGE.value),
        (2, "vehicles_needed", Reason.NOT_A_NUMBER.value),
    ]
    assert report.accepted.empty


def test_audit_accepts_hindi_headers(raw: RawFactory, region: Region) -> None:
    table = raw(
        **{
            "थाना": ["Lanka"],
            "निरीक्षण दिनांक": ["15/09/2026"],
            "कंप्यूटर (चालू)": ["0"],
            "कंप्यूटर (आवश्यक)": ["1"],
            "महिला शौचालय (चालू)": ["1"],
            "महिला शौचालय (आवश्यक)": ["1"],
        }
    )
    report = run(table, region, LayerKind.CENTRE_AUDIT)
    assert report.n_quarantined == 0, report.quarantine
    row = report.accepted.iloc[0]
    assert row[working_column("computers")] == 0 and row[needed_column("computers")] == 1
    assert row[working_column("womens_toilet")] == 1
    assert row[AUDITED_ON] == pd.Timestamp("2026-09-15")
    assert report.accepted[ID].notna().all()  # derived from the content


def test_bnss_section_of_detentions(raw: RawFactory, region: Region) -> None:
    table = raw(
        id=["D1", "D2", "D3", "D4"],
        lat=["25.3176"] * 4,
        lon=["83.0104"] * 4,
        occurred_at=["2026-10-01T18:30"] * 4,
        category=["eve-teasing"] * 4,
        source=["anti-romeo-action"] * 4,
        action_taken=["detained"] * 4,
        **{"BNSS Section": ["126", "धारा 170", "u/s 135", "999"]},
    )
    report = run(table, region, LayerKind.INCIDENTS)
    assert reasons(report) == [(4, BNSS_SECTION, Reason.UNKNOWN_VALUE.value)]
    assert report.accepted[BNSS_SECTION].tolist() == ["126", "170", "135"]


@hsettings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["reunited", "pending", "disposed", "fir-registered", "lost"]),
            st.integers(-5, 5),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_accepted_plus_quarantined_is_rows(rows: list[tuple[str, int, bool]]) -> None:
    from geo.region import region_from_settings
    from geo.settings import Settings

    region = region_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    received = pd.Timestamp("2026-10-10")
    frame = pd.DataFrame(
        {
            ID: [f"C{i}" for i in range(len(rows))],
            THANA: "Lanka",
            RECEIVED_ON: received.date().isoformat(),
            CASE_TYPE: "cyber",
            CASE_ROUTE: "fir",
            CASE_OUTCOME: [o for o, _d, _h in rows],
            DISPOSED_ON: [
                (received + pd.Timedelta(days=d)).date().isoformat() if has else ""
                for _o, d, has in rows
            ],
        },
        dtype="object",
    )
    table = RawTable(frame=frame, geometry=None, source="t.csv", sha256="0" * 64, native_crs=None)
    report = run(table, region, LayerKind.CASEWORK)
    assert len(report.accepted) + report.n_quarantined == len(rows)
    accepted = report.accepted
    pending = accepted[CASE_OUTCOME] == "pending"
    assert accepted.loc[pending, DISPOSED_ON].isna().all()
    assert (accepted.loc[~pending, DISPOSED_ON] >= accepted.loc[~pending, RECEIVED_ON]).all()


@pytest.mark.parametrize("kind", [LayerKind.CENTRE_AUDIT, LayerKind.CASEWORK])
def test_attribute_layers_ignore_coordinates(
    raw: RawFactory, region: Region, kind: LayerKind
) -> None:
    table = (casework if kind is LayerKind.CASEWORK else audits)(raw, 1, lat=["99"], lon=["x"])
    report = run(table, region, kind)
    assert report.n_quarantined == 0 and len(report.accepted) == 1


def test_presets_of_the_centre_registers_are_detected() -> None:
    audit = ["थाना", "निरीक्षण दिनांक", "कंप्यूटर (चालू)", "कंप्यूटर (आवश्यक)"]
    found = detect_preset(audit, LayerKind.CENTRE_AUDIT)
    assert found is not None and found.name == "centre-audit"
    register = ["Complaint No.", "Police Station", "Date of Receipt", "Present Status"]
    found = detect_preset(register, LayerKind.CASEWORK)
    assert found is not None and found.name == "centre-casework"
    assert detect_preset(register, LayerKind.INCIDENTS) is None


def test_import_names_thanas_as_the_thanas_layer_does(tmp_path: Path) -> None:
    from geo.ingest import import_file
    from geo.settings import Settings
    from geo.store import open_store
    from tests.geo.store.test_store import layer_frame, make_batch

    store = open_store(tmp_path / "store.gpkg")
    store.apply(make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3)))
    src = tmp_path / "cases.csv"
    pd.DataFrame(
        {
            ID: ["1", "2", "3"],
            "थाना": ["कोतवाली", "Thana Lanka", "Nowhere"],
            RECEIVED_ON: ["2026-10-01"] * 3,
            CASE_TYPE: ["cyber"] * 3,
            CASE_ROUTE: ["fir"] * 3,
            CASE_OUTCOME: ["pending"] * 3,
        }
    ).to_csv(src, index=False)
    result = import_file(src, LayerKind.CASEWORK, store, settings=Settings(store=store.location))
    assert store.read(LayerKind.CASEWORK)[THANA].tolist() == ["Kotwali", "Lanka"]
    assert result.summary()["reasons"] == {"unknown-thana": 1}
    assert "flags" not in result.summary()


def _everything_kept(store: Store, result: ImportResult) -> str:
    """Every text the import kept: the layer, the quarantine (store and report) and the warnings.

    The quarantine's import id is left out: the store makes it from a timestamp and random hex,
    so it can hold any run of digits and would make a search for a phone's digits flaky.
    """
    quarantined = store.quarantine().drop(columns=[Q_IMPORT_ID])
    reported = result.report.quarantine.drop(columns=[Q_IMPORT_ID], errors="ignore")
    return " ".join(
        [store.read("casework").astype(str).to_csv(), quarantined.astype(str).to_csv(),
         reported.astype(str).to_csv(), " ".join(result.report.warnings)]
    )  # fmt: skip


@pytest.mark.parametrize("value", ["Ravi Kumar", "रवि कुमार", "Sunita d/o Ramesh"])
def test_a_name_typed_as_the_thana_is_quarantined_and_never_kept(
    tmp_path: Path, value: str
) -> None:
    """A person's name in a casework register's thana column: quarantined, value withheld."""
    from geo.ingest import import_file
    from geo.settings import Settings
    from geo.store import open_store
    from tests.geo.store.test_store import layer_frame, make_batch

    store = open_store(tmp_path / "store.gpkg")
    store.apply(make_batch(LayerKind.THANAS, layer_frame(LayerKind.THANAS, 3)))
    src = tmp_path / "cases.csv"
    pd.DataFrame(
        {ID: ["1", "2"], "थाना": [value, "लंका"], RECEIVED_ON: ["2026-10-01"] * 2,
         CASE_TYPE: ["cyber"] * 2, CASE_ROUTE: ["fir"] * 2, CASE_OUTCOME: ["pending"] * 2}
    ).to_csv(src, index=False)  # fmt: skip
    result = import_file(src, LayerKind.CASEWORK, store, settings=Settings(store=store.location))
    summary = result.summary()
    assert summary["accepted"] + summary["quarantined"] == 2
    assert summary["reasons"] == {"unknown-thana": 1}
    message = result.report.quarantine[Q_MESSAGE].iloc[0]
    assert re.search(r"row 1, field 'thana': .*not the name of one of the store's thanas", message)
    assert "Lanka" in message  # the spellings to use instead
    everything = _everything_kept(store, result) + json.dumps(summary, ensure_ascii=False)
    for part in value.split():
        assert part not in everything


def test_without_thanas_in_the_store_names_are_kept_with_a_warning(tmp_path: Path) -> None:
    from geo.ingest import import_file
    from geo.settings import Settings
    from geo.store import open_store

    store = open_store(tmp_path / "store.gpkg")
    src = tmp_path / "cases.csv"
    pd.DataFrame(
        {ID: ["1"], THANA: ["Lanka"], RECEIVED_ON: ["2026-10-01"], CASE_TYPE: ["cyber"],
         CASE_ROUTE: ["fir"], CASE_OUTCOME: ["pending"]}
    ).to_csv(src, index=False)  # fmt: skip
    result = import_file(src, LayerKind.CASEWORK, store, settings=Settings(store=store.location))
    assert store.read(LayerKind.CASEWORK)[THANA].tolist() == ["Lanka"]
    assert any("no thanas in the store yet" in w for w in result.report.warnings)


@pytest.mark.parametrize(
    "value",
    ["Ravi Kumar 9876543210", "+91 98765 43210", "रवि ९८७६५४३२१०", "ravi@example.com",
     "2345 6789 0123", "Ravi ９８７６５４３２１０", "৯৮৭৬৫ ৪৩২১০"],
)  # fmt: skip
def test_a_phone_aadhaar_or_email_in_a_kept_text_field_is_never_stored(
    tmp_path: Path, value: str
) -> None:
    """A planner typing a complainant's phone into the thana cell: not stored, not quarantined."""
    from geo.ingest import import_file
    from geo.settings import Settings
    from geo.store import open_store

    path = tmp_path / "cases.csv"
    pd.DataFrame(
        {"id": ["c1", "c2"], "thana": [value, "Lanka"], "received_on": ["2026-10-01"] * 2,
         "case_type": ["cyber"] * 2, "case_route": ["fir"] * 2,
         "case_outcome": ["pending"] * 2, "disposed_on": ["", ""]}
    ).to_csv(path, index=False)  # fmt: skip
    store = open_store(tmp_path / "store.gpkg")
    result = import_file(path, "casework", store=store, settings=Settings(store=store.location))
    summary = result.report.summary()
    assert summary["accepted"] + summary["quarantined"] == 2
    assert summary["reasons"] == {"missing-value": 1}
    everything = _everything_kept(open_store(tmp_path / "store.gpkg"), result)
    for part in ("9876543210", "98765", "९८७६५", "ravi@", "6789", "９８７６５", "৯৮৭৬৫"):
        assert part not in everything
    assert any("phone number, an Aadhaar number or an e-mail" in w for w in result.report.warnings)
