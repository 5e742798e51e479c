"""The HTTP service: the FastAPI app, its users, sessions, audit log, cache, limits and routes."""
