"""Row-by-row validation of a raw table against a layer schema, collecting every problem."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from geo.crs import WGS84
from geo.errors import InputFileError
from geo.i18n import _, format_int, ngettext
from geo.ingest.columns import ColumnPlan, plan_columns
from geo.ingest.fields import FieldContext, validate_field
from geo.ingest.geocode import PlaceFill, drop_coordinate_problems, fill_from_places, needs_place
from geo.ingest.ids import content_ids, serial_ids
from geo.ingest.parsing import SYNONYMS as SYNONYMS
from geo.ingest.parsing import parse_datetimes as parse_datetimes
from geo.ingest.parsing import parse_numbers
from geo.ingest.presets import Preset, choose_preset
from geo.ingest.privacy import drop_personal_columns
from geo.ingest.problems import Problems, as_text, problem_message
from geo.ingest.public_text import describe_names
from geo.ingest.quarantine import (
    Q_FIELD,
    Q_IMPORT_ID,
    Q_KIND,
    Q_MESSAGE,
    Q_ORIGINAL,
    Q_REASON,
    Q_ROW,
    Q_SOURCE,
    QUARANTINE_COLUMNS,
    Reason,
    reason_counts,
)
from geo.ingest.readers import RawTable
from geo.places.gazetteer import Gazetteer
from geo.region import Region
from geo.schema import (
    ID,
    ID_DERIVED,
    LOCATION_PRECISION,
    LOCATION_PRECISIONS,
    MATCHED_PLACE,
    OCCURRED_AT,
    PLACE,
    THANA_MISMATCH,
    THANA_STATED,
    TIME_PRECISION,
    TIME_PRECISIONS,
    LayerKind,
    LayerSpec,
    layer_spec,
)

logger = logging.getLogger(__name__)

#: Pseudo-field names used in quarantine rows for problems of the location itself.
LOCATION = "location"


@dataclass(frozen=True)
class ValidationReport:
    """Outcome of validating one file: accepted rows, quarantine, and what was dropped.

    Attributes
    ----------
    kind : LayerKind
    source : str
        File name.
    rows : int
        Rows in the file; always ``accepted + quarantined``.
    accepted : geopandas.GeoDataFrame
        Valid rows with the layer's stored columns, EPSG:4326; derived columns (``thana``,
        ``thana_mismatch``) are filled later by :mod:`geo.thanas`.
    accepted_rows : pandas.Series
        1-based file row number of each accepted row, aligned to ``accepted``.
    quarantine : pandas.DataFrame
        One line per problem (a row may have several),
        :data:`geo.ingest.quarantine.QUARANTINE_COLUMNS`.
    personal_columns : dict
        Columns dropped as personal data → why. Their values are never stored.
    ignored_columns : list of str
        Columns matching no field; not stored.
    warnings : list of str
        Repairs and defaults applied (repaired polygons, generated ids, swapped coordinates).
    notes : list of str
        What the import chose for the user (the preset detected, a default source).
    """

    kind: LayerKind
    source: str
    rows: int
    accepted: gpd.GeoDataFrame
    accepted_rows: pd.Series
    quarantine: pd.DataFrame
    personal_columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def n_quarantined(self) -> int:
        """Return the number of distinct rows quarantined."""
        return int(self.quarantine[Q_ROW].nunique())

    def summary(self) -> dict[str, Any]:
        """Return the machine-readable summary printed by ``--json``.

        Returns
        -------
        dict
            ``{"rows": N, "accepted": A, "quarantined": Q, "reasons": {reason: rows}}``
            with ``A + Q == N``; for incidents also ``ids_derived`` (accepted rows whose id
            the import derived) and ``time_precision`` (accepted rows per precision).
        """
        out: dict[str, Any] = {
            "rows": self.rows,
            "accepted": len(self.accepted),
            "quarantined": self.n_quarantined,
            "reasons": reason_counts(self.quarantine),
        }
        if ID_DERIVED in self.accepted.columns:
            out["ids_derived"] = int(self.accepted[ID_DERIVED].fillna(False).astype(bool).sum())
        if TIME_PRECISION in self.accepted.columns:
            counts = self.accepted[TIME_PRECISION].value_counts()
            out["time_precision"] = {k: int(counts.get(k, 0)) for k in TIME_PRECISIONS}
        return out


def _row_numbers(n: int) -> npt.NDArray[np.int64]:
    return np.arange(1, n + 1, dtype=np.int64)


def _original_json(frame: pd.DataFrame, positions: npt.NDArray[np.intp]) -> list[str]:
    sub = frame.iloc[positions]
    records = sub.astype("object").where(sub.notna(), None).to_dict(orient="records")
    return [json.dumps(rec, ensure_ascii=False, default=str) for rec in records]


def _given_or_content_ids(
    raw: RawTable, frame: pd.DataFrame, plan: ColumnPlan, spec: LayerSpec, warnings: list[str]
) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Return the file's ids, derived from content (:mod:`geo.ingest.ids`) where it gives none."""
    source = plan.fields.get(ID)
    given = (
        as_text(frame[source])
        if source is not None
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    missing = given.isna().to_numpy()
    if not missing.any():
        return given, missing
    identifying = [c for c in plan.used if c in frame.columns and c != source]
    rows = frame.index[missing]
    geometry = raw.geometry.loc[rows] if raw.geometry is not None else None
    content = content_ids(frame.loc[rows, identifying], geometry, spec.kind.value)
    if source is None:
        warnings.append(
            _(
                "the file has no id column: ids were derived from each row's content "
                "(stable, so re-importing the same file does not duplicate rows)"
            )
        )
    else:
        n_missing = int(missing.sum())
        # TRANSLATORS: {field} is the id field's name (id), kept in English.
        text = ngettext(
            "{n} row has no {field}: its id was derived from the row's content "
            "(stable, so re-importing the same file does not duplicate rows)",
            "{n} rows have no {field}: their ids were derived from each row's content "
            "(stable, so re-importing the same file does not duplicate rows)",
            n_missing,
        )
        warnings.append(text.format(n=format_int(n_missing), field=ID))
    ids = given.copy()
    ids.loc[rows] = content
    return ids, missing


def validate(
    raw: RawTable,
    kind: LayerKind | str,
    region: Region,
    *,
    categories: Sequence[str],
    defaults: Mapping[str, str] | None = None,
    fix_swapped: bool = False,
    now: dt.datetime | None = None,
    preset: Preset | str | None = None,
    places_from: PlaceSource | None = None,
) -> ValidationReport:
    """Validate every row of a raw table and split it into accepted rows and a quarantine.

    Every problem of every row is collected (not only the first): missing or non-numeric
    coordinates, lat/lon swapped, points outside the region, duplicate ids, unparseable or
    future timestamps, unknown categories and vocabulary values, numbers out of range,
    invalid polygons (repaired with a warning when possible). Personal columns are dropped
    before anything else and never reach the accepted rows or the quarantine.

    Parameters
    ----------
    raw : RawTable
        The file as read by :func:`geo.ingest.readers.read_table`.
    kind : LayerKind or str
        Target layer.
    region : Region
        Where points must lie; also gives the timezone.
    categories : sequence of str
        Allowed incident categories (``Settings.categories``).
    defaults : mapping, optional
        Field → value used where the file has no such column or the cell is empty
        (the CLI's ``--default kind=school``).
    fix_swapped : bool, default False
        Accept rows whose lat/lon are swapped, swapping them back (with a warning), instead
        of quarantining them.
    now : datetime, optional
        "Now" for the future-timestamp check (tz-aware); defaults to the current time.
    preset : Preset or str, optional
        A register preset (:mod:`geo.ingest.presets`); without one, a preset is detected
        from the headers (with a note).
    places_from : PlaceSource, optional
        A gazetteer: incidents without coordinates are located from their ``place`` text
        (``location_precision`` and ``matched_place`` say where and how precisely; rows
        with coordinates are ``exact``). The text as written is never kept.

    Returns
    -------
    ValidationReport

    Raises
    ------
    InputFileError
        When the file has no way to locate rows at all (no geometry, no lat/lon, no WKT).
    """
    spec = layer_spec(kind)
    tz = region.timezone
    now_local = (now or dt.datetime.now(dt.UTC)).astimezone(tz)
    defaults = dict(defaults or {})
    frame, personal = drop_personal_columns(raw.frame, spec)
    n = len(frame)
    rows = _row_numbers(n)
    problems = Problems()
    warnings: list[str] = []

    chosen, notes = choose_preset(preset, frame.columns, spec.kind)
    plan = plan_columns(frame.columns, spec, extra_aliases=chosen.aliases if chosen else None)
    if chosen is not None:
        notes += chosen.default_notes(plan.fields, defaults)
        defaults = {**chosen.defaults, **defaults}
    places = None
    if places_from is not None and needs_place(frame, plan, raw.geometry is not None):
        places = fill_from_places(
            frame,
            plan,
            places_from.gazetteer,
            places_from.thanas,
            threshold=places_from.threshold,
            problems=problems,
            rows=rows,
        )
    loc_frame, loc_plan = (frame, plan) if places is None else (places.frame, places.plan)
    geometry = _locate(
        raw, loc_frame, loc_plan, spec, region, problems, rows, warnings, fix_swapped
    )
    if places is not None:
        drop_coordinate_problems(problems, places.place_problems)

    key = spec.key
    out: dict[str, pd.Series] = {}
    derived_ids = np.zeros(n, dtype=bool)
    if key == ID and key not in defaults:
        out[ID], derived_ids = _given_or_content_ids(raw, frame, plan, spec, warnings)
    context = FieldContext(
        frame=frame,
        plan=plan,
        spec=spec,
        defaults=defaults,
        categories=categories,
        tz=tz,
        now_local=now_local,
        problems=problems,
        rows=rows,
    )
    for fspec in spec.fields:
        if fspec.name in out:
            continue
        out[fspec.name] = validate_field(fspec, context)
    extra: dict[str, pd.Series] = {}
    if ID_DERIVED in spec.derived:
        if THANA_STATED in out:
            out[ID], serials = serial_ids(out[ID], out[THANA_STATED], out.get(OCCURRED_AT))
            if serials.any():
                n_serials = int(serials.sum())
                text = ngettext(
                    "{n} row has a serial number as id: its id is thana/serial/year, so "
                    "serials restarting per thana do not collide",
                    "{n} rows have a serial number as id: their ids are thana/serial/year, so "
                    "serials restarting per thana do not collide",
                    n_serials,
                )
                warnings.append(text.format(n=format_int(n_serials)))
            derived_ids = derived_ids | serials
        extra[ID_DERIVED] = pd.Series(derived_ids, index=frame.index, dtype=bool)
    if TIME_PRECISION in spec.derived:
        precision = context.precision.get(OCCURRED_AT)
        extra[TIME_PRECISION] = (
            precision.astype("string")
            if precision is not None
            else pd.Series(pd.NA, index=frame.index, dtype="string")
        )
    _check_duplicate_keys(out[key], key, problems, rows)
    if PLACE in out:
        # the place as written may hold an address: only a gazetteer name is ever stored
        matched = places.matched if places is not None else None
        out[PLACE] = (
            matched.reset_index(drop=True)
            if matched is not None
            else pd.Series(pd.NA, index=out[PLACE].index, dtype="string")
        )

    good = ~problems.bad_mask(n)
    accepted = _accepted_frame(out, geometry, good, spec, extra)
    if LOCATION_PRECISION in spec.derived:
        _set_precision(accepted, places, good)
    # the quarantine keeps the user's values of the columns it reads, never of ignored ones:
    # a column whose name no rule understands (a Hindi name, a remark) may hold a person's
    # details; nor the place as written (it may hold an address)
    used = set(plan.used) - {plan.fields.get(PLACE)}
    kept = frame.loc[:, [c for c in frame.columns if c in used]]
    quarantine = _quarantine_frame(problems, kept, rows, spec, raw.source)
    report = ValidationReport(
        kind=spec.kind,
        source=raw.source,
        rows=n,
        accepted=accepted,
        accepted_rows=pd.Series(rows[good], name=Q_ROW),
        quarantine=quarantine.reset_index(drop=True),
        personal_columns=personal,
        ignored_columns=plan.ignored,
        warnings=warnings,
        notes=notes,
    )
    logger.info(
        "validated %s as %s: %d rows, %d accepted, %d quarantined",
        raw.source,
        spec.kind.value,
        n,
        len(accepted),
        report.n_quarantined,
    )
    return report


def _set_precision(
    accepted: gpd.GeoDataFrame, places: PlaceFill | None, good: npt.NDArray[np.bool_]
) -> None:
    """Fill ``location_precision`` and ``matched_place`` of the accepted rows."""
    precision = pd.Series(LOCATION_PRECISIONS[0], index=accepted.index, dtype="string")
    matched = pd.Series(pd.NA, index=accepted.index, dtype="string")
    if places is not None:
        located = places.precision[good].reset_index(drop=True)
        precision = located.fillna(LOCATION_PRECISIONS[0]).astype("string")
        matched = places.matched[good].reset_index(drop=True).astype("string")
    accepted[LOCATION_PRECISION] = precision.to_numpy()
    accepted[LOCATION_PRECISION] = accepted[LOCATION_PRECISION].astype("string")
    accepted[MATCHED_PLACE] = matched.to_numpy()
    accepted[MATCHED_PLACE] = accepted[MATCHED_PLACE].astype("string")


@dataclass(frozen=True)
class PlaceSource:
    """What rows without coordinates may be located with (see :mod:`geo.ingest.geocode`).

    Attributes
    ----------
    gazetteer : geo.places.gazetteer.Gazetteer
    thanas : pandas.DataFrame or None
        The thana layer, to restrict a row's places to its stated thana.
    threshold : float
        Least match confidence (``Settings.place_match_threshold``).
    """

    gazetteer: Gazetteer
    thanas: pd.DataFrame | None
    threshold: float


def _check_duplicate_keys(
    keys: pd.Series, key: str, problems: Problems, rows: npt.NDArray[np.int64]
) -> None:
    """Record a duplicate id for every repeated key: the first otherwise-valid row wins."""
    bad = problems.bad_mask(len(keys))
    candidates = pd.Series(keys.where(~bad), index=keys.index)
    dup = candidates.duplicated(keep="first") & candidates.notna()
    if dup.any():
        first_row = {
            k: int(r)
            for k, r in zip(
                candidates[~dup & candidates.notna()].tolist(),
                rows[(~dup & candidates.notna()).to_numpy()].tolist(),
                strict=True,
            )
        }
        pos = np.flatnonzero(dup.to_numpy())
        problems.add(
            pos,
            key,
            Reason.DUPLICATE_ID,
            [
                problem_message(
                    int(rows[p]),
                    key,
                    # TRANSLATORS: {field} is the key field's name (id, name), kept in English.
                    _("{field} '{value}' is already used by row {row}").format(
                        field=key,
                        value=candidates.iloc[p],
                        row=first_row.get(candidates.iloc[p], "?"),
                    ),
                    _("give every row its own {field}, or remove the repeated row").format(
                        field=key
                    ),
                )
                for p in pos
            ],
        )


def _accepted_frame(
    out: Mapping[str, pd.Series],
    geometry: gpd.GeoSeries,
    good: npt.NDArray[np.bool_],
    spec: LayerSpec,
    extra: Mapping[str, pd.Series],
) -> gpd.GeoDataFrame:
    """Return the accepted rows with exactly the layer's stored columns.

    Derived columns are taken from ``extra`` (aligned to the file's rows) or left empty
    (``thana`` and ``thana_mismatch`` are filled later by :mod:`geo.thanas`).
    """
    accepted = gpd.GeoDataFrame(
        {name: series[good].reset_index(drop=True) for name, series in out.items()},
        geometry=gpd.GeoSeries(geometry[good].reset_index(drop=True), crs=WGS84),
        crs=WGS84,
    )
    for derived in spec.derived:
        if derived in extra:
            accepted[derived] = extra[derived][good].reset_index(drop=True)
        else:
            accepted[derived] = (
                pd.Series(False, index=accepted.index, dtype=bool)
                if derived == THANA_MISMATCH
                else pd.Series(pd.NA, index=accepted.index, dtype="string")
            )
    result: gpd.GeoDataFrame = accepted.loc[:, list(spec.columns)]
    return result


def _quarantine_frame(
    problems: Problems,
    frame: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    spec: LayerSpec,
    source: str,
) -> pd.DataFrame:
    """Return the quarantine: one line per problem, ordered by row then field."""
    qframe = problems.frame().sort_values(["pos", Q_FIELD], kind="stable")
    positions = qframe["pos"].to_numpy(dtype=np.intp)
    return pd.DataFrame(
        {
            Q_IMPORT_ID: "",
            Q_KIND: spec.kind.value,
            Q_SOURCE: source,
            Q_ROW: rows[positions] if len(positions) else np.array([], dtype=np.int64),
            Q_FIELD: qframe[Q_FIELD].to_numpy(),
            Q_REASON: qframe[Q_REASON].to_numpy(),
            Q_MESSAGE: qframe[Q_MESSAGE].to_numpy(),
            Q_ORIGINAL: _original_json(frame, positions) if len(positions) else [],
        },
        columns=list(QUARANTINE_COLUMNS),
    )


def _locate(
    raw: RawTable,
    frame: pd.DataFrame,
    plan: ColumnPlan,
    spec: LayerSpec,
    region: Region,
    problems: Problems,
    rows: npt.NDArray[np.int64],
    warnings: list[str],
    fix_swapped: bool,
) -> gpd.GeoSeries:
    """Build the geometry of every row, recording location problems."""
    n = len(frame)
    if raw.geometry is not None:
        geometry, missing = _geometry_from_file(raw.geometry, problems, rows)
    elif plan.lat and plan.lon and spec.geometry == "Point":
        geometry, lon_a, lat_a = _points_from_lat_lon(frame, plan.lat, plan.lon, problems, rows)
        return _check_points(
            geometry,
            lon_a,
            lat_a,
            region,
            problems,
            rows,
            warnings,
            fix_swapped,
            (plan.lat, plan.lon),
        )
    elif plan.wkt:
        geometry, missing = _geometry_from_wkt(frame, plan.wkt, problems, rows)
    else:
        raise _nowhere_error(raw, frame, spec)

    if spec.geometry == "Point":
        ok = ~missing
        wrong = _wrong_type(
            geometry,
            ok,
            ("Point",),
            # TRANSLATORS: {type} is a geometry type (LineString, Polygon...), kept in English.
            _("a {type} where a Point is expected"),
            _("give one point per row"),
            problems,
            rows,
        )
        geometry[wrong] = None
        xs = np.full(n, np.nan)
        ys = np.full(n, np.nan)
        points = ok & ~wrong
        xs[points] = shapely.get_x(geometry[points].to_numpy())
        ys[points] = shapely.get_y(geometry[points].to_numpy())
        return _check_points(
            geometry, xs, ys, region, problems, rows, warnings, fix_swapped, (LOCATION, LOCATION)
        )
    return _check_polygons(geometry, missing, region, problems, rows, warnings)


def _geometry_from_file(
    file_geometry: gpd.GeoSeries, problems: Problems, rows: npt.NDArray[np.int64]
) -> tuple[gpd.GeoSeries, npt.NDArray[np.bool_]]:
    """Return the file's own geometries and which are missing (recorded as problems)."""
    geoms = np.asarray(file_geometry.reset_index(drop=True).to_numpy(), dtype=object)
    geometry = gpd.GeoSeries(geoms, crs=WGS84)
    missing = geometry.isna().to_numpy() | geometry.is_empty.to_numpy()
    problems.add_rows(
        missing,
        LOCATION,
        Reason.MISSING_GEOMETRY,
        rows,
        lambda p: (LOCATION, _("the feature has no geometry"), _("draw or locate it")),
    )
    return geometry, missing


def _points_from_lat_lon(
    frame: pd.DataFrame,
    lat_column: str,
    lon_column: str,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> tuple[gpd.GeoSeries, npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return points from latitude/longitude columns and the parsed lon and lat values.

    Missing and non-numeric coordinates are recorded as problems; their points are missing.
    """
    lat, lat_missing, lat_nonnum = parse_numbers(frame[lat_column])
    lon, lon_missing, lon_nonnum = parse_numbers(frame[lon_column])
    missing = lat_missing | lon_missing
    nonnum = (lat_nonnum | lon_nonnum) & ~missing
    problems.add_rows(
        missing,
        LOCATION,
        Reason.MISSING_COORDINATES,
        rows,
        lambda p: (
            lat_column if lat_missing[p] else lon_column,
            _("the coordinate is empty"),
            _("fill in both latitude and longitude in decimal degrees (25.3176, 83.0104)"),
        ),
    )
    problems.add_rows(
        nonnum,
        LOCATION,
        Reason.NON_NUMERIC_COORDINATES,
        rows,
        lambda p: (
            lat_column if lat_nonnum[p] else lon_column,
            _("{value} is not a number").format(
                value=repr(frame[lat_column if lat_nonnum[p] else lon_column].iloc[p])
            ),
            _("write decimal degrees such as 25.3176 (no N/E letters, no degree signs)"),
        ),
    )
    lon_a = lon.to_numpy(dtype=float)
    lat_a = lat.to_numpy(dtype=float)
    geometry = gpd.GeoSeries(shapely.points(lon_a, lat_a), crs=WGS84)
    geometry[missing | nonnum] = None
    return geometry, lon_a, lat_a


def _geometry_from_wkt(
    frame: pd.DataFrame, wkt_column: str, problems: Problems, rows: npt.NDArray[np.int64]
) -> tuple[gpd.GeoSeries, npt.NDArray[np.bool_]]:
    """Return geometries parsed from a WKT column and which are missing or unparseable."""
    text = as_text(frame[wkt_column])
    geoms = shapely.from_wkt(text.fillna("").to_numpy(dtype=object), on_invalid="ignore")
    geometry = gpd.GeoSeries(geoms, crs=WGS84)
    empty_text = text.isna().to_numpy()
    unparsed = (~empty_text) & geometry.isna().to_numpy()
    fix = _("give a WKT such as POINT (83.0104 25.3176), lon first")
    problems.add_rows(
        empty_text,
        LOCATION,
        Reason.MISSING_GEOMETRY,
        rows,
        lambda p: (wkt_column, _("the WKT geometry is empty"), fix),
    )
    problems.add_rows(
        unparsed,
        LOCATION,
        Reason.INVALID_GEOMETRY,
        rows,
        lambda p: (
            wkt_column,
            _("{value} is not valid WKT").format(value=repr(text.iloc[p][:60])),
            fix,
        ),
    )
    missing = empty_text | unparsed
    return geometry, missing


def _nowhere_error(raw: RawTable, frame: pd.DataFrame, spec: LayerSpec) -> InputFileError:
    """Return the error of a file with no way to locate its rows."""
    cols = describe_names(frame.columns)  # a few, clipped: never the whole header
    # TRANSLATORS: {kind} is a layer name (incidents, sites...), kept in English; {columns}
    # the file's column names.
    why = (
        _(
            "a {kind} file needs a geometry, latitude/longitude columns or a WKT column; its "
            "columns are: {columns}"
        )
        if spec.geometry == "Point"
        else _(
            "a {kind} file needs polygon geometry (GeoJSON, GeoPackage, Shapefile) or a WKT "
            "column; its columns are: {columns}"
        )
    )
    return InputFileError(
        _("{source}: cannot find where the rows are").format(source=raw.source),
        why=why.format(kind=spec.kind.value, columns=cols),
        fix=_(
            "rename the coordinate columns to lat/lon (or map them: --map 'Y=lat' "
            "--map 'X=lon'), or give a WKT column named wkt"
        ),
    )


def _wrong_type(
    geometry: gpd.GeoSeries,
    ok: npt.NDArray[np.bool_],
    allowed: tuple[str, ...],
    what: str,
    fix: str,
    problems: Problems,
    rows: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """Record rows whose geometry type is not allowed; return their mask.

    ``what`` is the translated problem text, with a ``{type}`` placeholder.
    """
    types = geometry.geom_type.to_numpy()
    wrong: npt.NDArray[np.bool_] = ok & ~np.isin(types, allowed)
    positions = np.flatnonzero(wrong)
    problems.add(
        positions,
        LOCATION,
        Reason.WRONG_GEOMETRY_TYPE,
        [
            problem_message(int(rows[p]), LOCATION, what.format(type=types[p]), fix)
            for p in positions
        ],
    )
    return wrong


def _check_points(
    geometry: gpd.GeoSeries,
    lon: npt.NDArray[np.float64],
    lat: npt.NDArray[np.float64],
    region: Region,
    problems: Problems,
    rows: npt.NDArray[np.int64],
    warnings: list[str],
    fix_swapped: bool,
    names: tuple[str, str],
) -> gpd.GeoSeries:
    finite = np.isfinite(lon) & np.isfinite(lat)
    in_range = finite & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    inside = region.contains(np.where(in_range, lon, np.nan), np.where(in_range, lat, np.nan))
    swapped = finite & ~inside & region.contains(lat, lon)
    invalid = finite & ~in_range & ~swapped
    outside = in_range & ~inside & ~swapped
    lat_name, lon_name = names
    w, s, e, nn = region.bounds
    if swapped.any():
        pos = np.flatnonzero(swapped)
        if fix_swapped:
            geometry.iloc[pos] = shapely.points(lat[pos], lon[pos])
            listed = ", ".join(str(int(rows[p])) for p in pos[:10]) + (
                ", ..." if len(pos) > 10 else ""
            )
            # TRANSLATORS: {rows} lists file row numbers (at most 10, then "...").
            text = ngettext(
                "{n} row had latitude and longitude swapped and was swapped back (row {rows})",
                "{n} rows had latitude and longitude swapped and were swapped back (rows {rows})",
                len(pos),
            )
            warnings.append(text.format(n=format_int(len(pos)), rows=listed))
        else:
            problems.add(
                pos,
                LOCATION,
                Reason.LAT_LON_SWAPPED,
                [
                    problem_message(
                        int(rows[p]),
                        f"{lat_name}/{lon_name}" if lat_name != lon_name else lat_name,
                        # TRANSLATORS: {region} is the region's name (Varanasi).
                        _(
                            "latitude {lat} and longitude {lon} look swapped (swapped, the "
                            "point lies inside {region})"
                        ).format(lat=lat[p], lon=lon[p], region=region.label),
                        _(
                            "swap the two values in the file, or rerun with --fix-swapped to "
                            "accept the swapped position"
                        ),
                    )
                    for p in pos
                ],
            )
    problems.add_rows(
        invalid,
        LOCATION,
        Reason.INVALID_COORDINATES,
        rows,
        lambda p: (
            lat_name,
            _("latitude {lat} / longitude {lon} are not on Earth").format(lat=lat[p], lon=lon[p]),
            _("latitude must lie within ±90 and longitude within ±180, in decimal degrees"),
        ),
    )
    problems.add_rows(
        outside,
        LOCATION,
        Reason.OUTSIDE_REGION,
        rows,
        lambda p: (
            lat_name,
            # TRANSLATORS: {region} is the region's name; {west}..{east} and
            # {south}..{north} its bounds in degrees.
            _(
                "the point ({lat}, {lon}) lies outside the region {region} "
                "(lon {west}..{east}, lat {south}..{north})"
            ).format(
                lat=f"{lat[p]:.5f}",
                lon=f"{lon[p]:.5f}",
                region=region.label,
                west=f"{w:.3f}",
                east=f"{e:.3f}",
                south=f"{s:.3f}",
                north=f"{nn:.3f}",
            ),
            _("correct the coordinates, or widen the region with --region / SHAKTI_REGION"),
        ),
    )
    return geometry


def _check_polygons(
    geometry: gpd.GeoSeries,
    missing: npt.NDArray[np.bool_],
    region: Region,
    problems: Problems,
    rows: npt.NDArray[np.int64],
    warnings: list[str],
) -> gpd.GeoSeries:
    ok = ~missing
    wrong = _wrong_type(
        geometry,
        ok,
        ("Polygon", "MultiPolygon"),
        # TRANSLATORS: {type} is a geometry type (Point, LineString...), kept in English.
        _("a {type} where a polygon is expected"),
        _("give the boundary as a Polygon or MultiPolygon"),
        problems,
        rows,
    )
    candidates = ok & ~wrong
    invalid = candidates & ~geometry.is_valid.to_numpy()
    if invalid.any():
        pos = np.flatnonzero(invalid)
        repaired = shapely.make_valid(geometry.iloc[pos].to_numpy())
        polys = []
        for geom in repaired:
            if geom.geom_type == "GeometryCollection":
                parts = [g for g in geom.geoms if g.geom_type in ("Polygon", "MultiPolygon")]
                geom = shapely.union_all(parts) if parts else shapely.Polygon()
            polys.append(geom)
        fixed = np.array(
            [g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty for g in polys]
        )
        geometry.iloc[pos] = polys
        if fixed.any():
            n_fixed = int(fixed.sum())
            listed = ", ".join(str(int(rows[p])) for p in pos[fixed][:10]) + (
                ", ..." if n_fixed > 10 else ""
            )
            # TRANSLATORS: {rows} lists file row numbers (at most 10, then "...").
            text = ngettext(
                "{n} invalid polygon was repaired with make_valid (row {rows}); check its boundary",
                "{n} invalid polygons were repaired with make_valid (rows {rows}); check their "
                "boundaries",
                n_fixed,
            )
            warnings.append(text.format(n=format_int(n_fixed), rows=listed))
        broken = pos[~fixed]
        problems.add(
            broken,
            LOCATION,
            Reason.INVALID_GEOMETRY,
            [
                problem_message(
                    int(rows[p]),
                    LOCATION,
                    _("the polygon is invalid and cannot be repaired"),
                    _("redraw the boundary so it does not cross itself"),
                )
                for p in broken
            ],
        )
    shapely.prepare(region.polygon)
    usable = candidates & ~geometry.isna().to_numpy()
    outside = usable & ~shapely.intersects(region.polygon, geometry.to_numpy())
    problems.add(
        np.flatnonzero(outside),
        LOCATION,
        Reason.OUTSIDE_REGION,
        [
            problem_message(
                int(rows[p]),
                LOCATION,
                _("the polygon does not touch the region {region}").format(region=region.label),
                _("check its CRS and coordinates, or widen the region with --region"),
            )
            for p in np.flatnonzero(outside)
        ],
    )
    return geometry
