"""Column resolution: which column of a foreign file holds which schema field or coordinate."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Final

from geo.errors import ColumnMappingError
from geo.i18n import _
from geo.i18n.keys import fold, latin
from geo.schema import OCCURRED_AT, LayerKind, LayerSpec

#: Recognised spellings of coordinate columns (after :func:`normalise`).
LAT_ALIASES: Final = ("lat", "latitude", "y", "lat_dd", "latitude_dd", "y_coord", "ycoord", "lat_n")
LON_ALIASES: Final = (
    "lon",
    "lng",
    "long",
    "longitude",
    "x",
    "lon_dd",
    "longitude_dd",
    "x_coord",
    "xcoord",
    "lon_e",
)
WKT_ALIASES: Final = ("wkt", "geometry", "geom", "the_geom", "shape", "location_wkt")
DATE_PART_ALIASES: Final = ("date", "incident_date", "event_date", "day")
TIME_PART_ALIASES: Final = ("time", "incident_time", "hour", "time_of_day")

#: Folder of the alias data files (``<layer>.toml`` and ``coordinates.toml``).
ALIAS_FOLDER: Final = "aliases"
#: The coordinate and date/time-part roles of ``coordinates.toml``.
COORDINATE_ROLES: Final = ("lat", "lon", "wkt", "date_part", "time_part")


def normalise(name: str) -> str:
    """Return a column name folded for matching (:func:`geo.i18n.keys.fold`).

    Lower case, NFC, Devanagari kept (nukta dropped, Devanagari digits as ASCII), runs of
    anything else → ``_``.

    Examples
    --------
    >>> normalise(" Date & Time ")
    'date_time'
    >>> normalise("Latitude (N)")
    'latitude_n'
    >>> normalise("थाने का नाम")
    'थाने_का_नाम'
    """
    return fold(name)


def _load(name: str) -> dict[str, tuple[str, ...]]:
    text = resources.files("geo.ingest").joinpath(ALIAS_FOLDER, f"{name}.toml").read_text("utf-8")
    return {str(k): tuple(str(a) for a in v) for k, v in tomllib.loads(text).items()}


@cache
def data_aliases(kind: LayerKind | str) -> Mapping[str, tuple[str, ...]]:
    """Return the shipped aliases of a layer's fields (Hindi, CCTNS, call logs), by field.

    Parameters
    ----------
    kind : LayerKind or str
        A layer kind; ``"coordinates"`` gives the coordinate and date/time-part aliases.

    Returns
    -------
    Mapping
        Field (or role of :data:`COORDINATE_ROLES`) → spellings, earliest preferred.

    Examples
    --------
    >>> "थाना" in data_aliases("incidents")["thana_stated"]
    True
    """
    return MappingProxyType(_load(str(getattr(kind, "value", kind))))


def field_aliases(
    spec: LayerSpec, extra: Mapping[str, Sequence[str]] | None = None
) -> dict[str, tuple[str, ...]]:
    """Return every spelling of every field of a layer: extra (a preset's), schema, data files.

    Parameters
    ----------
    spec : LayerSpec
    extra : mapping, optional
        Field → more aliases, preferred over the built-in ones (a preset's).

    Returns
    -------
    dict
        Field → aliases in order of preference (without the canonical name).
    """
    shipped = data_aliases(spec.kind)
    extra = extra or {}
    return {
        f.name: tuple(dict.fromkeys([*extra.get(f.name, ()), *f.aliases, *shipped.get(f.name, ())]))
        for f in spec.fields
    }


def coordinate_aliases() -> dict[str, tuple[str, ...]]:
    """Return the aliases of the coordinate and date/time-part columns, by role.

    Returns
    -------
    dict
        ``lat``, ``lon``, ``wkt``, ``date_part``, ``time_part`` → built-in then shipped aliases.
    """
    shipped = data_aliases("coordinates")
    builtin = (LAT_ALIASES, LON_ALIASES, WKT_ALIASES, DATE_PART_ALIASES, TIME_PART_ALIASES)
    return {
        role: tuple(dict.fromkeys([*own, *shipped.get(role, ())]))
        for role, own in zip(COORDINATE_ROLES, builtin, strict=True)
    }


@dataclass(frozen=True)
class ColumnPlan:
    """Where each field comes from in a given file.

    Attributes
    ----------
    fields : dict
        Schema field name → source column name.
    lat, lon, wkt : str or None
        Source columns of the coordinates (point layers) or WKT geometry.
    date_part, time_part : str or None
        Separate date and time columns to combine into ``occurred_at`` when the file has no
        single date-time column.
    ignored : list of str
        Columns that match nothing; they are not stored.
    """

    fields: dict[str, str]
    lat: str | None = None
    lon: str | None = None
    wkt: str | None = None
    date_part: str | None = None
    time_part: str | None = None
    ignored: list[str] = field(default_factory=list)

    @property
    def used(self) -> list[str]:
        """Return the source columns the plan reads (fields, coordinates, date/time parts)."""
        extra = (self.lat, self.lon, self.wkt, self.date_part, self.time_part)
        return list(dict.fromkeys([*self.fields.values(), *(c for c in extra if c)]))


class _Columns:
    """A file's columns indexed by their :func:`fold` and :func:`latin` keys."""

    KEYS: Final[tuple[Callable[[object], str], ...]] = (fold, latin)

    def __init__(self, columns: Iterable[str]) -> None:
        self.index: list[dict[str, list[str]]] = [{} for _key in self.KEYS]
        for col in dict.fromkeys(str(c) for c in columns):
            for key, index in zip(self.KEYS, self.index, strict=True):
                value = key(col)
                if value:
                    index.setdefault(value, []).append(col)

    def pick(self, target: str, candidates: Sequence[str], taken: set[str]) -> str | None:
        """Return the column spelling ``target`` in one of ``candidates`` (earliest wins).

        Every candidate is tried by :func:`fold` before any by :func:`latin`.

        Raises
        ------
        ColumnMappingError
            When two columns spell the same candidate: the choice is the user's.
        """
        for key, index in zip(self.KEYS, self.index, strict=True):
            for cand in candidates:
                found = [c for c in index.get(key(cand), ()) if c not in taken]
                # the same word in the other script (Thana and थाना) is as ambiguous
                found += [c for c in self.index[-1].get(latin(cand), ()) if c not in taken]
                found = list(dict.fromkeys(found))
                if len(found) > 1:
                    raise _ambiguous(target, found)
                if found:
                    return found[0]
        return None


def _ambiguous(target: str, columns: Sequence[str]) -> ColumnMappingError:
    first, second = (repr(c[:40]) for c in columns[:2])
    return ColumnMappingError(
        _("columns {first} and {second} of the file could both be {target}").format(
            first=first, second=second, target=target
        ),
        why=_("both names mean the same field, and guessing could store the wrong values"),
        fix=_("say which one to use, e.g. --map {first}={target}").format(
            first=columns[0][:40], target=target
        ),
    )


def plan_columns(
    columns: Iterable[str],
    spec: LayerSpec,
    *,
    extra_aliases: Mapping[str, Sequence[str]] | None = None,
) -> ColumnPlan:
    """Match a file's columns to a layer's fields and to coordinate columns.

    Exact canonical names win over aliases; the first alias in a field's list wins over
    later ones. Names match by :func:`geo.i18n.keys.fold` (case, spaces, punctuation, nukta
    and Devanagari digits ignored; the script kept), then by :func:`geo.i18n.keys.latin`
    (``थाना`` is ``thana``). Aliases come from the schema and the shipped data files
    (``geo/ingest/aliases/*.toml``: Hindi, CCTNS, call logs).

    Parameters
    ----------
    columns : iterable of str
        Column names of the file (after any ``--map`` renaming).
    spec : LayerSpec
        The layer being imported.
    extra_aliases : mapping, optional
        Field → more aliases, tried before the built-in ones (a preset's).

    Returns
    -------
    ColumnPlan

    Raises
    ------
    ColumnMappingError
        When two columns of the file spell the same field (``Thana`` and ``थाना``).

    Examples
    --------
    >>> from geo.schema import INCIDENTS
    >>> plan = plan_columns(["थाना", "दिनांक", "समय", "अक्षांश", "देशांतर"], INCIDENTS)
    >>> plan.fields, plan.date_part, plan.time_part, plan.lat, plan.lon
    ({'thana_stated': 'थाना'}, 'दिनांक', 'समय', 'अक्षांश', 'देशांतर')
    """
    columns = [str(c) for c in columns]
    index = _Columns(columns)
    aliases = field_aliases(spec, extra_aliases)
    coords = coordinate_aliases()
    taken: set[str] = set()
    fields: dict[str, str] = {}

    def take(target: str, candidates: Sequence[str]) -> str | None:
        src = index.pick(target, candidates, taken)
        if src is not None:
            taken.add(src)
        return src

    # Pass 1: canonical names.
    for fspec in spec.fields:
        src = take(fspec.name, [fspec.name])
        if src is not None:
            fields[fspec.name] = src
    lat = take("lat", coords["lat"])
    lon = take("lon", coords["lon"])
    wkt = take("wkt", coords["wkt"])
    # Pass 2: aliases, but a separate date + time pair beats a lone "date" or "time".
    date_part = time_part = None
    if OCCURRED_AT in spec.names and OCCURRED_AT not in fields:
        dp = index.pick(OCCURRED_AT, coords["date_part"], taken)
        tp = index.pick(OCCURRED_AT, coords["time_part"], taken | ({dp} if dp else set()))
        if dp and tp:
            date_part, time_part = dp, tp
            taken.update((dp, tp))
    for fspec in spec.fields:
        if fspec.name in fields or (fspec.name == OCCURRED_AT and date_part):
            continue
        src = take(fspec.name, aliases[fspec.name])
        if src is not None:
            fields[fspec.name] = src
    ignored = [c for c in columns if c not in taken]
    return ColumnPlan(
        fields=fields,
        lat=lat,
        lon=lon,
        wkt=wkt,
        date_part=date_part,
        time_part=time_part,
        ignored=ignored,
    )
