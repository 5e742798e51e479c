"""Load test: 50 concurrent clients read a cached ``/hotspots`` from the service on loopback.

Run with ``.venv/bin/python bench/load_test.py [--clients 50] [--requests 2000]``. Builds the
SYNTHETIC demo store in a temporary folder, starts ``uvicorn`` on 127.0.0.1 (a free port) in a
subprocess, logs in, warms the cache, then runs two scenarios of ``--requests`` requests from
``--clients`` clients, each its own keep-alive connection (a minimal asyncio HTTP/1.1 client,
so that the load generator costs the shared cores as little as possible):

* ``paced``: each client pauses ~``--think-ms`` (default 500 ms) between requests, like
  officers clicking through the page: latency is the service time. Target: p95 <= 50 ms.
* ``saturation``: back to back, the most the machine serves; by Little's law its latency is
  ~ clients / throughput, so it shows capacity, not the target.

Prints p50/p95/p99/max, throughput and errors as a table and a final JSON line. Bounded: at most
``--requests`` requests or ``--timeout`` seconds per scenario; the server is always stopped.
Traffic goes to the loopback address only. Client and server share the machine's cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

from api.service.users import Role, UserStore, default_users_path
from geo import demo
from geo.settings import Settings
from geo.store import open_store

HOST = "127.0.0.1"
TARGET_P95_MS = 50.0
URL = "/hotspots?eps_m=150&min_samples=10"
USER, PASSWORD = "bench-planner", "bench-password-1"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _build_store(folder: Path, incidents: int) -> Path:
    path = folder / "store.gpkg"
    demo.load_demo(
        open_store(path),
        folder / "files",
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        n_incidents=incidents,
    )
    users = UserStore(default_users_path(path))
    users.add(USER, Role.PLANNER, password=PASSWORD)
    users.close()
    return path


def _start_server(store: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "SHAKTI_STORE": str(store),
        "SHAKTI_TILES": "none",
        "SHAKTI_USERS_DB": str(default_users_path(store)),
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "api.service.app:create_app",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[1])


def _wait_ready(base: str, deadline_s: float = 60.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < deadline_s:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(base + "/healthz", timeout=1.0).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the service did not answer on {base} within {deadline_s:.0f} s")


class _Connection:
    """One keep-alive HTTP/1.1 connection sending a fixed GET, like one officer's browser.

    Written by hand on asyncio streams rather than with httpx: httpx spends ~1-3 ms of Python
    per response (parsing, decoding) on the same two cores as the server, so with 50 clients
    the load generator, not the service, set the measured latency. This client only reads the
    status line, the headers and ``Content-Length`` bytes of body; it sends the headers a
    browser sends (``Accept-Encoding: gzip``) and never decompresses.
    """

    def __init__(self, host: str, port: int, request: bytes) -> None:
        self.host, self.port, self.request = host, port, request
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self) -> tuple[int, int]:
        """Send the request; return (status, body bytes)."""
        assert self.reader is not None and self.writer is not None
        self.writer.write(self.request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        status = int(lines[0].split(b" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await self.reader.readexactly(length)
        return status, length

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


async def _load(
    base: str,
    token: str,
    *,
    clients: int,
    requests: int,
    think_s: float,
    timeout_s: float,
) -> tuple[list[float], int, float]:
    """Run ``clients`` concurrent clients until ``requests`` requests are done.

    Each client has its own keep-alive connection (:class:`_Connection`), like 50 officers'
    browsers. With ``think_s`` > 0 a client waits between its requests (uniformly 0.5 to 1.5
    times ``think_s``, seeded per client); with 0 they send back to back.
    """
    host, port = base.removeprefix("http://").rsplit(":", 1)
    request = (
        f"GET {URL} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: application/geo+json\r\nAccept-Encoding: gzip\r\n\r\n"
    ).encode()
    latencies: list[float] = []
    errors = 0
    remaining = requests
    pool = [_Connection(host, int(port), request) for _ in range(clients)]

    async def client_loop(conn: _Connection, seed: int) -> None:
        nonlocal remaining, errors
        rng = np.random.default_rng(seed)
        while remaining > 0:
            remaining -= 1
            t0 = time.perf_counter()
            try:
                status, _ = await conn.get()
                ok = status == 200
            except (OSError, asyncio.IncompleteReadError, ValueError):
                ok = False
                await conn.close()
                await conn.open()
            latencies.append((time.perf_counter() - t0) * 1000.0)
            errors += not ok
            if think_s > 0:
                await asyncio.sleep(think_s * float(rng.uniform(0.5, 1.5)))

    try:
        for conn in pool:  # open every connection before the clock starts
            await conn.open()
        started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(client_loop(c, i) for i, c in enumerate(pool))), timeout=timeout_s
        )
        elapsed = time.perf_counter() - started
    finally:
        for conn in pool:
            await conn.close()
    return latencies, errors, elapsed


def _summary(latencies: list[float], errors: int, elapsed: float) -> dict[str, float | int]:
    ms = np.asarray(latencies)
    return {
        "requests": len(ms),
        "errors": errors,
        "p50_ms": round(float(np.percentile(ms, 50)), 2),
        "p95_ms": round(float(np.percentile(ms, 95)), 2),
        "p99_ms": round(float(np.percentile(ms, 99)), 2),
        "max_ms": round(float(ms.max()), 2),
        "throughput_rps": round(len(ms) / elapsed, 1),
    }


def _server_times(store: Path, since_id: int) -> dict[str, float]:
    """Return p50/p95 of the service's own time per request, from its audit log."""
    import sqlite3

    with sqlite3.connect(default_users_path(store)) as conn:
        rows = conn.execute(
            "SELECT duration_ms FROM audit WHERE id > ? AND route = '/hotspots'", (since_id,)
        ).fetchall()
    ms = np.asarray([r[0] for r in rows], dtype=float)
    if not len(ms):
        return {}
    return {
        "server_p50_ms": round(float(np.percentile(ms, 50)), 2),
        "server_p95_ms": round(float(np.percentile(ms, 95)), 2),
    }


