"""Tests of geo.synthetic: one row's id neither adds nor hides the SYNTHETIC label."""

from __future__ import annotations

import pandas as pd

from geo.schema import ID, SYNTHETIC
from geo.synthetic import is_synthetic


def _ids(*ids: str) -> pd.DataFrame:
    return pd.DataFrame({ID: list(ids)})


def test_one_real_row_first_does_not_hide_the_demo_label() -> None:
    assert is_synthetic(_ids("A-1", "DEMO-INC-0001", "DEMO-INC-0002", "DEMO-INC-0003"))


def test_one_imported_demo_id_first_does_not_label_a_real_store() -> None:
    assert not is_synthetic(_ids("DEMO-INC-0001", "VNS/2026/1", "VNS/2026/2", "VNS/2026/3"))


def test_the_generators_flag_or_no_layer() -> None:
    flagged = _ids("VNS/2026/1")
    flagged.attrs[SYNTHETIC] = True
    assert is_synthetic(None, flagged)
    assert not is_synthetic(None, pd.DataFrame())
