"""Table layout shared by every store backend: table names, quarantine and import-log columns."""

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

# ---- table layout of every backend ----
#: Version of the table layout the backends write (``meta.format``).
STORE_FORMAT: Final = 1
#: Column of the layers holding the geometry.
GEOM_COLUMN: Final = "geom"
#: Primary key column of every table.
FID_COLUMN: Final = "fid"

QUARANTINE_TABLE: Final = "quarantine"
IMPORTS_TABLE: Final = "imports"
META_TABLE: Final = "meta"
META_VERSION: Final = "version"
META_FORMAT: Final = "format"
META_CREATED: Final = "created_at"

#: How long ``apply`` waits for another writer before raising ``StoreLockedError`` (seconds).
DEFAULT_LOCK_TIMEOUT_S: Final = 2.0
#: How often a waiting writer tries the lock again (seconds).
LOCK_POLL_S: Final = 0.05
