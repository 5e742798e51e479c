"""Evaluation of hotspot methods: rolling back-tests and the standard scorers."""
