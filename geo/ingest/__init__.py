"""Ingest: reading a file safely, validating it row by row and importing it into the store."""

from geo.ingest.importer import ImportResult, import_file, reassign_thanas, validate_file

__all__ = ["ImportResult", "import_file", "reassign_thanas", "validate_file"]
