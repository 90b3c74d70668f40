"""The EXACT customer lookup by a whole phone number, at 5,000 and 50,000 customers.

The phone system hands over the caller's number without separators; the lookup compares
digits. Timed through the flow (`find_customers` and reading the rows), as an administrator
(the lookup alone) and as an agent (the lookup and the licence it records to name the
record, auth/customers.py). Median and p95 of LOOKUPS lookups of random customers.

`python -m bench.customer_lookup` runs on SQLite; `BENCH_BACKEND=postgres` on a throwaway
PostgreSQL (tests/services.py). Figures are printed, never asserted.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from bench.list50 import _database
from workorder import db
from workorder.auth.actor import Actor
from workorder.flows.customers.accounts import find_customers
from workorder.flows.org.tenants import create_tenant
from workorder.models import Customer, CustomerLookupMode, Role, User
from workorder.models.customer import digits_of

SIZES = (5_000, 50_000)
LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "200"))
FORMATS = ("+86 {a} {b} {c}", "+86 ({a}) {b}-{c}", "+86-{a}-{b}-{c}", "+86 {a}{b}{c}")


def _phone(n: int) -> tuple[str, str]:
    """A number as typed (one of several formats) and as a phone system hands it over."""
    a, b, c = f"{130 + n % 60}", f"{n // 10_000 % 10_000:04d}", f"{n % 10_000:04d}"
    return FORMATS[n % len(FORMATS)].format(a=a, b=b, c=c), f"+86{a}{b}{c}"


def _customers(tenant_id: int, start: int, stop: int) -> list[Customer]:
    made = []
    for n in range(start, stop):
        phone, _ = _phone(n)
        customer = Customer(tenant_id=tenant_id, name=f"Customer {n}", phone=phone)
        customer.phone_digits = digits_of(phone)  # bulk_create does not call save
        made.append(customer)
    return made


async def _time(actor: Actor, total: int) -> tuple[float, float]:
    chosen = random.Random(total).sample(range(total), LOOKUPS)
    spent = []
    for n in chosen:
        _, handed_over = _phone(n)
        started = time.perf_counter()
        found = await find_customers(actor, handed_over, CustomerLookupMode.EXACT)
        rows = await found.rows
        spent.append((time.perf_counter() - started) * 1000)
        assert [r.name for r in rows] == [f"Customer {n}"], (n, handed_over, rows)
    spent.sort()
    return statistics.median(spent), spent[int(len(spent) * 0.95) - 1]


async def run() -> None:
    backend = os.environ.get("BENCH_BACKEND", "sqlite")
    with tempfile.TemporaryDirectory() as name:
        async with _database(Path(name)) as settings, db.open_database(settings.database):
            await db.migrate()
            tenant, admin = await create_tenant("bench", "Bench", "admin", "bench-password")
            agent = await User.create(
                tenant_id=tenant.id, username="agent", password_hash="!", roles=[Role.AGENT]
            )
            have = 0
            for size in SIZES:
                for start in range(have, size, 5_000):
                    batch = _customers(tenant.id, start, min(start + 5_000, size))
                    await Customer.bulk_create(batch, batch_size=1_000)
                have = size
                if backend == "postgres":
                    await Customer.raw("ANALYZE customer")
                as_admin = await _time(Actor.of(admin), size)
                as_agent = await _time(Actor.of(agent), size)
                print(
                    f"customer lookup {backend:<8} {size:>6} customers:"
                    f" admin p50 {as_admin[0]:6.2f} ms p95 {as_admin[1]:6.2f} ms |"
                    f" agent p50 {as_agent[0]:6.2f} ms p95 {as_agent[1]:6.2f} ms",
                    flush=True,
                )


if __name__ == "__main__":
    asyncio.run(run())
