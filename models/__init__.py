"""Analytics: hotspots, significance, trends, CCTV coverage, patrol planning, evaluation."""
