"""Analytics of Shakti Hotspots: hotspots, significance, trends, CCTV coverage, patrols, evaluation."""
