"""The five data layers (incidents, campaigns, cctv, sites, thanas): fields, types, vocabularies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final


class LayerKind(StrEnum):
    """The kinds of layer a user can import."""

    INCIDENTS = "incidents"
    CAMPAIGNS = "campaigns"
    CCTV = "cctv"
    SITES = "sites"
    THANAS = "thanas"


class FieldType(StrEnum):
    """Logical type of a field; validation parses raw text into it."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"
    TIMES = "times"
    VOCAB = "vocab"


# ---- column names shared by every layer (import these, never spell them) ----
ID: Final = "id"
GEOMETRY: Final = "geometry"

# incidents
OCCURRED_AT: Final = "occurred_at"
CATEGORY: Final = "category"
SOURCE: Final = "source"
THANA: Final = "thana"
THANA_STATED: Final = "thana_stated"
THANA_MISMATCH: Final = "thana_mismatch"
ACTION_TAKEN: Final = "action_taken"
#: How precisely ``occurred_at`` is known: one of :data:`TIME_PRECISIONS`.
TIME_PRECISION: Final = "time_precision"
#: Whether the row's id was derived by the import (the file gave none for it).
ID_DERIVED: Final = "id_derived"
ARRESTS: Final = "arrests"

# campaigns
HELD_ON: Final = "held_on"
KIND: Final = "kind"
VENUE_TYPE: Final = "venue_type"
ATTENDEES: Final = "attendees"

# cctv
OWNER: Final = "owner"
STATUS: Final = "status"
VIEW_RADIUS_M: Final = "view_radius_m"
INSTALLED_ON: Final = "installed_on"

# sites
NAME: Final = "name"
OPENS_AT: Final = "opens_at"
DISPERSES_AT: Final = "disperses_at"
STUDENTS: Final = "students"

# thanas
ZONE: Final = "zone"
STATION_LON: Final = "station_lon"
STATION_LAT: Final = "station_lat"
RESOURCES: Final = ("vehicles", "women_staff", "rooms", "toilets", "computers", "phones")

#: Marks every record produced by ``shakti demo-data``.
SYNTHETIC: Final = "synthetic"

