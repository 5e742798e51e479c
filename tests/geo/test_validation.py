from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from geo.ingest.quarantine import Q_FIELD, Q_MESSAGE, Q_ORIGINAL, Q_REASON, Q_ROW, Reason
from geo.ingest.readers import RawTable
from geo.ingest.validation import LOCATION, validate
from geo.region import Region
from geo.schema import ACTION_TAKEN, CATEGORY, ID, OCCURRED_AT, SOURCE, STATUS, LayerKind
from geo.settings import DEFAULT_CATEGORIES
from tests.conftest import NOW

RawFactory = Callable[..., RawTable]


def incidents(raw: RawFactory, n: int = 3, **overrides: list[object]) -> RawTable:
    cols: dict[str, list[object]] = {
        "id": [f"I{i}" for i in range(n)],
        "lat": ["25.3176"] * n,
        "lon": ["83.0104"] * n,
        "occurred_at": ["2026-10-01T18:30"] * n,
        "category": ["eve-teasing"] * n,
        "source": ["complaint"] * n,
    }
    cols.update(overrides)
    return raw(**cols)


def run(table: RawTable, region: Region, kind: LayerKind = LayerKind.INCIDENTS, **kw: object):
    return validate(table, kind, region, categories=DEFAULT_CATEGORIES, now=NOW, **kw)  # type: ignore[arg-type]


def only_problem(report, reason: Reason) -> pd.Series:  # type: ignore[no-untyped-def]
    q = report.quarantine
    assert len(q) == 1, q
    line = q.iloc[0]
    assert line[Q_REASON] == reason.value
    return line


def test_clean_rows_are_accepted(raw: RawFactory, region: Region) -> None:
    report = run(incidents(raw), region)
    assert report.summary() == {
        "rows": 3,
        "accepted": 3,
        "quarantined": 0,
        "reasons": {},
        "ids_derived": 0,
        "time_precision": {"exact": 3, "day": 0, "month": 0},
    }
    acc = report.accepted
    assert acc.crs.to_epsg() == 4326
    assert str(acc[OCCURRED_AT].dt.tz) == "Asia/Kolkata"
    assert acc[OCCURRED_AT].iloc[0] == pd.Timestamp("2026-10-01 18:30", tz="Asia/Kolkata")
    assert acc.geometry.iloc[0].equals(shapely.Point(83.0104, 25.3176))


