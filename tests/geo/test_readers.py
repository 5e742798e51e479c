"""Tests of geo.ingest.readers: every supported format, CRS handling, column mapping and errors."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.errors import ColumnMappingError, InputFileError
from geo.ingest.privacy import find_personal_columns
from geo.ingest.readers import RawTable, parse_mapping, read_table, vsi_path
from geo.schema import SITES

# Writing a layer without a CRS (to build a Shapefile without .prj) makes pyogrio warn.
NO_CRS_WRITE = pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "varanasi"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _points(crs: str | None = "EPSG:4326") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b"], "kind": ["school", "ghat"], "students": [120, 0]},
        geometry=[Point(83.0, 25.3), Point(83.01, 25.31)],
        crs=crs,
    )


def _zip_dir(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            archive.write(file, file.relative_to(folder).as_posix())
    return target


# --------------------------------------------------------------------------- CSV / text


def test_csv_comma_all_text(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "incidents.csv",
        b"id,lat,lon,occurred_at\n007,25.3N,83.01,2026-01-05 18:30\n008,,83.02,\n",
    )
    table = read_table(path)
    assert isinstance(table, RawTable)
    assert table.source == "incidents.csv"
    assert table.geometry is None
    assert table.native_crs is None
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    frame = table.frame
    assert list(frame.columns) == ["id", "lat", "lon", "occurred_at"]
    assert isinstance(frame.index, pd.RangeIndex)
    assert list(frame.index) == [0, 1]
    assert frame.loc[0, "id"] == "007"  # leading zeros kept: values are text
    assert frame.loc[0, "lat"] == "25.3N"
    assert frame.loc[0, "lon"] == "83.01"
    assert frame["lat"].isna().iloc[1]
    assert frame["occurred_at"].isna().iloc[1]


def test_csv_semicolon_with_decimal_commas(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", b"id;lat;lon\n1;25,3;83,01\n2;25,31;83,02\n")
    frame = read_table(path).frame
    assert list(frame.columns) == ["id", "lat", "lon"]
    assert frame["lat"].tolist() == ["25,3", "25,31"]


def test_txt_tab_separated(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.txt", b"id\tthana\n1\tBhelupur, Varanasi\n")
    frame = read_table(path).frame
    assert frame.loc[0, "thana"] == "Bhelupur, Varanasi"


def test_csv_quoted_delimiters_do_not_confuse_sniffing(tmp_path: Path) -> None:
    path = _write(tmp_path / "q.csv", b'id,remarks\n1,"a;b;c;d"\n2,"x;y"\n')
    frame = read_table(path).frame
    assert frame["remarks"].tolist() == ["a;b;c;d", "x;y"]


def test_csv_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.csv", "id,thana\n1,भेलूपुर\n".encode("utf-8-sig"))
    frame = read_table(path).frame
    assert list(frame.columns) == ["id", "thana"]
    assert frame.loc[0, "thana"] == "भेलूपुर"


def test_csv_cp1252(tmp_path: Path) -> None:
    path = _write(tmp_path / "win.csv", "id,thana\n1,Café – Lanka\n".encode("cp1252"))
    assert read_table(path).frame.loc[0, "thana"] == "Café – Lanka"


def test_csv_latin1_fallback(tmp_path: Path) -> None:
    # 0x81 is undefined in cp1252, so only latin-1 decodes this file.
    path = _write(tmp_path / "l1.csv", b"id,thana\n1,Caf\xe9\x81\n")
    assert read_table(path).frame.loc[0, "thana"] == "Caf\xe9\x81"


def test_csv_utf16_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path / "u16.txt", "id\tthana\n1\tLanka\n".encode("utf-16"))
    frame = read_table(path).frame
    assert list(frame.columns) == ["id", "thana"]
    assert frame.loc[0, "thana"] == "Lanka"


def test_csv_header_only_gives_no_rows(tmp_path: Path) -> None:
    frame = read_table(_write(tmp_path / "h.csv", b"id,lat,lon\n")).frame
    assert list(frame.columns) == ["id", "lat", "lon"]
    assert len(frame) == 0


def test_csv_ragged_line_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.csv", b"id,lat\n1,2\n3,4,5,6\n")
    with pytest.raises(InputFileError, match=r"bad\.csv.*Fix: quote values"):
        read_table(path)


def test_csv_blank_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"blank\.csv holds no columns"):
        read_table(_write(tmp_path / "blank.csv", b"\n\n"))


def test_binary_file_named_csv_is_an_input_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputFileError, match=r"x\.csv does not look like a text"):
        read_table(path)


# --------------------------------------------------------------------------- generic errors


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"empty\.csv is empty.*Fix:"):
        read_table(_write(tmp_path / "empty.csv", b""))


def test_unknown_extension(tmp_path: Path) -> None:
    # .xls is read since the registers issue (tests/geo/ingest/test_legacy_xls.py)
    with pytest.raises(InputFileError, match=r"data\.ods has the unsupported extension '\.ods'"):
        read_table(_write(tmp_path / "data.ods", b"whatever"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"nope\.csv does not exist"):
        read_table(tmp_path / "nope.csv")


def test_broken_geojson(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"broken\.geojson cannot be"):
        read_table(_write(tmp_path / "broken.geojson", b"{not json"))


def test_bad_zip(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"bad\.zip is not a readable zip"):
        read_table(_write(tmp_path / "bad.zip", b"not a zip at all"))


# --------------------------------------------------------------------------- Excel


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    first.title = "Incidents"
    first.append(["id", "Latitude", "lon", "arrests", "remarks"])
    first.append(["A1", 25.3, 83.01, 2, "25.3N"])
    first.append(["A2", None, 83.02, 0, None])
    second = book.create_sheet("Sites")
    second.append(["id", "name"])
    second.append([7, "BHU"])
    book.save(path)
    return path


def test_xlsx_first_sheet_as_text(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "book.xlsx")
    table = read_table(path)
    frame = table.frame
    assert table.geometry is None
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert list(frame.columns) == ["id", "Latitude", "lon", "arrests", "remarks"]
    assert frame.loc[0, "Latitude"] == "25.3"
    assert frame.loc[0, "arrests"] == "2"
    assert frame.loc[0, "remarks"] == "25.3N"
    assert frame["Latitude"].isna().iloc[1]
    assert isinstance(frame.index, pd.RangeIndex)


def test_xlsx_named_sheet_case_insensitive(tmp_path: Path) -> None:
    frame = read_table(_workbook(tmp_path / "book.xlsx"), layer="sites").frame
    assert frame.to_dict("records") == [{"id": "7", "name": "BHU"}]


def test_xlsx_unknown_sheet_lists_sheets(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"no sheet 'CCTV'.*'Incidents', 'Sites'"):
        read_table(_workbook(tmp_path / "book.xlsx"), layer="CCTV")


def test_xlsx_that_is_not_a_workbook(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r"fake\.xlsx is not an Excel workbook \(\.xlsx\)"):
        read_table(_write(tmp_path / "fake.xlsx", b"id,lat\n1,2\n"))


# --------------------------------------------------------------------------- spatial


def test_geojson(tmp_path: Path) -> None:
    path = tmp_path / "sites.geojson"
    _points().to_file(path, driver="GeoJSON")
    table = read_table(path)
    assert table.source == "sites.geojson"
    assert "geometry" not in table.frame.columns
    assert table.frame["students"].tolist() == [120, 0]  # attribute types kept as read
    assert table.geometry is not None
    assert table.geometry.crs == "EPSG:4326"
    assert table.geometry.index.equals(table.frame.index)
    assert table.geometry.iloc[1].equals(Point(83.01, 25.31))
    assert table.native_crs in {"EPSG:4326", "OGC:CRS84"}


def test_json_extension_is_geojson(tmp_path: Path) -> None:
    path = tmp_path / "sites.json"
    _points().to_file(path, driver="GeoJSON")
    assert len(read_table(path).frame) == 2


def test_gpkg_first_layer_or_named_layer(tmp_path: Path) -> None:
    path = tmp_path / "layers.gpkg"
    _points().to_file(path, layer="sites", driver="GPKG")
    other = _points().iloc[:1]
    other.to_file(path, layer="one", driver="GPKG")
    assert len(read_table(path).frame) == 2
    assert len(read_table(path, layer="one").frame) == 1
    with pytest.raises(InputFileError, match=r"no layer 'three'.*'sites', 'one'"):
        read_table(path, layer="three")


def test_projected_gpkg_comes_back_in_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "utm.gpkg"
    _points().to_crs("EPSG:32644").to_file(path, driver="GPKG")
    table = read_table(path)
    assert table.native_crs == "EPSG:32644"
    assert table.geometry is not None
    assert table.geometry.crs == "EPSG:4326"
    assert table.geometry.iloc[0].x == pytest.approx(83.0, abs=1e-7)
    assert table.geometry.iloc[0].y == pytest.approx(25.3, abs=1e-7)


def test_zipped_shapefile(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    folder.mkdir()
    thanas = gpd.GeoDataFrame(
        {"name": ["Lanka"], "zone": ["Kashi"]},
        geometry=[box(82.99, 25.26, 83.01, 25.28)],
        crs="EPSG:4326",
    )
    thanas.to_file(folder / "thanas.shp")
    path = _zip_dir(folder, tmp_path / "thanas.zip")
    table = read_table(path)
    assert table.frame.to_dict("records") == [{"name": "Lanka", "zone": "Kashi"}]
    assert table.geometry is not None
    assert table.geometry.iloc[0].geom_type == "Polygon"
    assert table.native_crs == "EPSG:4326"
    assert table.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_zip_with_several_shapefiles(tmp_path: Path) -> None:
    folder = tmp_path / "shp"
    (folder / "sub").mkdir(parents=True)
    _points().to_file(folder / "sites.shp")
    _points().iloc[:1].to_file(folder / "sub" / "cctv.shp")
    path = _zip_dir(folder, tmp_path / "many.zip")
    with pytest.raises(InputFileError, match=r"several Shapefiles: 'sites\.shp', 'sub/cctv\.shp'"):
        read_table(path)
    assert len(read_table(path, layer="cctv").frame) == 1
    assert len(read_table(path, layer="sites").frame) == 2


def test_zip_without_shapefile(tmp_path: Path) -> None:
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(InputFileError, match=r"docs\.zip holds no Shapefile"):
        read_table(path)


@NO_CRS_WRITE
def test_shapefile_without_prj_in_degrees_is_assumed_wgs84(tmp_path: Path) -> None:
    path = tmp_path / "deg.shp"
    _points(crs=None).to_file(path)
    assert not path.with_suffix(".prj").exists()
    table = read_table(path)
    assert table.native_crs is None
    assert table.geometry is not None
    assert table.geometry.crs == "EPSG:4326"
    assert table.geometry.iloc[0].equals(Point(83.0, 25.3))


@NO_CRS_WRITE
def test_shapefile_hash_covers_its_sidecars(tmp_path: Path) -> None:
    path = tmp_path / "deg.shp"
    _points(crs=None).to_file(path)
    before = read_table(path).sha256
    frame = _points(crs=None)
    frame.loc[0, "kind"] = "hostel"  # only the .dbf changes
    frame.to_file(path)
    assert read_table(path).sha256 != before


@NO_CRS_WRITE
def test_shapefile_without_prj_in_metres_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "metres.shp"
    _points().to_crs("EPSG:32644").set_crs(None, allow_override=True).to_file(path)
    assert not path.with_suffix(".prj").exists()
    with pytest.raises(
        InputFileError, match=r"projected coordinates but no CRS.*Fix: add the \.prj"
    ):
        read_table(path)


def test_vsi_path() -> None:
    assert vsi_path(Path("/data/thanas.zip")) == "/vsizip//data/thanas.zip"
    assert vsi_path(Path("/data/THANAS.ZIP")).startswith("/vsizip/")
    assert vsi_path(Path("/data/thanas.gpkg")) == "/data/thanas.gpkg"


# --------------------------------------------------------------------------- mapping


def test_parse_mapping_items() -> None:
    assert parse_mapping(["Latitude=lat", " Thana Name = thana"]) == {
        "Latitude": "lat",
        "Thana Name": "thana",
    }
    assert parse_mapping(["a=b=c"]) == {"a": "b=c"}  # split on the first '='
    assert parse_mapping(["a=b", "a=b"]) == {"a": "b"}  # an exact repeat is harmless
    assert parse_mapping([]) == {}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["Latitude"], r"'Latitude' has no '='.*Fix: write it as SOURCE=TARGET"),
        (["=lat"], r"'=lat' has an empty source column name"),
        (["Latitude= "], r"has an empty target column name"),
        (["A=lat", "B=lat"], r"'B=lat' maps a second column to 'lat'"),
        (["A=lat", "A=lon"], r"'A=lon' maps 'A' again, to 'lon'"),
        (["@"], r"names no file"),
        (["@/does/not/exist.json"], r"mapping file '/does/not/exist\.json' cannot be read"),
    ],
)
def test_parse_mapping_errors(items: list[str], message: str) -> None:
    with pytest.raises(ColumnMappingError, match=message):
        parse_mapping(items, allow_files=True)


def test_parse_mapping_refuses_files_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"Latitude": "lat"}), encoding="utf-8")
    with pytest.raises(ColumnMappingError, match=r"names a file.*upload the mapping file"):
        parse_mapping([f"@{path}"])
    assert parse_mapping([f"@{path}"], allow_files=True) == {"Latitude": "lat"}


def test_parse_mapping_json_file(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text(json.dumps({"Latitude": "lat", "Thana Name": "thana"}), encoding="utf-8")
    assert parse_mapping([f"@{path}", "Longitude=lon"], allow_files=True) == {
        "Latitude": "lat",
        "Thana Name": "thana",
        "Longitude": "lon",
    }


def test_parse_mapping_json_file_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ColumnMappingError, match=r"not a JSON object"):
        parse_mapping([f"@{path}"], allow_files=True)


@pytest.mark.parametrize(
    "text",
    [
        "source,target\nLatitude,lat\nThana Name,thana\n",
        "Latitude,lat\n\nThana Name , thana\n",
        "# exported mapping\nLatitude=lat\nThana Name=thana\n",
    ],
)
def test_parse_mapping_csv_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "map.csv"
    path.write_text(text, encoding="utf-8")
    assert parse_mapping([f"@{path}"], allow_files=True) == {
        "Latitude": "lat",
        "Thana Name": "thana",
    }


def test_parse_mapping_csv_file_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "map.txt"
    path.write_text("Latitude,lat\nThana,thana,extra\n", encoding="utf-8")
    with pytest.raises(ColumnMappingError, match=r"map\.txt line 2 has 3 columns instead of 2"):
        parse_mapping([f"@{path}"], allow_files=True)


def test_parse_mapping_file_of_unknown_type(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("a: b\n", encoding="utf-8")
    with pytest.raises(ColumnMappingError, match=r"neither \.json, \.csv nor \.txt"):
        parse_mapping([f"@{path}"], allow_files=True)


def test_read_table_applies_mapping_exact_then_case_insensitive(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", b"Latitude,LONGITUDE,Thana Name\n25.3,83.0,Lanka\n")
    mapping = {"Latitude": "lat", "longitude": "lon", "thana name": "thana"}
    frame = read_table(path, mapping=mapping).frame
    assert list(frame.columns) == ["lat", "lon", "thana"]
    assert frame.loc[0, "thana"] == "Lanka"


def test_read_table_mapping_on_spatial_attributes(tmp_path: Path) -> None:
    path = tmp_path / "sites.gpkg"
    _points().to_file(path, driver="GPKG")
    frame = read_table(path, mapping={"kind": "site_kind"}).frame
    assert list(frame.columns) == ["id", "site_kind", "students"]


def test_read_table_mapping_unknown_column_lists_columns(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", b"Latitude,Longitude\n25.3,83.0\n")
    with pytest.raises(
        ColumnMappingError,
        match=r"'Thana' is not a column of m\.csv.*'Latitude', 'Longitude'",
    ):
        read_table(path, mapping={"Thana": "thana"})


def test_read_table_mapping_target_clash(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", b"Latitude,lat\n25.3,25.3\n")
    with pytest.raises(ColumnMappingError, match=r"two columns named 'lat'"):
        read_table(path, mapping={"Latitude": "lat"})


def test_read_table_mapping_ambiguous_case_insensitive(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.csv", b"LAT,Lat\n1,2\n")
    with pytest.raises(ColumnMappingError, match=r"matches several columns"):
        read_table(path, mapping={"lat": "latitude"})


# --------------------------------------------------------------------------- real data


@pytest.mark.shared_data
def test_real_post_offices() -> None:
    path = SHARED / "post_offices_indiapost_godl.geojson"
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    table = read_table(path)
    assert len(table.frame) == 263
    assert table.geometry is not None
    assert table.geometry.crs == "EPSG:4326"
    assert "office_name" in table.frame.columns
    assert "office_name" not in find_personal_columns(table.frame, SITES)
    assert find_personal_columns(table.frame, SITES) == {}


def test_xlsx_date_cells_stay_days_and_date_times_keep_their_time(tmp_path: Path) -> None:
    """Issue 15: a date-only cell is a day (time precision), never an invented midnight."""
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "occurred_at"])
    sheet.append(["a", dt.date(2025, 11, 28)])
    sheet.append(["b", dt.datetime(2025, 11, 28, 18, 30)])
    sheet.append(["c", "2025-11-28 00:00"])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    values = read_table(path).frame["occurred_at"].tolist()
    assert values == ["2025-11-28", "2025-11-28 18:30:00", "2025-11-28 00:00"]
