"""PostgreSQL going away under a running server: typed 503s with Retry-After, one warning,
and recovery by itself when the database is back.

The server is `workorder serve` in its own process on its own throwaway PostgreSQL, so
stopping that database touches nothing the rest of the session uses.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest

from tests import services
from tests.support import PASSWORD, answering

pytestmark = pytest.mark.full_only

ME = {"query": "{ me { username } }"}
LOGIN = {
    "query": 'mutation($p: String!) { login(input: {tenant: "acme", username: "admin", '
    "password: $p}) { accessToken errors { code } } }",
    "variables": {"p": PASSWORD},
}


def _env(database_url: str, data_dir: str) -> dict[str, str]:
    return {
        **os.environ,
        "WORKORDER_ENV": "test",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "SECRET_KEY": "outage-test-secret-key-that-is-long-enough",
        "DATA_DIR": data_dir,
        "LOG_JSON": "false",
        "SLA_CHECK_SECONDS": "0",
        "REMINDER_CHECK_SECONDS": "0",
        "JOB_POLL_SECONDS": "0",
    }


CLI = [sys.executable, "-m", "workorder.cli"]


def _prepare(env: dict[str, str]) -> None:
    """Migrate the fresh database and make a tenant, as an operator would."""
    subprocess.run([*CLI, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*CLI, "create-tenant", "acme", "--name", "Acme", "--admin", "admin",
         "--admin-password", PASSWORD],
        env=env, check=True, capture_output=True,
    )  # fmt: skip


def _assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["SERVICE_UNAVAILABLE"]


async def test_requests_during_an_outage_get_typed_503s_and_the_server_recovers(
    tmp_path: Path,
):
    pg = services.start_postgres(Path(tempfile.mkdtemp(prefix="workorder-outage-pg-")))
    env = _env(pg.url, str(tmp_path / "data"))
    await asyncio.to_thread(_prepare, env)
    port = services.free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("wb") as log_file:
        server = await asyncio.create_subprocess_exec(
            *CLI, "serve", "--port", str(port), env=env, stdout=log_file, stderr=log_file
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            await answering(http, server)
            token = (await http.post("/graphql", json=LOGIN)).json()["data"]["login"]["accessToken"]
            auth = {"authorization": f"Bearer {token}"}
            assert (await http.post("/graphql", json=ME, headers=auth)).json()["data"] == {
                "me": {"username": "admin"}
            }

            services.halt_postgres(pg)
            for _ in range(3):
                # Authenticating the bearer fails before any GraphQL runs...
                _assert_unavailable(await http.post("/graphql", json=ME, headers=auth))
                _assert_unavailable(await http.get("/graphql", params=ME, headers=auth))
                # ...a resolver's query fails inside execution...
                _assert_unavailable(await http.post("/graphql", json=LOGIN))
                # ...and the download routes authenticate the same way.
                _assert_unavailable(await http.get("/files/eA", headers=auth))
            assert (await http.get("/healthz")).status_code == 200

            pg = services.restart_postgres(pg)
            for _ in range(100):
                answer = await http.post("/graphql", json=ME, headers=auth)
                if answer.status_code == 200:
                    break
                _assert_unavailable(answer)
                await asyncio.sleep(0.2)
            assert answer.json()["data"] == {"me": {"username": "admin"}}
            assert "errors" not in answer.json()
            for _ in range(50):  # the outage probe notices within a second
                if b"database reachable again" in log_path.read_bytes():
                    break
                await asyncio.sleep(0.1)
    finally:
        await services.stop_child(server)
        pg.stop()
    log = log_path.read_text()
    assert log.count("database unreachable") == 1, log
    assert log.count("database reachable again") == 1, log
    assert "Traceback" not in log, log
