"""/datasets: counts, uploads (dry run, import, limits, errors), quarantine downloads."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from api.service.limits import MULTIPART_SLACK_BYTES
from tests.api.conftest import Env, make_env
from tests.api.service.uploads import PERSONAL_COLUMNS, PLANTED_FREE_TEXT, register_csv


def _upload(env: Env, user: str, content: bytes, *, name: str = "register.csv", **params: str):  # type: ignore[no-untyped-def]
    return env.client.post(
        "/datasets/incidents",
        params=params,
        files={"file": (name, content, "text/csv")},
        headers=env.headers(user),
    )


def test_layer_counts(env: Env) -> None:
    body = env.get("/datasets", "analyst").json()
    store = env.state.store
    assert body["layers"] == {k: store.count(k) for k in body["layers"]}
    assert body["thana"] is None and body["store_version"] == store.version
    own = env.get("/datasets", "lanka").json()
    assert own["thana"] == "Lanka"
    assert 0 < own["layers"]["incidents"] < body["layers"]["incidents"]
    assert own["layers"]["thanas"] == 1


def test_dry_run_validates_and_stores_nothing(env: Env) -> None:
    version = env.state.store.version
    response = _upload(env, "planner", register_csv(), dry_run="true")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["dry_run"] is True
    assert (report["rows"], report["accepted"], report["quarantined"]) == (6, 4, 2)
    assert report["reasons"] == {"unknown-category": 2}
    assert report["personal_columns_dropped"] == len(PERSONAL_COLUMNS)
    assert report["import_id"] is None
    assert env.state.store.version == version


def test_import_stores_rows_and_bumps_the_version(env: Env) -> None:
    before = env.state.store.count("incidents")
    version = env.state.store.version
    response = _upload(env, "admin", register_csv(prefix="imp"))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["dry_run"] is False and report["inserted"] == 4 and report["import_id"]
    assert report["store_version"] == version + 1
    assert env.state.store.count("incidents") == before + 4
    assert report["flags"]["outside_thanas"] == 0
    again = _upload(env, "admin", register_csv(prefix="imp")).json()
    assert again["inserted"] == 0 and again["updated"] == 4


def test_upload_roles(env: Env) -> None:
    for user in ("analyst", "lanka"):
        response = _upload(env, user, register_csv(), dry_run="true")
        assert response.status_code == 403, user
        assert response.headers["content-type"] == "application/problem+json"
    assert (
        env.client.post("/datasets/incidents", files={"file": ("a.csv", b"x")}).status_code == 401
    )


def test_unknown_kind_is_404(env: Env) -> None:
    response = env.client.post(
        "/datasets/people", files={"file": ("a.csv", b"x")}, headers=env.headers("admin")
    )
    assert response.status_code == 404
    assert response.json()["title"] == "Unknown layer"


def test_unsupported_type_is_415_and_unreadable_400(env: Env) -> None:
    response = _upload(env, "planner", b"MZ\x90\x00", name="virus.exe")
    assert response.status_code == 415
    assert response.json()["type"].endswith("unsupported-file-type-error")
    broken = _upload(env, "planner", b"PK\x03\x04 not a zip", name="shapes.zip")
    assert broken.status_code == 400, broken.text
    assert broken.headers["content-type"] == "application/problem+json"


def test_nothing_valid_is_422_with_the_report(env: Env) -> None:
    response = _upload(env, "planner", register_csv(3, bad_rows=3), dry_run="true")
    assert response.status_code == 422
    body = response.json()
    assert body["field"] == "file"
    assert body["report"]["accepted"] == 0 and body["report"]["quarantined"] == 3


def test_missing_file_is_422_naming_it(env: Env) -> None:
    response = env.client.post("/datasets/incidents", headers=env.headers("admin"))
    assert response.status_code == 422
    assert response.json()["field"] == "file"


@pytest.fixture(scope="module")
def small_env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Env:
    return make_env(
        demo_store_file, tmp_path_factory.mktemp("limits"), max_upload_bytes=2000, max_upload_rows=5
    )


def test_row_limit_is_413_naming_it(small_env: Env) -> None:
    response = _upload(small_env, "planner", register_csv(6, bad_rows=0))
    assert response.status_code == 413
    body = response.json()
    assert body["field"] == "max_upload_rows" and "max_upload_rows" in body["detail"]


def test_size_limit_is_413_naming_it(small_env: Env) -> None:
    big = register_csv(40)
    assert 2000 < len(big) < 2000 + MULTIPART_SLACK_BYTES
    response = _upload(small_env, "planner", big)
    assert response.status_code == 413
    assert response.json()["field"] == "max_upload_bytes"


def test_declared_oversize_body_is_refused_before_reading(small_env: Env) -> None:
    huge = b"x" * (2000 + MULTIPART_SLACK_BYTES + 10)
    response = small_env.client.post(
        "/datasets/incidents",
        content=huge,
        headers={**small_env.headers("planner"), "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["field"] == "max_upload_bytes"


def test_streamed_oversize_body_is_cut_off(small_env: Env) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(80):
            yield b"y" * 1024

    response = small_env.client.post(
        "/datasets/incidents",
        content=chunks(),
        headers={**small_env.headers("planner"), "Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 413


def _csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")  # UTF-8 with a byte-order mark: Excel shows Devanagari
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_quarantine_download(env: Env) -> None:
    _upload(env, "admin", register_csv(prefix="q"))
    response = env.get("/datasets/incidents/quarantine", "analyst")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = _csv_rows(response.text)
    assert len(rows) == len(env.state.store.quarantine("incidents"))
    assert list(rows[0]) == [
        "import_id", "kind", "source", "row", "field", "reason", "message", "original",
    ]  # fmt: skip
    originals = [json.loads(r["original"]) for r in rows]
    # columns outside the schema (free text) never leave the service
    assert all("Remarks" not in o for o in originals)
    assert PLANTED_FREE_TEXT not in response.text
    assert any(o.get("category") == "theft" for o in originals)


def test_quarantine_of_an_import(env: Env) -> None:
    report = _upload(env, "admin", register_csv(prefix="one")).json()
    rows = _csv_rows(
        env.get(f"/datasets/incidents/quarantine?import={report['import_id']}", "admin").text
    )
    assert len(rows) == 2 and {r["import_id"] for r in rows} == {report["import_id"]}


def test_incharge_quarantine_is_their_thana_only(env: Env) -> None:
    everything = _csv_rows(env.get("/datasets/incidents/quarantine", "planner").text)
    own = _csv_rows(env.get("/datasets/incidents/quarantine", "lanka").text)
    assert 0 < len(own) < len(everything)
    for row in own:
        original = json.loads(row["original"])
        stated = str(original.get("thana_stated", "")).lower()
        assert "lanka" in stated or ("lat" in original and "lon" in original)
    denied = env.get("/datasets/incidents/quarantine?thana=Sigra", "lanka")
    assert denied.status_code == 403


def test_casework_upload_and_its_quarantine_in_thana_scope(env: Env) -> None:
    content = (
        "शिकायत संख्या,थाना,प्राप्ति दिनांक,शिकायत का प्रकार,कार्यवाही का माध्यम,परिणाम,निस्तारण दिनांक\n"
        "up-1,लंका,01/10/2026,साइबर,एफआईआर,लंबित,\n"
        "up-2,Lanka,01/10/2026,घरेलू विवाद,परामर्श,सुलह/पुनर्मिलन,20/09/2026\n"
        "up-3,Sigra,01/10/2026,other,referred,disposed,\n"
    ).encode()
    response = env.client.post(
        "/datasets/casework",
        files={"file": ("complaints.csv", content, "text/csv")},
        headers=env.headers("admin"),
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["rows"], report["accepted"], report["quarantined"]) == (3, 1, 2)
    assert report["reasons"] == {"disposed-before-received": 1, "missing-value": 1}
    stored = env.state.store.read("casework", thana="Lanka")
    assert "up-1" in stored["id"].tolist()
    own = _csv_rows(env.get("/datasets/casework/quarantine", "lanka").text)
    assert [json.loads(r["original"])["थाना"] for r in own] == ["Lanka"]
    counts = env.get("/datasets", "lanka").json()["layers"]
    assert counts["casework"] == len(stored) and counts["centre-audit"] >= 2
