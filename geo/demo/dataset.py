"""The SYNTHETIC demo data set and its seeded generator (``generate``)."""

# Everything this module produces is SYNTHETIC and every position in it is APPROXIMATE.
#
# * Thana (police-station) names are those of the Varanasi Police Commissionerate, but the
#   station coordinates were placed by hand from general knowledge of the city (a few hundred
#   metres to a few kilometres off; outlying stations are pulled inside the demo outline) and
#   the zone of each station is a plausible grouping, not the official one.
# * Thana boundaries are NOT the real jurisdictions: they are Voronoi cells of the stations
#   clipped to a hand-drawn city outline (west bank of the Ganga, plus a lobe across the river
#   for Ramnagar), so they tile the outline exactly but follow no real boundary.
# * Colleges, markets, ghats and stations are real names at approximate positions; schools,
#   coaching centres, hostels and training centres have invented, generic names.
# * Incidents, campaigns, cameras and audits are drawn from a seeded random process; they
#   describe no real person, event or camera. Only the seed-review totals (anti-Romeo actions,
#   campaign locations and women reached) are fixed on purpose.
#
# Determinism: one ``numpy.random.default_rng(seed)`` is split with ``spawn`` into one stream
# per layer, nothing reads the clock, and all dates end at REFERENCE_DATE; so the same seed
# gives the same layers and byte-identical files, and thanas, sites, cameras and campaigns do
# not change with ``n_incidents``.

from __future__ import annotations

import logging
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.demo.centre import audits_layer, casework_layer
from geo.demo.constants import (
    DEMO_INCIDENTS,
    DEMO_SEED,
    MIN_INCIDENTS,
)
from geo.demo.geography import build_geography, n_fixed_actions
from geo.demo.incidents import incidents_layer
from geo.demo.messy_register import messy_register
from geo.demo.registers import campaigns_layer, cctv_layer, make_sites
from geo.demo.thanas import thanas_layer
from geo.schema import (
    SYNTHETIC,
    LayerKind,
)

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- the data set


@dataclass(frozen=True, eq=False)
class DemoData:
    """The SYNTHETIC demo data set: the five layers, the centre layers and a messy register.

    Every layer is in EPSG:4326 with exactly the stored columns of its schema
    (``LayerSpec.columns``, derived ``thana``/``thana_mismatch`` included for incidents) and
    the dtypes the importer produces, and carries ``attrs["synthetic"] = True``.

    Attributes
    ----------
    thanas, sites, cctv, campaigns, incidents : geopandas.GeoDataFrame
        The layers.
    messy_incidents : pandas.DataFrame
        A small legacy register in a foreign schema (:data:`MESSY_COLUMNS`, all text) with
        deliberate problems (:data:`MESSY_PROBLEMS`) and fake personal columns.
    centre_audits, casework : geopandas.GeoDataFrame
        The centre layers (no geometry: keyed to the thana), see :mod:`geo.demo.centre`.
    seed : int
        The seed it was generated from.
    """

    thanas: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    cctv: gpd.GeoDataFrame
    campaigns: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    messy_incidents: pd.DataFrame
    centre_audits: gpd.GeoDataFrame
    casework: gpd.GeoDataFrame
    seed: int = DEMO_SEED

    def layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the five layers keyed by layer kind (``"thanas"``, ``"sites"``, ...).

        Returns
        -------
        dict of str to geopandas.GeoDataFrame
            In import order: thanas, sites, cctv, campaigns, incidents.
        """
        return {
            LayerKind.THANAS.value: self.thanas,
            LayerKind.SITES.value: self.sites,
            LayerKind.CCTV.value: self.cctv,
            LayerKind.CAMPAIGNS.value: self.campaigns,
            LayerKind.INCIDENTS.value: self.incidents,
        }

    def centre_layers(self) -> dict[str, gpd.GeoDataFrame]:
        """Return the centre layers keyed by layer kind (``"centre-audit"``, ``"casework"``).

        Returns
        -------
        dict of str to geopandas.GeoDataFrame
            Attribute layers (empty geometry), in import order.
        """
        return {
            LayerKind.CENTRE_AUDIT.value: self.centre_audits,
            LayerKind.CASEWORK.value: self.casework,
        }


def generate(seed: int = DEMO_SEED, n_incidents: int = DEMO_INCIDENTS) -> DemoData:
    """Generate the SYNTHETIC Varanasi demo data set.

    Parameters
    ----------
    seed : int, default DEMO_SEED
        Seed of ``numpy.random.default_rng``; the same seed always gives the same data.
    n_incidents : int, default DEMO_INCIDENTS
        Total number of incidents, at least :data:`MIN_INCIDENTS`. The seed-review totals
        (:data:`N_CASES_REGISTERED` anti-Romeo cases with :data:`N_CASE_ARRESTS` arrests,
        :data:`N_DETAINED` detained, :data:`N_COUNSELLED` counselled-reunited,
        :data:`N_CAMPAIGNS` campaigns reaching :data:`N_WOMEN_REACHED` women, detentions by
        BNSS section :data:`N_DETAINED_BY_SECTION`, :data:`N_REUNITED` casework reunions)
        hold at every size; the other layers do not depend on it (but for the casework
        reunions, which follow the counselled-reunited incidents). A million incidents take seconds.

    Returns
    -------
    DemoData

    Raises
    ------
    ValueError
        When ``n_incidents`` is below :data:`MIN_INCIDENTS`.
    """
    if n_incidents < MIN_INCIDENTS:
        raise ValueError(
            f"n_incidents must be at least {MIN_INCIDENTS} (the {n_fixed_actions()} fixed "
            f"anti-Romeo actions of the seed review plus other incidents); got {n_incidents}"
        )
    # Streams 0-5 are the layers' of before the centre layers came; spawning more keeps them.
    streams = np.random.default_rng(seed).spawn(8)
    geo = build_geography()
    thanas = thanas_layer(streams[0], geo)
    sites = make_sites(streams[1], geo)
    cctv = cctv_layer(streams[2], geo, sites)
    campaigns = campaigns_layer(streams[3], geo, sites)
    incidents = incidents_layer(streams[4], geo, sites, n_incidents)
    messy = messy_register(streams[5], incidents)
    audits = audits_layer(streams[6])
    casework = casework_layer(streams[7], incidents)
    layers = [thanas, sites.frame, cctv, campaigns, incidents, audits, casework]
    for layer in layers:
        layer.attrs[SYNTHETIC] = True
        layer.attrs["seed"] = seed
    messy.attrs[SYNTHETIC] = True
    logger.info(
        "generated SYNTHETIC demo data (seed %d): %d thanas, %d sites, %d cameras, "
        "%d campaigns, %d incidents, %d legacy rows, %d audits, %d complaints",
        seed, len(thanas), len(sites.frame), len(cctv), len(campaigns), len(incidents),
        len(messy), len(audits), len(casework),
    )  # fmt: skip
    return DemoData(
        thanas=thanas,
        sites=sites.frame,
        cctv=cctv,
        campaigns=campaigns,
        incidents=incidents,
        messy_incidents=messy,
        centre_audits=audits,
        casework=casework,
        seed=seed,
    )
