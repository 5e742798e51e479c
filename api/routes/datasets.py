"""``/datasets``: layer counts, uploads (validate or import) with size limits, quarantine CSV."""

from __future__ import annotations

import contextlib
import re
import tempfile
from pathlib import Path
from typing import Annotated, Final

from fastapi import APIRouter, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import CurrentUser, State, ThanaScope, Uploader, add_audit_detail
from api.errors import PayloadTooLargeError, UnsupportedFileTypeError, problem
from api.routes.common import PROBLEM_RESPONSES
from api.services import UploadOptions, import_upload, layer_counts, quarantine_csv
from geo.readers import SUPPORTED_SUFFIXES, parse_mapping
from geo.schema import LayerKind, layer_spec

router = APIRouter(prefix="/datasets", tags=["datasets"])

#: Room for multipart boundaries and part headers beyond the file itself.
MULTIPART_SLACK_BYTES: Final = 64 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class LayerCounts(BaseModel):
    """Rows per layer (in the thana, for an in-charge)."""

    store_version: int = Field(examples=[6])
    thana: str | None = Field(examples=[None])
    layers: dict[str, int] = Field(
        examples=[{"incidents": 1612, "campaigns": 2114, "cctv": 1092, "sites": 350, "thanas": 29}]
    )


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
    ignored_columns: list[str]
    warnings: list[str]
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
    base = Path(name or "upload").name
    cleaned = _SAFE_NAME.sub("_", base).strip("._") or "upload"
    return cleaned[-120:]


@router.post(
    "/{kind}",
    summary="Upload a file: validate it, and unless dry_run, import it",
    responses={
        **PROBLEM_RESPONSES,
        400: {"description": "The file cannot be read (problem+json)."},
        404: {"description": "Unknown layer kind (problem+json)."},
        413: {"description": "Above max_upload_bytes or max_upload_rows (problem+json)."},
        415: {"description": "Unsupported file type (problem+json)."},
        503: {"description": "Another import holds the store; retry (problem+json)."},
    },
)
def upload(
    request: Request,
    state: State,
    user: Uploader,
    kind: str,
    file: UploadFile,
    dry_run: Annotated[bool, Query(description="Only validate: report, store nothing.")] = False,
    mapping: Annotated[
        list[str] | None,
        Query(
            alias="map",
            max_length=100,
            description="Column mapping SOURCE=field (repeatable), as `shakti import --map`.",
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
) -> ImportReport:
    """Validate an uploaded CSV, XLSX, GeoJSON, GeoPackage or zipped Shapefile.

    Every row is checked; rejected rows go to the quarantine with their reasons. Personal
    columns (names, phone numbers, …) are dropped before anything is stored; the report
    counts them without echoing their names. Admins and planners only.
    """
    layer = _kind(kind)
    name = _safe_filename(file.filename)
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
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnsupportedFileTypeError(
            f"cannot read {name!r}: files of type {suffix or '(none)'!r} are not supported",
            fix="upload CSV, XLSX, GeoJSON, GeoPackage or a zipped Shapefile",
        )
    options = UploadOptions(
        mapping=parse_mapping(mapping or []),
        defaults=parse_mapping(default or []),
        fix_swapped=fix_swapped,
        dry_run=dry_run,
    )
    with tempfile.TemporaryDirectory(prefix="shakti-upload-") as tmp:
        path = Path(tmp) / name
        with path.open("wb") as out:
            file.file.seek(0)
            while chunk := file.file.read(1 << 20):
                out.write(chunk)
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


class _BodyTooLargeError(Exception):
    """Raised inside ``receive`` when an upload passes the limit."""


class UploadLimit:
    """ASGI middleware refusing uploads above ``max_bytes`` before they are read whole (413).

    A ``Content-Length`` above the limit is refused at once; a body that streams past it is
    cut off and refused. The route checks the exact file size again.

    Parameters
    ----------
    app : ASGI app
    max_bytes : int
        ``Settings.max_upload_bytes``; multipart overhead of
        :data:`MULTIPART_SLACK_BYTES` is allowed on top.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.limit = max_bytes + MULTIPART_SLACK_BYTES

    def _refusal(self, size: int | None) -> Response:
        said = f"{size:,} bytes" if size is not None else "a body"
        return problem(
            413,
            title="Upload too large",
            detail=f"the upload ({said}) is above the limit of {self.max_bytes:,} bytes "
            "(max_upload_bytes)",
            fix="split the file, or raise SHAKTI_MAX_UPLOAD_BYTES",
            field="max_upload_bytes",
            type_="urn:shakti:problem:payload-too-large-error",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting the bytes of an upload."""
        if (
            scope["type"] != "http"
            or scope.get("method") != "POST"
            or not str(scope.get("path", "")).startswith("/datasets/")
        ):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refusal(int(declared))(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _BodyTooLargeError
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        with contextlib.suppress(_BodyTooLargeError):
            await self.app(scope, limited_receive, guarded_send)
        if exceeded and not started:
            await self._refusal(None)(scope, receive, send)
