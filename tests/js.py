"""The project's JavaScript tools, driven from the tests: the stock graphql-ws client (a
browser app's), and graphql-http's server audit (the GraphQL-over-HTTP spec). They live in
tests/node with their own package.json; `node` installs them once per session.

Everything here shares the session's event loop with the live uvicorn, so node processes are
started and read with asyncio only: a blocking wait would stop the server they talk to.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).parent / "node"
INSTALL_TIMEOUT = 300.0
LINE_TIMEOUT = 10.0


@asynccontextmanager
async def js_subscriber(
    node_path: str, url: str, token: str, query: str, count: int, **variables: Any
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The stock graphql-ws client (node/subscribe.mjs) running any one subscription; read
    its results with `next_data`."""
    process = await asyncio.create_subprocess_exec(
        node_path,
        "subscribe.mjs",
        url,
        token,
        str(count),
        str(LINE_TIMEOUT * 2),
        cwd=NODE_DIR,
        env={**os.environ, "QUERY": query, "VARIABLES": json.dumps(variables)},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            with suppress(ProcessLookupError):
                process.kill()
            await process.wait()


async def next_data(process: asyncio.subprocess.Process) -> dict[str, Any]:
    """The `data` of the next result the JS client printed (anything else fails the test)."""
    assert process.stdout is not None
    raw = await asyncio.wait_for(process.stdout.readline(), LINE_TIMEOUT)
    assert raw, "the node client ended without another line"
    line: dict[str, Any] = json.loads(raw)
    assert line["event"] == "next", line
    data: dict[str, Any] = line["payload"]["data"]
    return data


def _installed() -> bool:
    wanted = json.loads((NODE_DIR / "package.json").read_text())["dependencies"]
    return all((NODE_DIR / "node_modules" / name / "package.json").is_file() for name in wanted)


@pytest.fixture(scope="session")
async def node() -> str:
    """The node executable, with client.mjs's packages installed (once per session)."""
    executable = shutil.which("node")
    if executable is None:
        pytest.skip("node is not installed; CI has it (these tests drive the JS graphql-ws client)")
    if not _installed():
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail(f"node is installed but npm is not: cannot install {NODE_DIR}/node_modules")
        has_lock = (NODE_DIR / "package-lock.json").is_file()
        command = (
            ["ci", "--no-audit", "--no-fund"]
            if has_lock
            else ["install", "--no-audit", "--no-fund"]
        )
        process = await asyncio.create_subprocess_exec(
            npm,
            *command,
            cwd=NODE_DIR,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            output, _ = await asyncio.wait_for(process.communicate(), INSTALL_TIMEOUT)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
        if process.returncode != 0 or not _installed():
            pytest.fail(
                f"npm {' '.join(command)} in {NODE_DIR} failed "
                f"(exit {process.returncode}):\n{output.decode(errors='replace')}"
            )
    return executable
