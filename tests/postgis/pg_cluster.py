"""A throwaway PostgreSQL + PostGIS cluster on loopback for the tests (initdb, pg_ctl)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

#: Where Debian puts the server binaries (postgresql-NN); PATH is searched too.
PG_MAJORS = ("17", "16", "15", "14", "13")
INSTALL_HINT = (
    "run scripts/install_postgis.sh (apt-get install postgresql-15 postgresql-15-postgis-3)"
)
#: The OS user that runs the server when the tests run as root (postgres refuses root).
SERVER_USER = "postgres"


def find_bin_dir() -> Path | None:
    """Return the folder of initdb/pg_ctl/postgres with PostGIS installed, or None."""
    candidates = [Path(f"/usr/lib/postgresql/{v}/bin") for v in PG_MAJORS]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.insert(0, Path(on_path).resolve().parent)
    for folder in candidates:
        if not all((folder / b).exists() for b in ("initdb", "pg_ctl", "postgres")):
            continue
        share = (
            subprocess.run(
                [str(folder / "pg_config"), "--sharedir"],
                capture_output=True,
                text=True,
                check=False,
            ).stdout.strip()
            if (folder / "pg_config").exists()
            else ""
        )
        major = folder.parent.name
        places = [Path(share) / "extension"] if share else []
        places.append(Path(f"/usr/share/postgresql/{major}/extension"))
        if any((p / "postgis.control").exists() for p in places):
            return folder
    return None


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def postgis_cluster(bin_dir: Path) -> Iterator[str]:
    """Start a private cluster in a temp folder and yield the URL of a PostGIS database.

    As root, the folder is given to the ``postgres`` user and the server runs as that user
    (``runuser``), since PostgreSQL refuses to run as root. Trust authentication on 127.0.0.1
    only; fsync off (a test cluster is thrown away). Stopped and removed on exit.
    """
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    root = Path(tempfile.mkdtemp(prefix="shakti-pg-"))
    if as_root:
        user = pwd.getpwnam(SERVER_USER)
        os.chown(root, user.pw_uid, user.pw_gid)
        prefix = ["runuser", "-u", SERVER_USER, "--"]
    data, sock = root / "data", root / "sock"
    port = _free_port()

    def run(*args: str) -> None:
        proc = subprocess.run([*prefix, *args], capture_output=True, text=True, check=False)
        if proc.returncode:
            raise RuntimeError(f"{' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")

    started = False
    try:
        run("mkdir", "-m", "700", str(sock))
        run(
            str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50 -c shared_buffers=64MB"
        )
        run(
            str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip
        started = True
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE DATABASE shakti_test")
        url = f"postgresql://postgres@127.0.0.1:{port}/shakti_test"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        yield url
    finally:
        if started:
            with contextlib.suppress(RuntimeError):
                run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)
