"""Places: gazetteer, locating place-only rows (Hindi and English), thana names in any script."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.crs import WGS84
from geo.errors import InputFileError
from geo.ingest import import_file
from geo.ingest.quarantine import Q_MESSAGE, Q_ORIGINAL, Q_REASON, Q_ROW, Reason
from geo.ingest.readers import RawTable
from geo.ingest.validation import PlaceSource, validate
from geo.places.gazetteer import build_gazetteer
from geo.places.text import parse_place
from geo.places.thana_names import match_thana_names
from geo.region import Region
from geo.schema import LOCATION_PRECISION, MATCHED_PLACE, PLACE
from geo.settings import Settings
from geo.store import open_store
from tests.conftest import NOW, shared_file

THANAS = gpd.GeoDataFrame(
    {
        "name": ["Dashashwamedh", "Lanka"],
        "name_hi": ["दशाश्वमेध", "लंका"],
        "station_lon": [83.01, 82.99],
        "station_lat": [25.305, 25.27],
    },
    geometry=[shapely.box(83.0, 25.29, 83.03, 25.33), shapely.box(82.97, 25.25, 83.0, 25.29)],
    crs=WGS84,
)
PLACES = gpd.GeoDataFrame(
    {
        "id": ["g1", "g2", "g3", "g4", "g5", "g6"],
        "name": ["BHU Gate", "Assi Ghat", "Nagwa", "Godowlia", "Lanka Post Office", "Sonarpura"],
        "name_hi": ["बीएचयू गेट", "अस्सी घाट", "नगवा", "गोदौलिया", None, "सोनारपुरा"],
        "kind": ["landmark", "landmark", "locality", "landmark", "pincode", "locality"],
        "pincode": [None, None, None, None, "221005", "221001"],
    },
    geometry=shapely.points(
        [82.9925, 82.9975, 82.985, 83.012, 82.995, 83.005],
        [25.2735, 25.2875, 25.265, 25.309, 25.275, 25.295],
    ),
    crs=WGS84,
)
SITES = gpd.GeoDataFrame(
    {"name": ["Prayas Coaching Centre"], "name_hi": [None], "kind": ["coaching-centre"]},
    geometry=shapely.points([82.996], [25.279]),
    crs=WGS84,
)
#: A register with Hindi and English landmarks, mohallas, pincodes and an unknown place;
#: one row with coordinates, one with nothing. The house number is personal: never stored.
REGISTER = {
    "id": [f"R{i}" for i in range(1, 12)],
    "occurred_at": ["28/10/2026 18:30"] * 11,
    "category": ["eve-teasing"] * 11,
    "source": ["complaint"] * 11,
    "thana": ["लंका", "Lanka", "", "थाना लंका", "", "", "", "Lanka", "", "", "दशाश्वमेध"],
    "place": [
        "बीएचयू गेट के पास, लंका",
        "near Prayas Coaching, Lanka",
        "नगवा",
        "मकान नं 12, अस्सी घाट के सामने",
        "२२१००५",
        "opp. Godowlia crossing",
        "Xyzzy Bagh",
        "",
        "Sonarpura 221001",
        "Chowk",
        "",
    ],
    "lat": ["", "", "", "", "", "", "", "25.28", "", "", ""],
    "lon": ["", "", "", "", "", "", "", "82.99", "", "", ""],
}
EXPECTED = {  # row → (precision, matched place)
    1: ("landmark", "BHU Gate"),
    2: ("landmark", "Prayas Coaching Centre"),
    3: ("locality", "Nagwa"),
    4: ("landmark", "Assi Ghat"),
    5: ("pincode", "221005"),
    6: ("landmark", "Godowlia"),
    8: ("exact", None),
    9: ("locality", "Sonarpura"),
}


def _raw(columns: dict[str, list[str]]) -> RawTable:
    frame = pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in columns.items()})
    return RawTable(frame=frame, geometry=None, source="r.csv", sha256="0" * 64, native_crs=None)


def _source(threshold: float = 85.0) -> PlaceSource:
    return PlaceSource(build_gazetteer(PLACES, sites=SITES, thanas=THANAS), THANAS, threshold)


def test_place_text_is_reduced_to_names_and_pincode() -> None:
    assert parse_place("बीएचयू गेट के पास, लंका").parts == ("बीएचयू_गेट", "लंका")
    assert parse_place("near Prayas Coaching, Lanka").parts == ("prayas_coaching", "lanka")
    assert parse_place("सोनारपुरा, २२१ ००१").pincode == "221001"
    assert parse_place("   ").parts == ()


def test_gazetteer_has_places_sites_stations_and_thana_areas() -> None:
    gz = build_gazetteer(PLACES, sites=SITES, thanas=THANAS)
    kinds = gz.entries.groupby("kind").size().to_dict()
    assert kinds == {"landmark": 3, "locality": 4, "pincode": 1, "site": 1, "station": 2}
    station = gz.entries[gz.entries["name"] == "Lanka Police Station"].iloc[0]
    assert station["name_hi"] == "थाना लंका" and station["thana"] == "Lanka"
    assert gz.pincode_centroids().loc["221005", "lon"] == pytest.approx(82.995)


def test_register_of_place_only_rows(region: Region) -> None:
    report = validate(
        _raw(REGISTER),
        "incidents",
        region,
        categories=["eve-teasing"],
        now=NOW,
        places_from=_source(),
    )
    n = len(REGISTER["id"])
    assert len(report.accepted) + report.n_quarantined == n == report.rows
    acc = report.accepted.assign(row=report.accepted_rows.to_numpy())
    got = {
        int(r.row): (r[LOCATION_PRECISION], None if pd.isna(r[MATCHED_PLACE]) else r[MATCHED_PLACE])
        for _, r in acc.iterrows()
    }
    assert got == EXPECTED
    # located within the gazetteer's precision: exactly at the place (or pincode centroid)
    gz = build_gazetteer(PLACES, sites=SITES, thanas=THANAS)
    for _, r in acc[acc[LOCATION_PRECISION].isin(["landmark", "locality"])].iterrows():
        entry = gz.entries[gz.entries["name"] == r[MATCHED_PLACE]].iloc[0]
        assert (r.geometry.x, r.geometry.y) == pytest.approx((entry["lon"], entry["lat"]))
    # the stored place is the gazetteer's name, never the text as written
    assert acc[PLACE].dropna().tolist() == acc[MATCHED_PLACE].dropna().tolist()
    q = report.quarantine
    assert set(q[Q_ROW]) == {7, 10, 11}
    unknown = q[q[Q_ROW] == 7].iloc[0]
    assert unknown[Q_REASON] == Reason.PLACE_NOT_FOUND
    assert "nearest:" in unknown[Q_MESSAGE] and "Xyzzy" not in unknown[Q_MESSAGE]
    blob = q.to_csv() + report.accepted.drop(columns="geometry").to_csv()
    for text in ("मकान", "Xyzzy", "crossing", "के पास"):
        assert text not in blob
    assert all(PLACE not in o and "place" not in o for o in q[Q_ORIGINAL])
    print(  # the figures of the closing note
        f"register: rows {n}, accepted {len(acc)}, located "
        f"{int((acc[LOCATION_PRECISION] != 'exact').sum())}, quarantined {report.n_quarantined}"
    )


def test_below_the_threshold_a_row_is_quarantined_with_candidates(region: Region) -> None:
    columns = {k: v[:1] for k, v in REGISTER.items()}
    columns["place"] = ["Asi Ghaat road"]
    strict = validate(
        _raw(columns),
        "incidents",
        region,
        categories=["eve-teasing"],
        now=NOW,
        places_from=_source(99.0),
    )
    assert strict.n_quarantined == 1
    assert "Assi Ghat" in strict.quarantine[Q_MESSAGE].iloc[0]


def test_stated_thana_restricts_the_places() -> None:
    # "Godowlia" lies in Dashashwamedh: a row of Lanka thana is not located there
    cols = {k: v[:1] for k, v in REGISTER.items()}
    cols["place"], cols["thana"] = ["Godowlia"], ["Lanka"]
    from geo.region import region_from_settings

    region = region_from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    report = validate(
        _raw(cols),
        "incidents",
        region,
        categories=["eve-teasing"],
        now=NOW,
        places_from=_source(),
    )
    assert report.n_quarantined == 1


def test_same_name_far_apart_is_ambiguous(region: Region) -> None:
    twin = pd.concat(
        [PLACES, PLACES.iloc[[1]].assign(id="g9", geometry=shapely.points([83.02], [25.32]))]
    )
    source = PlaceSource(build_gazetteer(twin), None, 85.0)
    cols = {k: v[:1] for k, v in REGISTER.items()}
    cols["place"], cols["thana"] = ["Assi Ghat"], [""]
    report = validate(
        _raw(cols), "incidents", region, categories=["eve-teasing"], now=NOW, places_from=source
    )
    assert report.n_quarantined == 1
    assert "several places" in report.quarantine[Q_MESSAGE].iloc[0]


def test_thana_names_in_any_script() -> None:
    thanas = pd.DataFrame({"name": ["Lanka", "Kotwali", "Bhelupur", "Chetganj"]})
    got = match_thana_names(pd.Series(["लंका", "थाना लंका", "कोतवाली", "भेलूपुर", "LANKA P.S."]), thanas)
    assert got.matched.tolist() == ["Lanka", "Lanka", "Kotwali", "Bhelupur", "Lanka"]
    # two different Hindi names no longer compare equal
    hindi = pd.DataFrame({"name": ["A", "B"], "name_hi": ["लंका", "चेतगंज"]})
    assert match_thana_names(pd.Series(["लंका", "चेतगंज"]), hindi).matched.tolist() == ["A", "B"]


def test_ambiguous_thana_names_are_reported_not_guessed() -> None:
    thanas = pd.DataFrame({"name": ["Sarnath", "Saarnaath"]})
    got = match_thana_names(pd.Series(["सारनाथ"]), thanas)
    assert got.matched.isna().all()
    assert got.ambiguous == {"सारनाथ": ("Saarnaath", "Sarnath")}


def _write(path: Path, columns: dict[str, list[str]]) -> Path:
    pd.DataFrame(columns).to_csv(path, index=False)
    return path


def test_import_locates_place_rows_and_stores_nothing_written(
    tmp_path: Path, settings: Settings
) -> None:
    store = open_store(settings.store)
    THANAS.to_file(tmp_path / "t.geojson", driver="GeoJSON")
    import_file(tmp_path / "t.geojson", "thanas", store, settings=settings, now=NOW)
    places = PLACES.assign(lat=PLACES.geometry.y, lon=PLACES.geometry.x).drop(columns="geometry")
    places.to_csv(tmp_path / "g.csv", index=False)
    g = import_file(tmp_path / "g.csv", "gazetteer", store, settings=settings, now=NOW)
    assert g.summary()["accepted"] == len(PLACES)
    cols = {k: v for k, v in REGISTER.items() if k not in ("lat", "lon")}
    result = import_file(
        _write(tmp_path / "r.csv", cols), "incidents", store, settings=settings, now=NOW
    )
    s = result.summary()
    assert s["accepted"] + s["quarantined"] == s["rows"]
    stored = store.read("incidents")
    assert set(stored[LOCATION_PRECISION]) <= {"landmark", "locality", "pincode"}
    assert not stored["thana_mismatch"].any()
    raw = settings.store.read_bytes()
    for text in ("मकान".encode(), b"Xyzzy", b"crossing"):
        assert text not in raw
    print(
        f"import (no coordinate columns): rows {s['rows']}, accepted {s['accepted']}, "
        f"located {len(stored)}, quarantined {s['quarantined']}"
    )


def test_india_post_list_as_gazetteer(tmp_path: Path, settings: Settings) -> None:
    path = shared_file("varanasi", "post_offices_indiapost_godl.geojson")
    store = open_store(settings.store)
    result = import_file(
        path, "gazetteer", store, settings=settings, now=NOW, defaults={"kind": "pincode"}
    )
    g = result.summary()
    # the district's list reaches beyond the city region: those offices are quarantined
    assert g["accepted"] > 50 and g["accepted"] + g["quarantined"] == g["rows"]
    cols = {k: v[:3] for k, v in REGISTER.items() if k not in ("lat", "lon")}
    cols["place"] = ["Bengalitola SO", "221001", "Nowhere Nagar"]
    cols["thana"] = ["", "", ""]
    inc = import_file(
        _write(tmp_path / "r.csv", cols), "incidents", store, settings=settings, now=NOW
    )
    s = inc.summary()
    assert s["accepted"] + s["quarantined"] == 3
    stored = store.read("incidents")
    assert sorted(stored[LOCATION_PRECISION]) == ["locality", "pincode"]
    print(f"India Post gazetteer: rows 3, accepted {s['accepted']}, quarantined {s['quarantined']}")


def test_matching_is_chunked_and_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Attack: many distinct place texts against a large gazetteer held one dense matrix."""
    from geo.places import matching

    gz = build_gazetteer(PLACES, sites=SITES, thanas=THANAS)
    texts = pd.Series(REGISTER["place"] * 3 + ["Xyzzy Mohalla", "BHU gate ke paas"])
    whole = matching.locate_places(texts, gz, threshold=85.0)
    sizes: list[int] = []
    real = matching._score_parts

    def counting(parts: list[str], gazetteer: object) -> object:
        sizes.append(len(parts))
        return real(parts, gazetteer)  # type: ignore[arg-type]

    monkeypatch.setattr(matching, "CHUNK_PAIRS", 1)
    monkeypatch.setattr(matching, "_score_parts", counting)
    chunked = matching.locate_places(texts, gz, threshold=85.0)
    pd.testing.assert_frame_equal(chunked, whole)
    assert len(sizes) > 1  # one query per chunk, not one matrix for all


def test_a_file_needing_too_many_comparisons_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from geo.places import matching

    gz = build_gazetteer(PLACES, sites=SITES, thanas=THANAS)
    monkeypatch.setattr(matching, "MAX_PAIRS", 10)
    with pytest.raises(InputFileError, match="too many to compare"):
        matching.locate_places(pd.Series(["Assi Ghat", "Lanka crossing"]), gz, threshold=85.0)
