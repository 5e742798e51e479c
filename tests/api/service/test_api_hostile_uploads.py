"""Hostile uploads to ``POST /datasets/{kind}``: each attack of issue 12 gets a small 4xx.

VRTs under every accepted name, GDAL fetching URLs, ``map=@/etc/passwd``, XLSX and zip
bombs, and errors that showed temporary paths, ``/vsizip/`` or SQL. Every answer is small,
names no server path, and leaks nothing of the files the attacks point at.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from api.service.uploads import REQUEST_PREFIX, clean_stale_uploads, upload_root
from tests.api.conftest import Env, make_env
from tests.api.service.uploads import register_csv
from tests.hostile_files import (
    SECRET_LINE,
    cell_bomb,
    local_listener,
    numbered_rows,
    vrt,
    write_xlsx,
    zip_bytes,
)

#: What no answer may contain.
LEAKS = ("/vsi", "SELECT", "sqlite3_", "OGRVRT", SECRET_LINE, "Traceback", "root:x:0:0")
#: The largest answer to a hostile upload.
MAX_ANSWER_BYTES = 4096
#: The names an upload may carry (a lone .shp is refused with 415).
UPLOAD_NAMES = ("r.json", "r.geojson", "r.gpkg", "r.zip", "r.csv", "r.txt", "r.xlsx")


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A server file (as /etc/passwd) holding :data:`SECRET_LINE`."""
    path = tmp_path_factory.mktemp("server") / "secret.csv"
    path.write_text(f"{SECRET_LINE},b\n{SECRET_LINE},2\n", encoding="utf-8")
    return path


def _post(env: Env, name: str, content: bytes, **params: Any) -> Any:
    return env.client.post(
        "/datasets/incidents",
        params={"dry_run": "true", **params},
        files={"file": (name, content, "application/octet-stream")},
        headers=env.headers("planner"),
    )


def _assert_small_and_clean(response: Any, *private: Path) -> None:
    body = response.text
    assert len(response.content) <= MAX_ANSWER_BYTES, len(response.content)
    assert response.headers["content-type"] == "application/problem+json"
    for leak in LEAKS:
        assert leak not in body, (leak, body[:300])
    for path in (Path(tempfile.gettempdir()), upload_root(), *private):
        assert str(path) not in body, body[:300]


def _payload(name: str, data: bytes) -> bytes:
    return zip_bytes([("a.shp", data), ("a.dbf", b"x")]) if name.endswith(".zip") else data


# --------------------------------------------------------------------------- attack 1


@pytest.mark.parametrize("name", UPLOAD_NAMES)
@pytest.mark.parametrize("sql", [None, "SELECT * FROM secret"], ids=["layer", "srcsql"])
def test_vrt_reading_a_server_file_is_refused_under_every_name(
    env: Env, secret: Path, name: str, sql: str | None
) -> None:
    for target in (f"CSV:{secret}", "CSV:/etc/passwd"):
        response = _post(env, name, _payload(name, vrt(target, sql=sql)))
        assert response.status_code == 400, response.text
        _assert_small_and_clean(response, secret.parent)


def test_vrt_reading_the_users_database_is_refused(env: Env) -> None:
    users = next(p for p in env.folder.iterdir() if "users" in p.name)
    response = _post(env, "incidents.json", vrt(str(users), sql="SELECT * FROM settings"))
    assert response.status_code == 400
    _assert_small_and_clean(response, env.folder)
    assert env.state.users.token_secret().hex() not in response.text


# --------------------------------------------------------------------------- attack 2


@pytest.mark.parametrize("name", ("r.json", "r.geojson", "r.gpkg", "r.zip"))
def test_vrt_naming_a_url_makes_no_request(env: Env, name: str) -> None:
    with local_listener() as listener:
        url = f"/vsicurl/http://127.0.0.1:{listener.port}/x.csv"
        response = _post(env, name, _payload(name, vrt(url, layer="x")))
        time.sleep(0.2)
    assert response.status_code == 400
    assert listener.connections == []
    _assert_small_and_clean(response)


