"""Columns of the store's quarantine and import-log tables, shared by every backend and ingest."""

from __future__ import annotations

from typing import Final

# ---- quarantine table columns (import these, never spell them) ----
Q_IMPORT_ID: Final = "import_id"
Q_KIND: Final = "kind"
Q_SOURCE: Final = "source"
Q_ROW: Final = "row"
Q_FIELD: Final = "field"
Q_REASON: Final = "reason"
Q_MESSAGE: Final = "message"
Q_ORIGINAL: Final = "original"

QUARANTINE_COLUMNS: Final = (
    Q_IMPORT_ID,
    Q_KIND,
    Q_SOURCE,
    Q_ROW,
    Q_FIELD,
    Q_REASON,
    Q_MESSAGE,
    Q_ORIGINAL,
)

# ---- import log columns ----
IMP_ID: Final = "import_id"
IMP_KIND: Final = "kind"
IMP_SOURCE: Final = "source"
IMP_SHA256: Final = "sha256"
IMP_AT: Final = "imported_at"
IMP_ROWS: Final = "rows"
IMP_ACCEPTED: Final = "accepted"
IMP_QUARANTINED: Final = "quarantined"
IMPORT_LOG_COLUMNS: Final = (
    IMP_ID,
    IMP_KIND,
    IMP_SOURCE,
    IMP_SHA256,
    IMP_AT,
    IMP_ROWS,
    IMP_ACCEPTED,
    IMP_QUARANTINED,
)
