"""Places: the gazetteer, locating rows from their place text, thana names in any script."""
