"""Use case: the store's layers, quarantine reports and imports of uploaded files."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, Final, TypedDict

import numpy as np
import shapely

from api.service.errors import NotFoundError, NoValidRowError, PayloadTooLargeError
from api.usecases.common import (
    jsonable,
)
from geo.errors import InputTooLargeError
from geo.ingest import ImportResult, import_file, validate_file
from geo.ingest.columns import (
    LAT_ALIASES,
    LON_ALIASES,
    coordinate_aliases,
    field_aliases,
    normalise,
)
from geo.ingest.limits import LIMIT_SETTINGS, ReadLimits
from geo.ingest.presets import presets
from geo.ingest.public_text import MAX_ECHOED_NAMES, clip
from geo.ingest.quarantine import Q_ORIGINAL, export_text
from geo.schema import (
    NAME,
    THANA,
    THANA_STATED,
    LayerKind,
    layer_spec,
)
from geo.settings import Settings
from geo.store import Store
from geo.thanas import normalise_thana

logger = logging.getLogger(__name__)

# --------------------------------------------------------------------------- datasets


def layer_counts(store: Store, scope: str | None) -> dict[str, int]:
    """Return the number of rows of each layer (in the thana, with a scope).

    Parameters
    ----------
    store : geo.store.Store
    scope : str or None

    Returns
    -------
    dict
    """
    if scope is None:
        return {kind.value: store.count(kind) for kind in LayerKind}
    return {kind.value: len(store.read(kind, thana=scope)) for kind in LayerKind}


@functools.cache
def _public_original_keys(kind: LayerKind) -> frozenset[str]:
    spec = layer_spec(kind)
    keys = {normalise(name) for name in spec.columns}
    keys |= {normalise(alias) for aliases in field_aliases(spec).values() for alias in aliases}
    for aliases in coordinate_aliases().values():
        keys |= {normalise(a) for a in aliases}
    keys |= {normalise(a) for p in presets().values() for a in chain(*p.aliases.values())}
    return frozenset(keys)


def _public_original(text: object, kind: str) -> str:
    """Keep only schema and coordinate columns of a quarantined row's original values.

    Columns that are not in the schema (remarks, descriptions) may hold free text about
    people, so the service never sends them, although the store keeps them.
    """
    try:
        record = json.loads(str(text))
        allowed = _public_original_keys(LayerKind(kind))
    except (ValueError, TypeError):
        return "{}"
    if not isinstance(record, dict):
        return "{}"
    kept = {k: v for k, v in record.items() if normalise(str(k)) in allowed}
    return json.dumps(kept, ensure_ascii=False)


@functools.cache
def _stated_thana_keys(kind: str) -> frozenset[str]:
    """Return the (normalised) column names that state a row's thana."""
    keys = {normalise(THANA_STATED), normalise(THANA)}
    keys |= {normalise(a) for a in layer_spec(LayerKind.INCIDENTS).field(THANA_STATED).aliases}
    spec = layer_spec(kind)
    if THANA in spec.names:  # the centre layers name their thana (any spelling of the column)
        keys |= {normalise(a) for a in field_aliases(spec)[THANA]}
    if kind == LayerKind.THANAS.value:
        keys.add(normalise(NAME))
    return frozenset(keys)


def _in_thana(record: Mapping[str, Any], kind: str, thana: str, polygon: Any) -> bool:
    """Return whether a quarantined row belongs to a thana: stated thana or point inside."""
    target = normalise_thana(thana)
    stated_keys = _stated_thana_keys(kind)
    values = {normalise(str(k)): v for k, v in record.items()}
    for key in stated_keys:
        if key in values and values[key] is not None and normalise_thana(values[key]) == target:
            return True
    if polygon is None:
        return False
    lat = next((values[a] for a in map(normalise, LAT_ALIASES) if values.get(a) is not None), None)
    lon = next((values[a] for a in map(normalise, LON_ALIASES) if values.get(a) is not None), None)
    try:
        point = shapely.points(float(str(lon)), float(str(lat)))
    except (TypeError, ValueError):
        return False
    return bool(shapely.contains(polygon, point))


def quarantine_csv(
    store: Store, kind: LayerKind, scope: str | None, *, import_id: str | None = None
) -> str:
    """Return the quarantine of a layer as spreadsheet-safe CSV text, limited to a thana's scope.

    A thana's lines are those whose stated thana is it or whose coordinates fall inside it.
    Original values keep only schema and coordinate columns.

    Parameters
    ----------
    store : geo.store.Store
    kind : geo.schema.LayerKind
    scope : str or None
    import_id : str, optional

    Returns
    -------
    str
    """
    table = store.quarantine(kind, import_id=import_id).copy()
    if scope is not None and len(table):
        polygons = store.read(LayerKind.THANAS, thana=scope)
        if polygons.empty:
            raise NotFoundError(f"thana {scope!r} is not in the store", field="thana")
        polygon = polygons.geometry.iloc[0]
        keep = []
        for text in table[Q_ORIGINAL]:
            try:
                record = json.loads(str(text))
            except ValueError:
                record = {}
            keep.append(isinstance(record, dict) and _in_thana(record, kind.value, scope, polygon))
        table = table[np.asarray(keep, dtype=bool)]
    table[Q_ORIGINAL] = [_public_original(t, kind.value) for t in table[Q_ORIGINAL]]
    return export_text(table)


