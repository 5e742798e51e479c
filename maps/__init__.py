"""Folium map builders of Shakti Hotspots."""
