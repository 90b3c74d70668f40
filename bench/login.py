"""Login and `me` throughput on the embedded backend, in-process over ASGI.

Shows what a request costs: login is dominated by argon2 on purpose, `me` by GraphQL.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx

from workorder import db
from workorder.demo import PASSWORD, TENANT, load_demo
from workorder.server import create_app
from workorder.settings import Settings

LOGIN = """mutation($i: LoginInput!) { login(input: $i) { accessToken } }"""
ME = "{ me { username department { name } groups { name } } }"


async def _time(label: str, n: int, call: object) -> None:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        await call()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(
        f"{label:<24} n={n:<5} p50={statistics.median(samples):7.2f} ms"
        f"  p99={samples[int(len(samples) * 0.99) - 1]:7.2f} ms"
    )


async def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(data_dir=Path(folder), secret_key="bench-" * 8, log_level="WARNING")
        async with db.open_database(settings.database):
            await db.migrate()
            await load_demo()
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                variables = {"i": {"tenant": TENANT, "username": "admin", "password": PASSWORD}}

                async def login() -> None:
                    await client.post("/graphql", json={"query": LOGIN, "variables": variables})

                reply = await client.post("/graphql", json={"query": LOGIN, "variables": variables})
                token = reply.json()["data"]["login"]["accessToken"]
                headers = {"authorization": f"Bearer {token}"}

                async def me() -> None:
                    await client.post("/graphql", json={"query": ME}, headers=headers)

                await _time("login (argon2)", 50, login)
                await _time("me (3 relations)", 500, me)
