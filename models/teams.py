"""Patrol teams: who patrols which thana, in which shift, on foot, bike or vehicle."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import pandas as pd

from geo.errors import InputFileError, ParameterError

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
        f"{what} {value!r} is not a time of day",
        fix="write it as HH:MM on a 24-hour clock, e.g. 08:00 or 16:30",
    )


def check_speed(mode: str, speed_kmh: float | None, *, where: str) -> float:
    """Return the speed of a mode (its default when ``speed_kmh`` is missing).

    Raises
    ------
    geo.errors.ParameterError
        For an unknown mode or a speed that is not a positive number.
    """
    if mode not in MODE_SPEED_KMH:
        raise ParameterError(
            f"{where}: unknown mode {mode!r}", fix="use one of " + ", ".join(MODES)
        )
    if speed_kmh is None:
        return MODE_SPEED_KMH[mode]
    try:
        speed = float(speed_kmh)
    except (TypeError, ValueError):
        speed = math.nan
    if not math.isfinite(speed) or speed <= 0 or speed > 120:
        raise ParameterError(
            f"{where}: speed_kmh must be a number in (0, 120], got {speed_kmh!r}",
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
        Naming ``where`` and the field.
    """
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
    if not str(thana).strip():
        raise ParameterError(f"{where}: the thana is empty", fix="name the thana it patrols")
    return TeamSpec(
        thana=str(thana).strip(),
        team=str(team).strip(),
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
        name = _cell(row, COL_TEAM) or f"{thana}-{counts[thana]}"
        for col in _REQUIRED:
            if _cell(row, col) is None:
                raise ParameterError(f"{where}: {col} is empty", fix=f"fill in {col}")
        lon, lat = _cell(row, COL_START_LON), _cell(row, COL_START_LAT)
        try:
            lon_f = None if lon is None else float(lon)
            lat_f = None if lat is None else float(lat)
        except ValueError:
            raise ParameterError(
                f"{where}: start_lon/start_lat ({lon!r}, {lat!r}) are not numbers",
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
    names = [t.team for t in teams]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ParameterError(
            f"{file.name}: team {duplicated[0]!r} appears more than once",
            fix="give every team a different name in the team column",
        )
    return teams


def default_teams(thana: str, *, per_thana: int = DEFAULT_TEAMS_PER_THANA) -> list[TeamSpec]:
    """Return the default teams of a thana (:data:`DEFAULT_SHIFTS`, cycled)."""
    teams = []
    for i in range(per_thana):
        start, end, mode = DEFAULT_SHIFTS[i % len(DEFAULT_SHIFTS)]
        teams.append(make_team(thana, f"{thana}-{i + 1}", start, end, mode))
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
        When ``per_thana`` is below 1, or a given team names a thana not in ``thanas``
        while none of the given teams matches any.
    """
    if isinstance(per_thana, bool) or not isinstance(per_thana, int) or per_thana < 1:
        raise ParameterError(
            f"teams per thana must be a whole number ≥ 1, got {per_thana!r}", fix="use 3"
        )
    names = list(dict.fromkeys(thanas))
    given = list(teams or [])
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
        shifts = "; ".join(
            f"{s}–{e} by {m} ({MODE_SPEED_KMH[m]:g} km/h)"
            for s, e, m in (DEFAULT_SHIFTS * per_thana)[:per_thana]
        )
        which = "every thana" if len(defaulted) == len(names) else ", ".join(defaulted)
        notes.append(
            f"no teams file entry for {which}: {per_thana} default teams each ({shifts}), "
            "starting and ending at the police station"
        )
    if unknown:
        notes.append("teams of thanas not planned were left out: " + ", ".join(unknown))
    return Teams(teams=tuple(chosen), defaults_used=tuple(notes))


def with_start(team: TeamSpec, lon: float, lat: float) -> TeamSpec:
    """Return ``team`` starting and ending at ``(lon, lat)`` (when it has no start yet)."""
    if team.start_lon is not None and team.start_lat is not None:
        return team
    return replace(team, start_lon=float(lon), start_lat=float(lat))