# ---- vocabularies ----
#: Values of :data:`TIME_PRECISION`: a time of day known, only the day, only the month. A row
#: of a store made before the column existed reads as exact.
TIME_EXACT: Final = "exact"
TIME_DAY: Final = "day"
TIME_MONTH: Final = "month"
TIME_PRECISIONS: Final = (TIME_EXACT, TIME_DAY, TIME_MONTH)
SOURCES: Final = ("complaint", "anti-romeo-action", "helpline-call", "mission-shakti-centre")
ACTIONS: Final = (
    "none",
    "case-registered",
    "detained",
    "warned",
    "counselled-reunited",
    "referred",
)
CAMPAIGN_KINDS: Final = (
    "awareness-drive",
    "self-defence-training",
    "school-session",
    "helpline-awareness",
    "street-play",
    "other",
)
VENUE_TYPES: Final = (
    "school",
    "college",
    "coaching-centre",
    "womens-training-centre",
    "market",
    "ghat",
    "village",
    "residential",
    "transit",
    "other",
)
CCTV_OWNERS: Final = ("police", "private", "school", "smart-city")
CCTV_STATUSES: Final = ("working", "faulty", "unknown")
SITE_KINDS: Final = (
    "school",
    "college",
    "coaching-centre",
    "womens-training-centre",
    "hostel",
    "market",
    "ghat",
    "transit",
    "other",
)


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
    """

    name: str
    type: FieldType
    required: bool
    description: str
    allowed: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    minimum: float | None = None


@dataclass(frozen=True)
class LayerSpec:
    """A layer: its geometry type, its key and its fields.

    Attributes
    ----------
    kind : LayerKind
    geometry : str
        ``"Point"`` or ``"Polygon"`` (MultiPolygon accepted for polygons).
    key : str
        The field that identifies a record; re-imports upsert on it.
    fields : tuple of FieldSpec
    description : str
    """

    kind: LayerKind
    geometry: str
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
    def names(self) -> tuple[str, ...]:
        """Return the canonical field names, in order."""
        return tuple(spec.name for spec in self.fields)

    @property
    def columns(self) -> tuple[str, ...]:
        """Return every stored column: fields, derived columns and the geometry."""
        return (*self.names, *self.derived, GEOMETRY)


_ID = FieldSpec(
    ID,
    FieldType.TEXT,
    True,
    "Identifier, unique within the layer. Re-importing a row with the same id replaces it. "
    "When the file has no id column at all, a stable id is derived from the row's content.",
    aliases=("fid", "uid", "record_id", "incident_id", "case_id", "camera_id", "site_id", "sr_no"),
)

INCIDENTS = LayerSpec(
    LayerKind.INCIDENTS,
    "Point",
    ID,
    (
        _ID,
        FieldSpec(
            OCCURRED_AT,
            FieldType.DATETIME,
            True,
            "When it happened, local time of the deployment (Asia/Kolkata by default). "
            "ISO 8601 or day-first dates (28/11/2026 18:30); an explicit offset is honoured. "
            "Future times are rejected.",
            aliases=(
                "datetime",
                "date_time",
                "timestamp",
                "time",
                "date",
                "incident_time",
                "occurred",
                "reported_at",
            ),
        ),
        FieldSpec(
            CATEGORY,
            FieldType.VOCAB,
            True,
            "What kind of incident; the vocabulary is the SHAKTI_CATEGORIES setting.",
            allowed=None,
            aliases=("type", "crime_type", "incident_type", "offence", "offense"),
        ),
        FieldSpec(
            SOURCE,
            FieldType.VOCAB,
            True,
            "How the incident became known.",
            allowed=SOURCES,
            aliases=("reported_via", "channel", "origin"),
        ),
        FieldSpec(
            THANA_STATED,
            FieldType.TEXT,
            False,
            "Police station named in the record. Kept as given; the station whose polygon "
            "contains the point is stored in `thana`, and a disagreement sets `thana_mismatch`.",
            aliases=(THANA, "police_station", "ps", "station", "thana_name"),
        ),
        FieldSpec(
            ACTION_TAKEN,
            FieldType.VOCAB,
            False,
            "What was done.",
            allowed=ACTIONS,
            aliases=("action", "outcome"),
        ),
        FieldSpec(
            ARRESTS,
            FieldType.INTEGER,
            False,
            "Number of arrests made in connection with the incident (a count; never names).",
            minimum=0,
        ),
    ),
    "Incidents against women: complaints, anti-Romeo squad actions, helpline calls and "
    "Mission Shakti centre cases. Never holds names, phone numbers or free text.",
    derived=(THANA, THANA_MISMATCH, TIME_PRECISION, ID_DERIVED),
)

CAMPAIGNS = LayerSpec(
    LayerKind.CAMPAIGNS,
    "Point",
    ID,
    (
        _ID,
        FieldSpec(
            HELD_ON,
            FieldType.DATE,
            True,
            "Date of the drive (local).",
            aliases=("date", "held", "event_date"),
        ),
        FieldSpec(
            KIND,
            FieldType.VOCAB,
            True,
            "What kind of drive.",
            allowed=CAMPAIGN_KINDS,
            aliases=("type", "campaign_type", "activity"),
        ),
        FieldSpec(
            VENUE_TYPE,
            FieldType.VOCAB,
            True,
            "What kind of place it was held at.",
            allowed=VENUE_TYPES,
            aliases=("venue", "place_type", "location_type"),
        ),
        FieldSpec(
            ATTENDEES,
            FieldType.INTEGER,
            True,
            "Number of women and girls reached.",
            minimum=0,
            aliases=("participants", "women_reached", "count", "reach"),
        ),
    ),
    "Awareness drives held by Mission Shakti centres and anti-Romeo squads.",
)

CCTV = LayerSpec(
    LayerKind.CCTV,
    "Point",
    ID,
    (
        _ID,
        FieldSpec(
            OWNER,
            FieldType.VOCAB,
            True,
            "Who runs the camera.",
            allowed=CCTV_OWNERS,
            aliases=("owned_by", "agency"),
        ),
        FieldSpec(
            STATUS,
            FieldType.VOCAB,
            False,
            "Whether it works; missing means `unknown`.",
            allowed=CCTV_STATUSES,
            aliases=("condition", "state", "working"),
        ),
        FieldSpec(
            VIEW_RADIUS_M,
            FieldType.NUMBER,
            False,
            "Radius in metres within which the camera sees usefully; missing means the "
            "default of the CCTV analysis.",
            minimum=0,
            aliases=("radius_m", "radius", "view_radius", "range_m"),
        ),
        FieldSpec(
            INSTALLED_ON,
            FieldType.DATE,
            False,
            "Installation date.",
            aliases=("installed", "installation_date"),
        ),
    ),
    "CCTV cameras of the police, private owners, schools and the smart-city project.",
)

SITES = LayerSpec(
    LayerKind.SITES,
    "Point",
    ID,
    (
        _ID,
        FieldSpec(
            NAME,
            FieldType.TEXT,
            True,
            "Name of the place (an institution, never a person).",
            aliases=("site_name", "institution", "place", "title", "office_name"),
        ),
        FieldSpec(
            KIND,
            FieldType.VOCAB,
            True,
            "What kind of place.",
            allowed=SITE_KINDS,
            aliases=("type", "site_type", "category"),
        ),
        FieldSpec(
            OPENS_AT,
            FieldType.TIMES,
            False,
            "Opening time(s), HH:MM, `;`-separated.",
            aliases=("opening", "opens", "start_time"),
        ),
        FieldSpec(
            DISPERSES_AT,
            FieldType.TIMES,
            False,
            "Dispersal time(s) when students leave, HH:MM, `;`-separated (e.g. 13:30;17:00).",
            aliases=("dispersal", "disperses", "closing", "end_time"),
        ),
        FieldSpec(
            STUDENTS,
            FieldType.INTEGER,
            False,
            "Number of students or trainees.",
            minimum=0,
            aliases=("student_count", "strength", "enrolment", "enrollment"),
        ),
    ),
    "Sensitive places: schools, colleges, coaching centres, women's training centres, hostels, "
    "markets, ghats and transit points.",
)

THANAS = LayerSpec(
    LayerKind.THANAS,
    "Polygon",
    NAME,
    (
        FieldSpec(
            NAME,
            FieldType.TEXT,
            True,
            "Name of the police station (thana); its key.",
            aliases=("thana", "thana_name", "police_station", "ps", "station"),
        ),
        FieldSpec(
            ZONE,
            FieldType.TEXT,
            False,
            "Zone of the Commissionerate (e.g. Kashi).",
            aliases=("circle", "division"),
        ),
        FieldSpec(STATION_LON, FieldType.NUMBER, False, "Longitude of the station building."),
        FieldSpec(STATION_LAT, FieldType.NUMBER, False, "Latitude of the station building."),
        *(
            FieldSpec(
                res,
                FieldType.INTEGER,
                False,
                f"Resource audit: number of {res.replace('_', ' ')}.",
                minimum=0,
            )
            for res in RESOURCES
        ),
    ),
    "Police-station jurisdictions with the resource audit.",
)

LAYERS: Final[dict[LayerKind, LayerSpec]] = {
    spec.kind: spec for spec in (INCIDENTS, CAMPAIGNS, CCTV, SITES, THANAS)
}


def layer_spec(kind: str | LayerKind) -> LayerSpec:
    """Return the spec of a layer kind.

    Parameters
    ----------
    kind : str or LayerKind
        One of ``incidents``, ``campaigns``, ``cctv``, ``sites``, ``thanas``.

    Returns
    -------
    LayerSpec

    Raises
    ------
    UnknownLayerError
        When ``kind`` is not a layer.
    """
    from geo.errors import UnknownLayerError

    try:
        return LAYERS[LayerKind(kind)]
    except ValueError:
        raise UnknownLayerError(
            f"{kind!r} is not a layer kind",
            fix="use one of " + ", ".join(k.value for k in LayerKind),
        ) from None


def vocabulary(spec: FieldSpec, categories: Sequence[str]) -> tuple[str, ...]:
    """Return the allowed values of a vocabulary field (categories come from settings)."""
    return tuple(categories) if spec.allowed is None else spec.allowed
