"""Settings of a deployment: region, metric CRS, timezone, vocabularies and store location."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from geo.errors import ParameterError
from geo.i18n.formats import TimeFormat
from geo.i18n.langs import DEFAULT_LANG, Lang, parse_lang

#: Varanasi defaults: the Commissionerate's bounding box (lon/lat, W,S,E,N), UTM 44N, IST.
VARANASI_BBOX: tuple[float, float, float, float] = (82.85, 25.18, 83.12, 25.42)
VARANASI_METRIC_CRS = "EPSG:32644"
VARANASI_TIMEZONE = "Asia/Kolkata"

#: Default incident categories; a deployment may replace them with ``SHAKTI_CATEGORIES``.
DEFAULT_CATEGORIES: tuple[str, ...] = (
    "eve-teasing",
    "stalking",
    "harassment",
    "cyber",
    "assault",
    "other",
)


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Deployment settings, read from ``SHAKTI_*`` environment variables or a ``.env`` file.

    Every field has a Varanasi default, so a Lucknow or Kanpur deployment changes only
    settings (``SHAKTI_REGION``, ``SHAKTI_TIMEZONE``, optionally ``SHAKTI_METRIC_CRS``), never code.

    Attributes
    ----------
    region : str
        Either ``"W,S,E,N"`` (a lon/lat bounding box) or the path of a polygon file
        (GeoJSON, GeoPackage, zipped Shapefile) in any CRS.
    metric_crs : str or None
        Projected CRS for all metric work. ``None`` (the default) picks the local UTM zone
        of the region: EPSG:32644 (UTM 44N) for Varanasi, Lucknow and Kanpur.
    timezone : str
        IANA timezone of local times in the data (incidents' ``occurred_at``).
    store : Path
        Path of the embedded GeoPackage store.
    categories : list of str
        Allowed incident categories.
    lang : {"hi", "en"}
        Language of what people read when no ``--lang``, ``?lang=`` or preference chooses
        (``SHAKTI_LANG``; also ``hi-IN``, ``हिन्दी``...). English by default.
    time_format : {"24h", "12h"}
        Times of day as ``13:00`` or ``1:00 PM`` / ``दोपहर 1:00`` (``SHAKTI_TIME_FORMAT``).
    sheet_lang : {"hi", "en", "both"} or None
        Language of printed patrol sheets and CCTV reports (``SHAKTI_SHEET_LANG``); ``both``
        prints every heading in Hindi and English. Unset (the default), a sheet made in Hindi
        (``--lang hi``) is Hindi only and one made in English is bilingual.
    """

    model_config = SettingsConfigDict(env_prefix="SHAKTI_", env_file=".env", extra="ignore")

    region: str = ",".join(str(v) for v in VARANASI_BBOX)
    metric_crs: str | None = None
    timezone: str = VARANASI_TIMEZONE
    store: Path = Path("shakti-store.gpkg")
    categories: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: list(DEFAULT_CATEGORIES)
    )

    _split_categories = field_validator("categories", mode="before")(_split_csv)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name such as 'Asia/Kolkata'"
            ) from exc
        return value

    # ---- language of what people read (geo.i18n) ----
    lang: Lang = Field(
        default=DEFAULT_LANG,
        description="Language of tables, maps, sheets and messages when none is chosen: hi or en.",
    )
    time_format: TimeFormat = Field(
        default="24h", description="Times of day as 24h (13:00) or 12h (1:00 PM, दोपहर 1:00)."
    )
    sheet_lang: Literal["hi", "en", "both"] | None = Field(
        default=None,
        description=(
            "Printed patrol sheets and CCTV reports: hi, en or both; unset, a Hindi run prints "
            "Hindi-only sheets and an English run bilingual ones."
        ),
    )

    @field_validator("lang", mode="before")
    @classmethod
    def _known_lang(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        try:
            return parse_lang(value)
        except ParameterError as exc:
            raise ValueError(str(exc)) from exc

    # ---- locating rows from their place text (geo.places) ----
    place_match_threshold: float = Field(
        default=85.0,
        ge=50,
        le=100,
        description="Least confidence (0-100) with which a row without coordinates is located "
        "at the gazetteer place its place text names; below it the row is quarantined with "
        "its best candidates.",
    )

    # ---- hotspots (models.hotspots.density) ----
    max_hotspot_m: float = Field(
        default=1000.0,
        gt=100,
        le=20_000,
        description="Widest hotspot, in metres, a patrol team can cover (SHAKTI_MAX_HOTSPOT_M); "
        "a wider cluster is split along its density structure.",
    )
    top_hotspots: int = Field(
        default=20,
        ge=1,
        le=1_000,
        description="Hotspots emphasised on maps, pages and sheets (the top N by risk); the rest "
        "are in a layer that is off by default (SHAKTI_TOP_HOTSPOTS).",
    )

    # ---- the monthly review (models.review.resources) ----
    review_norm: dict[str, int] = Field(
        default_factory=dict,
        description="What a Mission Shakti centre should have in working order, over the "
        'defaults (SHAKTI_REVIEW_NORM, JSON: {"computers": 2, "vehicles": 1}); resources of '
        "geo.centre.CENTRE_RESOURCES, whole numbers ≥ 0.",
    )

    # ---- maps ----
    tiles: str | None = Field(
        default="openstreetmap",
        description="Base map tiles: a folium tile name or an XYZ URL; 'none' for no base map "
        "(offline).",
    )
    tile_attribution: str | None = Field(
        default=None, description="Attribution shown for a custom SHAKTI_TILES URL."
    )

    # ---- hostile input: limits on what one file may cost (CLI imports and uploads) ----
    max_upload_bytes: int = Field(
        default=50 * 1024 * 1024, ge=1, description="Largest accepted upload, in bytes."
    )
    max_upload_rows: int = Field(
        default=500_000, ge=1, description="Most rows an uploaded file may have."
    )
    max_upload_columns: int = Field(
        default=500, ge=1, description="Most columns an uploaded file may have."
    )
    max_cell_chars: int = Field(
        default=32_767,
        ge=1,
        description="Longest text in one cell of an uploaded file (Excel's own limit).",
    )
    max_unpacked_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1,
        description="Largest total uncompressed size of an uploaded zip or XLSX (declared).",
    )
    max_zip_members: int = Field(
        default=1_000, ge=1, description="Most members an uploaded zip or XLSX may hold."
    )
    max_zip_ratio: int = Field(
        default=200,
        ge=1,
        description="Largest compression ratio of a zip or XLSX member (zip-bomb guard).",
    )

    # ---- scale-out (geo.store.postgis, models.scale) ----
    database_url: str | None = Field(
        default=None,
        repr=False,
        description="PostgreSQL + PostGIS store (postgresql://user@host:port/db[?schema=NAME]); "
        "when set it replaces the GeoPackage file SHAKTI_STORE.",
    )
    dask_scheduler: str | None = Field(
        default=None,
        description="Address of a Dask scheduler (tcp://host:8786); unset: a local cluster.",
    )

    @property
    def store_location(self) -> str | Path:
        """Return where the store is: the database URL when set, else the GeoPackage file."""
        return self.database_url if self.database_url else self.store


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings (read once from the environment).

    Returns
    -------
    Settings
        The settings; tests build their own ``Settings(...)`` instead of calling this.
    """
    return Settings()
