"""Every notebook runs top to bottom on the demo data and on a store given by SHAKTI_STORE.

Outputs stay cleared in git, and `make lab` serves them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from geo import demo
from geo.settings import Settings
from geo.store import open_store

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Seconds JupyterLab gets to answer, and then to stop.
LAB_START_S, LAB_STOP_S = 90, 15
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


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def lab_command(args: str) -> list[str]:
    """Return the command `make lab` runs (with this interpreter's bin folder), not running it."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    venv = ROOT / ".venv"
    printed = subprocess.run(
        [
            *("make", "-n", "-s", "--no-print-directory", f"BIN={Path(sys.executable).parent}"),
            *("-o", f"{venv.name}/.installed", "-o", f"{venv.name}/.notebooks-installed"),
            *("lab", f"LAB_ARGS={args}"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    assert len(printed.splitlines()) == 1, printed  # only the lab command: nothing to install
    return printed.split()


def get_json(url: str) -> object:
    """GET ``url`` and return its JSON body (raises on a status other than 200)."""
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.status == 200
        return json.loads(response.read())


@pytest.mark.slow
def test_make_lab_serves_the_notebooks(tmp_path: Path) -> None:
    if importlib.util.find_spec("jupyterlab") is None:
        pytest.skip("JupyterLab is not installed: `make lab` or `make test` installs it")
    port, token = free_port(), "shakti-test-token"
    command = lab_command(
        f"--no-browser --ServerApp.ip=127.0.0.1 --port {port} --ServerApp.port_retries=0 "
        f"--ServerApp.token={token}" + (" --allow-root" if os.geteuid() == 0 else "")
    )
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
    }
    log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + LAB_START_S
        while True:
            assert lab.poll() is None, (tmp_path / "lab.log").read_text()
            try:
                get_json(f"{base}/api/status?token={token}")
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, (tmp_path / "lab.log").read_text()
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=10) as page:
            assert page.status == 200 and b"JupyterLab" in page.read()
        contents = get_json(f"{base}/api/contents?token={token}")
        assert isinstance(contents, dict)
        assert {p.name for p in NOTEBOOKS} <= {c["name"] for c in contents["content"]}
        kernels = get_json(f"{base}/api/kernelspecs?token={token}")
        assert isinstance(kernels, dict) and "python3" in kernels["kernelspecs"]
    finally:
        lab.terminate()
        try:
            lab.wait(LAB_STOP_S)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait(LAB_STOP_S)
        log.close()
