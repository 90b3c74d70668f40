"""Throwaway Redis and PostgreSQL servers on loopback ports, for the benchmarks.

A trimmed copy of tests/services.py: the bench package must not import from tests (which is
not shipped), and a benchmark installs nothing — a missing binary just means that backend
is not measured (the caller falls back or says so).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    """A port nobody listens on now; a race with another process is possible but harmless."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Servers are started detached: they are usable once they accept connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


@dataclass
class Service:
    """A running server: its URL, its process, and the folder it may write to."""

    url: str
    process: subprocess.Popen[bytes]
    folder: Path
    version: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_redis(folder: Path) -> Service:
    """redis-server without persistence: pub/sub is all the benchmark asks of it."""
    server = shutil.which("redis-server")
    if server is None:
        raise RuntimeError("redis-server is not installed")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    process = subprocess.Popen(
        [
            *(server, "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(folder)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    version = subprocess.run(
        [server, "--version"], capture_output=True, text=True, check=False
    ).stdout.split()
    number = next((w.removeprefix("v=") for w in version if w.startswith("v=")), "?")
    return Service(f"redis://127.0.0.1:{port}/0", process, folder, number)


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; drop to the `postgres` user when we are."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def start_postgres(folder: Path) -> Service | None:
    """A fresh cluster tuned for speed over safety (no fsync); None when PostgreSQL is not
    installed, so the caller can fall back to SQLite instead of failing the whole bench."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        return None
    binaries = Path(found[-1]).parent
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "pgdata"
    subprocess.run(
        _as_postgres(
            [
                *(str(binaries / "initdb"), "-D", str(data), "-U", "workorder"),
                *("--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = free_port()
    process = subprocess.Popen(
        _as_postgres(
            [
                *(str(binaries / "postgres"), "-D", str(data), "-p", str(port)),
                *("-k", str(folder), "-h", "127.0.0.1", "-c", "fsync=off"),
                *("-c", "synchronous_commit=off", "-c", "full_page_writes=off"),
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port)
    deadline = time.monotonic() + 30
    while True:
        created = subprocess.run(
            _as_postgres(
                [
                    *(str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port)),
                    *("-U", "workorder", "workorder"),
                ]
            ),
            capture_output=True,
            check=False,
        )
        if created.returncode == 0:
            break
        if time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError(f"createdb failed: {created.stderr.decode().strip()}")
        time.sleep(0.2)
    url = f"postgres://workorder@127.0.0.1:{port}/workorder"
    return Service(url, process, folder, binaries.parent.name)
