"""The data layers (incidents, campaigns, CCTV, sites, thanas, gazetteer, centre, visits)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from geo.centre import (
    AGE_BAND,
    AGE_BANDS,
    AUDITED_ON,
    BNSS_SECTION,
    BNSS_SECTIONS,
    CASE_OUTCOME,
    CASE_OUTCOMES,
    CASE_ROUTE,
    CASE_ROUTES,
    CASE_TYPE,
    CASE_TYPES,
    CENTRE_RESOURCES,
    DISPOSED_ON,
    RECEIVED_ON,
    needed_column,
    working_column,
)
from geo.incident_vocab import ACTIONS as ACTIONS  # re-exported: the incidents' vocabularies
from geo.incident_vocab import SOURCES as SOURCES
from geo.layer_types import GEOMETRY as GEOMETRY  # re-exported: every layer's geometry column
from geo.layer_types import FieldSpec as FieldSpec  # re-exported: the types of the layers
from geo.layer_types import FieldType as FieldType
from geo.layer_types import LayerKind as LayerKind
from geo.layer_types import LayerSpec as LayerSpec

# ---- column names shared by every layer (import these, never spell them) ----
ID: Final = "id"
#: Coordinate columns of a table of points (a CSV file's, the gazetteer's, a map's cell
#: centres), in degrees of EPSG:4326.
LAT: Final = "lat"
LON: Final = "lon"

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
#: Place of occurrence. Read from the file to locate rows without coordinates; only the
#: gazetteer name it matched is stored, never the text as written (it may hold an address).
PLACE: Final = "place"
#: How precisely an incident is located: one of :data:`LOCATION_PRECISIONS`.
LOCATION_PRECISION: Final = "location_precision"
#: The gazetteer entry a row without coordinates was located at (its name).
MATCHED_PLACE: Final = "matched_place"

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

# sites (and thanas)
NAME: Final = "name"
#: Optional Hindi name of a place (site or thana), shown in Hindi output instead of ``name``.
NAME_HI: Final = "name_hi"
#: Longest Hindi name accepted, in characters (after Unicode NFC normalisation).
NAME_HI_MAX_CHARS: Final = 120
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

# gazetteer
#: Postal index number of a place (6 digits).
PINCODE: Final = "pincode"

# visits (what a patrol team did at a planned stop)
PLAN_ID: Final = "plan_id"
TEAM: Final = "team"
DAY: Final = "day"
#: The stop's number within its team's day (1, 2, ... along the route).
STOP: Final = "stop"
ARRIVED: Final = "arrived"
LEFT: Final = "left"
SEEN_CATEGORY: Final = "seen_category"
SEEN_COUNT: Final = "seen_count"
#: The plan's place of the stop (``hotspot-<n>`` or ``site-<id>``), filled from the plan.
STOP_PLACE: Final = "place_id"

# ---- vocabularies ----
#: Values of :data:`TIME_PRECISION`: a time of day known, only the day, only the month. A row
#: of a store made before the column existed reads as exact.
TIME_EXACT: Final = "exact"
TIME_DAY: Final = "day"
TIME_MONTH: Final = "month"
TIME_PRECISIONS: Final = (TIME_EXACT, TIME_DAY, TIME_MONTH)
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
#: Status of a camera in the CCTV register: it works, it does not, or nobody knows.
CCTV_WORKING: Final = "working"
CCTV_FAULTY: Final = "faulty"
CCTV_UNKNOWN: Final = "unknown"
CCTV_STATUSES: Final = (CCTV_WORKING, CCTV_FAULTY, CCTV_UNKNOWN)
#: How precisely a row is located: its own coordinates, a landmark, a locality (mohalla)
#: centroid or a pincode centroid (from the most to the least precise).
LOCATION_PRECISIONS: Final = ("exact", "landmark", "locality", "pincode")
#: The precisions fine enough for point analyses (hotspots, CCTV gaps, patrol stops).
PRECISE_LOCATIONS: Final = ("exact", "landmark")
#: Kinds of gazetteer entry: a landmark, a locality (mohalla), a pincode (post office),
#: a police station, a sensitive site.
GAZETTEER_KINDS: Final = ("landmark", "locality", "pincode", "station", "site")
#: Values of a visit's :data:`STATUS`: the team stayed, never came, left early, or no team
#: could be sent.
VISIT_VISITED: Final = "visited"
VISIT_MISSED: Final = "missed"
VISIT_CUT_SHORT: Final = "cut-short"
VISIT_NO_TEAM: Final = "no-team-available"
VISIT_STATUSES: Final = (VISIT_VISITED, VISIT_MISSED, VISIT_CUT_SHORT, VISIT_NO_TEAM)
#: Statuses of a visit that did not happen: such a row has no arrival or departure time.
VISIT_ABSENT: Final = (VISIT_MISSED, VISIT_NO_TEAM)
#: What a team saw at a stop: a category, never a name or a description of a person.
SEEN_NONE: Final = "none"
SEEN_CATEGORIES: Final = (
    SEEN_NONE,
    "eve-teasing",
    "stalking",
    "crowd-at-gate",
    "suspicious-vehicle",
    "other",
)
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


#: Spellings of a Hindi-name column (besides ``name_hi``), in Latin script and in Hindi.
NAME_HI_ALIASES: Final = (
    "hindi_name",
    "name_hindi",
    "name_in_hindi",
    "hindi",
    "नाम (हिन्दी)",
    "नाम (हिंदी)",
    "हिन्दी नाम",
    "हिंदी नाम",
    "हिन्दी में नाम",
    "हिंदी में नाम",
)


def _name_hi(what: str, *extra_aliases: str) -> FieldSpec:
    """Return the optional Hindi-name field of a layer of places (``what`` is the place)."""
    return FieldSpec(
        NAME_HI,
        FieldType.TEXT,
        False,
        f"Name of the {what} in Hindi (Devanagari, e.g. लंका), shown in Hindi output instead "
        f"of `name`; at most {NAME_HI_MAX_CHARS} characters. A place's name, never a person's.",
        aliases=(*NAME_HI_ALIASES, *extra_aliases),
        max_length=NAME_HI_MAX_CHARS,
    )


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
            "Police station named in the record. Kept as given when it names a thana of the store "
            "(else not kept: it may be personal); the station whose polygon contains the point "
            "is stored in `thana`, and a disagreement sets `thana_mismatch`.",
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
        FieldSpec(
            PLACE,
            FieldType.TEXT,
            False,
            "Place of occurrence as written (a landmark, a mohalla, a pincode: "
            '"बीएचयू गेट के पास, लंका"). A row without coordinates is located at the '
            "gazetteer entry it names (`location_precision`, `matched_place`); only that "
            "entry's name is stored, never the text as written.",
            aliases=(
                "place_of_occurrence",
                "place_of_incident",
                "location",
                "landmark",
                "locality",
                "spot",
                "घटनास्थल",
                "घटना स्थल",
                "स्थान",
            ),
        ),
        FieldSpec(
            BNSS_SECTION,
            FieldType.VOCAB,
            False,
            "Section of the BNSS under which an anti-Romeo detention was made (126, 135 or "
            "170); empty for other incidents.",
            allowed=BNSS_SECTIONS,
            aliases=("bnss", "bnss_sec", "section_bnss", "bnss_section_no", "under_section"),
        ),
    ),
    "Incidents against women: complaints, anti-Romeo squad actions, helpline calls and "
    "Mission Shakti centre cases. Never holds names, phone numbers or free text.",
    derived=(THANA, THANA_MISMATCH, LOCATION_PRECISION, MATCHED_PLACE, TIME_PRECISION, ID_DERIVED),
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
        _name_hi("place", "site_name_hi"),
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
        _name_hi("police station", "thana_hi", "thana_name_hi", "थाना (हिन्दी)", "थाना (हिंदी)"),
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

GAZETTEER = LayerSpec(
    LayerKind.GAZETTEER,
    "Point",
    ID,
    (
        _ID,
        FieldSpec(
            NAME,
            FieldType.TEXT,
            True,
            "Name of the place: a landmark, a mohalla, a post office (never a person).",
            aliases=("place", "place_name", "landmark", "locality", "officename", "office_name"),
        ),
        _name_hi("place (matched like `name`)"),
        FieldSpec(
            KIND,
            FieldType.VOCAB,
            True,
            "What kind of place: a landmark, a locality (mohalla), a pincode (post office).",
            allowed=GAZETTEER_KINDS,
            aliases=("type", "place_type", "category"),
        ),
        FieldSpec(
            PINCODE,
            FieldType.TEXT,
            False,
            "Postal index number (6 digits); a row giving only a pincode is located at the "
            "centroid of the entries with it.",
            aliases=("pin", "pin_code", "postal_code", "पिनकोड", "पिन कोड"),
        ),
    ),
    "Places that rows without coordinates can be located at: landmarks, mohallas and "
    "pincodes (an OSM export, the India Post list). Sites and police stations are added "
    "from their own layers.",
)

_CENTRE_THANA = FieldSpec(
    THANA,
    FieldType.TEXT,
    True,
    "Police station (thana) whose Mission Shakti centre the row is about: its name as in the "
    "thanas layer.",
    aliases=("thana_name", "police_station", "ps", "station", "centre", "center"),
)

CENTRE_AUDIT = LayerSpec(
    LayerKind.CENTRE_AUDIT,
    None,
    ID,
    (
        FieldSpec(
            ID,
            FieldType.TEXT,
            True,
            "Identifier of the audit, unique within the layer (derived from the row when the "
            "file has none).",
            aliases=("audit_id", "sr_no", "s_no"),
        ),
        _CENTRE_THANA,
        FieldSpec(
            AUDITED_ON,
            FieldType.DATE,
            True,
            "Date of the audit (local). A thana's latest audit is its current state; earlier "
            "ones give the trend.",
            aliases=("audit_date", "date", "inspected_on", "inspection_date"),
        ),
        *(
            FieldSpec(
                column,
                FieldType.INTEGER,
                False,
                f"{what} {resource.replace('_', ' ')} (a count, 0 or more).",
                minimum=0,
            )
            for resource in CENTRE_RESOURCES
            for column, what in (
                (working_column(resource), "Number in working order:"),
                (needed_column(resource), "Number the centre should have:"),
            )
        ),
    ),
    "Audits of each thana's Mission Shakti centre: resources in working order and needed "
    "(rooms, women's toilet, registers, furniture, computers, mobile phones, SIM cards, "
    "vehicles, women staff). No location: keyed to the thana.",
)

CASEWORK = LayerSpec(
    LayerKind.CASEWORK,
    None,
    ID,
    (
        FieldSpec(
            ID,
            FieldType.TEXT,
            True,
            "Identifier of the complaint (the centre's register number), unique within the layer.",
            aliases=("case_id", "complaint_id", "complaint_no", "sr_no"),
        ),
        _CENTRE_THANA,
        FieldSpec(
            RECEIVED_ON,
            FieldType.DATE,
            True,
            "Day the complaint was received (local).",
            aliases=("received", "date_received", "complaint_date", "date"),
        ),
        FieldSpec(
            CASE_TYPE,
            FieldType.VOCAB,
            True,
            "What the complaint is about.",
            allowed=CASE_TYPES,
            aliases=("type", "complaint_type", "nature"),
        ),
        FieldSpec(
            CASE_ROUTE,
            FieldType.VOCAB,
            True,
            "How the centre took it up: counselling, an FIR, or referred elsewhere.",
            allowed=CASE_ROUTES,
            aliases=("route", "taken_up_by", "mode"),
        ),
        FieldSpec(
            CASE_OUTCOME,
            FieldType.VOCAB,
            True,
            "Where it stands: reunited after counselling, FIR registered, disposed, pending.",
            allowed=CASE_OUTCOMES,
            aliases=("outcome", "status", "result"),
        ),
        FieldSpec(
            DISPOSED_ON,
            FieldType.DATE,
            False,
            "Day the complaint was disposed of: required unless pending, never before "
            "`received_on`; a pending complaint has none.",
            aliases=("disposed", "disposal_date", "date_of_disposal"),
        ),
        FieldSpec(
            AGE_BAND,
            FieldType.VOCAB,
            False,
            "Age band of the complainant (never a birth date); missing means `unknown`.",
            allowed=AGE_BANDS,
            aliases=("age_group", "age_range"),
        ),
    ),
    "Complaints handled by each thana's Mission Shakti centre: no names, no free text. No "
    "location: keyed to the thana.",
)

VISITS = LayerSpec(
    LayerKind.VISITS,
    "Point",
    ID,
    (
        FieldSpec(
            ID,
            FieldType.TEXT,
            True,
            "Identifier of the visit; re-recording a visit with the same id replaces it. "
            "Without one, a stable id is derived from the row's content.",
            aliases=("visit_id", "record_id", "sr_no"),
            max_length=120,
        ),
        FieldSpec(
            PLAN_ID,
            FieldType.TEXT,
            True,
            "Id of the patrol plan the stop belongs to (`shakti patrol plan`).",
            aliases=("plan", "patrol_plan", "plan_no"),
            max_length=64,
        ),
        FieldSpec(
            TEAM,
            FieldType.TEXT,
            True,
            "The team's name in the plan (`Lanka-1`): a team, never a person's name.",
            aliases=("team_name", "squad", "patrol_team"),
            max_length=100,
        ),
        FieldSpec(
            DAY,
            FieldType.DATE,
            True,
            "Date of the team's route (local).",
            aliases=("date", "visit_date", "patrol_date"),
        ),
        FieldSpec(
            STOP,
            FieldType.INTEGER,
            True,
            "Number of the stop in the team's route of that day (1, 2, ...).",
            aliases=("stop_no", "stop_number", "order", "point_no"),
            minimum=1,
        ),
        FieldSpec(
            ARRIVED,
            FieldType.DATETIME,
            False,
            "When the team arrived (local date and time); empty when the visit did not happen.",
            aliases=("arrival", "arrived_at", "arrival_time", "time_in", "in_time"),
        ),
        FieldSpec(
            LEFT,
            FieldType.DATETIME,
            False,
            "When the team left (local date and time), not before `arrived`.",
            aliases=("departure", "left_at", "departure_time", "time_out", "out_time"),
        ),
        FieldSpec(
            STATUS,
            FieldType.VOCAB,
            True,
            "What happened: visited, missed, cut short, or no team available. A missed visit "
            "has no times; a visited or cut-short one has both.",
            allowed=VISIT_STATUSES,
            aliases=("visit_status", "outcome", "result"),
        ),
        FieldSpec(
            SEEN_CATEGORY,
            FieldType.VOCAB,
            False,
            "What the team saw, as a category (never names or descriptions of people); "
            "missing means `none`.",
            allowed=SEEN_CATEGORIES,
            aliases=("seen", "observed", "observation", "found"),
        ),
        FieldSpec(
            SEEN_COUNT,
            FieldType.INTEGER,
            False,
            "How many cases of what was seen (a count; never names).",
            aliases=("count", "observed_count", "number_seen"),
            minimum=0,
        ),
        FieldSpec(
            STOP_PLACE,
            FieldType.TEXT,
            False,
            "The plan's place of the stop (`hotspot-3`, `site-S12`); filled from the plan "
            "when it is known.",
            aliases=("place", "place_key"),
            max_length=120,
        ),
    ),
    "Visits of patrol teams to the stops of a plan: when they arrived and left, or why not, "
    "and what they saw as a category and a count. Geometry is the stop's point. Never holds "
    "names or free text.",
    derived=(THANA,),
)

LAYERS: Final[dict[LayerKind, LayerSpec]] = {
    spec.kind: spec
    for spec in (
        INCIDENTS,
        CAMPAIGNS,
        CCTV,
        SITES,
        THANAS,
        GAZETTEER,
        CENTRE_AUDIT,
        CASEWORK,
        VISITS,
    )
}


def layer_spec(kind: str | LayerKind) -> LayerSpec:
    """Return the spec of a layer kind.

    Parameters
    ----------
    kind : str or LayerKind
        One of ``incidents``, ``campaigns``, ``cctv``, ``sites``, ``thanas``, ``gazetteer``,
        ``visits``.

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
