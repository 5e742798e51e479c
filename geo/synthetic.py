"""Whether layers are the SYNTHETIC demo data: the flag a demo frame carries, or its ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from geo.schema import ID, SYNTHETIC

if TYPE_CHECKING:
    import pandas as pd

#: Ids of the demo generator's records start with this (``DEMO-INC-0000001``); a store the
#: demo was loaded into keeps them, so its layers are known as SYNTHETIC after a read too.
DEMO_ID_PREFIX: Final = "DEMO-"


def is_synthetic(*layers: pd.DataFrame | None) -> bool:
    """Return whether any given layer is the SYNTHETIC demo data.

    A frame the generator made carries ``attrs["synthetic"]``; a layer read back from a
    store has the demo's ids (:data:`DEMO_ID_PREFIX`), at least half of its rows (one row's id,
    which any file may give, decides nothing). Outputs made from such data say so.

    Examples
    --------
    >>> import pandas as pd
    >>> is_synthetic(pd.DataFrame({"id": ["DEMO-SITE-0001"]}), None)
    True
    >>> is_synthetic(pd.DataFrame({"id": ["VNS/2026/17"]}), pd.DataFrame())
    False
    >>> is_synthetic(pd.DataFrame({"id": ["DEMO-INC-1", "VNS/2026/17", "VNS/2026/18"]}))
    False
    """
    for layer in layers:
        if layer is None:
            continue
        if bool(layer.attrs.get(SYNTHETIC)):
            return True
        if ID in layer.columns and len(layer) and _mostly_demo_ids(layer[ID]):
            return True
    return False


def _mostly_demo_ids(ids: pd.Series) -> bool:
    """Return whether at least half the ids are the demo's: not one row's id a file gives.

    A single imported row with a ``DEMO-`` id does not label a real store SYNTHETIC, nor does
    a single real row (e.g. sorted first) hide the label of a demo store.
    """
    demo = ids.astype("string").str.startswith(DEMO_ID_PREFIX).fillna(False)
    return bool(demo.mean() >= 0.5)