@pytest.mark.parametrize(
    ("overrides", "reason", "field", "match"),
    [
        (
            {"lat": ["25.3", "", "25.3"]},
            Reason.MISSING_COORDINATES,
            LOCATION,
            r"row 2, field 'lat': the coordinate is empty\. Fix: fill in both latitude",
        ),
        (
            {"lon": ["83.0", "83.0E", "83.0"]},
            Reason.NON_NUMERIC_COORDINATES,
            LOCATION,
            r"row 2, field 'lon': '83\.0E' is not a number\. Fix: write decimal degrees",
        ),
        (
            {"lat": ["25.3", "83.0104", "25.3"], "lon": ["83.0", "25.3176", "83.0"]},
            Reason.LAT_LON_SWAPPED,
            LOCATION,
            r"row 2, .*look swapped.*Fix: swap the two values.*--fix-swapped",
        ),
        (
            {"lat": ["25.3", "26.85", "25.3"], "lon": ["83.0", "80.95", "83.0"]},
            Reason.OUTSIDE_REGION,
            LOCATION,
            r"row 2, .*outside the region.*Fix: correct the coordinates",
        ),
        (
            {"lat": ["25.3", "125.3", "25.3"]},
            Reason.INVALID_COORDINATES,
            LOCATION,
            r"row 2, .*not on Earth.*Fix: latitude must lie within",
        ),
        (
            {"id": ["A", "A", "B"]},
            Reason.DUPLICATE_ID,
            ID,
            r"row 2, field 'id': id 'A' is already used by row 1\. Fix: give every row its own id",
        ),
        (
            {"occurred_at": ["2026-10-01T18:30", "31/02/2026 10:00", "2026-10-01"]},
            Reason.UNPARSEABLE_TIMESTAMP,
            OCCURRED_AT,
            r"row 2, field 'occurred_at': '31/02/2026 10:00' is not a date and time\. "
            r"Fix: write ISO",
        ),
        (
            {"occurred_at": ["2026-10-01T18:30", "2031-01-01T10:00", "2026-10-01"]},
            Reason.FUTURE_TIMESTAMP,
            OCCURRED_AT,
            r"row 2, .*is in the future.*Fix: check the year",
        ),
        (
            {"category": ["eve-teasing", "eve teasng", "stalking"]},
            Reason.UNKNOWN_CATEGORY,
            CATEGORY,
            r"row 2, field 'category': 'eve teasng' is not an allowed category "
            r"\(did you mean 'eve-teasing'\?\)\. Fix: use one of eve-teasing, stalking",
        ),
        (
            {"source": ["complaint", "pigeon", "complaint"]},
            Reason.UNKNOWN_VALUE,
            SOURCE,
            r"row 2, field 'source': 'pigeon' is not an allowed source\. Fix: use one of complaint",
        ),
        (
            {"source": ["complaint", "", "complaint"]},
            Reason.MISSING_VALUE,
            SOURCE,
            r"row 2, field 'source': the value is empty\. Fix: fill in source",
        ),
        (
            {"arrests": ["1", "-2", "0"]},
            Reason.OUT_OF_RANGE,
            "arrests",
            r"row 2, field 'arrests': -2 is below 0",
        ),
        (
            {"arrests": ["1", "two", "0"]},
            Reason.NOT_A_NUMBER,
            "arrests",
            r"row 2, field 'arrests': 'two' is not a whole number",
        ),
    ],
)
def test_each_bad_input_names_row_field_and_fix(
    raw: RawFactory,
    region: Region,
    overrides: dict[str, list[object]],
    reason: Reason,
    field: str,
    match: str,
) -> None:
    report = run(incidents(raw, **overrides), region)
    line = only_problem(report, reason)
    assert line[Q_ROW] == 2
    assert line[Q_FIELD] == field
    assert __import__("re").search(match, line[Q_MESSAGE]), line[Q_MESSAGE]
    original = json.loads(line[Q_ORIGINAL])
    assert original["id"] in ("I1", "A")
    s = report.summary()
    assert s["accepted"] + s["quarantined"] == s["rows"] == 3
    assert s["reasons"] == {reason.value: 1}


def test_every_problem_of_a_row_is_collected(raw: RawFactory, region: Region) -> None:
    table = incidents(
        raw,
        lat=["x", "25.3", "25.3"],
        category=["nope", "stalking", "cyber"],
        occurred_at=["never", "2026-01-01", "2026-01-01"],
    )
    report = run(table, region)
    assert sorted(report.quarantine[Q_REASON]) == sorted(
        ["non-numeric-coordinates", "unknown-category", "unparseable-timestamp"]
    )
    assert set(report.quarantine[Q_ROW]) == {1}
    assert report.summary()["quarantined"] == 1


def test_fix_swapped_accepts_with_warning(raw: RawFactory, region: Region) -> None:
    table = incidents(raw, lat=["25.3", "83.0104", "25.3"], lon=["83.0", "25.3176", "83.0"])
    report = run(table, region, fix_swapped=True)
    assert len(report.accepted) == 3
    assert report.accepted.geometry.iloc[1].equals(shapely.Point(83.0104, 25.3176))
    assert any("swapped back" in w for w in report.warnings)


def test_vocabulary_folding_and_synonyms(raw: RawFactory, region: Region) -> None:
    table = incidents(
        raw,
        category=["Eve Teasing", "STALKING", "cyber_crime"],
        source=["1090", "Anti Romeo", "Mission Shakti Center"],
        action_taken=["FIR", "", "Detention"],
    )
    report = run(table, region)
    assert report.quarantine.empty, report.quarantine[Q_MESSAGE].tolist()
    acc = report.accepted
    assert acc[CATEGORY].tolist() == ["eve-teasing", "stalking", "cyber"]
    assert acc[SOURCE].tolist() == ["helpline-call", "anti-romeo-action", "mission-shakti-centre"]
    assert acc[ACTION_TAKEN].tolist()[0] == "case-registered"
    assert pd.isna(acc[ACTION_TAKEN].iloc[1])


def test_configurable_categories(raw: RawFactory, region: Region) -> None:
    table = incidents(raw, category=["acid-attack", "acid-attack", "stalking"])
    report = validate(
        table, LayerKind.INCIDENTS, region, categories=["acid-attack", "stalking"], now=NOW
    )
    assert len(report.accepted) == 3


