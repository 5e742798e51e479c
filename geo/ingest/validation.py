"""Row-by-row validation of a raw table against a layer schema, collecting every problem."""

from __future__ import annotations

import dataclasses
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

from geo.i18n import _, counted
from geo.ingest.accepted import accepted_frame, derived_columns
from geo.ingest.columns import ColumnPlan, plan_columns
from geo.ingest.fields import FieldContext, validate_field
from geo.ingest.ids import content_ids
from geo.ingest.location import LOCATION as LOCATION
from geo.ingest.location import Locating
from geo.ingest.parsing import SYNONYMS as SYNONYMS
from geo.ingest.parsing import parse_datetimes as parse_datetimes
from geo.ingest.placed import PlaceSource as PlaceSource
from geo.ingest.placed import locate_rows, set_location_precision, stored_place
from geo.ingest.presets import Preset, choose_preset
from geo.ingest.privacy import drop_personal_columns, mask_person_names, mask_personal_values
from geo.ingest.problems import Problems, as_text, problem_message
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
from geo.ingest.rules import check_rows
from geo.ingest.thana_rules import StatedThanas, check_stated_thanas, withhold_unknown_stated
from geo.ingest.visit_rules import PlanStops, check_visits, needs_stop_points, with_stop_points
from geo.region import Region
from geo.schema import (
    ID,
    ID_DERIVED,
    LOCATION_PRECISION,
    OCCURRED_AT,
    PLACE,
    THANA,
    THANA_STATED,
    TIME_PRECISION,
    TIME_PRECISIONS,
    LayerKind,
    LayerSpec,
    layer_spec,
)

logger = logging.getLogger(__name__)


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
        warnings.append(
            counted(
                n_missing,
                "{n} row has no {field}: its id was derived from the row's content "
                "(stable, so re-importing the same file does not duplicate rows)",
                "{n} rows have no {field}: their ids were derived from each row's content "
                "(stable, so re-importing the same file does not duplicate rows)",
                field=ID,
            )
        )
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
    visit_plans: Mapping[str, PlanStops] | None = None,
    thanas: pd.DataFrame | None = None,
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
    visit_plans : Mapping, optional
        Visit logs: plan id → its stops (:mod:`geo.ingest.visit_rules`, which checks them).
    thanas : pandas.DataFrame, optional
        The store's thanas layer. A layer without geometry keyed by thana name (centre
        audits, casework) then has each thana written as the layer names it, and a row naming
        no thana quarantined with its value withheld; a point's stated thana naming no
        thana is withheld, its row kept (:mod:`geo.ingest.thana_rules`).

    Returns
    -------
    ValidationReport

    Raises
    ------
    InputFileError
        When the file has no way to locate rows at all (no geometry, no lat/lon, no WKT).
    """
    spec = layer_spec(kind)
    now_local = (now or dt.datetime.now(dt.UTC)).astimezone(region.timezone)
    frame, personal = drop_personal_columns(raw.frame, spec)
    n = len(frame)
    rows = _row_numbers(n)
    problems = Problems()
    warnings: list[str] = []

    plan, used_defaults, notes = _plan_columns(frame, spec, preset, defaults)
    frame = _without_personal_values(frame, plan, spec, warnings)
    context = FieldContext(
        frame=frame,
        plan=plan,
        spec=spec,
        defaults=used_defaults,
        categories=categories,
        tz=region.timezone,
        now_local=now_local,
        problems=problems,
        rows=rows,
    )
    context = _with_stop_points(raw, context, visit_plans)
    frame, plan = context.frame, context.plan
    located = Locating(raw, frame, plan, spec, region, problems, rows, warnings, fix_swapped)
    geometry, places = locate_rows(located, places_from)
    values, derived_ids = _field_values(raw, context, warnings)
    if thanas is not None and len(thanas):
        frame = _check_thana_names(values, thanas, context, frame, warnings)
    extra = derived_columns(
        values, spec, frame.index, derived_ids, context.precision.get(OCCURRED_AT), warnings
    )
    _check_across_fields(values, context, visit_plans)
    if PLACE in values:
        values[PLACE] = stored_place(values[PLACE], places)

    good = ~problems.bad_mask(n)
    accepted = accepted_frame(values, geometry, good, spec, extra)
    if LOCATION_PRECISION in spec.derived:
        set_location_precision(accepted, places, good)
    quarantine = _quarantine_frame(problems, _read_columns(frame, plan), rows, spec, raw.source)
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
    _log_outcome(report)
    return report


def _check_thana_names(
    values: dict[str, pd.Series],
    thanas: pd.DataFrame,
    context: FieldContext,
    frame: pd.DataFrame,
    warnings: list[str],
) -> pd.DataFrame:
    """Check the thanas a file names against the store's (:mod:`geo.ingest.thana_rules`).

    A register's thana must be one of them (else its row is quarantined); a point's stated
    thana naming none is withheld. Returns ``frame`` with the withheld cells emptied.
    """
    spec, plan = context.spec, context.plan
    if not spec.spatial and THANA in values:
        register = StatedThanas(THANA, values[THANA], frame, plan, thanas)
        values[THANA], frame = check_stated_thanas(register, context.problems, context.rows)
    if THANA_STATED in values:
        point = StatedThanas(THANA_STATED, values[THANA_STATED], frame, plan, thanas)
        values[THANA_STATED], frame = withhold_unknown_stated(point, warnings)
    return frame


def _log_outcome(report: ValidationReport) -> None:
    """Log how many rows of a file were accepted and quarantined (counts only, no values)."""
    logger.info(
        "validated %s as %s: %d rows, %d accepted, %d quarantined",
        report.source,
        report.kind.value,
        report.rows,
        len(report.accepted),
        report.n_quarantined,
    )


def _without_personal_values(
    frame: pd.DataFrame, plan: ColumnPlan, spec: LayerSpec, warnings: list[str]
) -> pd.DataFrame:
    """Return the file's columns with every phone, Aadhaar or e-mail cell emptied (a warning).

    So is a cell that reads as a person's name where none belongs (:func:`mask_person_names`).
    """
    frame, masked = mask_personal_values(frame, plan.fields, spec)
    if masked:
        warnings.append(
            counted(
                masked,
                "{n} cell held a phone number, an Aadhaar number or an e-mail address: it was "
                "emptied and its value is not stored",
                "{n} cells held a phone number, an Aadhaar number or an e-mail address: they "
                "were emptied and their values are not stored",
            )
        )
    frame, named = mask_person_names(frame, plan.fields, spec)
    if named:
        warnings.append(
            counted(
                named,
                "{n} cell read as a person's name where none belongs (a team, a date, a "
                "count): it was emptied and its value is not stored (name teams by place and "
                "number, e.g. Lanka-1)",
                "{n} cells read as a person's name where none belongs (a team, a date, a "
                "count): they were emptied and their values are not stored (name teams by "
                "place and number, e.g. Lanka-1)",
            )
        )
    return frame


def _check_across_fields(
    values: dict[str, pd.Series],
    context: FieldContext,
    visit_plans: Mapping[str, PlanStops] | None,
) -> None:
    """Record the problems of whole rows: a visit against its plan, rules across fields, ids."""
    spec, problems, rows = context.spec, context.problems, context.rows
    if spec.kind is LayerKind.VISITS:
        check_visits(values, problems, rows, visit_plans)
    check_rows(spec, values, problems, rows, context.plan.fields)
    _check_duplicate_keys(values[spec.key], spec.key, problems, rows)


def _with_stop_points(
    raw: RawTable, context: FieldContext, visit_plans: Mapping[str, PlanStops] | None
) -> FieldContext:
    """Return the run reading a visit log's stop points from its plans, if it has no coordinates."""
    if (
        context.spec.kind is not LayerKind.VISITS
        or not visit_plans
        or not needs_stop_points(context.plan, raw.geometry is not None)
    ):
        return context
    frame, plan = with_stop_points(context, visit_plans)
    return dataclasses.replace(context, frame=frame, plan=plan)


