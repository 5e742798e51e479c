"""Column mappings: ``SRC=DST`` items and mapping files, and renaming a table's columns by them."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

import pandas as pd

from geo.errors import ColumnMappingError
from geo.ingest.delimited import sniff_delimiter
from geo.ingest.public_text import clip, describe_names

logger = logging.getLogger(__name__)

#: Extensions of mapping files: a JSON object, or text (CSV pairs or ``SRC=DST`` lines).
MAPPING_JSON_SUFFIXES: Final = (".json",)
MAPPING_TEXT_SUFFIXES: Final = (".csv", ".txt")
#: Largest mapping file read (command line or upload), in bytes.
MAX_MAPPING_FILE_BYTES: Final = 64 * 1024
#: Most pairs a mapping may hold (a table has at most this many columns to rename).
MAX_MAPPING_PAIRS: Final = 1_000

_Pairs = list[tuple[tuple[str, str], str]]


def parse_mapping(
    items: Sequence[str],
    *,
    allow_files: bool = False,
    mapping_file: tuple[bytes, str] | None = None,
) -> dict[str, str]:
    """Parse ``--map`` items into a ``{source column: target column}`` dictionary.

    Parameters
    ----------
    items : sequence of str
        Each item is ``"SRC=DST"`` (split on the first ``=``, spaces around either side
        stripped) or, with ``allow_files``, ``"@FILE"`` naming a mapping file: ``.json``
        holding an object ``{"SRC": "DST"}``, or ``.csv``/``.txt`` holding two columns
        ``source,target`` (header optional) or lines ``SRC=DST``. Blank lines and lines
        starting with ``#`` in a text mapping file are skipped.
    allow_files : bool, default False
        Read ``@FILE`` items from the file system: only for a path the operator typed on
        the command line, never for a value a client sent (the service takes a mapping
        file as an upload, see ``mapping_file``).
    mapping_file : tuple of (bytes, str), optional
        The content and name of a mapping file sent as data (an upload); its pairs come
        first, then ``items``, checked together. See :func:`parse_mapping_file`.

    Returns
    -------
    dict of str to str
        In the order given.

    Raises
    ------
    ColumnMappingError
        When an item has no ``=`` or an empty side, is ``@...`` without ``allow_files``, a
        mapping file cannot be read, a source is mapped to two different targets, or two
        sources share one target.

    Examples
    --------
    >>> parse_mapping(["Latitude=lat", " Thana Name = thana"])
    {'Latitude': 'lat', 'Thana Name': 'thana'}
    """
    mapping: dict[str, str] = {}
    where: dict[str, str] = {}  # target -> the item that introduced it, for messages
    if mapping_file is not None:
        data, name = mapping_file
        for (src, dst), label in _mapping_from_bytes(data, Path(name).name):
            _add_pair(mapping, where, src, dst, label)
    for item in items:
        if item.strip().startswith("@"):
            if not allow_files:
                raise ColumnMappingError(
                    f"column mapping {clip(item)!r} names a file",
                    why="a mapping sent to the service is data, never a path on the server",
                    fix="write SOURCE=TARGET pairs, or upload the mapping file as the "
                    "'mapping_file' field (JSON or CSV)",
                )
            pairs = _read_mapping_path(item.strip()[1:].strip(), item)
        else:
            pairs = [(_split_pair(item, item), item)]
        for (src, dst), label in pairs:
            _add_pair(mapping, where, src, dst, label)
    return mapping


def parse_mapping_file(data: bytes, name: str) -> dict[str, str]:
    """Parse the content of a mapping file (an upload, or a file the command line read).

    Parameters
    ----------
    data : bytes
        At most :data:`MAX_MAPPING_FILE_BYTES`; UTF-8 (a BOM is allowed).
    name : str
        The file's name: ``.json`` is a JSON object, ``.csv``/``.txt`` text pairs.

    Returns
    -------
    dict of str to str

    Raises
    ------
    ColumnMappingError
        Too large, not UTF-8, of another type, malformed, or inconsistent.

    Examples
    --------
    >>> parse_mapping_file(b'{"Latitude": "lat"}', "map.json")
    {'Latitude': 'lat'}
    """
    return parse_mapping([], mapping_file=(data, name))


def _split_pair(text: str, label: str) -> tuple[str, str]:
    if "=" not in text:
        raise ColumnMappingError(
            f"column mapping {clip(label)!r} has no '='",
            why="each mapping item names a column of the file and the name to give it",
            fix="write it as SOURCE=TARGET, e.g. 'Latitude=lat', or @FILE for a mapping file",
        )
    src, dst = (part.strip() for part in text.split("=", 1))
    _check_sides(src, dst, label)
    return src, dst


def _check_sides(src: str, dst: str, label: str) -> None:
    if not src or not dst:
        side = "source" if not src else "target"
        raise ColumnMappingError(
            f"column mapping {clip(label)!r} has an empty {side} column name",
            fix="write it as SOURCE=TARGET with both names, e.g. 'Thana Name=thana'",
        )


def _add_pair(
    mapping: dict[str, str], where: dict[str, str], src: str, dst: str, label: str
) -> None:
    previous = mapping.get(src)
    if previous is not None and previous != dst:
        raise ColumnMappingError(
            f"column mapping {clip(label)!r} maps {clip(src)!r} again, to {clip(dst)!r}",
            why=f"{clip(src)!r} is already mapped to {clip(previous)!r} by "
            f"{clip(where[previous])!r}",
            fix="map each source column once",
        )
    if previous == dst:
        return
    if dst in where:
        raise ColumnMappingError(
            f"column mapping {clip(label)!r} maps a second column to {clip(dst)!r}",
            why=f"{clip(where[dst])!r} already maps a column to {clip(dst)!r}; a target can "
            "hold one column",
            fix=f"map only one column to {clip(dst)!r}",
        )
    if len(mapping) >= MAX_MAPPING_PAIRS:
        raise ColumnMappingError(
            f"the column mapping has more than {MAX_MAPPING_PAIRS:,} pairs",
            fix="map only the columns that need a new name",
        )
    mapping[src] = dst
    where[dst] = label


def _read_mapping_path(name: str, label: str) -> _Pairs:
    if not name:
        raise ColumnMappingError(
            f"column mapping {clip(label)!r} names no file",
            fix="write @ followed by the path of a .json, .csv or .txt mapping file",
        )
    path = Path(name)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_MAPPING_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ColumnMappingError(
            f"mapping file {name!r} cannot be read: {reason}",
            fix="check the path, and save the file as UTF-8 text",
        ) from exc
    return _mapping_from_bytes(data, path.name)


def _mapping_from_bytes(data: bytes, name: str) -> _Pairs:
    suffix = Path(name).suffix.lower()
    if suffix not in (*MAPPING_JSON_SUFFIXES, *MAPPING_TEXT_SUFFIXES):
        raise ColumnMappingError(
            f"mapping file {clip(name)!r} is neither .json, .csv nor .txt",
            fix='use a JSON object {"SOURCE": "TARGET"} or a CSV with columns source,target',
        )
    if len(data) > MAX_MAPPING_FILE_BYTES:
        raise ColumnMappingError(
            f"mapping file {clip(name)!r} is larger than {MAX_MAPPING_FILE_BYTES:,} bytes",
            fix="keep one line per column to rename",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ColumnMappingError(
            f"mapping file {clip(name)!r} is not UTF-8 text",
            fix="save the file as UTF-8 text",
        ) from exc
    if suffix in MAPPING_JSON_SUFFIXES:
        return _mapping_from_json(text, clip(name))
    return _mapping_from_text(text, clip(name))


def _mapping_from_json(text: str, name: str) -> _Pairs:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ColumnMappingError(
            f"mapping file {name!r} is not valid JSON: {exc.msg} (line {exc.lineno})",
            fix='write an object such as {"Latitude": "lat", "Thana Name": "thana"}',
        ) from exc
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ColumnMappingError(
            f"mapping file {name!r} is not a JSON object of column names",
            fix='write an object such as {"Latitude": "lat", "Thana Name": "thana"}',
        )
    pairs = []
    for src, dst in data.items():
        label = f"{name}: {clip(src)!r}"
        _check_sides(src.strip(), dst.strip(), label)
        pairs.append(((src.strip(), dst.strip()), label))
    return pairs


def _mapping_from_text(text: str, name: str) -> _Pairs:
    lines = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    pairs: _Pairs = []
    if all("=" in line for _, line in lines):
        for number, line in lines:
            label = f"{name} line {number}"
            pairs.append((_split_pair(line, label), label))
        return pairs
    delimiter = sniff_delimiter("\n".join(line for _, line in lines))
    for index, (number, line) in enumerate(lines):
        label = f"{name} line {number}"
        cells = [cell.strip() for cell in next(csv.reader([line], delimiter=delimiter))]
        if len(cells) != 2:
            raise ColumnMappingError(
                f"{label} has {len(cells)} columns instead of 2",
                fix="write one 'source,target' pair per line (or SOURCE=TARGET lines)",
            )
        if index == 0 and [c.lower() for c in cells] == ["source", "target"]:
            continue
        _check_sides(cells[0], cells[1], label)
        pairs.append(((cells[0], cells[1]), label))
    return pairs


def apply_mapping(frame: pd.DataFrame, mapping: Mapping[str, str], source: str) -> pd.DataFrame:
    """Rename a table's columns by a mapping: exact names first, then ignoring case.

    Parameters
    ----------
    frame : pandas.DataFrame
    mapping : mapping of str to str
        ``{source column: target column}``.
    source : str
        The file name, for messages.

    Returns
    -------
    pandas.DataFrame
        A shallow copy with renamed columns (``frame`` itself when the mapping is empty).

    Raises
    ------
    ColumnMappingError
        A source that is not a column (a few of the file's columns are named), a source
        matching several columns, a column mapped twice, or two columns sharing a name.
    """
    if not mapping:
        return frame
    columns = [str(c) for c in frame.columns]
    renames: dict[str, str] = {}
    for src, dst in mapping.items():
        if src in columns:
            match = src
        else:
            folded = [c for c in columns if c.strip().casefold() == src.strip().casefold()]
            if len(folded) > 1:
                raise ColumnMappingError(
                    f"column mapping source {clip(src)!r} matches several columns of "
                    f"{source}: " + describe_names(folded),
                    why="without an exact match, names are compared ignoring case",
                    fix="spell the source column exactly as in the file",
                )
            if not folded:
                raise ColumnMappingError(
                    f"column mapping source {clip(src)!r} is not a column of {source}",
                    why="the file's columns are " + describe_names(columns),
                    fix="use one of these names on the left of '=' (case does not matter)",
                )
            match = folded[0]
        if match in renames:
            raise ColumnMappingError(
                f"column {clip(match)!r} of {source} is mapped twice (to "
                f"{clip(renames[match])!r} and {clip(dst)!r})",
                fix="map each column once",
            )
        renames[match] = dst
    final = [renames.get(c, c) for c in columns]
    clashes = sorted({c for c in final if final.count(c) > 1})
    if clashes:
        raise ColumnMappingError(
            f"after the column mapping, {source} would have two columns named "
            + describe_names(clashes),
            why="a mapping target is already a column of the file",
            fix="map that existing column to another name as well, or choose another target",
        )
    logger.info("%s: %d columns renamed", source, len(renames))
    renamed = frame.copy(deep=False)
    renamed.columns = pd.Index(final)
    return renamed