#: Most validation warnings an upload's report carries, each cut to
#: :data:`MAX_WARNING_CHARS` characters.
MAX_REPORT_WARNINGS: Final = 20
MAX_WARNING_CHARS: Final = 300


@dataclass(frozen=True)
class UploadOptions:
    """How to read an uploaded file.

    Attributes
    ----------
    mapping : dict
        Source column → field.
    defaults : dict
        Field → value for missing columns or empty cells.
    fix_swapped : bool
    dry_run : bool
        Validate only.
    preset : str or None
        Register preset (:mod:`geo.ingest.presets`); detected from the headers when ``None``.
    """

    mapping: Mapping[str, str]
    defaults: Mapping[str, str]
    fix_swapped: bool = False
    dry_run: bool = False
    preset: str | None = None


class Reading(TypedDict, total=False):
    """How to read a file: the CLI's options or an upload's form fields.

    The keywords :func:`geo.ingest.validate_file` and :func:`geo.ingest.import_file` share.
    """

    region: str | None
    mapping: Mapping[str, str]
    defaults: Mapping[str, str]
    fix_swapped: bool
    limits: ReadLimits | None
    preset: str | None


def validate_or_import(
    path: Path,
    kind: LayerKind,
    store: Store | None,
    settings: Settings,
    reading: Reading,
    *,
    dry_run: bool,
) -> ImportResult:
    """Validate a file (``dry_run``, or without a store: nothing stored) or import it.

    Parameters
    ----------
    path : Path
    kind : geo.schema.LayerKind
    store : geo.store.Store or None
        The store imported into; when validating, the store checked against (if any).
    settings : geo.settings.Settings
    reading : Reading
    dry_run : bool

    Returns
    -------
    geo.ingest.ImportResult
        With a ``record`` only when rows were imported.
    """
    if dry_run or store is None:
        report = validate_file(path, kind, settings=settings, store=store, **reading)
        return ImportResult(report=report)
    return import_file(path, kind, store, settings=settings, **reading)


def import_upload(
    store: Store, settings: Settings, path: Path, kind: LayerKind, options: UploadOptions
) -> dict[str, Any]:
    """Validate (and unless ``dry_run``, import) an uploaded file; return its report.

    The file is read once, through :func:`geo.readers.read_table` with the service's
    :meth:`~geo.ingest.limits.ReadLimits.for_uploads` limits: it is refused (413) before it is read
    whole when it has more rows, columns, longer cells, a bigger unpacked size, more zip
    members or a higher compression ratio than the settings allow.

    Parameters
    ----------
    store : geo.store.Store
    settings : geo.settings.Settings
    path : Path
        The saved upload (its name is the original file name).
    kind : geo.schema.LayerKind
    options : UploadOptions

    Returns
    -------
    dict
        Like ``shakti import --json``: ``rows``, ``accepted``, ``quarantined``,
        ``reasons`` (+ ``flags``, ``import_id``, ``inserted``, ``updated``), and
        ``dry_run``, ``personal_columns_dropped`` (a count: their names are not echoed),
        ``personal_reasons``, ``ignored_columns`` (the first
        :data:`~geo.ingest.public_text.MAX_ECHOED_NAMES`, clipped), ``ignored_columns_count``,
        ``warnings`` (at most :data:`MAX_REPORT_WARNINGS`, clipped), ``store_version``.

    Raises
    ------
    api.service.errors.PayloadTooLargeError
        Above a read limit (413), naming the setting as ``field``.
    api.service.errors.NoValidRowError
        When no row is valid (422; the quarantine is still stored on import).
    """
    reading = Reading(
        mapping=options.mapping,
        defaults=options.defaults,
        fix_swapped=options.fix_swapped,
        limits=ReadLimits.for_uploads(settings),
        preset=options.preset,
    )
    try:
        result = validate_or_import(path, kind, store, settings, reading, dry_run=options.dry_run)
    except InputTooLargeError as exc:
        setting = next((name for name in LIMIT_SETTINGS if f"({name})" in exc.what), None)
        raise PayloadTooLargeError(exc.what, why=exc.why, fix=exc.fix, field=setting) from exc
    report = result.report
    ignored = [str(c) for c in report.ignored_columns]
    summary: dict[str, Any] = {
        "kind": kind.value,
        "dry_run": options.dry_run,
        **result.summary(),
        "personal_columns_dropped": len(report.personal_columns),
        "personal_reasons": sorted(set(report.personal_columns.values())),
        "ignored_columns": [clip(c) for c in ignored[:MAX_ECHOED_NAMES]],
        "ignored_columns_count": len(ignored),
        "warnings": [clip(w, MAX_WARNING_CHARS) for w in report.warnings[:MAX_REPORT_WARNINGS]],
        "notes": [clip(n, MAX_WARNING_CHARS) for n in report.notes[:MAX_REPORT_WARNINGS]],
        "store_version": store.version,
    }
    if report.rows and not len(report.accepted):
        raise NoValidRowError(
            f"none of the {report.rows} rows of the file is valid",
            why="every row has a problem; "
            + ("nothing was stored" if options.dry_run else "the problems are in the quarantine"),
            fix="download the quarantine report, fix the rows and upload again",
            report=summary,
        )
    return jsonable(summary)  # type: ignore[no-any-return]