def test_geojson_crs_link_makes_no_request(env: Env) -> None:
    with local_listener() as listener:
        href = f"http://127.0.0.1:{listener.port}/crs"
        feature = {
            "type": "Feature",
            "properties": {"id": "a", "occurred_at": "2026-01-01T10:00"},
            "geometry": {"type": "Point", "coordinates": [83.0, 25.3]},
        }
        doc = {
            "type": "FeatureCollection",
            "crs": {"type": "link", "properties": {"href": href}},
            "features": [feature],
        }
        response = _post(env, "incidents.geojson", json.dumps(doc).encode())
        time.sleep(0.2)
    assert response.status_code == 400
    assert "links to a URL" in response.json()["detail"]
    assert listener.connections == []


# --------------------------------------------------------------------------- attack 3


@pytest.mark.parametrize("param", ["map", "default"])
def test_at_file_parameters_never_touch_the_file_system(env: Env, param: str) -> None:
    answers = []
    for target in ("/etc/passwd", "/etc/passwd.json", "/does/not/exist.json"):
        response = _post(env, "r.csv", register_csv(), **{param: f"@{target}"})
        assert response.status_code == 422, response.text
        body = response.json()
        assert body["field"] == param
        assert "upload the mapping file" in body["fix"]
        _assert_small_and_clean(response)
        answers.append(body["detail"].replace(target, "X"))
    assert len(set(answers)) == 1  # nothing tells whether a path exists


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("map.json", json.dumps({"Y": "lat", "X": "lon"}).encode()),
        ("map.csv", b"source,target\nY,lat\nX,lon\n"),
    ],
)
def test_a_mapping_file_is_uploaded_as_data(env: Env, filename: str, content: bytes) -> None:
    data = register_csv().replace(b",lat,lon,", b",Y,X,", 1)
    response = env.client.post(
        "/datasets/incidents",
        params={"dry_run": "true", "map": ["category=category"]},
        files={
            "file": ("register.csv", data, "text/csv"),
            "mapping_file": (filename, content, "application/octet-stream"),
        },
        headers=env.headers("planner"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["accepted"] == 4


def test_an_oversize_mapping_file_is_422(env: Env) -> None:
    response = env.client.post(
        "/datasets/incidents",
        params={"dry_run": "true"},
        files={
            "file": ("register.csv", register_csv(), "text/csv"),
            "mapping_file": ("map.csv", b"a,b\n" * 20_000, "text/csv"),
        },
        headers=env.headers("planner"),
    )
    assert response.status_code == 422
    assert "larger than 65,536 bytes" in response.json()["detail"]


# --------------------------------------------------------------------------- attack 4


def test_xlsx_cell_bomb_is_413_at_once(env: Env, tmp_path: Path) -> None:
    bomb = write_xlsx(tmp_path / "bomb.xlsx", numbered_rows(1), cell_bomb(300)).read_bytes()
    assert len(bomb) < 1_000_000
    started = time.perf_counter()
    response = _post(env, "r.xlsx", bomb)
    assert time.perf_counter() - started < 3
    assert response.status_code == 413
    assert response.json()["field"] in ("max_unpacked_bytes", "max_zip_ratio")
    _assert_small_and_clean(response)


@pytest.fixture(scope="module")
def small_env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Env:
    return make_env(
        demo_store_file,
        tmp_path_factory.mktemp("hostile-limits"),
        max_upload_rows=1000,
        max_upload_columns=50,
        max_cell_chars=1000,
    )


def test_xlsx_rows_above_the_limit_are_413_before_reading(small_env: Env, tmp_path: Path) -> None:
    data = write_xlsx(tmp_path / "rows.xlsx", numbered_rows(20_000)).read_bytes()
    response = _post(small_env, "r.xlsx", data)
    assert response.status_code == 413
    assert response.json()["field"] == "max_upload_rows"


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ((",".join(f"c{i}" for i in range(60)) + "\n").encode(), "max_upload_columns"),
        (b"id,remarks\n1," + b"x" * 2000 + b"\n", "max_cell_chars"),
        (b"id\n" + b"1\n" * 1500, "max_upload_rows"),
    ],
)
def test_csv_limits_are_413_naming_the_setting(small_env: Env, content: bytes, field: str) -> None:
    response = _post(small_env, "r.csv", content)
    assert response.status_code == 413
    assert response.json()["field"] == field
    assert field in response.json()["detail"]


