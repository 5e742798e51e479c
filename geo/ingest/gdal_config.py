"""GDAL hardening: the one place that switches GDAL's side doors off for the whole process."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Final

import pyogrio
from pyproj.network import (  # type: ignore[attr-defined]  # documented, not in __all__
    set_network_enabled,
)

logger = logging.getLogger(__name__)

#: The only GDAL vector drivers left registered: what the readers open (GeoJSON, GeoPackage,
#: Shapefile), what the store and the exports write (GPKG, GeoJSON) and GDAL's in-memory one.
ALLOWED_DRIVERS: Final = ("GeoJSON", "GPKG", "ESRI Shapefile", "MEM")
#: Drivers removed even though ``pyogrio.list_drivers`` (vector only) does not list them:
#: raster VRTs and tile indexes can name any other file, GDALG runs a GDAL command.
ALWAYS_SKIPPED: Final = ("VRT", "OGR_VRT", "GTI", "GDALG")
#: Configuration options set process-wide (see https://gdal.org/user/configoptions.html).
#: Each closes a door a hostile file could open:
#:
#: * ``GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR``: no listing of the folder of an opened file;
#:   a Shapefile's sidecars are still found by name;
#: * ``CPL_VSIL_CURL_ALLOWED_FILENAME`` / ``_EXTENSIONS``: ``/vsicurl/`` (and the cloud
#:   file systems built on it) accepts no URL at all;
#: * ``GDAL_HTTP_*``: any request that slips through gets no retry, 1 s, and no netrc;
#: * ``OGR_SQLITE_ALLOW_EXTERNAL_ACCESS=NO``: SQLite/GeoPackage SQL cannot open other files
#:   (VirtualOGR, gdal_get_pixel_value);
#: * ``GDAL_VRT_ENABLE_PYTHON=NO``: no Python code from a VRT, should one ever be opened;
#: * ``GDAL_PAM_ENABLED=NO``: no ``.aux.xml`` files written beside what is read;
#: * ``PROJ_NETWORK=OFF``: PROJ fetches no grids (pyproj is switched off as well).
CONFIG_OPTIONS: Final[Mapping[str, str]] = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_FILENAME": "/vsicurl/network-access-is-disabled",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".network-access-is-disabled",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_NETRC": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_PAM_ENABLED": "NO",
    "PROJ_NETWORK": "OFF",
}

_state: dict[str, bool] = {"applied": False}


def skipped_drivers() -> list[str]:
    """Return the drivers :func:`harden_gdal` removes: every vector driver not allowed, and more.

    Returns
    -------
    list of str
        Driver short names, :data:`ALWAYS_SKIPPED` first.
    """
    present = [name for name in pyogrio.list_drivers() if name not in ALLOWED_DRIVERS]
    return list(dict.fromkeys([*ALWAYS_SKIPPED, *present]))


def harden_gdal() -> None:
    """Switch GDAL's side doors off for this process (idempotent; run on import of the readers).

    Sets :data:`CONFIG_OPTIONS`, then de-registers every driver of :func:`skipped_drivers`
    through ``GDAL_SKIP`` (GDAL drops the listed drivers each time drivers are registered,
    so pyogrio's registration is run again). A VRT, a GDAL pipeline, a URL or a database
    connection string can then not be opened by any reader of the process, whatever a
    file's content claims to be.

    Raises
    ------
    RuntimeError
        When a driver that should be gone is still registered (a pyogrio change): better no
        service than a service that reads server files for its users.
    """
    if _state["applied"]:
        return
    # Every driver GDAL has, whatever GDAL_SKIP the environment already held, then all
    # but the allowed ones dropped.
    pyogrio.set_gdal_config_options({"GDAL_SKIP": "", "OGR_SKIP": ""})
    _reregister_drivers()
    options = {**CONFIG_OPTIONS, "GDAL_SKIP": ",".join(skipped_drivers())}
    pyogrio.set_gdal_config_options(options)
    os.environ["PROJ_NETWORK"] = CONFIG_OPTIONS["PROJ_NETWORK"]  # PROJ reads its environment
    set_network_enabled(active=False)
    _reregister_drivers()
    left = sorted(set(pyogrio.list_drivers()) - set(ALLOWED_DRIVERS))
    if left:
        raise RuntimeError(f"GDAL drivers still registered after GDAL_SKIP: {left}")
    _state["applied"] = True
    logger.debug("GDAL drivers left: %s", sorted(pyogrio.list_drivers()))


def _reregister_drivers() -> None:
    """Run GDAL's driver registration again so that ``GDAL_SKIP`` takes effect.

    pyogrio registers drivers once, on import, and has no public way to do it again; its
    ``_register_drivers`` calls ``GDALAllRegister``, which ends by dropping the drivers named
    in ``GDAL_SKIP``. :func:`harden_gdal` checks the result, so a renamed function fails loudly.
    """
    from pyogrio import _ogr

    register = getattr(_ogr, "_register_drivers", None)
    if register is None:
        raise RuntimeError("pyogrio._ogr._register_drivers is gone: cannot apply GDAL_SKIP")
    register()
