"""Team names and counts: names safe in links and file names, bounded teams per thana and plan."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import models.patrol.plan
from geo.errors import InputTooLargeError, ParameterError
from models.patrol import MAX_SLOTS, PlanParams
from models.patrol.teams import (
    MAX_TEAM_NAME_CHARS,
    MAX_TEAMS,
    MAX_TEAMS_PER_THANA,
    TEAM_NAME_PATTERN,
    check_team_name,
    check_teams,
    default_team_name,
    make_team,
    read_teams,
    resolve_teams,
)
from tests.models.patrol.test_patrol import plan_of, site, teams_of

GOOD_NAMES = ["Lanka-1", "लंका-1", "शिवपुर टीम", "Team 2.b", "Sigra_3", "لنکا-1", "Ünal", "7"]
#: Refused names and what the message says (literally).
BAD_NAMES = {
    "a/b": "may not contain '/'",
    "a\\b": "may not contain " + repr("\\"),
    "a?b": "may not contain '?'",
    "a#b": "may not contain '#'",
    "a%2Fb": "may not contain '%'",
    "a\nb": "may not contain " + repr("\n"),
    "..": "must start with a letter or digit",
    ".hidden": "must start with a letter or digit",
    "-x": "must start with a letter or digit",
    "x" * (MAX_TEAM_NAME_CHARS + 1): f"longer than {MAX_TEAM_NAME_CHARS} characters",
    "  ": "the team name is empty",
}


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_names_in_any_script_are_accepted(name: str) -> None:
    assert re.fullmatch(TEAM_NAME_PATTERN, name)
    assert check_team_name(f" {name} ") == name
    assert make_team("Lanka", name, "08:00", "12:00", "bike").team == name


@pytest.mark.parametrize(("name", "message"), BAD_NAMES.items())
def test_link_breaking_names_are_refused_naming_the_team_and_fix(name: str, message: str) -> None:
    with pytest.raises(ParameterError, match=f"teams.csv row 2: .*{re.escape(message)}") as info:
        check_team_name(name, where="teams.csv row 2")
    assert "Fix: use at most 40 letters" in str(info.value)


def test_a_long_name_is_shown_cut() -> None:
    with pytest.raises(ParameterError) as info:
        check_team_name("y" * 5000)
    assert len(str(info.value)) < 600


def test_teams_file_with_a_slash_in_a_name_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    path.write_text(
        "thana,team,shift_start,shift_end,mode\nLanka,L-1,08:00,12:00,bike\n"
        "Lanka,night/patrol,16:00,22:00,bike\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match=r"teams\.csv row 2: team name 'night/patrol'"):
        read_teams(path)


def test_teams_file_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "teams.csv"
    rows = [f"T{i},L-{i},08:00,12:00,bike" for i in range(MAX_TEAMS + 1)]
    path.write_text("thana,team,shift_start,shift_end,mode\n" + "\n".join(rows), "utf-8")
    with pytest.raises(InputTooLargeError, match=f"lists {MAX_TEAMS + 1} teams.*Fix:"):
        read_teams(path)


def test_too_many_teams_in_a_thana_are_refused_naming_it() -> None:
    teams = [make_team("Lanka", f"L-{i}", "08:00", "12:00", "bike") for i in range(13)]
    with pytest.raises(ParameterError, match="thana 'Lanka' has 13 teams, more than the 12"):
        check_teams(teams)
    with pytest.raises(ParameterError, match="thana 'Lanka' has 13 teams"):
        resolve_teams(["Lanka"], teams)
    check_teams(teams[:MAX_TEAMS_PER_THANA])


def test_too_many_teams_in_a_plan_and_default_teams_are_bounded() -> None:
    teams = [make_team(f"T{i // 4}", f"X-{i}", "08:00", "12:00", "bike") for i in range(201)]
    with pytest.raises(ParameterError, match=f"201 teams are more than the {MAX_TEAMS}"):
        check_teams(teams)
    with pytest.raises(ParameterError, match=r"teams per thana must be a whole number in 1\.\.12"):
        resolve_teams(["A"], per_thana=MAX_TEAMS_PER_THANA + 1)
    many = resolve_teams([f"thana {i}" for i in range(80)])  # defaults: not limited in total
    assert len(many.teams) == 240


def test_default_names_are_valid_even_for_odd_thana_names() -> None:
    assert default_team_name("Lanka", 2) == "Lanka-2"
    assert default_team_name("Kotwali/City", 1) == "Kotwali-City-1"
    assert default_team_name("दशाश्वमेध", 3) == "दशाश्वमेध-3"
    long = default_team_name("x" * 100, 12)
    assert len(long) == MAX_TEAM_NAME_CHARS and long.endswith("-12")
    assert [t.team for t in resolve_teams(["A/B"]).teams] == ["A-B-1", "A-B-2", "A-B-3"]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(thana=st.text(min_size=1, max_size=80).filter(str.strip), number=st.integers(1, 99))
def test_any_thana_gives_a_valid_default_team_name(thana: str, number: int) -> None:
    name = default_team_name(thana, number)
    assert check_team_name(name) == name


def test_a_thana_day_plans_at_most_max_slots_keeping_must_visits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert MAX_SLOTS >= 200  # 12 teams × ~16 stops a day fit with room to choose
    monkeypatch.setattr(models.patrol.plan, "MAX_SLOTS", 3)
    places = [site(i, 300.0 * i, 0.0, risk=0.9 - 0.1 * i, disperse=600 + 45 * i) for i in range(6)]
    no_noise = PlanParams(variation=0.0)
    plan = plan_of(places, teams_of(("08:00", "14:00", "bike")), must=["S5"], params=no_noise)
    visited = {stop.place.place_id for route in plan.routes for stop in route.stops}
    assert "site-S5" in visited  # the lowest-risk place, but a must-visit one
    assert visited <= {"site-S0", "site-S1", "site-S5"}
    assert any("only the 3 most valuable of up to 6 candidate stops" in n for n in plan.notes)


@pytest.mark.parametrize(
    "name", ["9876543210", "Ravi 98765 43210", "टीम ९८७६५४३२१०", "2345 6789 0123", "+91-9876543210"]
)
def test_a_phone_or_aadhaar_as_a_team_name_is_refused_without_echoing_it(name: str) -> None:
    """A team named by an officer's mobile would be stored with the plan and printed on sheets."""
    with pytest.raises(ParameterError, match=r"teams\.csv row 2: the team name holds a phone") as e:
        check_team_name(name, where="teams.csv row 2")
    for digits in ("98765", "९८७६५", "6789"):
        assert digits not in str(e.value)
    with pytest.raises(ParameterError, match="holds a phone, Aadhaar or e-mail value"):
        make_team("Lanka", name, "08:00", "12:00", "bike")