def test_zip_bomb_is_413(env: Env) -> None:
    bomb = zip_bytes([("a.shp", b"\x00" * (16 << 20)), ("a.dbf", b"x")], level=9)
    response = _post(env, "r.zip", bomb)
    assert response.status_code == 413
    assert response.json()["field"] == "max_zip_ratio"


def test_an_error_never_echoes_the_whole_header(env: Env) -> None:
    header = ",".join(f"column_{i:04d}_" + "x" * 60 for i in range(450))
    content = (header + "\n" + ",".join("1" * 450) + "\n").encode()
    for params in ({"map": "nope=lat"}, {}):
        response = _post(env, "r.csv", content, **params)
        assert response.status_code in (400, 422), response.text
        assert len(response.content) < 2500
        assert "and 440 more" in response.text


def test_ignored_columns_are_a_few_names_and_a_count(env: Env) -> None:
    lines = register_csv().decode().splitlines()
    extra = [f"extra_{i:03d}_" + "y" * 80 for i in range(60)]
    rows = [lines[0] + "," + ",".join(extra)] + [
        line + "," + ",".join("z" * 60) for line in lines[1:]
    ]
    response = _post(env, "r.csv", ("\n".join(rows) + "\n").encode())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ignored_columns_count"] >= 60
    assert len(body["ignored_columns"]) <= 10
    assert all(len(name) <= 40 for name in body["ignored_columns"])


# --------------------------------------------------------------------------- attack 5


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("r.gpkg", b"SQLite format 3\x00" + b"\x07" * 400),
        ("r.zip", b"PK\x03\x04 not a zip"),
        ("r.xlsx", b"PK\x03\x04 not a zip either"),
        ("r.geojson", b"{not json"),
        ("r.json", b'{"type": "FeatureCollection", "features": [{"type": "Feature"'),
    ],
)
def test_errors_name_the_users_file_only(env: Env, name: str, content: bytes) -> None:
    response = _post(env, name, content)
    assert response.status_code == 400, response.text
    _assert_small_and_clean(response)
    assert name in response.json()["detail"]


def test_a_lone_shapefile_is_415(env: Env) -> None:
    response = _post(env, "r.shp", b"\x00\x00\x27\x0a" + b"\x00" * 96)
    assert response.status_code == 415
    assert ".zip" in response.json()["fix"]


def test_uploads_leave_nothing_behind(env: Env) -> None:
    before = set(upload_root().glob(REQUEST_PREFIX + "*"))
    _post(env, "r.csv", register_csv())
    _post(env, "r.json", vrt("CSV:/etc/passwd"))
    assert set(upload_root().glob(REQUEST_PREFIX + "*")) <= before


def test_stale_upload_folders_are_removed(tmp_path: Path) -> None:
    old = tmp_path / (REQUEST_PREFIX + "old")
    new = tmp_path / (REQUEST_PREFIX + "new")
    for folder in (old, new):
        folder.mkdir()
        (folder / "r.csv").write_text("id\n1\n")
    hours_ago = time.time() - 7 * 3600
    os.utime(old, (hours_ago, hours_ago))
    assert clean_stale_uploads(tmp_path, older_than_s=6 * 3600) == 1
    assert not old.exists() and new.exists()
    assert oct(upload_root().stat().st_mode & 0o777) == "0o700"
