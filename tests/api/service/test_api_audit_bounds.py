"""The audit log cannot fill the disk: bounded entries, anonymous counters, retention, export."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi import FastAPI, HTTPException
from typer.testing import CliRunner

import api.cli  # noqa: F401  (registers every group, ``shakti audit`` among them)
import api.service.audit as audit_module
from api.cli.common import app as cli_app
from api.service.audit import (
    AUDIT_COLUMNS,
    CUT,
    MAX_PARAM_CHARS,
    MAX_PARAMS,
    MAX_PARAMS_JSON,
    TRUNCATED,
    UNMATCHED,
    AuditEntry,
    AuditLog,
    AuditMiddleware,
    bound_params,
)
from api.service.routes.auth import UNKNOWN_LOGIN
from geo.csv_safe import ESCAPE
from geo.settings import get_settings
from tests.api.conftest import Env, make_env

#: One attacker's query string: 4 KB.
BIG_QUERY = b"q=" + b"A" * 4096
#: Anonymous requests in the flood.
FLOOD = 10_000
#: What the flood may add to the audit file, and how many entries it may leave.
MAX_GROWTH_BYTES = 100_000
MAX_FLOOD_ROWS = 10
FORMULA = '=HYPERLINK("http://evil","x")'

runner = CliRunner()


@pytest.fixture(scope="module")
def env(demo_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """This module's own app (its audit log is measured)."""
    environment = make_env(demo_store_file, tmp_path_factory.mktemp("audit-bounds"))
    yield environment
    environment.client.close()


def _tiny_app() -> FastAPI:
    """An app with a login-protected route, a login route and nothing else."""
    app = FastAPI()

    @app.get("/datasets")
    def datasets() -> None:
        raise HTTPException(status_code=401, detail="not logged in")

    return app


