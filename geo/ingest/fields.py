"""Validating one field of every row: one parser per field type, chosen from a dispatch table."""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from geo.centre import AGE_BAND
from geo.i18n import VOCABULARIES, _, counted, current_lang, format_int, ngettext, vocabulary_name
from geo.i18n.keys import fold as fold_any
from geo.ingest.columns import ColumnPlan
from geo.ingest.field_terms import field_terms
from geo.ingest.parsing import (
    SYNONYMS,
    fold,
    hindi_terms,
    parse_datetimes_precision,
    parse_numbers,
    parse_times,
)
from geo.ingest.problems import Problems, as_text, problem_message
from geo.ingest.quarantine import Reason
from geo.schema import (
    CATEGORY,
    SEEN_CATEGORY,
    SEEN_NONE,
    STATUS,
    FieldSpec,
    FieldType,
    LayerKind,
    LayerSpec,
    vocabulary,
)

#: Fields whose missing value stands for a known value (the schema says so): the value is
#: filled in before any check, so such a field is never missing. (layer, field) → value.
MISSING_MEANS: Final[Mapping[tuple[LayerKind, str], str]] = {
    (LayerKind.CCTV, STATUS): "unknown",
    (LayerKind.CASEWORK, AGE_BAND): "unknown",
    (LayerKind.VISITS, SEEN_CATEGORY): SEEN_NONE,
}


@dataclass(frozen=True)
class FieldContext:
    """What every field parser of one validation run needs (the same for every field).

    Attributes
    ----------
    frame : pandas.DataFrame
        The file's rows (personal columns already dropped).
    plan : ColumnPlan
        Where each field comes from in the file.
    spec : LayerSpec
        The target layer.
    defaults : mapping
        Field → value for missing columns or empty cells (``--default``).
    categories : sequence of str
        Allowed incident categories (``Settings.categories``).
    tz : tzinfo
        The deployment's timezone.
    now_local : datetime
        "Now" in ``tz``, for the future-date checks.
    problems : Problems
        Where problems are recorded.
    rows : numpy.ndarray
        1-based file row number of every row.
    precision : dict
        Filled by the date-time parsers: field → how precise each row's value is
        (:class:`~geo.ingest.datetimes.TimePrecision` text, missing where the value is).
    """

    frame: pd.DataFrame
    plan: ColumnPlan
    spec: LayerSpec
    defaults: Mapping[str, str]
    categories: Sequence[str]
    tz: dt.tzinfo
    now_local: dt.datetime
    problems: Problems
    rows: npt.NDArray[np.int64]
    precision: dict[str, pd.Series] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldInput:
    """The raw values of one field, where they come from and which rows have one.

    Attributes
    ----------
    field : FieldSpec
    raw : pandas.Series
        Raw values aligned to the file's rows (defaults filled in).
    source : str
        The column (or columns) the values come from, as named in messages.
    present : numpy.ndarray
        Which rows have a value.
    """

    field: FieldSpec
    raw: pd.Series
    source: str
    present: npt.NDArray[np.bool_]


FieldParser = Callable[[FieldInput, FieldContext], pd.Series]


def _raw_values(fspec: FieldSpec, ctx: FieldContext) -> tuple[pd.Series, str]:
    """Return the raw values of a field and the column(s) they come from."""
    frame, plan = ctx.frame, ctx.plan
    source = plan.fields.get(fspec.name)
    if fspec.type is FieldType.DATETIME and source is None and plan.date_part and plan.time_part:
        raw = (
            as_text(frame[plan.date_part]).fillna("")
            + " "
            + as_text(frame[plan.time_part]).fillna("")
        ).str.strip()
        return raw.mask(raw == "", pd.NA), f"{plan.date_part} + {plan.time_part}"
    if source is not None:
        return frame[source], source
    return pd.Series(pd.NA, index=frame.index, dtype="object"), fspec.name


def field_input(fspec: FieldSpec, ctx: FieldContext) -> FieldInput:
    """Gather a field's raw values, fill defaults and what a missing value means.

    Parameters
    ----------
    fspec : FieldSpec
    ctx : FieldContext

    Returns
    -------
    FieldInput
    """
    name = fspec.name
    raw, source = _raw_values(fspec, ctx)
    if name in ctx.defaults:
        raw = as_text(raw).fillna(ctx.defaults[name])
    if pd.api.types.is_datetime64_any_dtype(raw.dtype):
        present = raw.notna().to_numpy()
    else:
        present = as_text(raw.astype("object")).notna().to_numpy()
    meaning = MISSING_MEANS.get((ctx.spec.kind, name))
    if meaning is not None:
        raw = as_text(raw).fillna(meaning)
        present = np.ones(len(ctx.frame), dtype=bool)
    return FieldInput(field=fspec, raw=raw, source=source, present=present)


