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
    store has the demo's ids (:data:`DEMO_ID_PREFIX`). Outputs made from such data say so.

    Examples
    --------
    >>> import pandas as pd
    >>> is_synthetic(pd.DataFrame({"id": ["DEMO-SITE-0001"]}), None)
    True
    >>> is_synthetic(pd.DataFrame({"id": ["VNS/2026/17"]}), pd.DataFrame())
    False
    """
    for layer in layers:
        if layer is None:
            continue
        if bool(layer.attrs.get(SYNTHETIC)):
            return True
        if ID in layer.columns and len(layer) and str(layer[ID].iloc[0]).startswith(DEMO_ID_PREFIX):
            return True
    return False