async def _flood(app: AuditMiddleware, n: int) -> None:
    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        return None

    for i in range(n):
        path = "/datasets" if i % 2 else f"/no/such/path/{i}"
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": path, "raw_path": path.encode(),
            "root_path": "", "query_string": BIG_QUERY, "headers": [],
            "client": ("203.0.113.9", 40000 + i % 1000), "server": ("testserver", 80),
        }  # fmt: skip
        await app(scope, receive, send)  # type: ignore[arg-type]


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def test_anonymous_flood_is_counted_not_stored(tmp_path: Path) -> None:
    path = tmp_path / "users.sqlite"
    AuditLog(path, retention_days=30).close()
    before = _size(path)
    log = AuditLog(path, retention_days=30)
    asyncio.run(_flood(AuditMiddleware(_tiny_app(), audit=log), FLOOD))
    stored, counts = log.count(), log.counts()
    log.close()  # the last connection folds the write-ahead log into the file
    grown = _size(path) - before
    assert stored < MAX_FLOOD_ROWS  # was 10,000 rows (one per request)
    assert grown < MAX_GROWTH_BYTES, grown  # was ~48 MB
    assert sum(c.count for c in counts) == FLOOD
    by_route = {(c.route, c.status): c.count for c in counts}
    assert by_route == {("/datasets", 401): FLOOD // 2, (UNMATCHED, 404): FLOOD // 2}


def test_anonymous_requests_to_the_service_are_counted(env: Env) -> None:
    stored = env.state.audit.count()
    for i in range(50):
        env.client.get(f"/datasets?{BIG_QUERY.decode()}")
        env.client.get(f"/nothing/here/{i}?{BIG_QUERY.decode()}")
    assert env.state.audit.count() == stored
    counts = env.get("/audit/counts", "admin").json()
    assert {"day", "route", "method", "status", "count"} == set(counts[0])
    by_route = {(c["route"], c["status"]): c["count"] for c in counts}
    assert by_route[("/datasets", 401)] >= 50 and by_route[(UNMATCHED, 404)] >= 50
    assert not any("/nothing/here" in c["route"] for c in counts)


def test_bound_params_cuts_values_names_count_and_size() -> None:
    huge = {f"p{i}": "v" * 4096 for i in range(100)} | {"n" * 500: 1, "many": ["x"] * 1000}
    bounded = bound_params(huge)
    assert bounded[TRUNCATED] is True
    assert len(json.dumps(bounded)) <= MAX_PARAMS_JSON
    values = [v for k, v in bounded.items() if k != TRUNCATED]
    assert 0 < len(values) <= MAX_PARAMS
    assert all(len(v) == MAX_PARAM_CHARS and v.endswith(CUT) for v in values)
    assert bound_params({"eps_m": "180", "n": 3}) == {"eps_m": "180", "n": 3}
    many = bound_params({"kind": "incidents", "a": [str(i) for i in range(100)]})
    assert many["kind"] == "incidents" and len(many["a"]) == MAX_PARAMS - 1 and many[TRUNCATED]


def test_authenticated_entries_are_bounded(env: Env) -> None:
    query = "&".join(f"junk{i}={'J' * 1000}" for i in range(40))
    env.get(f"/auth/me?{query}", "planner")
    entry = next(e for e in env.get("/audit", "admin").json() if e["route"] == "/auth/me")
    params = entry["params"]
    assert params[TRUNCATED] is True and len(json.dumps(params)) <= MAX_PARAMS_JSON
    assert all(len(v) <= MAX_PARAM_CHARS for k, v in params.items() if k != TRUNCATED)


def test_login_attempts_are_stored_with_the_user_name_cut(env: Env) -> None:
    name = "u" * 5000
    env.client.post("/auth/token", data={"username": name, "password": "secret-guess-1"})
    entry = next(e for e in env.get("/audit", "admin").json() if e["route"] == "/auth/token")
    assert entry["user"] == UNKNOWN_LOGIN and entry["outcome"] == "unauthenticated"
    assert "secret-guess-1" not in json.dumps(entry) and "uuuu" not in json.dumps(entry)


def test_a_login_name_that_is_no_user_is_not_stored(env: Env) -> None:
    """A password or a person's name typed into the name field never reaches the log."""
    for typed in ("Sunita Devi 9876501234", "सुनीता देवी", "my-password-typed-here"):
        env.client.post("/auth/token", data={"username": typed, "password": "x-guess-1"})
    text = json.dumps(env.get("/audit?limit=1000", "admin").json(), ensure_ascii=False)
    for typed in ("Sunita", "9876501234", "सुनीता", "my-password"):
        assert typed not in text
    env.client.post("/auth/token", data={"username": "analyst", "password": "wrong-guess-1"})
    entry = next(e for e in env.get("/audit", "admin").json() if e["route"] == "/auth/token")
    assert entry["user"] == "analyst"  # a real user's failed login still names them


def _entry(at: dt.datetime, user: str = "planner") -> AuditEntry:
    return AuditEntry(
        at=at.isoformat(timespec="milliseconds"), user=user, role="planner", method="GET",
        route="/hotspots", path="/hotspots", params={}, thana=None, status=200, outcome="ok",
        duration_ms=1.0,
    )  # fmt: skip


def test_retention_deletes_old_entries_on_start(tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    path = tmp_path / "users.sqlite"
    log = AuditLog(path, retention_days=30)
    log.record(_entry(now - dt.timedelta(days=40), "old"))
    log.record(_entry(now - dt.timedelta(days=1), "recent"))
    old_day = (now - dt.timedelta(days=40)).isoformat()
    log.record_anonymous(old_day, "GET", None, 404)
    log.record_anonymous(now.isoformat(), "GET", None, 404)
    assert log.count() == 2 and len(log.counts()) == 2
    log.close()
    log = AuditLog(path, retention_days=30)
    assert [e.user for e in log.entries()] == ["recent"]
    assert [c.day for c in log.counts()] == [now.date().isoformat()]
    log.close()


def test_writer_applies_retention_while_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_module, "PRUNE_EVERY_ROWS", 1)
    log = AuditLog(tmp_path / "users.sqlite", retention_days=30)
    now = dt.datetime.now(dt.UTC)
    log.record(_entry(now - dt.timedelta(days=40), "old"))
    log.record(_entry(now, "new"))
    assert [e.user for e in log.entries()] == ["new"]
    log.close()


def test_hard_cap_keeps_the_newest(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "users.sqlite", retention_days=30, max_rows=50)
    now = dt.datetime.now(dt.UTC)
    for i in range(120):
        log.record(_entry(now, f"u{i}"))
    assert log.count() == 50
    assert log.entries(limit=1)[0].user == "u119"
    log.close()


def test_get_audit_csv_json_and_filters(env: Env) -> None:
    env.state.audit.record(_entry(dt.datetime.now(dt.UTC), FORMULA))  # a formula in the log
    entries = env.get("/audit?limit=1000", "admin").json()
    assert isinstance(entries, list) and set(entries[0]) == set(AUDIT_COLUMNS)
    response = env.get("/audit?format=csv&limit=1000", "admin")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = pd.read_csv(io.StringIO(response.text), keep_default_na=False)
    assert list(table.columns) == list(AUDIT_COLUMNS)
    assert len(table) == len(entries) + 1  # and the JSON read just before
    assert ESCAPE + FORMULA in set(table["user"])  # never a raw formula cell
    assert FORMULA not in set(table["user"])
    today = dt.datetime.now(dt.UTC).date()
    mine = env.get(f"/audit?who=planner&from={today}&to={today}", "admin").json()
    assert mine and {e["user"] for e in mine} == {"planner"}
    later = today + dt.timedelta(days=2)
    assert env.get(f"/audit?from={later}", "admin").json() == []
    assert env.get(f"/audit?to={today - dt.timedelta(days=400)}", "admin").json() == []
    backwards = env.get(f"/audit?from={today}&to={today - dt.timedelta(days=1)}", "admin")
    assert backwards.status_code == 422 and "after it ends" in backwards.text
    assert env.get("/audit?format=xlsx", "admin").status_code == 422
    assert env.get("/audit?format=csv", "planner").status_code == 403
    counts = env.get("/audit/counts?format=csv", "admin")
    assert counts.text.startswith("\ufeffday,route,method,status,count")  # BOM: Excel reads UTF-8


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.chdir(tmp_path)
    for var in ("SHAKTI_STORE", "SHAKTI_USERS_DB", "SHAKTI_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_cli_audit_export(env: Env, tmp_path: Path) -> None:
    store = str(env.folder / "store.gpkg")
    env.state.audit.record(_entry(dt.datetime.now(dt.UTC), FORMULA))  # a formula in the log
    stored = env.state.audit.count()
    out = tmp_path / "audit.csv"
    result = runner.invoke(cli_app, ["audit", "export", "--store", store, "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns) == list(AUDIT_COLUMNS) and len(table) == stored
    assert ESCAPE + FORMULA in set(table["user"]) and FORMULA not in set(table["user"])
    as_json = tmp_path / "planner.json"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    args = ["--out", str(as_json), "--user", "planner", "--from", today, "--to", today, "--json"]
    result = runner.invoke(cli_app, ["audit", "export", "--store", store, *args])
    assert result.exit_code == 0, result.output
    rows = json.loads(as_json.read_text(encoding="utf-8"))
    assert rows and {r["user"] for r in rows} == {"planner"}
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["rows"] == len(rows) and summary["format"] == "json"
    counters = tmp_path / "counts.csv"
    result = runner.invoke(
        cli_app, ["audit", "export", "--store", store, "--counts", "--out", str(counters)]
    )
    assert result.exit_code == 0, result.output
    assert pd.read_csv(counters)["count"].sum() > 0


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "yesterday"], "is not a day"),
        (["--from", "2026-02-02", "--to", "2026-02-01"], "after it ends"),
        (["--store", "missing.gpkg"], "no users and audit file"),
    ],
)
def test_cli_audit_export_errors(env: Env, tmp_path: Path, args: list[str], message: str) -> None:
    store = ["--store", str(env.folder / "store.gpkg")]
    result = runner.invoke(cli_app, ["audit", "export", *store, "--out", "x.csv", *args])
    assert result.exit_code == 2
    assert message in result.output


@pytest.mark.usefixtures("cli_env")
def test_cli_audit_export_never_replaces_the_store_or_the_log(env: Env) -> None:
    """``--out`` naming the store or the users and audit file is refused; both are kept."""
    from api.service.users import users_path
    from geo.store import open_store

    store = env.folder / "store.gpkg"
    log = users_path(None, store)
    stored = env.state.audit.count()
    for out, message in (
        (store, "it is a Shakti store"),
        (log, "it is the service's users and audit file"),
    ):
        args = ["audit", "export", "--store", str(store), "--out", str(out)]
        result = runner.invoke(cli_app, args)
        assert result.exit_code == 2, result.output
        assert f"refusing to write {out.name}: {message}" in result.output
    assert open_store(store).count("thanas") > 0
    assert env.state.audit.count() == stored
