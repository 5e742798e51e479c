"""Start-up of the ``shakti`` command line: every command registered, no heavy library loaded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

#: Libraries (and the ingest stack) only some commands use: none may load at start.
NOT_AT_START = (
    "ortools",  # patrol plans
    "fastapi",  # the service
    "starlette.applications",
    "uvicorn",
    "sklearn",  # only the scikit-learn DBSCAN method, HDBSCAN and k-means
    "psycopg",  # only a PostGIS store
    "openpyxl",  # only .xlsx tables and registers
    "geo.ingest.importer",  # only validate and import
    "geo.ingest.readers",
    "indic_transliteration",  # only when a Devanagari key is transliterated
)


def _modules_after(code: str) -> set[str]:
    """Return the modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    loaded = _modules_after("import api.cli")
    assert "api.cli.analysis" in loaded  # the probe did import the command line
    assert [name for name in NOT_AT_START if name in loaded] == []


def test_every_command_is_registered_at_import() -> None:
    from api.cli import GROUPS, app

    names = {c.name for c in app.registered_commands}
    assert {"hotspots", "import", "validate", "serve", "backup", "demo-data"} <= names
    assert {g.name for g in app.registered_groups} == {name for name, _ in GROUPS}


@pytest.mark.parametrize(
    ("package", "source", "names"),
    [
        ("models.patrol", "models.patrol.plan", ("plan_patrols", "MAX_SLOTS")),
        ("models.patrol", "models.patrol.layers", ("plan_from_store", "load_road")),
        ("models.patrol", "models.patrol.records", ("PatrolPlan", "STOP_COLUMNS")),
        ("geo.ingest", "geo.ingest.importer", ("ImportResult", "import_file", "validate_file")),
        ("geo.store", "geo.store.postgis", ("PostgisStore",)),
    ],
)
def test_lazily_exported_names_are_the_defining_modules_objects(
    package: str, source: str, names: tuple[str, ...]
) -> None:
    import importlib

    lazy = importlib.import_module(package)
    for name in names:
        assert getattr(lazy, name) is getattr(importlib.import_module(source), name)
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        lazy.no_such_name  # noqa: B018 - the lookup is the test


def test_star_import_of_the_patrol_package_gives_every_name() -> None:
    from models.patrol import records

    namespace: dict[str, object] = {}
    exec("from models.patrol import *", namespace)  # what `import *` sees
    assert set(records.__all__) <= set(namespace)
    assert {"plan_patrols", "plan_from_store", "MAX_SLOTS"} <= set(namespace)
