"""Every notebook runs top to bottom on the demo data and on a store given by SHAKTI_STORE.

Outputs stay cleared in git.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from geo import demo
from geo.settings import Settings
from geo.store import open_store

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
#: Incidents in the small store the notebooks analyse through SHAKTI_STORE (the demo has 6,000).
SMALL_STORE_INCIDENTS = 2_500


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small store (another seed, fewer incidents) made the way a user would make one."""
    folder = tmp_path_factory.mktemp("small-store")
    path = folder / "small.gpkg"
    demo.load_demo(
        open_store(path),
        folder / "files",
        settings=Settings(_env_file=None),
        seed=demo.DEMO_SEED + 1,
        n_incidents=SMALL_STORE_INCIDENTS,
    )
    return path


def run_notebook(path: Path) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` top to bottom; return it with its outputs."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    ).execute()
    return nb


def errors(nb: nbformat.NotebookNode) -> list[object]:
    """Return the error outputs of an executed notebook."""
    return [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHAKTI_WORKDIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("SHAKTI_STORE", raising=False)
    nb = run_notebook(path)
    assert not errors(nb)
    assert (tmp_path / "notebook-store.gpkg").is_file()  # the demo was built


@pytest.mark.notebook
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_on_shakti_store(
    path: Path, small_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SHAKTI_WORKDIR", str(tmp_path))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("SHAKTI_STORE", str(small_store))
    nb = run_notebook(path)
    assert not errors(nb)
    assert not (tmp_path / "notebook-store.gpkg").exists()  # no demo: the given store was read


@pytest.mark.notebook
def test_notebook_refuses_a_missing_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "mistyped.gpkg"
    monkeypatch.setenv("SHAKTI_WORKDIR", str(tmp_path))
    monkeypatch.setenv("SHAKTI_STORE", str(missing))
    with pytest.raises(CellExecutionError, match="no such store"):
        run_notebook(NOTEBOOKS[0])
    assert not missing.exists()  # not created empty


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_outputs_are_cleared_in_git(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.get("outputs"), f"{path.name}: clear outputs before committing"
            assert cell.get("execution_count") is None
