"""docs/data-formats.md documents every field and every allowed value of every layer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geo.ingest.quarantine import Reason
from geo.schema import LAYERS, LayerKind

DOC = (Path(__file__).resolve().parents[1] / "docs" / "data-formats.md").read_text()


def section(kind: LayerKind) -> str:
    match = re.search(rf"^## {kind.value}\n(.*?)(?=^## |\Z)", DOC, flags=re.M | re.S)
    assert match, f"no section for {kind.value}"
    return match.group(1)


@pytest.mark.parametrize("kind", list(LayerKind))
def test_every_field_and_value_is_documented(kind: LayerKind) -> None:
    text = section(kind)
    spec = LAYERS[kind]
    for field in spec.fields:
        assert f"| `{field.name}` |" in text, field.name
        for value in field.allowed or ():
            assert f"`{value}`" in text, f"{kind.value}.{field.name}: {value}"
    for derived in spec.derived:
        assert f"`{derived}`" in text


def test_every_reason_code_is_documented() -> None:
    for reason in Reason:
        assert f"`{reason.value}`" in DOC