@pytest.mark.parametrize(
    "name",
    [
        "Ravi Kumar",
        "रवि कुमार",
        "Smt Sunita",
        "Sunita Devi",
        "Priya",
        "SI Yadav",
        "आरक्षी वर्मा",
        "Md Salim",
    ],
)
def test_a_persons_name_as_a_team_name_is_refused_without_echoing_it(name: str) -> None:
    """Teams are named by place and number; an officer's name would be printed on sheets."""
    with pytest.raises(ParameterError, match=r"row 4: the team name reads as a person's name") as e:
        check_team_name(name, where="teams.csv row 4")
    assert name not in str(e.value)
    with pytest.raises(ParameterError, match="reads as a person's name"):
        make_team("Lanka", name, "08:00", "12:00", "bike")


@pytest.mark.parametrize(
    "name", ["Lanka-1", "लंका-1", "Durga squad", "Ram Nagar 2", "Pink-3", "SHO Sigra", "SI team 2"]
)
def test_place_and_squad_team_names_are_kept(name: str) -> None:
    assert check_team_name(name) == name


@pytest.mark.parametrize(
    ("header", "row", "secret"),
    [
        ("", "Lanka,L-1,98765 43210,12:00,bike", "43210"),
        ("", "Lanka,L-1,08:00,12:00,Ravi Kumar", "Ravi"),
        (",speed_kmh", "Lanka,L-1,08:00,12:00,bike,9876543210", "9876543210"),
        (",start_lon,start_lat", "Lanka,L-1,08:00,12:00,bike,Ravi Kumar,25.3", "Ravi"),
    ],
)
def test_an_error_never_quotes_a_personal_value(
    tmp_path: Path, header: str, row: str, secret: str
) -> None:
    """A phone or a name typed into a shift, mode, speed or start cell is not sent back."""
    path = tmp_path / "teams.csv"
    path.write_text(f"thana,team,shift_start,shift_end,mode{header}\n{row}\n", "utf-8")
    with pytest.raises(ParameterError) as caught:
        read_teams(path)
    assert secret not in str(caught.value)
    assert "(withheld: personal)" in str(caught.value)
