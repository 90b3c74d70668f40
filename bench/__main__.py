"""`make bench`: run every benchmark module and print its figures."""

import asyncio
import os
import subprocess
import sys

from bench import login, login_flood


def main() -> None:
    """login runs on SQLite here; realtime, ticket_views, export and redis_freeze run on
    PostgreSQL, and list50 on both, so each gets a process of its own: Tortoise caches each
    model's INSERT per connection name, not per backend, and the SQLite statement would be
    replayed against PostgreSQL."""
    asyncio.run(login.run())
    print(flush=True)
    asyncio.run(login_flood.run())
    print(flush=True)
    subprocess.run([sys.executable, "-m", "bench.realtime"], check=True)
    print(flush=True)
    subprocess.run([sys.executable, "-m", "bench.ticket_views"], check=True)
    print(flush=True)
    subprocess.run([sys.executable, "-m", "bench.export"], check=True)
    print(flush=True)
    subprocess.run([sys.executable, "-m", "bench.redis_freeze"], check=True)
    for backend in ("sqlite", "postgres"):
        print(flush=True)
        env = {**os.environ, "BENCH_BACKEND": backend}
        subprocess.run([sys.executable, "-m", "bench.list50"], check=True, env=env)


if __name__ == "__main__":
    main()