def check_required(inp: FieldInput, ctx: FieldContext) -> None:
    """Record a missing value for every row without one when the field is required."""
    fspec, name = inp.field, inp.field.name
    if not fspec.required:
        return
    has_column = (
        name in ctx.plan.fields
        or name in ctx.defaults
        or (fspec.type is FieldType.DATETIME and bool(ctx.plan.date_part))
    )
    if has_column:
        where = _("the value is empty")
        # TRANSLATORS: {field} is a field name of the layer (English, kept as is).
        fix = _("fill in {field}").format(field=name)
    else:
        where = _("the file has no '{field}' column").format(field=name)
        fix = _(
            "add a '{field}' column, map one with --map 'SOURCE={field}', or give "
            "--default {field}=VALUE"
        ).format(field=name)
    miss = np.flatnonzero(~inp.present)
    ctx.problems.add(
        miss,
        name,
        Reason.MISSING_VALUE,
        [problem_message(int(ctx.rows[p]), inp.source, where, fix) for p in miss],
    )


def _report(
    inp: FieldInput,
    ctx: FieldContext,
    mask: npt.NDArray[np.bool_],
    reason: Reason,
    describe: Callable[[int], tuple[str, str]],
) -> None:
    """Record ``reason`` for the rows in ``mask``; ``describe(position)`` gives (what, fix)."""
    ctx.problems.add_rows(
        mask, inp.field.name, reason, ctx.rows, lambda p: (inp.source, *describe(p))
    )


def parse_text_field(inp: FieldInput, ctx: FieldContext) -> pd.Series:
    """Return a text field as stripped strings (empty → missing).

    Text is never wrong, but a field with a ``max_length`` (a Hindi name) is put in Unicode
    NFC form, so one spelling is stored one way, and a longer value is recorded as out of
    range.
    """
    text = as_text(inp.raw)
    limit = inp.field.max_length
    if limit is None:
        return text
    text = text.map(lambda v: unicodedata.normalize("NFC", v), na_action="ignore").astype(
        text.dtype
    )
    lengths = text.map(len, na_action="ignore")
    _report(
        inp,
        ctx,
        (lengths > limit).fillna(False).to_numpy(dtype=bool),
        Reason.OUT_OF_RANGE,
        lambda p: (
            counted(
                int(lengths.iloc[p]),
                "{n} character is more than the {limit} allowed",
                "{n} characters are more than the {limit} allowed",
                limit=format_int(limit),
            ),
            ngettext(
                "shorten it to at most {limit} character",
                "shorten it to at most {limit} characters",
                limit,
            ).format(limit=format_int(limit)),
        ),
    )
    return text


def parse_number_field(inp: FieldInput, ctx: FieldContext) -> pd.Series:
    """Return an integer or number field, recording non-numbers and values below the minimum."""
    fspec = inp.field
    whole = fspec.type is FieldType.INTEGER
    values, _missing, nonnum = parse_numbers(inp.raw)
    if whole:
        frac = values.notna().to_numpy() & (values.fillna(0) % 1 != 0).to_numpy()
        nonnum = nonnum | frac
    text = as_text(inp.raw)
    _report(
        inp,
        ctx,
        nonnum,
        Reason.NOT_A_NUMBER,
        lambda p: (
            (_("{value} is not a whole number") if whole else _("{value} is not a number")).format(
                value=repr(text.iloc[p])
            ),
            _("write digits only, e.g. 12"),
        ),
    )
    minimum = fspec.minimum
    if minimum is not None:
        _report(
            inp,
            ctx,
            (values < minimum).fillna(False).to_numpy(dtype=bool),
            Reason.OUT_OF_RANGE,
            lambda p: (
                _("{value} is below {minimum}").format(
                    value=f"{values.iloc[p]:g}", minimum=f"{minimum:g}"
                ),
                _("give a value of at least {minimum}").format(minimum=f"{minimum:g}"),
            ),
        )
    values = values.where(~nonnum)
    if whole:
        return values.round().astype("Int64")
    return values.astype(float)


def parse_vocab_field(inp: FieldInput, ctx: FieldContext) -> pd.Series:
    """Return a vocabulary field as its terms (loosely matched, synonyms), recording unknowns."""
    name = inp.field.name
    allowed = vocabulary(inp.field, ctx.categories)
    text = as_text(inp.raw)
    lookup = {fold(a): a for a in allowed}
    lookup.update({k: v for k, v in SYNONYMS.items() if v in allowed})
    hindi = hindi_terms(allowed)
    own = field_terms(name, allowed)
    # Fold each distinct value once (a 1M-row file has a handful of categories).
    codes, uniques = pd.factorize(text)
    resolved = np.array(
        [
            lookup.get(fold(str(u))) or own.get(fold_any(u)) or hindi.get(fold_any(u))
            for u in uniques
        ]
        + [None],
        dtype=object,
    )
    mapped = pd.Series(resolved[codes], index=inp.raw.index, dtype="str")
    values = _allowed_labels(name, allowed)
    if name == CATEGORY:
        fix = _("use one of {values} or extend SHAKTI_CATEGORIES").format(values=values)
    else:
        fix = _("use one of {values}").format(values=values)

    def describe(p: int) -> tuple[str, str]:
        value = str(text.iloc[p])
        key = fold(value)
        close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6) if key else []
        if not close:
            close = difflib.get_close_matches(fold_any(value), list(hindi), n=1, cutoff=0.6)
            close = [hindi[c] for c in close]
        if close:
            # TRANSLATORS: {field} is a field name (category, kind, status...), kept in
            # English; {suggestion} an allowed value close to the one written.
            what = _("{value} is not an allowed {field} (did you mean '{suggestion}'?)")
            return what.format(
                value=repr(value), field=name, suggestion=lookup.get(close[0], close[0])
            ), fix
        # TRANSLATORS: {field} is a field name (category, kind, status...), kept in English.
        return _("{value} is not an allowed {field}").format(value=repr(value), field=name), fix

    _report(
        inp,
        ctx,
        (text.notna() & mapped.isna()).to_numpy(),
        Reason.UNKNOWN_CATEGORY if name == CATEGORY else Reason.UNKNOWN_VALUE,
        describe,
    )
    return mapped


