"""Grid surfaces: analysis grids, kernel density, Getis-Ord Gi* and emerging hot spots."""
