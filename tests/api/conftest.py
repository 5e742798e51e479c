"""Fixtures of the service tests: a SYNTHETIC demo store, an app on a copy of it, users."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.service.app import create_app
from api.service.settings import ServiceSettings
from api.service.users import Role
from geo import demo
from geo.settings import Settings
from geo.store import open_store

#: Users every test app has, with their passwords.
PASSWORDS = {
    "admin": "admin-password-1",
    "planner": "planner-password-1",
    "analyst": "analyst-password-1",
    "lanka": "lanka-password-1",
}
#: The in-charge's thana and another one.
OWN_THANA = "Lanka"
OTHER_THANA = "Sigra"
DEMO_SEED = 5
DEMO_INCIDENTS = 1500


def settings_for(tmp: Path, **overrides: Any) -> ServiceSettings:
    """Return test settings (no .env, no base-map tiles) with a store in ``tmp``."""
    values: dict[str, Any] = {"store": tmp / "store.gpkg", "tiles": "none", **overrides}
    return ServiceSettings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def demo_store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the SYNTHETIC demo store once per session (~3 s); modules copy it."""
    folder = tmp_path_factory.mktemp("demo-store")
    path = folder / "store.gpkg"
    demo.load_demo(
        open_store(path),
        folder / "files",
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        seed=DEMO_SEED,
        n_incidents=DEMO_INCIDENTS,
    )
    return path


@dataclass
class Env:
    """A test app, its client and a token per user."""

    client: TestClient
    settings: ServiceSettings
    folder: Path
    tokens: dict[str, str] = field(default_factory=dict)

    def headers(self, user: str) -> dict[str, str]:
        """Return the Authorization header of ``user``."""
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, url: str, user: str | None = None, **kwargs: Any) -> Any:
        """GET ``url`` as ``user`` (anonymous when None)."""
        headers = self.headers(user) if user else {}
        return self.client.get(url, headers=headers, **kwargs)

    @property
    def state(self) -> Any:
        """The app's service state."""
        return self.client.app.state.service  # type: ignore[attr-defined]


def make_env(source: Path, folder: Path, **overrides: Any) -> Env:
    """Copy the demo store into ``folder``, build an app on it, add users and log them in."""
    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "store.gpkg"
    shutil.copyfile(source, store)
    cfg = settings_for(folder, **overrides)
    app = create_app(cfg, store_path=store)
    users = app.state.service.users
    users.add("admin", Role.ADMIN, password=PASSWORDS["admin"])
    users.add("planner", Role.PLANNER, password=PASSWORDS["planner"])
    users.add("analyst", Role.ANALYST, password=PASSWORDS["analyst"])
    users.add("lanka", Role.INCHARGE, password=PASSWORDS["lanka"], thana=OWN_THANA)
    client = TestClient(app)
    env = Env(client=client, settings=cfg, folder=folder)
    for name, password in PASSWORDS.items():
        response = client.post("/auth/token", data={"username": name, "password": password})
        assert response.status_code == 200, response.text
        env.tokens[name] = response.json()["access_token"]
    client.cookies.clear()
    return env


@pytest.fixture(scope="module")
def env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """An app on this module's own copy of the demo store, with four users logged in."""
    environment = make_env(demo_store_file, tmp_path_factory.mktemp("api"))
    yield environment
    environment.client.close()
