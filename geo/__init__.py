"""Data layer of Shakti Hotspots: settings, CRS, schemas, validation, ingestion and storage."""