def _vocabulary_context(field_name: str, allowed: Sequence[str]) -> str | None:
    """Return the ``geo.i18n.vocab`` vocabulary naming the ``allowed`` terms, if one does."""
    if field_name == CATEGORY:
        return CATEGORY
    for context, keys in VOCABULARIES.items():
        if context != CATEGORY and set(allowed) <= set(keys):
            return context
    return None


def _allowed_labels(field_name: str, allowed: Sequence[str]) -> str:
    """Return the allowed terms as a fix lists them: keys, with their Hindi names in Hindi."""
    context = _vocabulary_context(field_name, allowed)
    if context is None or current_lang() == "en":
        return ", ".join(allowed)
    labels = []
    for key in allowed:
        shown = vocabulary_name(context, key)
        labels.append(key if shown == key else f"{key} ({shown})")
    return ", ".join(labels)


def parse_times_field(inp: FieldInput, ctx: FieldContext) -> pd.Series:
    """Return a field of ``HH:MM`` lists, recording values that are not such lists."""
    values, bad = parse_times(inp.raw)
    text = as_text(inp.raw)
    _report(
        inp,
        ctx,
        bad,
        Reason.UNPARSEABLE_TIME,
        lambda p: (
            _("{value} is not a list of HH:MM times").format(value=repr(text.iloc[p])),
            _("write times like 13:30;17:00"),
        ),
    )
    return values


def parse_datetime_field(inp: FieldInput, ctx: FieldContext) -> pd.Series:
    """Return a date or date-time field in local time, recording unparseable and future ones."""
    is_date = inp.field.type is FieldType.DATE
    parsed, precision = parse_datetimes_precision(inp.raw, ctx.tz)
    ctx.precision[inp.field.name] = precision
    text = as_text(inp.raw.astype("object"))
    _report(
        inp,
        ctx,
        inp.present & parsed.isna().to_numpy(),
        Reason.UNPARSEABLE_DATE if is_date else Reason.UNPARSEABLE_TIMESTAMP,
        lambda p: (
            (_("{value} is not a date") if is_date else _("{value} is not a date and time")).format(
                value=repr(text.iloc[p])
            ),
            _("write ISO 8601 (2026-11-28) or day-first (28/11/2026)")
            if is_date
            else _(
                "write ISO 8601 (2026-11-28T18:30 or 2026-11-28T18:30+05:30) or day-first "
                "(28/11/2026 18:30)"
            ),
        ),
    )
    now_local = ctx.now_local
    limit = pd.Timestamp(now_local)
    if is_date:
        limit = limit.normalize() + pd.Timedelta(days=1)
        future = (parsed >= limit).fillna(False).to_numpy(dtype=bool)
    else:
        future = (parsed > limit).fillna(False).to_numpy(dtype=bool)
    _report(
        inp,
        ctx,
        future,
        Reason.FUTURE_DATE if is_date else Reason.FUTURE_TIMESTAMP,
        lambda p: (
            _("{value} is in the future (now is {now})").format(
                value=parsed.iloc[p].isoformat(), now=now_local.isoformat(timespec="minutes")
            ),
            _("check the year and the day/month order; dates are read day-first"),
        ),
    )
    if is_date:
        dates: pd.Series = parsed.dt.tz_localize(None).dt.normalize()
        return dates
    return parsed


#: The parser of each field type.
FIELD_PARSERS: Final[Mapping[FieldType, FieldParser]] = {
    FieldType.TEXT: parse_text_field,
    FieldType.INTEGER: parse_number_field,
    FieldType.NUMBER: parse_number_field,
    FieldType.VOCAB: parse_vocab_field,
    FieldType.TIMES: parse_times_field,
    FieldType.DATE: parse_datetime_field,
    FieldType.DATETIME: parse_datetime_field,
}


def validate_field(fspec: FieldSpec, ctx: FieldContext) -> pd.Series:
    """Parse one field of every row, recording its problems, and return the typed values.

    Parameters
    ----------
    fspec : FieldSpec
        The field.
    ctx : FieldContext
        The validation run.

    Returns
    -------
    pandas.Series
        Typed values aligned to the file's rows (missing where a value is wrong).
    """
    inp = field_input(fspec, ctx)
    check_required(inp, ctx)
    return FIELD_PARSERS[fspec.type](inp, ctx)
