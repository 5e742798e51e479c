"""What the command line shows people: translated tables and labels, and table files (CSV/XLSX)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Final

import geopandas as gpd
import pandas as pd
from rich.table import Table

from geo.crs import to_wgs84
from geo.errors import ExportError, ParameterError, StoreError
from geo.export import write_output
from geo.i18n import VOCABULARIES, vocabulary_name
from geo.i18n.vocab import LAYER as LAYER
from geo.ingest.privacy import find_personal_columns
from geo.schema import NAME, SITES
from geo.store.gpkg import GeoPackageStore
from geo.table_export import TABLE_FORMATS, write_table

logger = logging.getLogger(__name__)

#: The vocabularies the command line shows besides the data's (keys stay English): the store
#: layers, from :data:`geo.i18n.VOCABULARIES`.
LABELS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType({LAYER: VOCABULARIES[LAYER]})


def label(context: str, key: object) -> str:
    """Return the name of ``key`` of the vocabulary ``context`` (:data:`LABELS`) now.

    A key the vocabulary does not know is shown as it is.

    Examples
    --------
    >>> from geo.i18n import use_lang
    >>> with use_lang("en"):
    ...     label(LAYER, "cctv"), label(LAYER, "something else")
    ('cctv', 'something else')
    """
    text = str(key)
    return vocabulary_name(context, text) if text in LABELS.get(context, ()) else text


def table(title: str, columns: Sequence[tuple[str, bool]], **options: object) -> Table:
    """Return a rich table with translated ``title`` and headers (``(header, right-aligned)``)."""
    shown = Table(title=title, **options)  # type: ignore[arg-type]
    for header, right in columns:
        shown.add_column(header, justify="right" if right else "left")
    return shown


#: Extensions a table file may have: CSV (UTF-8 with a byte-order mark) or an Excel workbook.
TABLE_SUFFIXES: Final = tuple(TABLE_FORMATS)


def check_table_path(path: Path, what: str, option: str = "--out") -> None:
    """Refuse a table file that is neither ``.csv`` nor ``.xlsx``.

    Raises
    ------
    geo.errors.ParameterError
        Naming the file and the two formats.
    """
    if path.suffix.lower() not in TABLE_SUFFIXES:
        raise ParameterError(
            f"cannot write {path.name}: {what} is written as CSV or XLSX",
            fix=f"give {option} a .csv or .xlsx file",
        )


def check_not_store(path: Path) -> None:
    """Refuse an output path that holds a Shakti store: writing there would replace it whole.

    Raises
    ------
    geo.errors.ExportError
        Naming the file, when it is a GeoPackage store (the one read or any other).
    """
    if not path.is_file():
        return
    try:
        GeoPackageStore(path)  # checks that it is a Shakti store; exists, so never creates
    except StoreError:
        return
    raise ExportError(
        f"refusing to write {path.name}: it is a Shakti store",
        why="an output written there would replace the store and every layer in it",
        fix="write the output to another file",
    )


def write_rows(frame: pd.DataFrame, path: Path, *, layer_name: str = "output") -> Path:
    """Write an output: ``.xlsx`` as a workbook, anything else with :func:`geo.export.write_output`.

    A workbook (:func:`geo.table_export.write_table`) holds the same rows as the CSV: geometry
    in EPSG:4326 as ``lon``/``lat`` of points or WKT; columns that look personal are refused.

    Raises
    ------
    geo.errors.ExportError
        For personal columns, an unknown extension, or a path holding a Shakti store.
    """
    check_not_store(path)
    if path.suffix.lower() != ".xlsx":
        return write_output(frame, path, layer_name=layer_name)
    plain = frame
    if isinstance(frame, gpd.GeoDataFrame):
        plain = pd.DataFrame(frame.drop(columns=[frame.geometry.name]))
        geom = to_wgs84(frame).geometry
        if len(geom) and (geom.geom_type == "Point").all():
            plain["lon"], plain["lat"] = geom.x.round(6), geom.y.round(6)
        else:
            plain["wkt"] = geom.to_wkt(rounding_precision=6)
    personal = {c: why for c, why in find_personal_columns(plain, SITES).items() if c != NAME}
    if personal:
        raise ExportError(
            f"refusing to write {path.name}: columns look personal: " + ", ".join(personal),
            why="no export may carry names, phone numbers or other personal data",
            fix="drop those columns before exporting",
        )
    return write_table(plain, path, sheet=layer_name)
