"""Tests for ``shakti map hotspots | cctv | patrol``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import shapely
from typer.testing import CliRunner

import api.cli.maps  # noqa: F401  (registers ``shakti map``)
from api.cli.common import app
from geo.schema import LayerKind
from geo.store import open_store, read_layer
from maps import assets
from maps.browser import unavailable_reason

runner = CliRunner()
REMOTE_TAG = re.compile(r"""<(?:script|link)\b[^>]*(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def store(store: Path) -> Path:
    """The demo store copy, with the map assets fetched."""
    assets.fetch()
    return store


def run(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["map", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def test_map_hotspots_writes_one_offline_file(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "hotspots.html"
    summary = run("hotspots", "--store", str(store), "--out", str(out), "--no-tiles")
    assert summary["map"] == "hotspots" and summary["out"] == str(out)
    assert summary["tiles"] is None and summary["share"] is False
    n = summary["incidents"]
    assert isinstance(n, int) and 1500 <= n <= 2000 and summary["aggregated"] is False
    assert isinstance(summary["hotspots"], int) and summary["hotspots"] > 0
    assert isinstance(summary["gi_cells"], int) and isinstance(summary["emerging_cells"], int)
    page = out.read_text(encoding="utf-8")
    assert summary["bytes"] == len(page.encode())
    assert REMOTE_TAG.search(page) is None
    assert "L.tileLayer" not in page
    for layer in ("Hotspots (", "Gi* hot and cold spots", "Incidents: ", "Heat: incident density"):
        assert layer in page


def test_map_hotspots_shareable_has_no_incident_position(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "share.html"
    summary = run(
        "hotspots", "--store", str(store), "--out", str(out), "--share", "--no-significance",
        "--no-emerging", "--from", "2026-01-01",
    )  # fmt: skip
    assert summary["share"] is True and summary["aggregated"] is True
    assert summary["gi_cells"] is None and summary["emerging_cells"] is None
    page = out.read_text(encoding="utf-8")
    incidents = read_layer(open_store(store), LayerKind.INCIDENTS, timezone="Asia/Kolkata")
    for lon, lat in shapely.get_coordinates(incidents.geometry.to_numpy()):
        for text in (f"{lat:.5f},{lon:.5f}", f"{round(lon * 1e5)},{round(lat * 1e5)}"):
            assert text not in page
    assert "Incidents: " not in page


def test_map_hotspots_thana_and_category(store: Path, tmp_path: Path) -> None:
    thana = str(read_layer(open_store(store), LayerKind.THANAS, timezone="Asia/Kolkata")["name"][0])
    out = tmp_path / "thana.html"
    summary = run(
        "hotspots", "--store", str(store), "--out", str(out), "--thana", thana,
        "--category", "eve-teasing", "--no-significance", "--no-emerging", "--no-tiles",
    )  # fmt: skip
    selection = summary["selection"]
    assert isinstance(selection, dict) and selection["thana"] == thana
    assert selection["categories"] == ["eve-teasing"]
    assert f"Thana {thana}" in out.read_text(encoding="utf-8")


def test_map_cctv(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "cctv.html"
    summary = run("cctv", "--store", str(store), "--out", str(out), "--no-tiles")
    assert summary["map"] == "cctv"
    sites, without = summary["sites"], summary["sites_without_working_camera"]
    assert isinstance(sites, int) and isinstance(without, int) and 0 <= without <= sites
    page = out.read_text(encoding="utf-8")
    assert f"{without} of {sites} sites have no working camera" in page
    assert REMOTE_TAG.search(page) is None


def test_map_patrol_draws_routes_offline(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "patrol.html"
    summary = run(
        "patrol", "--store", str(store), "--out", str(out), "--thana", "Lanka", "--day", "2",
        "--seed", "4", "--no-tiles",
    )  # fmt: skip
    assert summary["map"] == "patrol" and summary["day"] == 2 and summary["thana"] == "Lanka"
    assert summary["routes"] == 3
    stops = summary["stops"]
    assert isinstance(stops, int) and stops > 0
    page = out.read_text(encoding="utf-8")
    assert REMOTE_TAG.search(page) is None
    assert page.count("shakti-stop") >= stops and "shakti-arrow" in page
    assert "Lanka-1, 08:00–14:00" in page and "moral police" in page


def test_map_patrol_shareable_has_places_but_no_route_time_or_reason(
    store: Path, tmp_path: Path
) -> None:
    out = tmp_path / "patrol-share.html"
    summary = run(
        "patrol", "--store", str(store), "--out", str(out), "--thana", "Lanka", "--day", "2",
        "--seed", "4", "--no-tiles", "--share",
    )  # fmt: skip
    assert summary["share"] is True and summary["routes"] == 0
    page = out.read_text(encoding="utf-8")
    assert REMOTE_TAG.search(page) is None
    assert "places under patrol" in page and "moral police" in page
    assert "shakti-stop" not in page and "shakti-arrow" not in page
    assert "Lanka-1" not in page  # no team
    assert "08:00" not in page  # no shift or arrival time
    assert "incidents" not in page.lower()  # no reason with counts


def test_map_patrol_day_outside_the_plan_is_refused(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["map", "patrol", "--store", str(store), "--out", str(tmp_path / "p.html"),
         "--thana", "Nowhere"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "not in the store" in result.output
    assert not (tmp_path / "p.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "map.png"], "maps are written as HTML"),
        (["--out", "map.html", "--tiles", "https://t.example/{z}/{x}/{y}.png"], "attribution"),
        (["--out", "map.html", "--thana", "Nowhere"], "not in the store"),
    ],
)
def test_map_errors_are_one_line_and_exit_2(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app, ["map", "hotspots", "--store", str(store), "--no-significance", "--no-emerging", *args]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output


@pytest.mark.skipif(unavailable_reason() is not None, reason=f"{unavailable_reason()}")
def test_map_png(store: Path, tmp_path: Path) -> None:
    png = tmp_path / "map.png"
    summary = run(
        "cctv", "--store", str(store), "--out", str(tmp_path / "map.html"), "--no-tiles",
        "--no-hotspots", "--png", str(png), "--width", "400", "--height", "300",
    )  # fmt: skip
    assert summary["png"] == str(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("command", ["hotspots", "cctv", "patrol"])
def test_every_map_command_checks_its_file_options_first(tmp_path: Path, command: str) -> None:
    """``map_file_options``: the same file options on each command, checked before the store."""
    missing = tmp_path / "no-store.gpkg"
    result = runner.invoke(
        app, ["map", command, "--store", str(missing), "--out", "m.html", "--png", "m.jpg"]
    )
    assert result.exit_code == 2, result.output
    assert "cannot write m.jpg as a PNG" in result.output
    assert not missing.exists()
    needs_out = runner.invoke(app, ["map", command, "--store", str(missing)])
    assert needs_out.exit_code == 2 and "--out" in needs_out.output
