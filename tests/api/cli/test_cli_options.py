"""Options shared by commands: ``api.cli.common.option_group`` and ``api.cli.options``."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pytest
import typer
from typer.testing import CliRunner

from api.cli.common import (
    GRID_PARAMS,
    SelectionOptions,
    command,
    grid_options,
    group,
    option,
    option_group,
)
from api.cli.options import check_windows
from api.cli.patrol import PlanOptions
from api.usecases.budget import GRID_DEFAULTS, GridParams
from geo.errors import ParameterError, StoreError

runner = CliRunner()

SizeOpt = Annotated[int, typer.Option("--size", help="A size.", min=1)]
UnitOpt = Annotated[str, typer.Option("--unit", help="A unit.")]


def _measure(*, size: int, unit: str) -> str:
    if unit not in ("m", "km"):
        raise ParameterError(f"unknown unit {unit!r}", fix="give --unit m or km")
    return f"{size} {unit}"


measured = option_group(
    "measure", (option("size", SizeOpt), option("unit", UnitOpt, "m")), _measure
)
toy = group("toy", "A toy group.")
seen: list[tuple[str, str]] = []


@command("one", group=toy)
@measured
def one_cmd(measure: str, label: Annotated[str, typer.Option("--label")] = "a") -> None:
    seen.append((label, measure))


@command("cells", group=toy)
@grid_options
def cells_cmd(g: GridParams) -> None:
    seen.append((g.grid, f"{g.cell_m:g}"))


@command("two", group=toy, lang=True)
@measured
def two_cmd(measure: str) -> None:
    seen.append(("two", measure))


def test_commands_of_an_option_group_get_its_options_as_one_value() -> None:
    seen.clear()
    assert runner.invoke(toy, ["one", "--size", "3", "--label", "b"]).exit_code == 0
    assert runner.invoke(toy, ["two", "--size", "2", "--unit", "km", "--lang", "hi"]).exit_code == 0
    assert seen == [("b", "3 m"), ("two", "2 km")]
    help_text = runner.invoke(toy, ["one", "--help"]).output
    assert "--size" in help_text and "--unit" in help_text and "--label" in help_text


def test_an_option_group_checks_its_options_before_the_command_runs() -> None:
    seen.clear()
    bad = runner.invoke(toy, ["one", "--size", "3", "--unit", "ft"])
    assert bad.exit_code == 2 and "unknown unit 'ft'" in bad.output
    missing = runner.invoke(toy, ["two"])
    assert missing.exit_code == 2 and "--size" in missing.output
    assert seen == []


def test_check_windows_names_the_option_and_the_fix() -> None:
    check_windows({"--train": "90D", "--test": "4W"}, "90D or 4W")
    with pytest.raises(ParameterError, match=r"--horizon 'soon' is not a length.*7D or 90D"):
        check_windows({"--train": "90D", "--horizon": "soon"}, "7D or 90D")


if TYPE_CHECKING:
    from api.usecases.datasets import Reading  # only named: never imported when this runs


def _built(*, size: int) -> int:
    return size


@command("three", group=toy)
@option_group("built", (option("size", SizeOpt),), _built)
def three_cmd(built: Reading, label: Annotated[str, typer.Option("--label")] = "c") -> None:
    seen.append((label, str(built)))


def test_an_option_group_never_evaluates_the_type_of_the_value_it_builds() -> None:
    # ``Reading`` is not defined in this module at run time: evaluating it would fail, so the
    # command line can leave a use case's request class to be imported when the command runs.
    seen.clear()
    assert runner.invoke(toy, ["three", "--size", "4"]).exit_code == 0
    assert seen == [("c", "4")]
    shown = inspect.signature(three_cmd)
    assert list(shown.parameters) == ["label", "size"]
    assert shown.parameters["size"].annotation is SizeOpt


def test_selection_options_choose_the_store_and_the_incidents(store: Path) -> None:
    everything = SelectionOptions(store, None, None, None, None)
    one_day = SelectionOptions(store, None, "2026-01-05", "2026-01-05", None)
    assert everything.settings().store == store
    n_all = len(everything.inputs().incidents)
    n_day = len(one_day.inputs(require_incidents=False).incidents)
    assert 0 <= n_day < n_all
    missing = SelectionOptions(store.with_name("typo.gpkg"), None, None, None, None)
    with pytest.raises(StoreError, match=r"there is no store at .*typo\.gpkg"):
        missing.inputs()


def test_grid_options_give_the_grid_of_the_use_cases_with_their_defaults() -> None:
    seen.clear()
    assert runner.invoke(toy, ["cells"]).exit_code == 0
    assert runner.invoke(toy, ["cells", "--cell-m", "500", "--grid", "h3"]).exit_code == 0
    assert seen == [(GRID_DEFAULTS.grid, "250"), ("h3", "500")]
    assert [p.default for p in GRID_PARAMS] == [250.0, "square"]
    refused = runner.invoke(toy, ["cells", "--cell-m", "0"])
    assert refused.exit_code == 2 and "--cell-m" in refused.output


@pytest.mark.parametrize("args", [["significance"], ["backtest"], ["forecast"]])
def test_commands_of_a_cell_grid_show_its_options(args: list[str]) -> None:
    from api.cli import app

    shown = runner.invoke(app, [*args, "--help"], terminal_width=200).output
    for name in ("--cell-m", "--grid", "Grid cell size in", "Grid kind: square or"):
        assert name in shown


@pytest.mark.parametrize("args", [["forecast"], ["cctv", "gaps"], ["map", "hotspots"]])
def test_commands_with_a_selection_show_its_options(args: list[str]) -> None:
    from api.cli import app

    shown = runner.invoke(app, [*args, "--help"], terminal_width=200).output
    for name in ("--store", "--thana", "--from", "--to", "--category"):
        assert name in shown


def test_plan_options_make_the_request_of_a_patrol_plan() -> None:
    planning = PlanOptions(None, "Lanka", 3, None, "2026-12-01")
    q = planning.request(2, must_visit=("hotspot-1",))
    assert (q.thana, q.days, q.seed, q.start) == ("Lanka", 2, 3, dt.date(2026, 12, 1))
    assert q.teams is None and tuple(q.must_visit) == ("hotspot-1",)
    with pytest.raises(ParameterError, match="--start '1-12-2026' is not a date"):
        PlanOptions(None, None, 0, None, "1-12-2026").request(1)
