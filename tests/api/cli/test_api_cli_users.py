"""shakti users disable / enable / remove / passwd / set, each change in the audit log."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import api.cli.service  # noqa: F401  (registers the users commands)
from api.cli.common import app
from api.cli.service import CLI_AUDIT_ROLE, CLI_AUDIT_USER
from api.service.audit import AuditLog
from api.service.users import Role, UserStore, default_users_path

runner = CliRunner()
PASSWORD = "cli-password-123"


@pytest.fixture
def store(demo_store_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from geo.settings import get_settings

    monkeypatch.chdir(tmp_path)
    for name in ("SHAKTI_USERS_DB", "SHAKTI_SECRET_KEY", "SHAKTI_STORE"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    path = tmp_path / "store.gpkg"
    shutil.copyfile(demo_store_file, path)
    users = UserStore(default_users_path(path))
    users.add("asha", Role.PLANNER, password=PASSWORD)
    users.close()
    return path


def _run(store: Path, *args: str) -> str:
    result = runner.invoke(app, ["users", *args, "--store", str(store)])
    assert result.exit_code == 0, result.output
    return result.output


def _users(store: Path) -> UserStore:
    return UserStore(default_users_path(store))


def _audit(store: Path) -> list[dict[str, object]]:
    log = AuditLog(default_users_path(store))
    try:
        return [entry.as_dict() for entry in log.entries(limit=100)]
    finally:
        log.close()


def test_disable_enable(store: Path) -> None:
    assert "disabled" in _run(store, "disable", "asha")
    users = _users(store)
    assert users.get("asha").disabled  # type: ignore[union-attr]
    assert users.authenticate("asha", PASSWORD) is None
    listed = _run(store, "list")
    assert "disabled" in listed
    _run(store, "enable", "asha")
    assert users.authenticate("asha", PASSWORD) is not None
    users.close()
    entries = _audit(store)
    assert [e["route"] for e in entries[:2]] == ["shakti users enable", "shakti users disable"]
    first = entries[1]
    assert first["user"] == CLI_AUDIT_USER and first["role"] == CLI_AUDIT_ROLE
    assert first["method"] == "PATCH" and first["params"] == {"name": "asha"}
    assert first["status"] == 200 and first["outcome"] == "ok"


def test_passwd_prints_a_generated_password_once(store: Path) -> None:
    output = _run(store, "passwd", "asha")
    password = output.split("password:")[1].split()[0]
    users = _users(store)
    assert users.authenticate("asha", password) is not None
    assert users.authenticate("asha", PASSWORD) is None
    assert "password:" not in _run(store, "passwd", "asha", "--password", "chosen-password-1")
    assert users.authenticate("asha", "chosen-password-1") is not None
    users.close()
    entries = _audit(store)
    assert entries[0]["params"] == {"name": "asha", "generated": False}
    assert password not in str(entries) and "chosen-password-1" not in str(entries)


def test_set_and_remove(store: Path) -> None:
    assert "incharge of thana Lanka" in _run(
        store, "set", "asha", "--role", "incharge", "--thana", "Lanka"
    )
    users = _users(store)
    assert users.get("asha").thana == "Lanka"  # type: ignore[union-attr]
    _run(store, "remove", "asha")
    assert users.get("asha") is None
    users.close()
    assert [e["route"] for e in _audit(store)[:2]] == ["shakti users remove", "shakti users set"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["disable", "nobody"], "does not exist"),
        (["remove", "nobody"], "does not exist"),
        (["passwd", "asha", "--password", "short"], "shorter"),
        (["set", "asha", "--thana", "Lanka"], "only for an in-charge"),
        (["set", "asha", "--role", "incharge", "--thana", "Atlantis"], "not in the store"),
    ],
)
def test_refused_changes_exit_2_and_are_audited(store: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["users", *args, "--store", str(store)])
    assert result.exit_code == 2 and message in result.output
    latest = _audit(store)[0]
    assert latest["route"] == f"shakti users {args[0]}" and latest["outcome"] == "rejected"


def test_add_is_audited(store: Path) -> None:
    _run(store, "add", "ravi", "--role", "analyst")
    latest = _audit(store)[0]
    assert latest["route"] == "shakti users add" and latest["params"] == {
        "name": "ravi",
        "role": "analyst",
        "user_thana": None,
        "replace": False,
    }