def _last_audit_id(store: Path) -> int:
    import sqlite3

    with sqlite3.connect(default_users_path(store)) as conn:
        return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="per scenario")
    parser.add_argument(
        "--think-ms", type=float, default=500.0, help="mean pause between a client's requests"
    )
    parser.add_argument("--incidents", type=int, default=demo.DEMO_INCIDENTS)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--timeout", type=float, default=120.0, help="per scenario, seconds")
    args = parser.parse_args()
    scenarios = {"paced": args.think_ms / 1000.0, "saturation": 0.0}
    results: dict[str, dict[str, float | int]] = {}
    with tempfile.TemporaryDirectory(prefix="shakti-load-") as tmp:
        store = _build_store(Path(tmp), args.incidents)
        # the demo generation left a large heap: move it out of the collector's way, so that
        # garbage-collection pauses of this (client) process do not count as service latency
        gc.collect()
        gc.freeze()
        port = _free_port()
        base = f"http://{HOST}:{port}"
        server = _start_server(store, port, args.workers)
        try:
            _wait_ready(base)
            login = httpx.post(
                base + "/auth/token", data={"username": USER, "password": PASSWORD}, timeout=10
            )
            login.raise_for_status()
            token = login.json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            for _ in range(max(1, args.workers) * 3):  # warm every worker's cache
                warm = httpx.get(base + URL, headers=headers, timeout=60)
                warm.raise_for_status()
            size = len(warm.content)
            for name, think_s in scenarios.items():
                time.sleep(1.0)  # let the audit writer catch up
                first_id = _last_audit_id(store)
                latencies, errors, elapsed = asyncio.run(
                    _load(
                        base,
                        token,
                        clients=args.clients,
                        requests=args.requests,
                        think_s=think_s,
                        timeout_s=args.timeout,
                    )
                )
                time.sleep(1.0)
                results[name] = {
                    **_summary(latencies, errors, elapsed),
                    **_server_times(store, first_id),
                }
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    paced = results["paced"]
    ok = float(paced["p95_ms"]) <= TARGET_P95_MS
    print(f"GET {URL}: {args.clients} clients, {size:,} bytes a response, {args.workers} worker(s)")
    print(f"{'scenario':<12}" + "".join(f"{k:>15}" for k in results["paced"]))
    for name, row in results.items():
        label = f"{name} ({args.think_ms:g} ms)" if name == "paced" else name
        print(f"{label:<12}" + "".join(f"{v:>15}" for v in row.values()))
    print(
        f"paced p95 {paced['p95_ms']} ms: target <= {TARGET_P95_MS:g} ms {'ok' if ok else 'MISSED'}"
    )
    summary = {
        "benchmark": "load_test",
        "url": URL,
        "clients": args.clients,
        "think_ms": args.think_ms,
        "workers": args.workers,
        "incidents": args.incidents,
        "response_bytes": size,
        "target_p95_ms": TARGET_P95_MS,
        "p95_ok": ok,
        **{f"{name}_{key}": value for name, row in results.items() for key, value in row.items()},
    }
    print(json.dumps(summary))
    return 0 if all(row["errors"] == 0 for row in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