def test_timestamps_day_first_offsets_and_date_time_columns(
    raw: RawFactory, region: Region
) -> None:
    table = raw(
        **{
            "Sr No": ["1", "2", "3"],
            "Latitude": ["25.31", "25.31", "25.31"],
            "Longitude": ["83.01", "83.01", "83.01"],
            "Date": ["05/03/2026", "2026-03-05", "05-03-2026"],
            "Time": ["18:30", "18:30", "06:30 PM"],
            "Type": ["stalking"] * 3,
            "Source": ["complaint"] * 3,
        }
    )
    report = run(table, region)
    assert report.quarantine.empty, report.quarantine[Q_MESSAGE].tolist()
    expected = pd.Timestamp("2026-03-05 18:30", tz="Asia/Kolkata")
    assert (report.accepted[OCCURRED_AT] == expected).all()
    utc = incidents(
        raw, occurred_at=["2026-03-05T13:00Z", "2026-03-05T18:30+05:30", "2026-03-05 18:30"]
    )
    assert (run(utc, region).accepted[OCCURRED_AT] == expected).all()


def test_missing_required_column_quarantines_all_with_fix(raw: RawFactory, region: Region) -> None:
    table = raw(
        id=["1", "2"],
        lat=["25.3", "25.3"],
        lon=["83.0", "83.0"],
        occurred_at=["2026-01-01", "2026-01-01"],
        category=["other", "other"],
    )
    report = run(table, region)
    assert report.summary()["quarantined"] == 2
    assert (
        report.quarantine[Q_MESSAGE]
        .str.contains(
            r"the file has no 'source' column\. Fix: add a 'source' column, map one with --map"
        )
        .all()
    )
    fixed = run(table, region, defaults={"source": "complaint"})
    assert len(fixed.accepted) == 2


def test_cctv_status_defaults_to_unknown(raw: RawFactory, region: Region) -> None:
    table = raw(
        id=["C1", "C2"],
        lat=["25.3"] * 2,
        lon=["83.0"] * 2,
        owner=["police", "private"],
        status=["Working", ""],
        view_radius_m=["30", ""],
    )
    report = run(table, region, LayerKind.CCTV)
    assert report.accepted[STATUS].tolist() == ["working", "unknown"]
    assert np.isnan(report.accepted["view_radius_m"].iloc[1])


def test_sites_times_and_dates(raw: RawFactory, region: Region) -> None:
    table = raw(
        id=["S1", "S2", "S3"],
        name=["Govt Girls Inter College", "Lanka Coaching", "Godowlia market"],
        kind=["school", "coaching centre", "market"],
        lat=["25.3"] * 3,
        lon=["83.0"] * 3,
        disperses_at=["13:30; 17:00", "25:00", ""],
        students=["800", "1,5", ""],
    )
    report = run(table, region, LayerKind.SITES)
    assert report.accepted["disperses_at"].tolist()[0] == "13:30;17:00"
    assert report.accepted["id"].tolist() == ["S1", "S3"]
    assert pd.isna(report.accepted["disperses_at"].iloc[1])
    reasons = set(report.quarantine[Q_REASON])
    assert reasons == {"unparseable-time", "not-a-number"}


def test_no_id_column_gives_stable_ids(raw: RawFactory, region: Region) -> None:
    table = raw(
        name=["A school", "B school"],
        kind=["school", "school"],
        lat=["25.3", "25.31"],
        lon=["83.0", "83.0"],
    )
    first = run(table, region, LayerKind.SITES)
    second = run(table, region, LayerKind.SITES)
    assert first.accepted[ID].tolist() == second.accepted[ID].tolist()
    assert first.accepted[ID].nunique() == 2
    assert any("no id column" in w for w in first.warnings)


def test_personal_columns_never_reach_accepted_or_quarantine(
    raw: RawFactory, region: Region
) -> None:
    table = incidents(
        raw,
        **{
            "Victim Name": ["Test Name A", "Test Name B", "Test Name C"],
            "Mobile No": ["9000000001", "9000000002", "9000000003"],
        },
        category=["stalking", "bad", "stalking"],
    )
    report = run(table, region)
    assert set(report.personal_columns) == {"Victim Name", "Mobile No"}
    blob = report.quarantine.to_string() + report.accepted.astype(str).to_string()
    assert "Test Name" not in blob and "9000000001" not in blob


