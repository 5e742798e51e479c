"""``/datasets``: layer counts, uploads (validate or import) with size limits, quarantine CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field

from api.service.deps import CurrentUser, State, ThanaScope, Uploader, add_audit_detail
from api.service.errors import PayloadTooLargeError, UnsupportedFileTypeError
from api.service.limits import MULTIPART_SLACK_BYTES as MULTIPART_SLACK_BYTES  # re-exported
from api.service.routes.common import PROBLEM_RESPONSES
from api.service.uploads import read_small_upload, safe_filename, saved_upload
from api.usecases.datasets import UploadOptions, import_upload, layer_counts, quarantine_csv
from geo.errors import ColumnMappingError
from geo.ingest.mapping import MAX_MAPPING_FILE_BYTES
from geo.ingest.public_text import clip
from geo.ingest.readers import SUPPORTED_SUFFIXES, parse_mapping
from geo.schema import LayerKind, layer_spec

router = APIRouter(prefix="/datasets", tags=["datasets"])

#: Extensions an upload may have: what the readers read, but a lone ``.shp`` (its
#: sidecar files cannot come with it; a zipped Shapefile can).
UPLOAD_SUFFIXES: Final = tuple(s for s in SUPPORTED_SUFFIXES if s != ".shp")


class LayerCounts(BaseModel):
    """Rows per layer (in the thana, for an in-charge)."""

    store_version: int = Field(examples=[6])
    thana: str | None = Field(examples=[None])
    layers: dict[str, int] = Field(
        examples=[
            {
                "incidents": 1612, "campaigns": 2114, "cctv": 1092, "sites": 350, "thanas": 29,
                "gazetteer": 0, "centre-audit": 87, "casework": 3000,
            }
        ]
    )  # fmt: skip


class ImportReport(BaseModel):
    """What an upload did (like ``shakti import --json``)."""

    kind: str = Field(examples=["incidents"])
    dry_run: bool = Field(examples=[False])
    rows: int = Field(examples=[120])
    accepted: int = Field(examples=[117])
    quarantined: int = Field(examples=[3])
    reasons: dict[str, int] = Field(examples=[{"outside-region": 2, "unknown-category": 1}])
    flags: dict[str, int] | None = Field(default=None, examples=[{"thana_mismatch": 4}])
    import_id: str | None = None
    inserted: int | None = None
    updated: int | None = None
    personal_columns_dropped: int = Field(
        description="Columns dropped as personal data (never stored; names not echoed).",
        examples=[2],
    )
    personal_reasons: list[str]
    ignored_columns: list[str] = Field(
        description="Columns not in the schema, not stored: the first few, names cut short."
    )
    ignored_columns_count: int = Field(
        default=0, description="How many columns were ignored in all.", examples=[3]
    )
    warnings: list[str]
    notes: list[str] = Field(
        default_factory=list,
        description="What the import chose: the register preset detected, a default source.",
    )
    store_version: int


def _kind(kind: str) -> LayerKind:
    return layer_spec(kind).kind


@router.get("", summary="Rows per layer", responses=PROBLEM_RESPONSES)
def datasets(state: State, user: CurrentUser, scope: ThanaScope) -> LayerCounts:
    """Return how many rows each layer holds (only the thana's rows for an in-charge)."""
    return LayerCounts(
        store_version=state.version.current(),
        thana=scope,
        layers=layer_counts(state.store, scope),
    )


def _safe_filename(name: str | None) -> str:
    return safe_filename(name)


def _upload_mapping(items: list[str] | None, mapping_file: UploadFile | None) -> dict[str, str]:
    """Return the mapping of an upload: the uploaded mapping file's pairs, then ``map`` items.

    ``@...`` items are refused (422): a client's mapping is data, never a server path.
    """
    uploaded = None
    if mapping_file is not None:
        name = safe_filename(mapping_file.filename or "mapping.json")
        data = read_small_upload(mapping_file.file, MAX_MAPPING_FILE_BYTES, "mapping file")
        uploaded = (data, name)
    return _parse_items("map", items, uploaded)


def _parse_items(
    field: str, items: list[str] | None, uploaded: tuple[bytes, str] | None = None
) -> dict[str, str]:
    """Parse ``map``/``default`` items; an error names its parameter (the problem's field)."""
    try:
        return parse_mapping(items or [], mapping_file=uploaded)
    except ColumnMappingError as exc:
        raise ColumnMappingError(f"{field}: {exc.what}", why=exc.why, fix=exc.fix) from exc


@router.post(
    "/{kind}",
    summary="Upload a file: validate it, and unless dry_run, import it",
    responses={
        **PROBLEM_RESPONSES,
        400: {"description": "The file cannot be read, or is not what its name says."},
        404: {"description": "Unknown layer kind (problem+json)."},
        413: {
            "description": "Above max_upload_bytes, max_upload_rows, max_upload_columns, "
            "max_cell_chars, max_unpacked_bytes, max_zip_members or max_zip_ratio."
        },
        415: {"description": "Unsupported file type (problem+json)."},
        422: {"description": "Invalid mapping (e.g. map=@FILE) or no valid row."},
        503: {"description": "Another import holds the store; retry (problem+json)."},
    },
)
def upload(
    request: Request,
    state: State,
    user: Uploader,
    kind: str,
    file: UploadFile,
    mapping_file: Annotated[
        UploadFile | None,
        File(
            description='Optional column mapping file: a JSON object {"SOURCE": "field"} '
            "or a CSV of source,target pairs (at most 64 KiB); `map` items are added to it."
        ),
    ] = None,
    dry_run: Annotated[bool, Query(description="Only validate: report, store nothing.")] = False,
    mapping: Annotated[
        list[str] | None,
        Query(
            alias="map",
            max_length=100,
            description="Column mapping SOURCE=field (repeatable), as `shakti import --map`; "
            "a mapping file is uploaded as `mapping_file`, never named with @.",
            openapi_examples={"latitude": {"value": ["Latitude=lat", "Longitude=lon"]}},
        ),
    ] = None,
    default: Annotated[
        list[str] | None,
        Query(
            max_length=100,
            description="FIELD=VALUE for a missing column or empty cells (repeatable).",
        ),
    ] = None,
    fix_swapped: Annotated[
        bool, Query(description="Swap back rows whose lat/lon are swapped.")
    ] = False,
    preset: Annotated[
        str | None,
        Form(
            max_length=40,
            description="Register preset (fir-register, up112-calls, helpline-1090, "
            "anti-romeo-register, awareness-drives, cctv-register); detected from the "
            "headers when not given.",
        ),
    ] = None,
) -> ImportReport:
    """Validate an uploaded CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile.

    Every row is checked; rejected rows go to the quarantine with their reasons. Personal
    columns (names, phone numbers, …) are dropped before anything is stored; the report
    counts them without echoing their names. The file is read only as what its extension
    says (its content must agree), within the service's limits. Admins and planners only.
    """
    layer = _kind(kind)
    name = safe_filename(file.filename)
    size = file.size if file.size is not None else 0
    add_audit_detail(request, filename=name, bytes=size, dry_run=dry_run)
    limit = state.settings.max_upload_bytes
    if size > limit:
        raise PayloadTooLargeError(
            f"the file has {size:,} bytes, more than the limit of {limit:,} (max_upload_bytes)",
            fix="split the file, or raise SHAKTI_MAX_UPLOAD_BYTES",
            field="max_upload_bytes",
        )
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UnsupportedFileTypeError(
            f"cannot read {clip(name)!r}: files of type {clip(suffix or '(none)')!r} are not "
            "supported",
            fix="upload CSV, XLSX, GeoJSON, GeoPackage or a zipped Shapefile (.zip holding "
            "the .shp, .shx, .dbf and .prj files)",
        )
    options = UploadOptions(
        mapping=_upload_mapping(mapping, mapping_file),
        defaults=_parse_items("default", default),
        fix_swapped=fix_swapped,
        dry_run=dry_run,
        preset=preset or None,
    )
    with saved_upload(file.file, name) as path:
        report = import_upload(state.store, state.settings, path, layer, options)
    add_audit_detail(
        request, rows=report["rows"], accepted=report["accepted"], import_id=report.get("import_id")
    )
    return ImportReport(**report)


@router.get(
    "/{kind}/quarantine",
    summary="Quarantine report (CSV)",
    response_class=Response,
    responses={
        200: {
            "description": "One line per problem: import, row, field, reason, message, original "
            "values (schema columns only).",
            "content": {"text/csv": {"example": "import_id,kind,source,row,field,reason,…\n"}},
        },
        **PROBLEM_RESPONSES,
        404: {"description": "Unknown layer kind (problem+json)."},
    },
)
def quarantine(
    state: State,
    user: CurrentUser,
    scope: ThanaScope,
    kind: str,
    import_id: Annotated[
        str | None, Query(alias="import", max_length=100, description="Only this import.")
    ] = None,
) -> Response:
    """Download the rejected rows of a layer; an in-charge gets their thana's rows only."""
    layer = _kind(kind)
    text = quarantine_csv(state.store, layer, scope, import_id=import_id)
    filename = f"quarantine-{layer.value}" + (f"-{scope}" if scope else "") + ".csv"
    return Response(
        content=text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{_safe_filename(filename)}"'},
    )
