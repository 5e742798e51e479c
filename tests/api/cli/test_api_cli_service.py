"""shakti serve and shakti users add / list."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import api.cli.service  # noqa: F401  (registers serve and users)
from api.cli.common import app
from api.service.users import UserStore, default_users_path, users_path
from geo.errors import SettingsError
from geo.settings import Settings

runner = CliRunner()


@pytest.fixture
def store(demo_store_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from geo.settings import get_settings

    monkeypatch.chdir(tmp_path)
    for name in ("SHAKTI_USERS_DB", "SHAKTI_SECRET_KEY", "SHAKTI_STORE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    path = tmp_path / "store.gpkg"
    shutil.copyfile(demo_store_file, path)
    return path


def test_users_add_and_list(store: Path) -> None:
    result = runner.invoke(
        app, ["users", "add", "asha", "--role", "planner", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    assert "password:" in result.output
    password = result.output.split("password:")[1].split()[0]
    users = UserStore(default_users_path(store))
    assert users.authenticate("asha", password) is not None
    users.close()
    result = runner.invoke(
        app,
        ["users", "add", "lanka-io", "--role", "incharge", "--thana", "Lanka",
         "--password", "a long password", "--store", str(store)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "password:" not in result.output
    listed = runner.invoke(app, ["users", "list", "--store", str(store), "--json"])
    rows = json.loads(listed.output.strip().splitlines()[-1])["users"]
    assert rows == [
        {"name": "asha", "role": "planner", "thana": None},
        {"name": "lanka-io", "role": "incharge", "thana": "Lanka"},
    ]
    assert password not in listed.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "incharge"], "needs a thana"),
        (["--role", "incharge", "--thana", "Atlantis"], "not in the store"),
        (["--role", "analyst", "--password", "short"], "shorter"),
    ],
)
def test_users_add_errors_exit_2(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["users", "add", "x", *args, "--store", str(store)])
    assert result.exit_code == 2
    assert message in result.output


def test_serve_with_demo_users(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    result = runner.invoke(app, ["serve", "--store", str(store), "--port", "8123", "--demo-users"])
    assert result.exit_code == 0, result.output
    assert "open http://127.0.0.1:8123" in result.output
    assert calls and calls[0]["port"] == 8123 and calls[0]["host"] == "127.0.0.1"
    names = [u.name for u in UserStore(default_users_path(store)).list_users()]
    assert names == ["demo-admin", "demo-incharge", "demo-planner"]
    for name in names:
        assert name in result.output
    incharge = UserStore(default_users_path(store)).get("demo-incharge")
    assert incharge is not None and incharge.thana == "Lanka"


def test_a_database_store_needs_an_explicit_users_file(tmp_path: Path) -> None:
    url = "postgresql://shakti@127.0.0.1:5432/shakti"
    with pytest.raises(SettingsError, match=r"USERS_DB is not set.*Fix: set SHAKTI_USERS_DB"):
        users_path(None, url)
    assert users_path(tmp_path / "users.sqlite", url) == tmp_path / "users.sqlite"
    assert users_path(None, tmp_path / "s.gpkg") == default_users_path(tmp_path / "s.gpkg")


def test_the_database_url_setting_replaces_the_store_file(tmp_path: Path) -> None:
    url = "postgresql://shakti@127.0.0.1:5432/shakti"
    plain = Settings(_env_file=None, store=tmp_path / "s.gpkg")  # type: ignore[call-arg]
    assert plain.store_location == tmp_path / "s.gpkg"
    shared = Settings(_env_file=None, store=tmp_path / "s.gpkg", database_url=url)  # type: ignore[call-arg]
    assert shared.store_location == url
    assert url not in repr(shared)  # it may carry a password


def test_serve_uses_the_database_url_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    import api.service.app as service_app
    from geo.settings import get_settings

    url = "postgresql://shakti@127.0.0.1:5432/shakti"
    monkeypatch.setenv("SHAKTI_DATABASE_URL", url)
    monkeypatch.setenv("SHAKTI_USERS_DB", str(tmp_path / "users.sqlite"))
    monkeypatch.setenv("SHAKTI_STORE", str(tmp_path / "absent.gpkg"))  # not used, not required
    seen: list[Any] = []

    def fake_create_app(cfg: Any, *, store_path: Any = None) -> object:
        seen.append(store_path if store_path is not None else cfg.store_location)
        return object()

    monkeypatch.setattr(service_app, "create_app", fake_create_app)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    get_settings.cache_clear()
    result = runner.invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    get_settings.cache_clear()
    assert seen == [url]
