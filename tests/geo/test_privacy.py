"""Tests of geo.ingest.privacy: personal columns found by name and by value, and never stored."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.ingest.privacy import (
    PII_COLUMN_REASON,
    PiiKind,
    drop_personal_columns,
    find_personal_columns,
)
from geo.schema import CAMPAIGNS, CCTV, INCIDENTS, LAYERS, SITES, THANAS, LayerKind, LayerSpec


def _frame(*columns: str, value: object = "x") -> pd.DataFrame:
    return pd.DataFrame({column: [value, value] for column in columns})


@pytest.mark.parametrize(
    ("column", "kind"),
    [
        ("victim_name", PiiKind.PERSON),
        ("Victim Name", PiiKind.PERSON),
        ("VictimName", PiiKind.PERSON),
        ("fathersname", PiiKind.PERSON),
        ("Father's Name", PiiKind.PERSON),
        ("husband_name", PiiKind.PERSON),
        ("complainant", PiiKind.PERSON),
        ("accused", PiiKind.PERSON),
        ("guardian-name", PiiKind.PERSON),
        ("name_of_victim", PiiKind.PERSON),
        ("first_name", PiiKind.PERSON),
        ("pita_ka_naam", PiiKind.PERSON),
        ("naam", PiiKind.PERSON),
        ("Mobile No", PiiKind.PHONE),
        ("phone", PiiKind.PHONE),
        ("contact", PiiKind.PHONE),
        ("whatsapp_number", PiiKind.PHONE),
        ("Tel", PiiKind.PHONE),
        ("cell_no", PiiKind.PHONE),
        ("address", PiiKind.ADDRESS),
        ("House No.", PiiKind.ADDRESS),
        ("pata", PiiKind.ADDRESS),
        ("residence", PiiKind.ADDRESS),
        ("Aadhaar No", PiiKind.IDENTITY),
        ("aadhar", PiiKind.IDENTITY),
        ("uid_no", PiiKind.IDENTITY),
        ("PAN", PiiKind.IDENTITY),
        ("voter_id", PiiKind.IDENTITY),
        ("EPIC No", PiiKind.IDENTITY),
        ("passport_number", PiiKind.IDENTITY),
        ("email", PiiKind.EMAIL),
        ("E-mail", PiiKind.EMAIL),
        ("DOB", PiiKind.BIRTH_DATE),
        ("date_of_birth", PiiKind.BIRTH_DATE),
        ("age", PiiKind.AGE),
        ("Victim Age", PiiKind.AGE),
    ],
)
def test_personal_by_name(column: str, kind: PiiKind) -> None:
    report = find_personal_columns(_frame("id", column), INCIDENTS)
    assert report == {column: PII_COLUMN_REASON[kind]}


@pytest.mark.parametrize(
    "column",
    [
        "station_lat",
        "thana_name",
        "office_name",
        "site_name",
        "venue_type",
        "category",
        "pincode",
        "uid",  # an alias of the record id
        "cyber_cell",
        "women_cell",
        "office_address",
        "victim_count",
        "no_of_victims",
        "village",
        "usage",
        "page",
        "agency",
        "residential",
        "pan_india",
        "latitude",
        "Longitude",
        "x",
        "y",
        "wkt",
        "geometry",
        "remarks",
    ],
)
def test_not_over_eager(column: str) -> None:
    for spec in LAYERS.values():
        assert find_personal_columns(_frame(column), spec) == {}, (column, spec.kind)


@pytest.mark.parametrize("spec", [SITES, THANAS])
def test_name_is_kept_where_it_is_a_schema_field(spec: LayerSpec) -> None:
    frame = _frame("name", "Name ", "victim_name")
    assert list(find_personal_columns(frame, spec)) == ["victim_name"]


@pytest.mark.parametrize("spec", [INCIDENTS, CAMPAIGNS, CCTV])
def test_bare_name_is_personal_elsewhere(spec: LayerSpec) -> None:
    assert list(find_personal_columns(_frame("name"), spec)) == ["name"]


def test_schema_fields_are_never_dropped_even_with_personal_values() -> None:
    # "phones" is a resource count of the thanas layer; elsewhere it is a phone number.
    frame = pd.DataFrame({"name": ["9876543210"], "phones": ["3"]})
    assert find_personal_columns(frame, THANAS) == {}
    assert "phones" in find_personal_columns(frame, INCIDENTS)


@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        (["9876543210", "+91 98765 43210", "098765-43210", "x", "y"], "Indian mobile numbers"),
        (["2345 6789 0123", "234567890124", "3456-7890-1234", "a"], "Aadhaar numbers"),
        (["a@example.org", "b.c@mail.co.in", "none"], "e-mail addresses"),
    ],
)
def test_personal_by_value(values: list[str], fragment: str) -> None:
    report = find_personal_columns(pd.DataFrame({"info": values}), INCIDENTS)
    assert list(report) == ["info"]
    assert fragment in report["info"]
    assert "%" in report["info"]


def test_value_threshold_is_thirty_percent() -> None:
    phones = ["9876543210"] * 3 + ["ok"] * 7
    assert list(find_personal_columns(pd.DataFrame({"info": phones}), INCIDENTS)) == ["info"]
    few = ["9876543210"] * 2 + ["ok"] * 8
    assert find_personal_columns(pd.DataFrame({"info": few}), INCIDENTS) == {}


def test_empty_values_do_not_count() -> None:
    values = ["9876543210", None, None, None, "", "ok"]
    frame = pd.DataFrame({"info": pd.array(values, dtype="str")})
    assert list(find_personal_columns(frame, INCIDENTS)) == ["info"]


def test_numeric_phone_columns_are_found() -> None:
    ints = pd.DataFrame({"n": np.array([9876543210, 8765432109], dtype=np.int64)})
    floats = pd.DataFrame({"n": [9876543210.0, np.nan, 8765432109.0]})
    assert list(find_personal_columns(ints, SITES)) == ["n"]
    assert list(find_personal_columns(floats, SITES)) == ["n"]


def test_values_that_only_resemble_personal_data() -> None:
    frame = pd.DataFrame(
        {
            "pincode": ["221001", "221005"],
            "stamp": ["202611281830", "202601051200"],  # yyyymmddhhmm, not Aadhaar
            "reading": ["25.3123", "83.0123"],
            "code": ["1234567890", "5555555555"],  # starts 1-5: not an Indian mobile
            "flag": [True, False],
        }
    )
    assert find_personal_columns(frame, INCIDENTS) == {}


def test_coordinates_are_never_personal_even_by_value() -> None:
    frame = pd.DataFrame({"lat": ["9876543210"], "station_lon": ["9876543210"]})
    assert find_personal_columns(frame, INCIDENTS) == {}


def test_alias_columns_are_judged_by_value_only() -> None:
    # ungrouped 12 digits count as Aadhaar only with a valid Verhoeff check digit
    frame = pd.DataFrame({"uid": ["234567890124", "345678901238"], "case_id": ["C1", "C2"]})
    report = find_personal_columns(frame, INCIDENTS)
    assert list(report) == ["uid"]
    assert "Aadhaar" in report["uid"]


def test_drop_returns_new_frame_and_does_not_mutate_input() -> None:
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "victim_name": ["Sita", "Gita"],
            "mobile": ["9876543210", "8765432109"],
            "category": ["stalking", "cyber"],
        }
    )
    before = frame.copy(deep=True)
    kept, report = drop_personal_columns(frame, INCIDENTS)
    assert list(report) == ["victim_name", "mobile"]
    assert list(kept.columns) == ["id", "category"]
    assert kept is not frame
    pd.testing.assert_frame_equal(frame, before)
    kept.loc[0, "id"] = "changed"
    pd.testing.assert_frame_equal(frame, before)


def test_drop_with_nothing_personal_still_returns_a_copy() -> None:
    frame = _frame("id", "category")
    kept, report = drop_personal_columns(frame, INCIDENTS)
    assert report == {}
    assert kept is not frame
    pd.testing.assert_frame_equal(kept, frame)


def test_drop_logs_names_and_reasons_but_never_values(caplog: pytest.LogCaptureFixture) -> None:
    frame = pd.DataFrame({"info": ["9876543210"]})
    with caplog.at_level("WARNING", logger="geo.ingest.privacy"):
        drop_personal_columns(frame, INCIDENTS)
    assert "info" in caplog.text
    assert "9876543210" not in caplog.text


_WORDS = st.sampled_from(
    [
        "name", "victim", "thana", "office", "phone", "lat", "station", "age", "address",
        "id", "category", "count", "no", "of", "email", "kind", "x", "aadhaar", "pan", "uid",
    ]
)  # fmt: skip
_COLUMN = st.one_of(
    st.lists(_WORDS, min_size=1, max_size=3).map("_".join),
    st.text(min_size=1, max_size=12),
)
_VALUE = st.one_of(
    st.none(),
    st.sampled_from(["9876543210", "2345 6789 0123", "a@b.in", "Lanka", "", "221001"]),
    st.text(max_size=15),
)


@settings(max_examples=150, deadline=None)
@given(
    columns=st.lists(_COLUMN, min_size=1, max_size=6, unique=True),
    rows=st.integers(min_value=0, max_value=5),
    data=st.data(),
    kind=st.sampled_from(list(LAYERS)),
)
def test_drop_never_returns_a_reported_column(
    columns: list[str], rows: int, data: st.DataObject, kind: LayerKind
) -> None:
    frame = pd.DataFrame(
        {c: data.draw(st.lists(_VALUE, min_size=rows, max_size=rows)) for c in columns},
        dtype=object,
    )
    spec = LAYERS[kind]
    before = frame.copy(deep=True)
    kept, report = drop_personal_columns(frame, spec)
    assert not set(kept.columns) & set(report)
    assert set(report) <= set(columns)
    assert [c for c in columns if c not in report] == list(kept.columns)
    assert report == find_personal_columns(frame, spec)
    pd.testing.assert_frame_equal(frame, before)
