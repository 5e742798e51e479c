"""The default hotspot rule on a real crime layer (PySAL's Mesa points, ../shared/data)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

from tests.conftest import shared_file

BENCH = Path(__file__).resolve().parents[3] / "bench" / "hotspot_real.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hotspot_real", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_rule_on_mesa_crimes_finds_its_densest_place() -> None:
    path = shared_file("crime_points_dev", "mesa_az_geodanet_crimes.geojson")
    bench = _bench()
    default = bench.evaluate(path)
    assert default["incidents"] == 287 and default["rule"] == "densest"
    # 10 x the mean count within 150 m of 287 points spread over their 2.8 km2 hull asks more
    # than any neighbourhood holds: the rule takes the densest 1 % of neighbourhoods' count
    mean = 287 * math.pi * 150**2 / (default["area_km2"] * 1e6)
    assert default["min_samples"] < math.ceil(10 * mean)
    assert default["hotspots"] >= 1 and default["widest_m"] <= 1000
    assert default["top_incident_share"] > 0.1 and default["top_area_share"] < 0.01
    loose = bench.evaluate(path, multiple=5.0)
    assert loose["hotspots"] >= 1 and loose["widest_m"] <= 1000
    # the hot-spot concentration: a tenth of the crimes on under 1 % of the area
    assert loose["top_incident_share"] > 0.1 and loose["top_area_share"] < 0.01
