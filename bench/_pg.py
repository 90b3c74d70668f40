"""A throwaway PostgreSQL server for benchmarks: a temporary folder, a free loopback port, gone
afterwards.

A copy of the few lines of `tests/services.py` the benchmarks need, because `bench/` must not
import the test suite. Durability is switched off (fsync, synchronous commit, full page writes):
a benchmark's data is thrown away, and loading a million rows should cost CPU, not disk
flushes.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"PostgreSQL does not listen on port {port} after {timeout}s")


def _binaries() -> Path:
    """The newest installed PostgreSQL; benchmarks do not install packages themselves."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if not found:
        raise RuntimeError("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    return Path(found[-1]).parent


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; drop to the `postgres` user when we are."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@dataclass
class Postgres:
    """A running server: `url` for Tortoise and asyncpg, `stop()` to end it and delete it."""

    url: str
    process: subprocess.Popen[bytes]
    folder: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_postgres(*settings: str) -> Postgres:
    """Start a server with a `workorder` database and trust authentication on loopback.

    `settings` are extra `name=value` server settings (e.g. "shared_buffers=256MB").
    """
    binaries = _binaries()
    folder = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    data = folder / "pgdata"
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(
        _as_postgres(
            [
                str(binaries / "initdb"),
                "-D",
                str(data),
                "-U",
                "workorder",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    options = [
        "fsync=off",
        "synchronous_commit=off",
        "full_page_writes=off",
        "max_connections=50",
        *settings,
    ]
    command = [str(binaries / "postgres"), "-D", str(data), "-p", str(port)]
    command += ["-k", str(folder), "-h", "127.0.0.1"]
    for option in options:
        command += ["-c", option]
    process = subprocess.Popen(
        _as_postgres(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    server = Postgres(f"postgres://workorder@127.0.0.1:{port}/workorder", process, folder)
    try:
        _wait_for_port(port)
        _create_database(binaries, port)
    except BaseException:
        server.stop()
        raise
    return server


def _create_database(binaries: Path, port: int) -> None:
    """The port opens before the server accepts connections: retry until createdb gets in."""
    deadline = time.monotonic() + 30
    while True:
        created = subprocess.run(
            _as_postgres(
                [
                    str(binaries / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "-U",
                    "workorder",
                    "workorder",
                ]
            ),
            capture_output=True,
        )
        if created.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"createdb failed: {created.stderr.decode(errors='replace')}")
        time.sleep(0.2)
