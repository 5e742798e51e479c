"""Tests for geo.store.choices: the forecast-choice sidecar beside a GeoPackage store."""

from __future__ import annotations

from pathlib import Path

from geo.store.choices import DATA_KEY, SELECTION_KEY, find_choice, save_choice, sidecar_of


def entry(data: str, selection: list[object], chosen: str) -> dict[str, object]:
    return {DATA_KEY: data, SELECTION_KEY: selection, "chosen": chosen}


def test_sidecar_beside_a_file_store_only(tmp_path: Path) -> None:
    assert sidecar_of(tmp_path / "city.gpkg") == tmp_path / "city.forecast.json"
    assert sidecar_of("postgresql://db.example/shakti") is None


def test_choices_are_kept_per_data_and_selection_and_stale_ones_dropped(tmp_path: Path) -> None:
    path = tmp_path / "s.forecast.json"
    everything, lanka = [None, None, None, []], [None, None, "Lanka", []]
    assert find_choice(path, "d1", everything) is None  # nothing saved yet
    save_choice(path, entry("d1", everything, "ensemble"))
    save_choice(path, entry("d1", lanka, "recency"))
    assert find_choice(path, "d1", lanka)["chosen"] == "recency"  # type: ignore[index]
    # another selection falls back to the choice made on everything
    other = [None, None, "Bhelupur", []]
    assert find_choice(path, "d1", other, everything)["chosen"] == "ensemble"  # type: ignore[index]
    assert find_choice(path, "d1", other) is None
    # the same selection again replaces its entry
    save_choice(path, entry("d1", lanka, "near-repeat"))
    assert find_choice(path, "d1", lanka)["chosen"] == "near-repeat"  # type: ignore[index]
    # the data changed: every older choice is stale and dropped at the next save
    assert find_choice(path, "d2", everything) is None
    save_choice(path, entry("d2", everything, "ensemble"))
    assert find_choice(path, "d1", lanka) is None


def test_an_unreadable_sidecar_is_no_choice(tmp_path: Path) -> None:
    path = tmp_path / "s.forecast.json"
    path.write_text("{not json", encoding="utf-8")
    assert find_choice(path, "d1", [None, None, None, []]) is None
    save_choice(None, entry("d1", [], "x"))  # a database store keeps no sidecar: no error
