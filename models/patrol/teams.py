"""Patrol teams: who patrols which thana, in which shift, on foot, bike or vehicle."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import pandas as pd

from geo.errors import InputFileError, InputTooLargeError, ParameterError
from geo.i18n import _, ngettext, patrol_mode_name
from geo.ingest.privacy import holds_personal_number, reads_as_person_name
from geo.ingest.public_text import quoted

logger = logging.getLogger(__name__)

#: Modes of patrol and their default speed in km/h (urban Varanasi: narrow lanes, traffic).
FOOT: Final = "foot"
BIKE: Final = "bike"
VEHICLE: Final = "vehicle"
MODE_SPEED_KMH: Final[Mapping[str, float]] = MappingProxyType(
    {FOOT: 4.5, BIKE: 18.0, VEHICLE: 22.0}
)
MODES: Final = tuple(MODE_SPEED_KMH)

#: Default number of teams per thana when no teams file is given (or a thana is missing).
DEFAULT_TEAMS_PER_THANA: Final = 3
#: Default shifts (start, end, mode), one per team: school opening, dispersal, evening markets.
DEFAULT_SHIFTS: Final = (
    ("08:00", "14:00", BIKE),
    ("13:00", "19:00", BIKE),
    ("16:00", "22:00", VEHICLE),
)

#: Columns of a teams file (CSV or JSON records); ``speed_kmh``, ``start_lon``/``start_lat``
#: (where the team starts and ends, default the thana's station) and ``team`` are optional.
COL_THANA: Final = "thana"
COL_TEAM: Final = "team"
COL_SHIFT_START: Final = "shift_start"
COL_SHIFT_END: Final = "shift_end"
COL_MODE: Final = "mode"
COL_SPEED_KMH: Final = "speed_kmh"
COL_START_LON: Final = "start_lon"
COL_START_LAT: Final = "start_lat"
TEAM_FILE_COLUMNS: Final = (
    COL_THANA, COL_TEAM, COL_SHIFT_START, COL_SHIFT_END, COL_MODE, COL_SPEED_KMH,
    COL_START_LON, COL_START_LAT,
)  # fmt: skip
_REQUIRED: Final = (COL_THANA, COL_SHIFT_START, COL_SHIFT_END, COL_MODE)
#: Longest shift accepted, in minutes.
MAX_SHIFT_MIN: Final = 16 * 60

#: Most teams one thana may field in a plan. A thana's women's-safety unit runs a few teams a
#: shift (the default is 3 a day, one per shift; a large thana has 2–6 vehicles in the resource
#: audit): 4 teams in each of 3 shifts is 12. The routing solve of a thana-day grows faster
#: than the square of its teams (measured on the demo's Lanka: 12 teams 0.02 s, 50 teams
#: 0.3 s, 100 teams 2 s, 300 teams ~25 s), so a few hundred teams in one thana would hold a
#: worker for minutes over a month.
MAX_TEAMS_PER_THANA: Final = 12
#: Most teams one plan (a teams file or a service request) may list: Varanasi has ~30 thanas
#: with a few teams each (30 × 4 = 120); 200 leaves room for a larger commissionerate.
MAX_TEAMS: Final = 200
#: Longest team name, in characters (it is printed on sheets and is a part of their links).
MAX_TEAM_NAME_CHARS: Final = 40
#: Characters a team name may hold: Unicode letters and digits (``\w``, so Devanagari, Urdu
#: …), the combining marks of Latin and the Indic scripts (matras, anusvara: U+0300–U+036F and
#: U+0900–U+0DFF), space, ``-``, ``_`` and ``.``; it starts with a letter or digit. No ``/``,
#: ``?``, ``#``, ``%`` or control character: the name is a part of the sheet's URL and file
#: name. The length is checked separately (:data:`MAX_TEAM_NAME_CHARS`).
TEAM_NAME_PATTERN: Final = r"^[^\W_][\w\u0300-\u036f\u0900-\u0dff .-]*$"
_TEAM_NAME: Final = re.compile(TEAM_NAME_PATTERN)
#: The fix of a bad team name (also used by the service's request documentation).
TEAM_NAME_FIX: Final = (
    f"use at most {MAX_TEAM_NAME_CHARS} letters (any script), digits, spaces, '-', '_' or '.', "
    "starting with a letter or digit, e.g. Lanka-1 or लंका-1"
)


@dataclass(frozen=True)
class TeamSpec:
    """One patrol team.

    Attributes
    ----------
    thana : str
        The thana it patrols.
    team : str
        Identifier, unique in the plan (``"Lanka-1"``).
    shift_start_min, shift_end_min : int
        Shift in minutes after local midnight; ``end > start`` (a shift crossing midnight
        ends after 1440).
    mode : str
        ``foot``, ``bike`` or ``vehicle``.
    speed_kmh : float
        Average travel speed.
    start_lon, start_lat : float, optional
        Where the team starts and ends; default the thana's police station.
    """

    thana: str
    team: str
    shift_start_min: int
    shift_end_min: int
    mode: str
    speed_kmh: float
    start_lon: float | None = None
    start_lat: float | None = None

    @property
    def shift_label(self) -> str:
        """Return the shift as ``"08:00–14:00"``."""
        return f"{clock(self.shift_start_min)}–{clock(self.shift_end_min)}"


@dataclass(frozen=True)
class Teams:
    """The teams of a plan and the defaults that were applied (reported to the user).

    Attributes
    ----------
    teams : tuple of TeamSpec
    defaults_used : tuple of str
        Sentences naming each default applied.
    """

    teams: tuple[TeamSpec, ...]
    defaults_used: tuple[str, ...]

    def of_thana(self, thana: str) -> tuple[TeamSpec, ...]:
        """Return the teams of one thana, in order."""
        return tuple(t for t in self.teams if t.thana == thana)


def clock(minutes: int) -> str:
    """Return minutes after midnight as ``HH:MM`` (``25:30`` is shown as ``01:30``)."""
    m = int(minutes) % (24 * 60)
    return f"{m // 60:02d}:{m % 60:02d}"


def parse_clock(value: Any, *, what: str = "time") -> int:
    """Return ``HH:MM`` as minutes after midnight.

    Raises
    ------
    geo.errors.ParameterError
        For anything that is not a time of day.
    """
    text = str(value).strip()
    hours, sep, minutes = text.partition(":")
    ok = sep == ":" and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
    if ok and int(hours) < 24 and int(minutes) < 60:
        return int(hours) * 60 + int(minutes)
    raise ParameterError(
        f"{what} {quoted(value)} is not a time of day",
        fix="write it as HH:MM on a 24-hour clock, e.g. 08:00 or 16:30",
    )


def check_team_name(name: Any, *, where: str = "team") -> str:
    """Return a team name, stripped, after checking it against :data:`TEAM_NAME_PATTERN`.

    A team's name is printed on its sheet and is a part of the sheet's link and file name, so
    a ``/`` (a link that 404s), ``..`` or a control character is refused, for a teams file and
    a service request alike; so is a phone, Aadhaar or e-mail value or a name that reads as a
    person's (:func:`geo.ingest.privacy.reads_as_person_name`), refused without being echoed:
    nothing personal is stored or printed.

    Parameters
    ----------
    name : str
    where : str
        Where the team comes from, for the error (``"teams.csv row 3"``).

    Returns
    -------
    str

    Raises
    ------
    geo.errors.ParameterError
        Naming ``where`` and the team (its first characters when it is long), with the fix.
    """
    text = str(name).strip()
    if not text:
        raise ParameterError(f"{where}: the team name is empty", fix=TEAM_NAME_FIX)
    if holds_personal_number(text):  # refused without showing it: it may be a person's
        raise ParameterError(
            f"{where}: the team name holds a phone, Aadhaar or e-mail value, so it is not kept",
            why="a team's name is stored with the plan and printed on its sheet; nothing "
            "personal may be",
            fix=TEAM_NAME_FIX,
        )
    if reads_as_person_name(text):  # likewise not echoed
        raise ParameterError(
            f"{where}: the team name reads as a person's name, so it is not kept",
            why="a team's name is stored with the plan and printed on its sheet; teams are "
            "named by place and number, never by an officer",
            fix=TEAM_NAME_FIX,
        )
    if len(text) > MAX_TEAM_NAME_CHARS:
        raise ParameterError(
            f"{where}: team name {quoted(text)} is longer than {MAX_TEAM_NAME_CHARS} characters",
            why="the name is printed on the team's sheet and is a part of its link",
            fix=TEAM_NAME_FIX,
        )
    if _TEAM_NAME.fullmatch(text) is None:
        bad = [c for c in text if not _allowed(c)]
        problem = f"may not contain {bad[0]!r}" if bad else "must start with a letter or digit"
        raise ParameterError(
            f"{where}: team name {quoted(text)} {problem}",
            why="the name is a part of the team's sheet link and file name",
            fix=TEAM_NAME_FIX,
        )
    return text


def _allowed(char: str) -> bool:
    """Return whether a team name may hold ``char`` after its first character."""
    return _TEAM_NAME.fullmatch("a" + char) is not None


def default_team_name(thana: str, number: int) -> str:
    """Return the name of a thana's ``number``-th team when none is given (``Lanka-1``).

    Characters a team name may not hold (``/`` in a thana's name) become ``-``, and a long
    thana name is shortened, so the name passes :func:`check_team_name`.

    Parameters
    ----------
    thana : str
    number : int

    Returns
    -------
    str
    """
    suffix = f"-{number}"
    base = "".join(c if _allowed(c) else "-" for c in str(thana).strip())
    base = base[: MAX_TEAM_NAME_CHARS - len(suffix)].strip(" .-_") or "team"
    if _TEAM_NAME.fullmatch(base[0]) is None:
        base = "T" + base[: MAX_TEAM_NAME_CHARS - len(suffix) - 1]
    return base + suffix


def check_speed(mode: str, speed_kmh: float | None, *, where: str) -> float:
    """Return the speed of a mode (its default when ``speed_kmh`` is missing).

    Raises
    ------
    geo.errors.ParameterError
        For an unknown mode or a speed that is not a positive number.
    """
    if mode not in MODE_SPEED_KMH:
        raise ParameterError(
            f"{where}: unknown mode {quoted(mode)}", fix="use one of " + ", ".join(MODES)
        )
    if speed_kmh is None:
        return MODE_SPEED_KMH[mode]
    try:
        speed = float(speed_kmh)
    except (TypeError, ValueError):
        speed = math.nan
    if not math.isfinite(speed) or speed <= 0 or speed > 120:
        raise ParameterError(
            f"{where}: speed_kmh must be a number in (0, 120], got {quoted(speed_kmh)}",
            fix=f"give the average speed in km/h, or leave it empty for the {mode} default "
            f"({MODE_SPEED_KMH[mode]:g} km/h)",
        )
    return speed


def make_team(
    thana: str,
    team: str,
    shift_start: str,
    shift_end: str,
    mode: str,
    *,
    speed_kmh: float | None = None,
    start_lon: float | None = None,
    start_lat: float | None = None,
    where: str = "team",
) -> TeamSpec:
    """Build and check one team from its textual fields.

    Parameters
    ----------
    thana, team : str
    shift_start, shift_end : str
        ``HH:MM``; an end at or before the start means the shift crosses midnight.
    mode : str
        ``foot``, ``bike`` or ``vehicle``.
    speed_kmh : float, optional
        Default: the mode's speed (:data:`MODE_SPEED_KMH`).
    start_lon, start_lat : float, optional
    where : str
        Where the team comes from, for errors (``"teams.csv row 3"``).

    Returns
    -------
    TeamSpec

    Raises
    ------
    geo.errors.ParameterError
        Naming ``where`` and the field; for a team name see :func:`check_team_name`.
    """
    name = check_team_name(team, where=where)
    start = parse_clock(shift_start, what=f"{where}: shift_start")
    end = parse_clock(shift_end, what=f"{where}: shift_end")
    if end <= start:
        end += 24 * 60
    if end - start > MAX_SHIFT_MIN:
        raise ParameterError(
            f"{where}: a shift of {(end - start) / 60:g} hours is longer than "
            f"{MAX_SHIFT_MIN // 60} hours",
            fix="split it into two teams (two rows)",
        )
    speed = check_speed(str(mode).strip().lower(), speed_kmh, where=where)
    if (start_lon is None) != (start_lat is None):
        raise ParameterError(
            f"{where}: give both start_lon and start_lat, or neither",
            fix="leave both empty to start at the thana's police station",
        )
    if start_lon is not None and start_lat is not None:
        lon, lat = float(start_lon), float(start_lat)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ParameterError(
                f"{where}: start_lon/start_lat ({lon}, {lat}) are not degrees",
                fix="give WGS84 longitude and latitude (e.g. 82.99, 25.31)",
            )
        start_lon, start_lat = lon, lat
    place = str(thana).strip()
    if not place:
        raise ParameterError(f"{where}: the thana is empty", fix="name the thana it patrols")
    if holds_personal_number(place) or reads_as_person_name(place):  # refused, not echoed
        raise ParameterError(
            f"{where}: the thana holds a phone, Aadhaar or e-mail value or reads as a person's "
            "name, so it is not kept",
            why="a team's thana is stored with the plan's request (and named in its notes when "
            "not planned); nothing personal may be",
            fix="spell the thana as the thana layer does, e.g. Lanka",
        )
    return TeamSpec(
        thana=place,
        team=name,
        shift_start_min=start,
        shift_end_min=end,
        mode=str(mode).strip().lower(),
        speed_kmh=speed,
        start_lon=start_lon,
        start_lat=start_lat,
    )


def _cell(row: Mapping[str, Any], name: str) -> Any:
    value = row.get(name)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def read_teams(path: Path | str) -> list[TeamSpec]:
    """Read a teams file: CSV, or JSON (a list of objects), one team a row.

    Columns: ``thana``, ``shift_start``, ``shift_end``, ``mode`` (required); ``team``,
    ``speed_kmh``, ``start_lon``, ``start_lat`` (optional). A missing ``team`` becomes
    ``<thana>-<n>``.

    Parameters
    ----------
    path : Path or str

    Returns
    -------
    list of TeamSpec

    Raises
    ------
    geo.errors.InputFileError
        When the file cannot be read or lacks a required column.
    geo.errors.ParameterError
        For a bad value, naming the row and the field.
    """
    file = Path(path)
    if not file.exists():
        raise InputFileError(f"teams file {file} does not exist", fix="check the path")
    try:
        if file.suffix.lower() == ".json":
            data = json.loads(file.read_text(encoding="utf-8"))
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise InputFileError(
                    f"{file.name} is not a JSON list of objects",
                    fix='write [{"thana": "Lanka", "shift_start": "08:00", ...}, ...]',
                )
            rows: list[dict[str, Any]] = data
        elif file.suffix.lower() == ".csv":
            table = pd.read_csv(file, dtype=str, keep_default_na=False)
            rows = [{str(k): v for k, v in r.items()} for r in table.to_dict(orient="records")]
        else:
            raise InputFileError(
                f"cannot read teams from {file.name}", fix="give a .csv or .json file"
            )
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputFileError(f"cannot read {file.name}: {exc}", fix="check the file") from exc
    if not rows:
        raise InputFileError(f"{file.name} lists no team", fix="add one row per team")
    if len(rows) > MAX_TEAMS:
        raise InputTooLargeError(
            f"{file.name} lists {len(rows)} teams, more than the {MAX_TEAMS} a plan may have",
            why="a city's women's-safety teams are a few per thana",
            fix="plan a part of the city at a time (one file per group of thanas)",
        )
    missing = [c for c in _REQUIRED if c not in rows[0]]
    if missing:
        raise InputFileError(
            f"{file.name} has no {', '.join(missing)} column",
            why="every team needs its thana, shift and mode",
            fix="columns: " + ", ".join(TEAM_FILE_COLUMNS) + " (the last four are optional)",
        )
    teams: list[TeamSpec] = []
    counts: dict[str, int] = {}
    for i, row in enumerate(rows, start=1):
        where = f"{file.name} row {i}"
        thana = str(_cell(row, COL_THANA) or "")
        counts[thana] = counts.get(thana, 0) + 1
        name = _cell(row, COL_TEAM) or default_team_name(thana, counts[thana])
        for col in _REQUIRED:
            if _cell(row, col) is None:
                raise ParameterError(f"{where}: {col} is empty", fix=f"fill in {col}")
        lon, lat = _cell(row, COL_START_LON), _cell(row, COL_START_LAT)
        try:
            lon_f = None if lon is None else float(lon)
            lat_f = None if lat is None else float(lat)
        except ValueError:
            raise ParameterError(
                f"{where}: start_lon/start_lat ({quoted(lon)}, {quoted(lat)}) are not numbers",
                fix="give degrees such as 82.99 and 25.31",
            ) from None
        teams.append(
            make_team(
                thana,
                str(name),
                str(_cell(row, COL_SHIFT_START)),
                str(_cell(row, COL_SHIFT_END)),
                str(_cell(row, COL_MODE)),
                speed_kmh=_cell(row, COL_SPEED_KMH),
                start_lon=lon_f,
                start_lat=lat_f,
                where=where,
            )
        )
    check_teams(teams, where=file.name)
    return teams


def check_teams(teams: Sequence[TeamSpec], *, where: str = "teams") -> None:
    """Refuse more teams than a plan may have, or than one thana may field, or a name twice.

    Parameters
    ----------
    teams : sequence of TeamSpec
    where : str
        Where they come from, for the error (``"teams.csv"``, ``"teams"``).

    Raises
    ------
    geo.errors.ParameterError
        Above :data:`MAX_TEAMS` teams, above :data:`MAX_TEAMS_PER_THANA` teams in a thana
        (naming it), or for a team name given twice (naming it).
    """
    if len(teams) > MAX_TEAMS:
        raise ParameterError(
            f"{where}: {len(teams)} teams are more than the {MAX_TEAMS} a plan may have",
            why="a city's women's-safety teams are a few per thana",
            fix="plan a part of the city at a time (fewer thanas per plan)",
        )
    per_thana: dict[str, int] = {}
    for t in teams:
        per_thana[t.thana] = per_thana.get(t.thana, 0) + 1
    crowded = [(n, thana) for thana, n in per_thana.items() if n > MAX_TEAMS_PER_THANA]
    if crowded:
        n, thana = max(crowded)
        raise ParameterError(
            f"{where}: thana {thana!r} has {n} teams, more than the {MAX_TEAMS_PER_THANA} "
            "one thana may field",
            why="planning the routes of one thana's teams takes steeply longer with each team",
            fix=f"give each thana at most {MAX_TEAMS_PER_THANA} teams (e.g. 4 in each of 3 shifts)",
        )
    _check_unique(teams, where=where)


def _check_unique(teams: Iterable[TeamSpec], *, where: str) -> None:
    seen: set[str] = set()
    for t in teams:
        if t.team in seen:
            raise ParameterError(
                f"{where}: team {t.team!r} appears more than once",
                why="a team's sheet is found by its name",
                fix="give every team a different name in the team column",
            )
        seen.add(t.team)


def default_teams(thana: str, *, per_thana: int = DEFAULT_TEAMS_PER_THANA) -> list[TeamSpec]:
    """Return the default teams of a thana (:data:`DEFAULT_SHIFTS`, cycled)."""
    teams = []
    for i in range(per_thana):
        start, end, mode = DEFAULT_SHIFTS[i % len(DEFAULT_SHIFTS)]
        teams.append(make_team(thana, default_team_name(thana, i + 1), start, end, mode))
    return teams


def resolve_teams(
    thanas: Iterable[str],
    teams: Sequence[TeamSpec] | None = None,
    *,
    per_thana: int = DEFAULT_TEAMS_PER_THANA,
) -> Teams:
    """Return the teams of the given thanas, filling in defaults where none are given.

    Parameters
    ----------
    thanas : iterable of str
        The thanas to plan (in order).
    teams : sequence of TeamSpec, optional
        Given teams (e.g. :func:`read_teams`); teams of other thanas are left out.
    per_thana : int
        Number of default teams of a thana without given teams.

    Returns
    -------
    Teams
        With a sentence per default applied (``defaults_used``).

    Raises
    ------
    geo.errors.ParameterError
        When ``per_thana`` is not in 1 .. :data:`MAX_TEAMS_PER_THANA`, a given team names a
        thana not in ``thanas`` while none of the given teams matches any, or the teams break
        :func:`check_teams`.
    """
    if (
        isinstance(per_thana, bool)
        or not isinstance(per_thana, int)
        or not 1 <= per_thana <= MAX_TEAMS_PER_THANA
    ):
        raise ParameterError(
            f"teams per thana must be a whole number in 1..{MAX_TEAMS_PER_THANA}, "
            f"got {per_thana!r}",
            fix="use 3",
        )
    names = list(dict.fromkeys(thanas))
    given = list(teams or [])
    check_teams(given)
    unknown = sorted({t.thana for t in given} - set(names))
    if given and len(unknown) == len({t.thana for t in given}):
        raise ParameterError(
            f"no given team patrols a planned thana (teams name {', '.join(unknown[:3])})",
            fix="spell the thanas as the thana layer does, or plan those thanas",
        )
    chosen: list[TeamSpec] = []
    notes: list[str] = []
    defaulted: list[str] = []
    for name in names:
        own = [t for t in given if t.thana == name]
        if own:
            chosen.extend(own)
        else:
            chosen.extend(default_teams(name, per_thana=per_thana))
            defaulted.append(name)
    if defaulted:
        # TRANSLATORS: a default shift: "08:00–14:00 by foot (4 km/h)".
        shift = _("{start}–{end} by {mode} ({speed} km/h)")
        shifts = "; ".join(
            shift.format(start=s, end=e, mode=patrol_mode_name(m), speed=f"{MODE_SPEED_KMH[m]:g}")
            for s, e, m in (DEFAULT_SHIFTS * per_thana)[:per_thana]
        )
        which = _("every thana") if len(defaulted) == len(names) else ", ".join(defaulted)
        # TRANSLATORS: {which} is "every thana" or a list of thana names; {shifts} the shifts.
        text = ngettext(
            "no teams file entry for {which}: {n} default team each ({shifts}), starting and "
            "ending at the police station",
            "no teams file entry for {which}: {n} default teams each ({shifts}), starting and "
            "ending at the police station",
            per_thana,
        )
        notes.append(text.format(which=which, n=per_thana, shifts=shifts))
    if unknown:
        text = _("teams of thanas not planned were left out: {thanas}")
        notes.append(text.format(thanas=", ".join(unknown)))
    _check_unique(chosen, where="teams")
    return Teams(teams=tuple(chosen), defaults_used=tuple(notes))


def with_start(team: TeamSpec, lon: float, lat: float) -> TeamSpec:
    """Return ``team`` starting and ending at ``(lon, lat)`` (when it has no start yet)."""
    if team.start_lon is not None and team.start_lat is not None:
        return team
    return replace(team, start_lon=float(lon), start_lat=float(lat))
