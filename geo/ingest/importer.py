"""Ingestion: read a file, validate it, assign thanas, and write accepted rows and quarantine."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from geo.i18n import _
from geo.ingest.limits import ReadLimits
from geo.ingest.quarantine import Q_IMPORT_ID, empty_quarantine
from geo.ingest.readers import RawTable, read_table
from geo.ingest.thana_rules import unknown_stated
from geo.ingest.validation import PlaceSource, ValidationReport, validate
from geo.ingest.visit_rules import PlanStops
from geo.places.gazetteer import build_gazetteer
from geo.region import Region, region_from_settings
from geo.schema import LAYERS, PLACE, THANA, THANA_MISMATCH, THANA_STATED, LayerKind, layer_spec
from geo.settings import Settings
from geo.store import ImportBatch, ImportRecord, Store
from geo.thanas import assign_thanas

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    """What an import (or a validation-only run) did.

    Attributes
    ----------
    report : ValidationReport
        Accepted rows (with thanas assigned), quarantine, dropped columns, warnings.
    record : ImportRecord or None
        What changed in the store; ``None`` when nothing was written (``shakti validate``).
    """

    report: ValidationReport
    record: ImportRecord | None = None

    def summary(self) -> dict[str, Any]:
        """Return the ``--json`` summary (see :meth:`ValidationReport.summary`) plus flags.

        Returns
        -------
        dict
            ``rows``, ``accepted``, ``quarantined``, ``reasons`` and, for point layers with
            thanas known, ``flags`` (``thana_mismatch``, ``outside_thanas`` counts); with a
            store write, ``inserted``, ``updated`` and ``import_id``.
        """
        out = self.report.summary()
        accepted = self.report.accepted
        flags: dict[str, int] = {}
        if THANA_MISMATCH in accepted.columns:
            flags["thana_mismatch"] = int(accepted[THANA_MISMATCH].sum())
        if THANA in layer_spec(self.report.kind).derived:  # points placed in thana polygons
            flags["outside_thanas"] = int(accepted[THANA].isna().sum())
        if flags:
            out["flags"] = flags
        if self.record is not None:
            out["import_id"] = self.record.import_id
            out["inserted"] = self.record.inserted
            out["updated"] = self.record.updated
        return out


def validate_file(
    path: Path,
    kind: LayerKind | str,
    *,
    settings: Settings,
    region: Region | str | None = None,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    fix_swapped: bool = False,
    store: Store | None = None,
    now: dt.datetime | None = None,
    limits: ReadLimits | None = None,
    preset: str | None = None,
    visit_plans: Mapping[str, PlanStops] | None = None,
) -> ValidationReport:
    """Read and validate a file without writing anything.

    Parameters
    ----------
    path : Path
        CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile.
    kind : LayerKind or str
        Target layer.
    settings : Settings
        Deployment settings (region, timezone, categories).
    region : Region or str, optional
        A ready region or a region setting (``W,S,E,N`` or a polygon file) overriding
        ``settings.region``.
    mapping : mapping, optional
        Source column → field (``--map``).
    defaults : mapping, optional
        Field → value for missing columns or empty cells (``--default``).
    fix_swapped : bool, default False
        Swap back rows whose lat/lon are swapped instead of quarantining them.
    store : Store, optional
        When given, its thanas are used to assign each point's thana.
    now : datetime, optional
        Reference time for future checks (tests pin it).
    limits : ReadLimits, optional
        What reading the file may cost; default :meth:`ReadLimits.for_files` of
        ``settings`` (no row limit; the service passes :meth:`ReadLimits.for_uploads`).
    preset : str, optional
        A register preset (``fir-register``...); detected from the headers when not given.
    visit_plans : Mapping, optional
        Visit logs: the known plans' stops (:func:`geo.ingest.validation.validate`).

    Returns
    -------
    ValidationReport
        With ``thana`` / ``thana_mismatch`` filled when thanas are known.
    """
    spec = layer_spec(kind)
    if not isinstance(region, Region):
        region = region_from_settings(settings, region)
    read_limits = limits or ReadLimits.for_files(settings)
    raw = read_table(Path(path), mapping=mapping, limits=read_limits)
    thanas = layer_thanas(spec.kind, store)
    report = validate(
        raw,
        spec.kind,
        region,
        categories=settings.categories,
        defaults=defaults,
        fix_swapped=fix_swapped,
        now=now,
        preset=preset,
        places_from=place_source(store, settings) if PLACE in spec.names else None,
        visit_plans=visit_plans,
        thanas=thanas,
    )
    _assign_thanas(report, thanas)
    return report


def _assign_thanas(report: ValidationReport, thanas: pd.DataFrame | None) -> None:
    """Fill the accepted rows' thana from the store's thanas (a warning when it has none).

    Points get the thana whose polygon holds them; a layer without geometry (centre audits,
    casework) had its thana column checked against the same thanas during validation.
    """
    if thanas is None or not len(report.accepted):
        return
    placed = THANA in layer_spec(report.kind).derived
    if len(thanas) and placed:
        assigned = assign_thanas(report.accepted, thanas)
        for col in assigned.columns:
            report.accepted[col] = assigned[col]
    elif not len(thanas) and placed:
        report.warnings.append(
            _(
                "no thanas in the store yet: import thanas first so that every point gets "
                "its police station"
            )
        )
    elif not len(thanas):
        report.warnings.append(
            _(
                "no thanas in the store yet: the thana names were kept as written; import "
                "thanas first so that each row is checked against them"
            )
        )


def layer_thanas(kind: LayerKind | str, store: Store | None) -> pd.DataFrame | None:
    """Return the store's thanas, read once, when a layer's rows take their thana from them.

    Points are placed in the thanas' polygons; centre audits and casework name their thana,
    which validation writes as the thanas layer does, quarantining a name meaning none (it
    may be a person's). Without thanas in the store a warning says so.

    Parameters
    ----------
    kind : LayerKind or str
    store : Store, optional

    Returns
    -------
    pandas.DataFrame or None
        ``None`` for layers without a thana, or without a store.
    """
    spec = layer_spec(kind)
    if store is None or not (THANA in spec.derived or (not spec.spatial and THANA in spec.names)):
        return None
    thanas: pd.DataFrame = store.read(LayerKind.THANAS)
    return thanas


def place_source(store: Store | None, settings: Settings) -> PlaceSource | None:
    """Return the gazetteer of a store (its places, sites and stations), or ``None``.

    Parameters
    ----------
    store : Store, optional
    settings : Settings
        Gives the match threshold (``SHAKTI_PLACE_MATCH_THRESHOLD``).

    Returns
    -------
    PlaceSource or None
        ``None`` without a store or without any place in it.
    """
    if store is None:
        return None
    thanas = store.read(LayerKind.THANAS)
    gazetteer = build_gazetteer(
        store.read(LayerKind.GAZETTEER), sites=store.read(LayerKind.SITES), thanas=thanas
    )
    if not len(gazetteer):
        return None
    return PlaceSource(gazetteer, thanas, settings.place_match_threshold)


def import_file(
    path: Path,
    kind: LayerKind | str,
    store: Store,
    *,
    settings: Settings,
    region: Region | str | None = None,
    mapping: Mapping[str, str] | None = None,
    defaults: Mapping[str, str] | None = None,
    fix_swapped: bool = False,
    now: dt.datetime | None = None,
    limits: ReadLimits | None = None,
    preset: str | None = None,
    visit_plans: Mapping[str, PlanStops] | None = None,
) -> ImportResult:
    """Validate a file and write it to the store in one atomic step.

    Accepted rows are upserted on the layer key (re-importing the same file changes
    nothing); rejected rows go to the persisted quarantine with row, field, reason and
    original values. Parameters are those of :func:`validate_file`.

    Returns
    -------
    ImportResult

    When no row is valid the quarantine is still written, so nothing the user uploaded is
    lost; callers decide whether that is a failure (the CLI exits non-zero).
    """
    report = validate_file(
        path,
        kind,
        settings=settings,
        region=region,
        mapping=mapping,
        defaults=defaults,
        fix_swapped=fix_swapped,
        store=store,
        now=now,
        limits=limits,
        preset=preset,
        visit_plans=visit_plans,
    )
    return _apply(report, store, _sha256(Path(path)))


def import_table(
    raw: RawTable,
    kind: LayerKind | str,
    store: Store,
    *,
    settings: Settings,
    now: dt.datetime | None = None,
    visit_plans: Mapping[str, PlanStops] | None = None,
) -> ImportResult:
    """Validate a table built in code and write it to the store, as :func:`import_file` a file.

    A visit entered on the page, the visits of a GPS track: one atomic step.

    Parameters
    ----------
    raw : RawTable
        Values as text, as a spreadsheet would give them; ``raw.sha256`` identifies it.
    kind : LayerKind or str
    store : Store
    settings : Settings
    now : datetime, optional
    visit_plans : Mapping, optional
        Visit logs: the known plans' stops.

    Returns
    -------
    ImportResult
    """
    thanas = layer_thanas(kind, store)
    report = validate(
        raw,
        layer_spec(kind).kind,
        region_from_settings(settings),
        categories=settings.categories,
        now=now,
        visit_plans=visit_plans,
        thanas=thanas,
    )
    _assign_thanas(report, thanas)
    return _apply(report, store, raw.sha256)


def _apply(report: ValidationReport, store: Store, raw_sha: str) -> ImportResult:
    """Write a validated report (accepted rows, quarantine, log entry) in one atomic step."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    import_id = f"{stamp}-{raw_sha[:8]}"
    quarantine = report.quarantine.assign(**{Q_IMPORT_ID: import_id})
    batch = ImportBatch(
        import_id=import_id,
        kind=report.kind,
        source=report.source,
        sha256=raw_sha,
        accepted=report.accepted,
        quarantine=quarantine,
        rows=report.rows,
    )
    record = store.apply(batch)
    if report.rows and not len(report.accepted):
        logger.warning("%s: none of its %d rows is valid", report.source, report.rows)
    if report.kind is LayerKind.THANAS and len(report.accepted):
        reassign_thanas(store, reason=f"thanas changed by import {import_id}")
    return ImportResult(report=report, record=record)


def reassign_thanas(store: Store, *, reason: str = "thana re-assignment") -> dict[str, int]:
    """Re-derive the thana of every stored point after the thana polygons changed.

    Each point layer whose ``thana`` (or ``thana_mismatch``) changes gets one atomic
    upsert of just the changed rows, logged in the import log with ``reason`` as source.
    A stated thana kept as written while the store had no thanas, and naming none of the
    thanas now, is withheld as an import withholds it (:mod:`geo.ingest.thana_rules`).

    Parameters
    ----------
    store : Store
        The store to update.
    reason : str
        Recorded as the source of the re-assignment in the import log.

    Returns
    -------
    dict
        Layer → number of rows whose thana changed (or whose stated thana was withheld).
    """
    thanas = store.read(LayerKind.THANAS)
    changed: dict[str, int] = {}
    for spec in LAYERS.values():
        if THANA not in spec.derived or not store.count(spec.kind):
            continue
        points = store.read(spec.kind)
        diff = pd.Series(False, index=points.index)
        if THANA_STATED in points.columns and len(thanas):
            diff[:] = unknown_stated(points[THANA_STATED].astype("string"), thanas)
            points[THANA_STATED] = points[THANA_STATED].mask(diff)
        assigned = assign_thanas(points, thanas)
        for col in assigned.columns:
            before = points[col].astype("string").fillna("")
            after = assigned[col].astype("string").fillna("")
            diff |= before != after
        if not diff.any():
            continue
        updated = points.loc[diff].copy()
        for col in assigned.columns:
            updated[col] = assigned.loc[diff, col]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        store.apply(
            ImportBatch(
                import_id=f"{stamp}-thanas",
                kind=spec.kind,
                source=reason,
                sha256="",
                accepted=updated.reset_index(drop=True),
                quarantine=empty_quarantine(),
                rows=0,
            )
        )
        changed[spec.kind.value] = int(diff.sum())
        logger.info("%s: thana re-derived for %d rows", spec.kind.value, int(diff.sum()))
    return changed


def _sha256(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
