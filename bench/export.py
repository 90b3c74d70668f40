"""Exporting 10k and 100k tickets from PostgreSQL: how long, and how much memory?

An export should take time in proportion to the tickets and memory that does not grow with
them: tickets are read in keyset pages and the workbook streams to disk (xlsxwriter's
constant-memory mode; CSV files zipped at the end). This loads tickets with COPY (the ticket
views benchmark's loader: a SELECT `color` and a NUMBER `amount` custom field, a year of
scattered times) plus records for the record sheets — every 4th ticket urged and noted,
every 10th with a call — then runs, for each size and format, the whole export job as the
server's runner would (`start_export`, claim, `execute`: every ticket sheet column, all five
record sheets, times converted to Asia/Shanghai) in a fresh process, and prints:

* seconds from start to the stored file, and tickets per second;
* the file's size and the rows written;
* the process's peak RSS while the export ran (sampled every 2 ms) above its RSS just
  before it began, i.e. what the export itself needed on top of an idle process with the
  ORM connected.

Printed, never asserted. `BENCH_EXPORT_MAX` (default 100000) caps the sizes.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from bench.ticket_views import Bench, load_tickets, set_up
from tests.services import start_postgres
from workorder import db
from workorder.auth.actor import Actor
from workorder.flows.exports import files
from workorder.flows.exports.exports import ExportRequest
from workorder.jobs import executor, leases, starting
from workorder.jobs.registry import job_kinds
from workorder.models import JobStatus, User
from workorder.settings import Settings
from workorder.sheets.cells import SheetFormat
from workorder.storage import LocalStorage

SIZES = (10_000, 100_000)
EVENT_COLUMNS = [
    "tenant_id",
    "ticket_id",
    "kind",
    "actor_id",
    "from_status",
    "to_status",
    "from_step",
    "to_step",
    "from_assignee_id",
    "to_assignee_id",
    "comment",
    "data",
    "attachments",
    "created_at",
]
CALL_COLUMNS = [
    "tenant_id",
    "ticket_id",
    "channel",
    "direction",
    "number",
    "started_at",
    "duration_seconds",
    "agent_id",
    "created_at",
]
URGED = '{"priority": {"before": "NORMAL", "after": "HIGH"}}'


def _sizes() -> list[int]:
    cap = int(os.environ.get("BENCH_EXPORT_MAX", SIZES[-1]))
    return sorted({s for s in SIZES if s <= cap} | {cap})


async def load_records(url: str, tenant: Bench, have: int) -> tuple[int, int]:
    """Urges and notes on every 4th new ticket, a call on every 10th; (events, calls)."""
    connection = await asyncpg.connect(url)
    try:
        ids = [
            r["id"]
            for r in await connection.fetch(
                "SELECT id FROM ticket WHERE tenant_id = $1 AND number > $2 ORDER BY number",
                tenant.id,
                have,
            )
        ]
        rng = random.Random(have)
        now = datetime.now(UTC)
        agent = tenant.agent.user_id
        events = []
        for pk in ids[::4]:
            at = now - timedelta(seconds=rng.random() * 365 * 24 * 3600)
            events.append(
                (tenant.id, pk, "URGED", agent, "PENDING", "PENDING", None, None, None, None,
                 "Customer called again, please hurry", URGED, "[]", at)
            )  # fmt: skip
            events.append(
                (tenant.id, pk, "NOTED", agent, "PENDING", "PENDING", None, None, None, None,
                 "Asked for a call back before noon; the parcel number is in the mail.",
                 "{}", "[]", at + timedelta(minutes=5))
            )  # fmt: skip
        calls = [
            (tenant.id, pk, "PHONE", "INBOUND", f"+86 138 {n:08}", now, 95 + n % 300, agent, now)
            for n, pk in enumerate(ids[::10])
        ]
        await connection.copy_records_to_table(
            "ticket_event", records=events, columns=EVENT_COLUMNS
        )
        await connection.copy_records_to_table("interaction", records=calls, columns=CALL_COLUMNS)
        await connection.execute("VACUUM ANALYZE ticket_event")
        await connection.execute("VACUUM ANALYZE interaction")
        return len(events), len(calls)
    finally:
        await connection.close()


def _rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class _PeakSampler(threading.Thread):
    """The highest RSS seen while the export runs, sampled every 2 ms from a thread (the
    process's ru_maxrss cannot tell: start-up, before the export, may have peaked higher)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _rss_kib()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.002):
            self.peak = max(self.peak, _rss_kib())

    def stop(self) -> int:
        self.done.set()
        self.join()
        return max(self.peak, _rss_kib())


async def _child(url: str, admin_id: int, fmt: str) -> dict[str, Any]:
    """One export in this (fresh) process: its time, its file and its peak memory."""
    async with db.open_database(url):
        actor = Actor.of(await User.get(id=admin_id))
        with tempfile.TemporaryDirectory(prefix="workorder-bench-files-") as folder:
            storage = LocalStorage(Path(folder))
            baseline = _rss_kib()
            peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            sampler = _PeakSampler()
            sampler.start()
            started = time.perf_counter()
            request = ExportRequest(format=SheetFormat(fmt), time_zone="Asia/Shanghai")
            kinds = job_kinds(Settings(database_url=url))  # as the server and worker build them
            job = await starting.start_export(kinds, actor, request, storage=storage)
            claimed = await leases.claim_job(job.id, "bench")
            assert claimed is not None
            done = await executor.execute(claimed, "bench", kinds=kinds, storage=storage)
            seconds = time.perf_counter() - started
            peak = sampler.stop()
            assert done is not None
            assert done.status == JobStatus.DONE, done.errors
            file = files.export_file_of(done)
            assert file is not None
    return {
        "seconds": seconds,
        "tickets": done.done,
        "bytes": file.size,
        "baseline_kib": baseline,
        "peak_kib": peak,
        "startup_peak_kib": peak_before,
    }


def _export_in_a_process(url: str, admin_id: int, fmt: SheetFormat) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.export", "--child", url, str(admin_id), str(fmt)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


async def run() -> None:
    started = time.perf_counter()
    server = start_postgres(
        Path(tempfile.mkdtemp(prefix="workorder-bench-pg-")),
        "shared_buffers=512MB",
        "max_wal_size=4GB",
        "autovacuum=off",
    )
    rows = []
    try:
        async with db.open_database(server.url):
            await db.migrate()
            tenant = await set_up()
        have = 0
        for size in _sizes():
            await load_tickets(server.url, tenant, have, size)
            events, calls = await load_records(server.url, tenant, have)
            print(f"loaded {size - have:,} tickets, {events:,} events, {calls:,} calls", flush=True)
            have = size
            for fmt in SheetFormat:
                result = _export_in_a_process(server.url, tenant.admin.user_id, fmt)
                rows.append((size, fmt, result))
                print(f"  exported {size:,} as {fmt} in {result['seconds']:.1f} s", flush=True)
    finally:
        server.stop()
    print()
    print("export job (start_export + execute), all columns, 5 record sheets, one process each")
    head = (
        f"{'tickets':>8} {'format':>6} | {'seconds':>7} {'tickets/s':>9} | {'file MiB':>8} | "
        f"{'RSS before':>10} {'peak RSS':>9} {'peak - before':>13}"
    )
    print(head)
    print("-" * len(head))
    for size, fmt, r in rows:
        print(
            f"{size:>8,} {fmt!s:>6} | {r['seconds']:7.1f} {r['tickets'] / r['seconds']:9.0f} | "
            f"{r['bytes'] / 2**20:8.1f} | {r['baseline_kib'] / 1024:7.1f} MiB "
            f"{r['peak_kib'] / 1024:5.1f} MiB {(r['peak_kib'] - r['baseline_kib']) / 1024:9.1f} MiB"
        )
    print()
    print(f"took {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        found = asyncio.run(_child(sys.argv[2], int(sys.argv[3]), sys.argv[4]))
        print(json.dumps(found))
    else:
        asyncio.run(run())
