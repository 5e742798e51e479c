"""The types layers are described with: layer kinds, field types, field and layer specs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

#: The geometry column of every layer (empty for attribute tables).
GEOMETRY: Final = "geometry"


class LayerKind(StrEnum):
    """The kinds of layer a user can import."""

    INCIDENTS = "incidents"
    CAMPAIGNS = "campaigns"
    CCTV = "cctv"
    SITES = "sites"
    THANAS = "thanas"
    GAZETTEER = "gazetteer"
    CENTRE_AUDIT = "centre-audit"
    CASEWORK = "casework"
    VISITS = "visits"


class FieldType(StrEnum):
    """Logical type of a field; validation parses raw text into it."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    TIMES = "times"
    VOCAB = "vocab"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a layer.

    Attributes
    ----------
    name : str
        Canonical column name.
    type : FieldType
        Logical type; raw values are parsed into it.
    required : bool
        Whether a row without it is quarantined.
    description : str
        One line for ``docs/data-formats.md``.
    allowed : tuple of str, optional
        Vocabulary for ``VOCAB`` fields (``None`` means "from settings", for categories).
    aliases : tuple of str
        Other common spellings recognised automatically (lower case, compared loosely).
    minimum : float, optional
        Smallest allowed value of a numeric field.
    max_length : int, optional
        Longest allowed value of a text field, in characters.
    """

    name: str
    type: FieldType
    required: bool
    description: str
    allowed: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    minimum: float | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A layer: its geometry type, its key and its fields.

    Attributes
    ----------
    kind : LayerKind
    geometry : str or None
        ``"Point"`` or ``"Polygon"`` (MultiPolygon accepted for polygons); ``None`` for an
        attribute table keyed to a thana (centre audits, casework): its rows have no
        location and its ``geometry`` column is always empty.
    key : str
        The field that identifies a record; re-imports upsert on it.
    fields : tuple of FieldSpec
    description : str
    """

    kind: LayerKind
    geometry: str | None
    key: str
    fields: tuple[FieldSpec, ...]
    description: str
    derived: tuple[str, ...] = field(default=())

    def field(self, name: str) -> FieldSpec:
        """Return the spec of field ``name``."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def spatial(self) -> bool:
        """Return whether the rows have a location (``False`` for attribute tables)."""
        return self.geometry is not None

    @property
    def names(self) -> tuple[str, ...]:
        """Return the canonical field names, in order."""
        return tuple(spec.name for spec in self.fields)

    @property
    def columns(self) -> tuple[str, ...]:
        """Return every stored column: fields, derived columns and the geometry.

        An attribute table's ``geometry`` column is kept (every layer reads as a
        GeoDataFrame) and always empty.
        """
        return (*self.names, *self.derived, GEOMETRY)
