"""The service and the CLI on the PostGIS store, selected by SHAKTI_DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.service.app import create_app
from api.service.settings import ServiceSettings
from api.service.users import Role
from geo import demo
from geo.store import open_store
from models.hotspots import INCIDENTS

PASSWORD = "planner-password-1"


def test_the_service_reads_hotspots_from_postgis(store_url: str, tmp_path: Path) -> None:
    cfg = ServiceSettings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=store_url,
        users_db=tmp_path / "users.sqlite",
        tiles="none",
    )
    demo.load_demo(open_store(cfg.store_location), tmp_path / "files", settings=cfg, seed=3,
                   n_incidents=1500)  # fmt: skip
    app = create_app(cfg)
    app.state.service.users.add("planner", Role.PLANNER, password=PASSWORD)
    app.state.service.users.add("admin", Role.ADMIN, password=PASSWORD)
    with TestClient(app) as client:
        token = client.post("/auth/token", data={"username": "planner", "password": PASSWORD})
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert client.get("/healthz").json() == {"status": "ok"}
        admin = client.post("/auth/token", data={"username": "admin", "password": PASSWORD})
        admin_headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        details = client.get("/healthz/details", headers=admin_headers).json()
        assert details["store_version"] >= 1
        spots = client.get("/hotspots?eps_m=150&min_samples=8", headers=headers)
        assert spots.status_code == 200, spots.text
        features = spots.json()["features"]
        assert features and all(f["properties"][INCIDENTS] >= 8 for f in features)
        lanka = client.get("/hotspots?thana=Lanka&min_samples=5", headers=headers)
        assert lanka.status_code == 200, lanka.text


def test_a_plan_made_on_the_service_survives_a_restart_on_postgis(
    store_url: str, tmp_path: Path
) -> None:
    cfg = ServiceSettings(  # type: ignore[call-arg]
        _env_file=None, database_url=store_url, users_db=tmp_path / "users.sqlite", tiles="none"
    )
    demo.load_demo(open_store(cfg.store_location), tmp_path / "files", settings=cfg, seed=3,
                   n_incidents=1200)  # fmt: skip
    first = create_app(cfg)
    first.state.service.users.add("planner", Role.PLANNER, password=PASSWORD)

    def login(client: TestClient) -> dict[str, str]:
        token = client.post("/auth/token", data={"username": "planner", "password": PASSWORD})
        return {"Authorization": f"Bearer {token.json()['access_token']}"}

    with TestClient(first) as client:
        made = client.post(
            "/patrol/plans", json={"thana": "Lanka", "days": 1}, headers=login(client)
        )
        assert made.status_code == 201, made.text
    plan = made.json()
    with TestClient(create_app(cfg)) as client:  # a new process on the same database
        headers = login(client)
        again = client.get(f"/patrol/plans/{plan['id']}", headers=headers)
        assert again.status_code == 200 and again.json() == plan
        issued = client.post(f"/patrol/plans/{plan['id']}/issue", headers=headers)
        assert issued.json()["status"] == "issued"
        gpx = client.get(plan["routes"][0]["gpx"], headers=headers)
        assert gpx.status_code == 200 and "<gpx" in gpx.text
