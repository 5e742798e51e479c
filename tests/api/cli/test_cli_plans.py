"""``shakti patrol list|show|issue|done|cancel``: saved plans on the command line, audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import api.cli  # noqa: F401  (registers every command)
from api.cli.common import app
from api.cli.patrol import PLAN_ID_FILE
from api.service.audit import AuditLog
from api.service.users import default_users_path
from maps.field_files import FIELD_FOLDER

runner = CliRunner()


def run(*args: str, code: int = 0) -> Any:
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output
    return result


def last_json(result: Any) -> Any:
    return json.loads(result.output.strip().splitlines()[-1])


def test_plan_is_saved_listed_issued_and_cancelled(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    made = last_json(
        run("patrol", "plan", "--store", str(store), "--thana", "Lanka", "--days", "1",
            "--out", str(out), "--json")
    )  # fmt: skip
    plan_id = made["plan_id"]
    assert made["status"] == "draft"
    assert (out / PLAN_ID_FILE).read_text(encoding="utf-8").strip() == plan_id
    listed = last_json(run("patrol", "list", "--store", str(store), "--json"))["plans"]
    assert listed[0]["plan_id"] == plan_id and listed[0]["thana"] == "Lanka"
    shown = last_json(run("patrol", "show", plan_id, "--store", str(store), "--json"))
    assert shown["summary"]["days"] == 1 and shown["status"] == "draft"
    issued = last_json(run("patrol", "issue", plan_id, "--store", str(store), "--json"))
    assert issued["status"] == "issued" and issued["updated_by"] == "shakti-cli"
    run("patrol", "cancel", plan_id, "--store", str(store))
    refused = run("patrol", "issue", plan_id, "--store", str(store), code=2)
    assert "is cancelled and cannot be set issued" in refused.output
    log = AuditLog(default_users_path(store))
    try:
        log.flush()
        routes = [(e.route, e.params.get("plan_id"), e.status) for e in log.entries(limit=10)]
    finally:
        log.close()
    assert ("shakti patrol plan", plan_id, 200) in routes
    assert ("shakti patrol issue", plan_id, 200) in routes
    assert ("shakti patrol cancel", plan_id, 200) in routes
    assert ("shakti patrol issue", plan_id, 409) in routes


def test_unknown_plan_and_status_say_how_to_fix(store: Path) -> None:
    missing = run("patrol", "show", "nope", "--store", str(store), code=2)
    assert "no saved patrol plan 'nope'" in missing.output and "patrol list" in missing.output
    bad = run("patrol", "list", "--status", "lost", "--store", str(store), code=2)
    assert "not a plan status" in bad.output


def test_list_in_hindi(store: Path) -> None:
    result = run("patrol", "list", "--store", str(store), "--lang", "hi")
    assert (
        "सहेजी गई गश्त योजनाएँ" in result.output and "रद्द" in result.output
    )  # the plan cancelled above


def test_plan_and_export_write_gpx_and_kml_per_team_and_day(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    made = last_json(
        run("patrol", "plan", "--store", str(store), "--thana", "Lanka", "--days", "2",
            "--out", str(out), "--json")
    )  # fmt: skip
    gpx = sorted((out / FIELD_FOLDER).rglob("*.gpx"))
    assert len(gpx) == 6 and len(list((out / FIELD_FOLDER).rglob("*.kml"))) == 6
    assert made["field_files"] == 13
    again = tmp_path / "again"
    exported = last_json(
        run("patrol", "export", made["plan_id"], "--store", str(store), "--out", str(again),
            "--json")
    )  # fmt: skip
    assert exported["plan_id"] == made["plan_id"] and exported["status"] == "draft"
    for path in gpx:  # the saved plan gives the same files
        twin = again / path.relative_to(out)
        assert twin.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")
    assert len(list((again / "sheets").rglob("*.html"))) == 6
