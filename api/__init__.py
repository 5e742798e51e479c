"""Entry points of Shakti Hotspots: the ``shakti`` command line and the FastAPI service."""
