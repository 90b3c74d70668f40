"""Throwaway PostgreSQL and Redis servers on loopback ports, for the full backend set.

Installs the Debian packages when they are missing and we are root, starts each server
in a temporary folder, and stops it afterwards. Nothing here is mocked.
"""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import uvicorn


def free_port() -> int:
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
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def _apt_install(*packages: str) -> None:
    if os.geteuid() != 0:
        raise RuntimeError(f"{' '.join(packages)} missing and not root: install them first")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=env)


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        _apt_install("postgresql")
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent


def stop_process(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM, and SIGKILL if it has not gone within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


async def stop_child(process: asyncio.subprocess.Process) -> None:
    """The same for a child started with asyncio, given 15 seconds."""
    process.terminate()
    try:
        await asyncio.wait_for(process.wait(), 15)
    except TimeoutError:
        process.kill()
        await process.wait()


@dataclass
class Service:
    url: str
    process: subprocess.Popen[bytes]
    folder: Path

    def stop(self, keep_folder: bool = False) -> None:
        stop_process(self.process)
        if not keep_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root; drop to the `postgres` user when we are."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def postgres_version() -> str:
    """The major version of the installed server (its folder under /usr/lib/postgresql)."""
    return _pg_bin().parent.name


def _postgres(
    binaries: Path, folder: Path, port: int, settings: tuple[str, ...]
) -> subprocess.Popen[bytes]:
    """The server process on the cluster in `folder`, listening on loopback at `port`."""
    return subprocess.Popen(
        _as_postgres(
            [
                str(binaries / "postgres"),
                "-D",
                str(folder / "pgdata"),
                "-p",
                str(port),
                "-k",
                str(folder),
                "-h",
                "127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=200",
                *[arg for setting in settings for arg in ("-c", setting)],
            ]
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def halt_postgres(service: Service) -> None:
    """Fast shutdown, keeping the data for `restart_postgres`: connected clients are cut off
    at once, as in a crash or a failover (SIGTERM would wait for them to leave). The signal
    goes to the postmaster itself: `runuser` does not pass SIGINT on."""
    pid = int((service.folder / "pgdata" / "postmaster.pid").read_text().split()[0])
    os.kill(pid, signal.SIGINT)
    service.process.wait(timeout=30)


def restart_postgres(stopped: Service) -> Service:
    """Start a server stopped by `halt_postgres` again, on the same port and data."""
    port = int(stopped.url.rsplit(":", 1)[1].split("/")[0])
    process = _postgres(_pg_bin(), stopped.folder, port, ())
    _wait_for_port(port)
    return Service(stopped.url, process, stopped.folder)


def start_postgres(folder: Path, *settings: str) -> Service:
    """A throwaway server with a `workorder` database; `settings` are extra `name=value`
    server settings (the benchmarks size memory and turn autovacuum off)."""
    binaries = _pg_bin()
    folder.mkdir(parents=True, exist_ok=True)
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
    port = free_port()
    process = _postgres(binaries, folder, port, settings)
    _wait_for_port(port)
    url = f"postgres://workorder@127.0.0.1:{port}/workorder"
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
        if created.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    return Service(url, process, folder)


def redis_version() -> str:
    """The installed redis-server's version, e.g. 7.0.15."""
    out = subprocess.run(
        [shutil.which("redis-server") or "redis-server", "--version"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return next((w[2:] for w in out.split() if w.startswith("v=")), "?")


def start_redis(folder: Path, port: int | None = None) -> Service:
    server = shutil.which("redis-server")
    if server is None:
        _apt_install("redis-server")
        server = shutil.which("redis-server") or "/usr/bin/redis-server"
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait_for_port(port)
    return Service(f"redis://127.0.0.1:{port}/0", process, folder)


@asynccontextmanager
async def serving(app: Any) -> AsyncIterator[str]:
    """The app served by a real uvicorn on a free loopback port, its lifespan left to the
    caller; yields the GraphQL WebSocket URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_config=None,
            ws="websockets-sansio",
        )
    )
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            await asyncio.sleep(0.02)
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task