def test_file_without_location_is_a_clear_error(raw: RawFactory, region: Region) -> None:
    from geo.errors import InputFileError

    table = raw(id=["1"], occurred_at=["2026-01-01"], category=["other"], source=["complaint"])
    with pytest.raises(InputFileError, match=r"cannot find where the rows are.*Fix: rename"):
        run(table, region)


def test_wkt_points_and_polygons(raw: RawFactory, region: Region) -> None:
    table = raw(
        id=["1", "2"],
        wkt=["POINT (83.01 25.31)", "POINT (83.01"],
        occurred_at=["2026-01-01"] * 2,
        category=["other"] * 2,
        source=["complaint"] * 2,
    )
    report = run(table, region)
    assert len(report.accepted) == 1
    assert only_problem(report, Reason.INVALID_GEOMETRY)[Q_ROW] == 2
    bowtie = "POLYGON ((82.9 25.2, 83.0 25.3, 83.0 25.2, 82.9 25.3, 82.9 25.2))"
    square = "POLYGON ((82.9 25.2, 83.0 25.2, 83.0 25.3, 82.9 25.3, 82.9 25.2))"
    thanas = raw(
        name=["Bowtie", "Square", "Far"],
        wkt=[bowtie, square, "POLYGON ((10 10, 11 10, 11 11, 10 10))"],
    )
    rep = run(thanas, region, LayerKind.THANAS)
    assert rep.accepted["name"].tolist() == ["Bowtie", "Square"]
    assert rep.accepted.is_valid.all()
    assert any("repaired" in w for w in rep.warnings)
    assert only_problem(rep, Reason.OUTSIDE_REGION)[Q_ROW] == 3


@functools.cache
def _varanasi() -> Region:
    from geo.region import region_from_settings
    from geo.settings import Settings

    return region_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]


@hsettings(max_examples=40, deadline=None)
@given(
    lats=st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=6), st.just("")),
        min_size=1,
        max_size=20,
    ),
    seed=st.integers(0, 2**16),
)
def test_no_row_is_ever_lost(lats: list[object], seed: int) -> None:
    """accepted + quarantined == rows, whatever the coordinates look like."""

    region = _varanasi()
    rng = np.random.default_rng(seed)
    n = len(lats)
    frame = pd.DataFrame(
        {
            "id": pd.Series([f"x{rng.integers(0, 5)}" for _ in range(n)], dtype="object"),
            "lat": pd.Series([str(v) for v in lats], dtype="object"),
            "lon": pd.Series([str(83 + rng.normal(0, 0.05)) for _ in range(n)], dtype="object"),
            "occurred_at": pd.Series(["2026-05-01 10:00"] * n, dtype="object"),
            "category": pd.Series(rng.choice(["stalking", "oops"], n).tolist(), dtype="object"),
            "source": pd.Series(["complaint"] * n, dtype="object"),
        }
    )
    table = RawTable(frame=frame, geometry=None, source="h.csv", sha256="0", native_crs=None)
    s = validate(
        table,
        LayerKind.INCIDENTS,
        region,
        categories=DEFAULT_CATEGORIES,
        now=dt.datetime(2026, 11, 28, tzinfo=dt.UTC),
    ).summary()
    assert s["accepted"] + s["quarantined"] == s["rows"] == n


def test_wrong_geometry_type_names_row_and_fix(raw: RawFactory, region: Region) -> None:
    thanas = raw(name=["Point thana"], wkt=["POINT (83.0 25.3)"])
    line = only_problem(run(thanas, region, LayerKind.THANAS), Reason.WRONG_GEOMETRY_TYPE)
    assert line[Q_ROW] == 1
    assert (
        "a Point where a polygon is expected. Fix: give the boundary as a Polygon"
        in line[Q_MESSAGE]
    )
    sites = raw(id=["S"], name=["x"], kind=["ghat"], wkt=["LINESTRING (83.0 25.3, 83.01 25.31)"])
    line = only_problem(run(sites, region, LayerKind.SITES), Reason.WRONG_GEOMETRY_TYPE)
    assert "a LineString where a Point is expected" in line[Q_MESSAGE]