def _plan_columns(
    frame: pd.DataFrame,
    spec: LayerSpec,
    preset: Preset | str | None,
    defaults: Mapping[str, str] | None,
) -> tuple[ColumnPlan, dict[str, str], list[str]]:
    """Return the column plan, the defaults to apply and the notes, after choosing a preset.

    The preset given (or detected from the headers, with a note) adds column aliases and
    defaults; the caller's defaults win over the preset's.
    """
    used = dict(defaults or {})
    chosen, notes = choose_preset(preset, frame.columns, spec.kind)
    plan = plan_columns(frame.columns, spec, extra_aliases=chosen.aliases if chosen else None)
    if chosen is not None:
        notes += chosen.default_notes(plan.fields, used)
        used = {**chosen.defaults, **used}
    return plan, used, notes


def _field_values(
    raw: RawTable, context: FieldContext, warnings: list[str]
) -> tuple[dict[str, pd.Series], npt.NDArray[np.bool_]]:
    """Return every field's values, aligned to the file's rows, and which ids were derived.

    Problems are recorded in ``context.problems``; rows without an id get one derived from
    their content (with a warning), unless the key has a default.
    """
    spec, frame = context.spec, context.frame
    values: dict[str, pd.Series] = {}
    derived_ids = np.zeros(len(frame), dtype=bool)
    if spec.key == ID and spec.key not in context.defaults:
        values[ID], derived_ids = _given_or_content_ids(raw, frame, context.plan, spec, warnings)
    for fspec in spec.fields:
        if fspec.name not in values:
            values[fspec.name] = validate_field(fspec, context)
    return values, derived_ids


def _read_columns(frame: pd.DataFrame, plan: ColumnPlan) -> pd.DataFrame:
    """Return the columns whose values the quarantine keeps: those the import reads.

    Never an ignored column (a column no rule understands, a Hindi name, a remark, may hold
    a person's details), nor the place as written (it may hold an address).
    """
    used = set(plan.used) - {plan.fields.get(PLACE)}
    return frame.loc[:, [c for c in frame.columns if c in used]]


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
