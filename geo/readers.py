"""Old import path of :mod:`geo.ingest.readers` (``geo.readers.read_table``), kept for callers."""

from geo.ingest.readers import RawTable, read_table

__all__ = ["RawTable", "read_table"]
