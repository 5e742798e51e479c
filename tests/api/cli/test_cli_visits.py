"""Tests for ``shakti patrol log import``: a Hindi visit log checked against plan.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

import api.cli  # noqa: F401  (registers ``shakti patrol log``)
from api.cli.common import app
from api.cli.patrol import PLAN_ID_FILE
from models.patrol.export import PLAN_JSON

runner = CliRunner()


def test_a_hindi_visit_log_is_imported_against_the_plan_json(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    made = runner.invoke(
        app,
        ["patrol", "plan", "--store", str(store), "--thana", "Lanka", "--days", "1",
         "--out", str(out)],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    route = json.loads((out / PLAN_JSON).read_text("utf-8"))["routes"][0]
    team, day = route["team"], route["date"]
    log = pd.DataFrame(
        {
            "टीम": [team, team, team],
            "दिनांक": [day] * 3,
            "पड़ाव संख्या": ["1", "2", "77"],
            "आगमन": [f"{day} 18:00", None, None],
            "प्रस्थान": [f"{day} 18:14", None, None],
            "स्थिति": ["visited", "missed", "missed"],
            "अधिकारी का नाम": ["Ravi Kumar"] * 3,
        }
    )
    path = tmp_path / "log.csv"
    log.to_csv(path, index=False)
    args = ["patrol", "log", "import", str(path), "--store", str(store), "--json"]
    no_plan = runner.invoke(app, [*args, "--plan", "P7"])
    assert no_plan.exit_code == 2 and "P7" in no_plan.output  # no such plan saved
    result = runner.invoke(app, [*args, "--plan", "P7", "--plan-json", str(out / PLAN_JSON)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["accepted"] == 2 and summary["quarantined"] == 1
    assert summary["reasons"] == {"stop-not-in-plan": 1}
    assert "Ravi" not in result.output
    hindi = runner.invoke(app, [*args, "--plan", "P7", "--lang", "hi"])
    assert hindi.exit_code == 2
    # the plan saved by `shakti patrol plan`: found by its id alone
    plan_id = (out / PLAN_ID_FILE).read_text("utf-8").strip()
    draft = runner.invoke(app, [*args, "--plan", plan_id])
    assert draft.exit_code == 2 and "draft" in draft.output and "issue" in draft.output
    issued = runner.invoke(app, ["patrol", "issue", plan_id, "--store", str(store)])
    assert issued.exit_code == 0, issued.output
    saved = runner.invoke(app, [*args, "--plan", plan_id])
    assert saved.exit_code == 0, saved.output
    again = json.loads(saved.output.strip().splitlines()[-1])
    assert again["accepted"] == 2 and again["reasons"] == {"stop-not-in-plan": 1}


def test_the_next_plan_follows_up_recorded_misses(store: Path, tmp_path: Path) -> None:
    """After the Hindi log above (same module store), the next plan says what was missed."""
    out = tmp_path / "next"
    args = ["patrol", "plan", "--store", str(store), "--thana", "Lanka", "--days", "1"]
    made = runner.invoke(app, [*args, "--out", str(out), "--json"])
    assert made.exit_code == 0, made.output
    stops = pd.read_csv(out / "stops.csv")
    assert stops["reason"].str.contains("planned visit").any()
    plain = runner.invoke(app, [*args, "--out", str(tmp_path / "plain"), "--follow-up", "0"])
    assert plain.exit_code == 0, plain.output
    assert (
        not pd.read_csv(tmp_path / "plain" / "stops.csv")["reason"]
        .str.contains("planned visit")
        .any()
    )


def test_patrol_effect_runs_and_says_plainly_when_data_are_too_few(store: Path) -> None:
    result = runner.invoke(
        app, ["patrol", "effect", "--store", str(store), "--thana", "Lanka", "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["verdict"] == "too-few" and summary["estimate"] is None
    assert "too few data to tell" in result.output


def test_patrol_dosage_prints_writes_and_refuses_bad_files(store: Path, tmp_path: Path) -> None:
    """After the Hindi log above (same module store): 2 visits of one week, 1 made, 1 missed."""
    out = tmp_path / "dosage.csv"
    args = ["patrol", "dosage", "--store", str(store), "--thana", "Lanka"]
    result = runner.invoke(app, [*args, "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output.strip().splitlines()[-1])
    assert report["summary"]["visited"] >= 1 and report["summary"]["missed"] >= 1
    assert report["summary"]["minutes"] >= 14
    assert "Minutes of presence" in result.output
    written = pd.read_csv(out, encoding="utf-8-sig")
    assert len(written) == len(report["rows"]) and "minutes_per_visit" in written.columns
    bad = runner.invoke(app, [*args, "--out", str(tmp_path / "dosage.txt")])
    assert bad.exit_code == 2 and "CSV or XLSX" in bad.output
    hindi = runner.invoke(app, [*args, "--lang", "hi"])
    assert hindi.exit_code == 0, hindi.output


def test_log_demo_writes_and_imports_a_synthetic_log_of_an_issued_plan(
    store: Path, tmp_path: Path
) -> None:
    made = runner.invoke(
        app,
        ["patrol", "plan", "--store", str(store), "--thana", "Lanka", "--days", "2",
         "--out", str(tmp_path / "plan")],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    plan_id = (tmp_path / "plan" / PLAN_ID_FILE).read_text("utf-8").strip()
    out = tmp_path / "visits-SYNTHETIC.csv"
    args = ["patrol", "log", "demo", "--store", str(store), "--plan", plan_id, "--out", str(out)]
    draft = runner.invoke(app, args)
    assert draft.exit_code == 2 and "draft" in draft.output and not out.exists()
    assert runner.invoke(app, ["patrol", "issue", plan_id, "--store", str(store)]).exit_code == 0
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert "SYNTHETIC" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    stops = len(pd.read_csv(tmp_path / "plan" / "stops.csv"))
    assert summary["accepted"] == stops == len(pd.read_csv(out)) and summary["quarantined"] == 0
    again = runner.invoke(app, [*args, "--json"])  # the same seed: the same rows, no duplicates
    assert json.loads(again.output.strip().splitlines()[-1])["inserted"] == 0
    wrong = runner.invoke(app, [*args[:-1], str(tmp_path / "visits.xlsx")])
    assert wrong.exit_code == 2 and "CSV" in wrong.output
