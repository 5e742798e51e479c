"""Hindi names of thanas and sites: schema, validation, privacy, display helpers, demo data."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.i18n import (
    hindi_names,
    place_name,
    place_names,
    thana_display,
    use_lang,
)
from geo.ingest.columns import normalise, plan_columns
from geo.ingest.privacy import find_personal_columns
from geo.ingest.quarantine import Q_FIELD, Q_REASON, Reason
from geo.ingest.readers import RawTable
from geo.ingest.validation import validate
from geo.region import Region
from geo.schema import (
    INCIDENTS,
    NAME,
    NAME_HI,
    NAME_HI_MAX_CHARS,
    SITES,
    THANA,
    THANA_MISMATCH,
    THANA_STATED,
    THANAS,
    FieldType,
    LayerKind,
)
from geo.settings import DEFAULT_CATEGORIES
from geo.thanas import assign_thanas, normalise_thana
from tests.conftest import NOW

RawFactory = Callable[..., RawTable]


def sites(raw: RawFactory, hindi_column: str = NAME_HI, *names_hi: object) -> RawTable:
    n = len(names_hi)
    return raw(
        id=[f"S{i}" for i in range(n)],
        name=[f"Site {i}" for i in range(n)],
        kind=["ghat"] * n,
        lat=["25.3066"] * n,
        lon=["83.0104"] * n,
        **{hindi_column: list(names_hi)},
    )


def run(table: RawTable, region: Region, kind: LayerKind = LayerKind.SITES):  # type: ignore[no-untyped-def]
    return validate(table, kind, region, categories=DEFAULT_CATEGORIES, now=NOW)


# ---- schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", [SITES, THANAS])
def test_sites_and_thanas_have_an_optional_bounded_hindi_name(spec) -> None:  # type: ignore[no-untyped-def]
    field = spec.field(NAME_HI)
    assert field.type is FieldType.TEXT
    assert not field.required
    assert field.max_length == NAME_HI_MAX_CHARS
    assert spec.names.index(NAME_HI) == spec.names.index(NAME) + 1


def test_only_places_have_a_hindi_name() -> None:
    assert NAME_HI not in INCIDENTS.columns


@pytest.mark.parametrize(
    "column", ["name_hi", "Hindi Name", "NAME (HINDI)", "नाम (हिन्दी)", "नाम (हिंदी)", "हिंदी नाम"]
)
def test_hindi_name_columns_are_recognised(column: str) -> None:
    plan = plan_columns(["id", "name", column, "kind", "lat", "lon"], SITES)
    assert plan.fields[NAME_HI] == column
    assert plan.fields[NAME] == "name"


def test_devanagari_column_names_are_kept_when_matching() -> None:
    assert normalise("नाम (हिन्दी)") == "नाम_हिन्दी"
    # decomposed and composed nukta forms match
    assert normalise("पीड\u093cिता") == normalise("पी\u095cिता")
    plan = plan_columns(["थाना (हिन्दी)", "thana"], THANAS)
    assert plan.fields == {NAME: "thana", NAME_HI: "थाना (हिन्दी)"}


# ---- validation ------------------------------------------------------------------------------


def test_devanagari_names_are_accepted_as_given(raw: RawFactory, region: Region) -> None:
    report = run(sites(raw, "नाम (हिन्दी)", "दशाश्वमेध घाट", "  अस्सी घाट ", "", "Assi"), region)
    assert len(report.quarantine) == 0
    assert report.accepted[NAME_HI].tolist()[:2] == ["दशाश्वमेध घाट", "अस्सी घाट"]
    assert pd.isna(report.accepted[NAME_HI].iloc[2])
    assert report.accepted[NAME_HI].iloc[3] == "Assi"  # any script: a name is never wrong


def test_hindi_names_are_stored_in_nfc(raw: RawFactory, region: Region) -> None:
    decomposed = "बड\u093cागांव"
    report = run(sites(raw, NAME_HI, decomposed), region)
    stored = report.accepted[NAME_HI].iloc[0]
    assert stored == unicodedata.normalize("NFC", decomposed)
    assert unicodedata.is_normalized("NFC", stored)


def test_a_hindi_name_longer_than_the_bound_is_quarantined(raw: RawFactory, region: Region) -> None:
    at_bound = "क" * NAME_HI_MAX_CHARS
    too_long = "ख" * (NAME_HI_MAX_CHARS + 1)
    report = run(sites(raw, NAME_HI, at_bound, too_long), region)
    assert report.accepted["id"].tolist() == ["S0"]
    line = report.quarantine.iloc[0]
    assert (line[Q_FIELD], line[Q_REASON]) == (NAME_HI, Reason.OUT_OF_RANGE.value)
    assert f"{NAME_HI_MAX_CHARS + 1} characters" in line["message"]
    assert str(NAME_HI_MAX_CHARS) in line["message"]


def test_thanas_file_with_hindi_names(raw: RawFactory, region: Region) -> None:
    table = raw(
        thana=["Lanka"],
        **{"थाना (हिंदी)": ["लंका"]},
        wkt=["POLYGON ((82.99 25.27, 83.00 25.27, 83.00 25.28, 82.99 25.28, 82.99 25.27))"],
    )
    report = run(table, region, LayerKind.THANAS)
    assert len(report.quarantine) == 0
    assert report.accepted[[NAME, NAME_HI]].values.tolist() == [["Lanka", "लंका"]]


# ---- privacy ---------------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["name_hi", "hindi_name", "Hindi Name", "नाम (हिन्दी)"])
def test_a_places_hindi_name_is_not_personal(column: str) -> None:
    frame = pd.DataFrame({column: ["लंका", "सिगरा"]})
    assert find_personal_columns(frame, SITES) == {}
    assert find_personal_columns(frame, THANAS) == {}


@pytest.mark.parametrize(
    "column", ["name_hi", "hindi_name", "Name (English)", "नाम", "नाम (हिन्दी)", "पीड़िता का नाम"]
)
def test_a_name_in_any_language_is_personal_where_the_layer_has_no_such_field(column: str) -> None:
    frame = pd.DataFrame({column: ["सीता", "गीता"]})
    assert list(find_personal_columns(frame, INCIDENTS)) == [column]


@pytest.mark.parametrize("column", ["पिता का नाम", "पति का नाम", "अभियुक्त का नाम", "victim_name_hi"])
def test_peoples_names_stay_personal_in_every_layer(column: str) -> None:
    frame = pd.DataFrame({column: ["राम", "श्याम"]})
    for spec in (SITES, THANAS, INCIDENTS):
        assert list(find_personal_columns(frame, spec)) == [column], spec.kind


@pytest.mark.parametrize("column", ["थाने का नाम", "थाना", "हिन्दी", "स्थान"])
def test_place_columns_in_hindi_are_not_personal(column: str) -> None:
    frame = pd.DataFrame({column: ["लंका", "सिगरा"]})
    assert find_personal_columns(frame, INCIDENTS) == {}


# ---- display helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "name_hi", "lang", "shown"),
    [
        ("Lanka", "लंका", "hi", "लंका"),
        ("Lanka", "लंका", "en", "Lanka"),
        ("Lanka", None, "hi", "Lanka"),
        ("Lanka", pd.NA, "hi", "Lanka"),
        ("Lanka", float("nan"), "hi", "Lanka"),
        ("Lanka", "   ", "hi", "Lanka"),
        (None, None, "hi", ""),
        (" Lanka ", " लंका ", "hi", "लंका"),
    ],
)
def test_place_name_falls_back_to_the_english_name(
    name: object, name_hi: object, lang: str, shown: str
) -> None:
    assert place_name(name, name_hi, lang=lang) == shown


def test_place_name_follows_the_current_language() -> None:
    with use_lang("hi"):
        assert place_name("Sigra", "सिगरा") == "सिगरा"
    with use_lang("en"):
        assert place_name("Sigra", "सिगरा") == "Sigra"
    assert place_name("Sigra", "सिगरा") == "Sigra"  # English by default


def test_place_names_of_a_layer() -> None:
    layer = pd.DataFrame({NAME: ["Lanka", "Sigra"], NAME_HI: ["लंका", None]}, index=[7, 9])
    with use_lang("hi"):
        assert place_names(layer).to_dict() == {7: "लंका", 9: "Sigra"}
    assert place_names(layer, lang="en").tolist() == ["Lanka", "Sigra"]
    assert place_names(layer.drop(columns=NAME_HI), lang="hi").tolist() == ["Lanka", "Sigra"]


def test_thana_display_looks_up_the_thanas_hindi_name() -> None:
    thanas = pd.DataFrame({NAME: ["Lanka", "Sigra", "Cantt"], NAME_HI: ["लंका", "सिगरा", None]})
    table = hindi_names(thanas)
    assert table == {"Lanka": "लंका", "Sigra": "सिगरा"}
    with use_lang("hi"):
        assert [thana_display(t, table) for t in ("Lanka", "Cantt", "Elsewhere")] == [
            "लंका",
            "Cantt",
            "Elsewhere",
        ]
        assert thana_display("Lanka") == "Lanka"  # no table: as stored
        assert thana_display(pd.NA, table) == ""
    assert thana_display("Lanka", table) == "Lanka"
    assert hindi_names(thanas.drop(columns=NAME_HI)) == {}


# ---- thana assignment ------------------------------------------------------------------------


def test_a_stated_thana_written_in_hindi_agrees_with_its_thana() -> None:
    square = shapely.box(82.99, 25.27, 83.00, 25.28)
    thanas = gpd.GeoDataFrame(
        {NAME: ["Lanka"], NAME_HI: ["लंका"]}, geometry=[square], crs="EPSG:4326"
    )
    points = gpd.GeoDataFrame(
        {THANA_STATED: ["लंका", "थाना लंका", "Thana Lanka", "सिगरा", None]},
        geometry=[shapely.Point(82.995, 25.275)] * 5,
        crs="EPSG:4326",
    )
    out = assign_thanas(points, thanas)
    assert out[THANA].tolist() == ["Lanka"] * 5
    assert out[THANA_MISMATCH].tolist() == [False, False, False, True, False]
    assert normalise_thana("लंका थाना") == "लंका"
    # without name_hi the transliteration (geo.places.thana_names) still finds Lanka
    without_hindi = assign_thanas(points, thanas.drop(columns=NAME_HI))
    assert without_hindi[THANA_MISMATCH].tolist() == [False, False, False, True, False]
