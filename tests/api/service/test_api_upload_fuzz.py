"""Hostile-upload fuzz: any bytes under any accepted name get a 4xx or a report, never a leak.

Hypothesis builds uploads from hostile templates (GDAL VRTs naming server files and URLs,
XML, zips with odd members, workbooks, CSVs with formula cells and huge cells) and random
bytes, under every extension the service accepts, and sends them to ``POST /datasets``. Every
answer must be a report or a problem+json 4xx, small, and free of server paths, SQL, stack text
and the content of the server file the templates point at.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.conftest import Env

#: A server file the hostile templates point at; its content must never come back.
SECRET_LINE = "SERVER-SECRET-LINE-7f3a"
#: Extensions the upload route accepts, and some it must refuse.
NAMES = (
    "r.csv",
    "r.txt",
    "r.json",
    "r.geojson",
    "r.gpkg",
    "r.zip",
    "r.xlsx",
    "r.shp",
    "r.vrt",
    "r",
)
#: What no answer may contain.
FORBIDDEN = ("/vsi", "Traceback", "SELECT ", "OGRVRT", SECRET_LINE, 'File "/')
#: The largest answer an upload may get (an error never echoes the file back).
MAX_ANSWER_BYTES = 64 * 1024


@pytest.fixture(scope="module")
def secret_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A server-side file holding :data:`SECRET_LINE` in CSV form."""
    path = tmp_path_factory.mktemp("server") / "secret.csv"
    path.write_text(f"{SECRET_LINE},b\n{SECRET_LINE},2\n", encoding="utf-8")
    return path


def _vrt(target: str, sql: bool) -> bytes:
    source = f"<SrcDataSource>{target}</SrcDataSource>"
    layer = "<SrcSQL>SELECT * FROM secret</SrcSQL>" if sql else "<SrcLayer>secret</SrcLayer>"
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="x">{source}{layer}</OGRVRTLayer></OGRVRTDataSource>'
    ).encode()


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in dict(members).items():  # one member per name
            archive.writestr(name, data)
    return buffer.getvalue()


def _templates(secret: Path) -> st.SearchStrategy[bytes]:
    targets = st.sampled_from(
        [
            str(secret),
            f"CSV:{secret}",
            "/vsicurl/http://127.0.0.1:9/x.csv",
            f"/vsizip/{secret}",
            "/etc/passwd",
            "PG:dbname=postgres",
        ]
    )
    vrt = st.builds(_vrt, targets, st.booleans())
    text = st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass"))
    csv_rows = st.lists(
        st.sampled_from(
            ["=1+1", "@SUM(A1)", "x" * 5000, "", "id", "lat", "25.3", "\u0925\u093e\u0928\u093e"]
        ),
        min_size=1,
        max_size=12,
    ).map(lambda cells: ("\n".join(",".join(cells[i:]) for i in range(len(cells)))).encode())
    members = st.lists(
        st.tuples(
            st.sampled_from(
                ["a.shp", "a.dbf", "a.vrt", "../evil.shp", "/abs.shp", "x/y.json", "inner.zip"]
            ),
            st.one_of(vrt, st.binary(max_size=200)),
        ),
        max_size=4,
    ).map(_zip)
    workbook = st.just(
        _zip(
            [
                ("[Content_Types].xml", b"<Types/>"),
                ("xl/workbook.xml", b"<workbook/>"),
                ("xl/sharedStrings.xml", b"<sst>" + b"A" * 2000 + b"</sst>"),
            ]
        )
    )
    geojson = st.builds(
        lambda key, value: (
            '{"type":"FeatureCollection","features":[{"type":"Feature",'
            f'"properties":{{"{key}":"{value}"}},"geometry":{{"type":"Point",'
            '"coordinates":[83.0,25.3]}}]}'
        ).encode(),
        st.sampled_from(["id", "Victim Name", "=cmd", "x"]),
        st.sampled_from(["=HYPERLINK(1)", "9876501234", "ok"]),
    )
    return st.one_of(vrt, text, csv_rows, members, workbook, geojson, st.binary(max_size=400))


@pytest.mark.parametrize("kind", ["incidents", "sites"])
def test_hostile_uploads_get_a_4xx_or_a_report_and_leak_nothing(
    env: Env, secret_file: Path, kind: str
) -> None:
    tmp = tempfile.gettempdir()

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(name=st.sampled_from(NAMES), content=_templates(secret_file))
    def check(name: str, content: bytes) -> None:
        response = env.client.post(
            f"/datasets/{kind}",
            params={"dry_run": "true"},
            files={"file": (name, content, "application/octet-stream")},
            headers=env.headers("planner"),
        )
        assert response.status_code in (200, 400, 413, 415, 422), response.text[:500]
        body = response.text
        assert len(response.content) <= MAX_ANSWER_BYTES
        for marker in FORBIDDEN:
            assert marker not in body, (name, marker, body[:500])
        assert tmp not in body, (name, body[:500])
        assert str(secret_file.parent) not in body

    check()
