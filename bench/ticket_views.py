"""Ticket list pages at 10k, 100k and 1M tickets on PostgreSQL: do they stay flat?

Lists page by keyset (a cursor holding the last row's sort value and id), so a page should cost
about the same however many tickets the tenant has and however deep the page is; `totalCount`
cannot (it counts every match). This loads tickets cumulatively with COPY, then times, through
`ticket_page` (the flow the `tickets` resolver calls, ORM included, GraphQL excluded):

* the MINE view of one agent, first page and a page 90% of the way down;
* the ALL view filtered on a custom SELECT field (`color = red`, ~10% of tickets) for an
  administrator (visibility adds nothing) and for an agent (visibility adds its OR of
  subqueries), first and deep pages;
* `totalCount` of each, separately.

It prints p50/p99 per size with the ratio p50(N)/p50(smallest), then EXPLAIN ANALYZE of the
same statements at the largest size: which index each one uses and how many rows it had to
read and throw away. Timings are printed, never asserted: this is a benchmark, not a test.

`BENCH_MAX_TICKETS` (default 1000000) caps the sizes for a quick try.
`BENCH_PLANS=1` prints the whole plans instead of one line each.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from tests.services import start_postgres
from workorder import db
from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, reach_of
from workorder.flows.org.tenants import create_tenant
from workorder.flows.templates.field_kinds.filtering import Operator
from workorder.flows.templates.versions import create_template
from workorder.flows.views.filters import FieldCondition, TicketFilter
from workorder.flows.views.lists import ListSpec, Page, View, encode_cursor, ticket_page
from workorder.models import Role, Template, User

SIZES = (10_000, 100_000, 1_000_000)
AGENTS = 20
PAGE = 50
DEEP = 0.9  # the deep page starts this far down the list
REPETITIONS = 100
BUDGET = 8.0  # seconds per measurement at most: deep pages may be slow at 1M
MIN_REPETITIONS = 15
COLORS = ("red", "blue", "green", "yellow", "black", "white", "orange", "purple", "grey", "teal")
WORDS = ("kettle", "parcel", "refund", "invoice", "lid", "cable", "login", "screen", "delivery")
DESCRIPTIONS = tuple(
    f"Customer reports that the {w} {v} since {d}; asked for a call back before noon. " * 2
    for w in WORDS
    for v, d in (("broke", "Monday"), ("never arrived", "last week"), ("is wrong", "today"))
)
# Status mix of a live help desk: most tickets are done.
STATUSES = (
    ("NEW", 0.08),
    ("PENDING", 0.07),
    ("IN_PROGRESS", 0.30),
    ("DONE", 0.50),
    ("VOID", 0.05),
)
COLUMNS = [
    "tenant_id",
    "number",
    "template_id",
    "template_version_id",
    "title",
    "description",
    "status",
    "priority",
    "source",
    "field_values",
    "cc",
    "trail",
    "urge_count",
    "version",
    "assignee_id",
    "creator_id",
    "due_at",
    "done_at",
    "deleted_at",
    "created_at",
    "updated_at",
]
RED = TicketFilter(fields=(FieldCondition("color", Operator.EQ, "red"),))


def _sizes() -> list[int]:
    cap = int(os.environ.get("BENCH_MAX_TICKETS", SIZES[-1]))
    return sorted({s for s in SIZES if s <= cap} | {cap})


def _label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


@dataclass(frozen=True)
class Bench:
    """What the loader and the cases need to know about the benchmark's tenant."""

    id: int
    template_id: int
    version_id: int
    admin: Actor
    agent: Actor  # the assignee of MINE, and the non-admin of the filtered view
    agent_ids: tuple[int, ...]


async def set_up() -> Bench:
    """A tenant, its agents and a template with a SELECT `color` and a NUMBER `amount`.

    Agents are rows made directly: nobody logs in, and twenty argon2 hashes would only add
    seconds. The template goes through the flow, so its config is what filters check against.
    """
    tenant, admin = await create_tenant("bench", "Bench", "admin", "bench-password")
    agents = [
        await User.create(
            tenant_id=tenant.id,
            username=f"agent{n:02}",
            display_name=f"Agent {n}",
            password_hash="!",
            roles=[str(Role.AGENT)],
        )
        for n in range(1, AGENTS + 1)
    ]
    options = [{"value": c, "label": c.title()} for c in COLORS]
    fields = [
        {"key": "color", "label": "Colour", "type": "SELECT", "options": options},
        {"key": "amount", "label": "Amount", "type": "NUMBER"},
    ]
    template = await create_template(Actor.of(admin), {"name": "Case", "fields": fields})
    template = await Template.get(id=template.id)
    assert template.current_version_id is not None
    return Bench(
        id=tenant.id,
        template_id=template.id,
        version_id=template.current_version_id,
        admin=Actor.of(admin),
        agent=Actor.of(agents[0]),
        agent_ids=tuple(a.id for a in agents),
    )


def _rows(tenant: Bench, first: int, last: int, seed: int) -> Iterator[tuple[Any, ...]]:
    """Tickets numbered first..last, in COPY column order.

    Times are spread at random over a year, so the table's physical order has nothing to do
    with the sort order: every page reads scattered heap pages, as in a table that has lived
    a while. 10% are unassigned, the rest evenly spread over the agents; 1% are deleted.
    """
    rng = random.Random(seed)
    now = datetime.now(UTC)
    year = 365 * 24 * 3600
    statuses = [s for s, _ in STATUSES]
    weights = [w for _, w in STATUSES]
    priorities = ("LOW", "NORMAL", "NORMAL", "NORMAL", "HIGH", "URGENT")
    sources = ("PHONE", "EMAIL", "CHAT", "WEB_FORM", "API")
    admin = tenant.admin.user_id
    for number in range(first, last + 1):
        status = rng.choices(statuses, weights)[0]
        created = now - timedelta(seconds=rng.random() * year)
        updated = min(now, created + timedelta(seconds=rng.random() * 10 * 24 * 3600))
        unassigned = status == "NEW" or rng.random() < 0.03
        assignee = None if unassigned else rng.choice(tenant.agent_ids)
        word = rng.choice(WORDS)
        values = f'{{"color": "{rng.choice(COLORS)}", "amount": {rng.randrange(10_000)}}}'
        yield (
            tenant.id,
            number,
            tenant.template_id,
            tenant.version_id,
            f"#{number} {word} problem",
            rng.choice(DESCRIPTIONS),
            status,
            rng.choice(priorities),
            rng.choice(sources),
            values,
            "[]",
            "[]",
            0,
            1,
            assignee,
            admin,
            created + timedelta(days=3),
            updated if status == "DONE" else None,
            updated if rng.random() < 0.01 else None,
            created,
            updated,
        )


async def load_tickets(url: str, tenant: Bench, have: int, want: int) -> tuple[float, float]:
    """COPY tickets have+1..want in, then VACUUM ANALYZE: fresh statistics for the planner
    and a visibility map, as autovacuum would leave a table, and no autovacuum running into
    the timings. Returns (copy seconds, vacuum seconds)."""
    connection = await asyncpg.connect(url)
    try:
        start = time.perf_counter()
        await connection.copy_records_to_table(
            "ticket", records=_rows(tenant, have + 1, want, seed=want), columns=COLUMNS
        )
        copied = time.perf_counter()
        await connection.execute("VACUUM ANALYZE ticket")
        return copied - start, time.perf_counter() - copied
    finally:
        await connection.close()


@dataclass
class Case:
    """One list to time: who asks, for what, from where."""

    label: str
    actor: Actor
    reach: Reach
    spec: ListSpec
    deep: bool
    after: str | None = None
    matches: int = 0
    offset: int = 0  # the deep page starts after this many rows

    async def page(self) -> Page:
        return await ticket_page(self.actor, self.reach, self.spec, first=PAGE, after=self.after)


@dataclass
class Timing:
    p50: float
    p99: float
    n: int


@dataclass
class Results:
    sizes: list[int] = field(default_factory=list)
    timings: dict[str, dict[int, Timing]] = field(default_factory=dict)
    # list -> size -> (matches, row the deep page starts after)
    counts: dict[str, dict[int, tuple[int, int]]] = field(default_factory=dict)

    def add(self, label: str, size: int, timing: Timing) -> None:
        self.timings.setdefault(label, {})[size] = timing


def _percentile(samples: list[float], q: float) -> float:
    """Nearest rank: with 100 samples p99 is the 99th, with fewer it is close to the max."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


async def _time(call: Callable[[], Awaitable[object]], repetitions: int) -> Timing:
    """Warm up, then call up to `repetitions` times within BUDGET seconds; milliseconds.

    Six warm-up calls: asyncpg prepares each statement once per connection, and PostgreSQL
    may switch a prepared statement to a generic plan after five executions; the samples
    should all come from the plan a long-running server would settle on.
    """
    for _ in range(6):
        await call()
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET
    while len(samples) < repetitions and (
        len(samples) < MIN_REPETITIONS or time.perf_counter() < deadline
    ):
        start = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - start) * 1000)
    return Timing(_percentile(samples, 0.5), _percentile(samples, 0.99), len(samples))


async def _cases(tenant: Bench) -> list[Case]:
    """The reaches are computed once: a request computes its reach once too, whatever it
    lists, so it is no part of a page's cost."""
    admin, agent = tenant.admin, tenant.agent
    admin_reach, agent_reach = await reach_of(admin), await reach_of(agent)
    mine = ListSpec(view=View.MINE)
    red = ListSpec(view=View.ALL, filter=RED)
    return [
        Case(f"{name} {where} ({who})", actor, reach, spec, deep)
        for name, who, actor, reach, spec in [
            ("MINE", "agent", agent, agent_reach, mine),
            ("ALL color=red", "admin", admin, admin_reach, red),
            ("ALL color=red", "agent", agent, agent_reach, red),
        ]
        for where, deep in (("first page", False), ("deep page", True))
    ]


async def _place(case: Case) -> None:
    """Count the matches and, for a deep page, make the cursor of the row DEEP of the way down.

    The row is found with the list's own WHERE (`Page.query`), ordered as the list is, so the
    cursor is one the API could have handed out after enough pages.
    """
    case.after = None
    query = (await case.page()).query
    case.matches = await query.count()
    if not case.deep:
        return
    # A full page should follow the cursor where there are enough matches (at 10k, MINE has
    # ~400 and the agent's red tickets ~40: their "deep" page is then the last one).
    offset = case.offset = max(0, min(int(case.matches * DEEP), case.matches - PAGE - 2))
    row = (
        await query.order_by("-updated_at", "-id")
        .offset(offset)
        .limit(1)
        .values_list("updated_at", "id")
    )
    value, pk = row[0]
    case.after = encode_cursor(case.spec, value, pk)
    page = await case.page()
    assert page.tickets or case.matches < 2, f"{case.label}: nothing after the cursor"


def _count_label(case: Case) -> str:
    return case.label.replace("first page", "totalCount").replace("deep page", "totalCount")


async def _measure(cases: list[Case], size: int, results: Results) -> None:
    """Pages of every case, then the count of every list once its pages are timed."""
    for case in cases:
        await _place(case)
        results.add(case.label, size, await _time(case.page, REPETITIONS))
        label = case.label.replace(" first page", "").replace(" deep page", "")
        found = results.counts.setdefault(label, {})
        found[size] = (case.matches, max(found.get(size, (0, 0))[1], case.offset))
        if not case.deep:
            query = (await case.page()).query
            results.add(_count_label(case), size, await _time(query.count, 5))


class _Statements(logging.Handler):
    """Catches the statements Tortoise sends (it logs each with its parameters at DEBUG)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.sent: list[tuple[str, list[Any]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and isinstance(args[0], str):
            values = args[1]
            self.sent.append((args[0], list(values) if isinstance(values, list | tuple) else []))


async def _statement(call: Callable[[], Awaitable[object]]) -> tuple[str, list[Any]]:
    """The last SELECT on the ticket table that `call` sends: the exact SQL and parameters."""
    logger = logging.getLogger("tortoise.db_client")
    handler, level = _Statements(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        await call()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    found = [s for s in handler.sent if s[0].startswith("SELECT") and 'FROM "ticket"' in s[0]]
    return found[-1]


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _summary(plan: dict[str, Any], ticket_indexes: set[str]) -> str:
    """One line: how the ticket table is read, how many rows that examined for a page of
    PAGE + 1, and the time. Subplans that never ran (the visibility rule's subqueries, when
    the assignee test already decided) are left out."""
    parts, examined, indexed = [], 0, False
    for node in _nodes(plan["Plan"]):
        kind, index = node["Node Type"], node.get("Index Name")
        if not node.get("Actual Loops"):
            continue
        if kind in ("Sort", "Incremental Sort"):
            parts.append(f"{kind} ({node.get('Sort Method', '?')})")
        if node.get("Relation Name") != "ticket" and index not in ticket_indexes:
            continue
        indexed = indexed or index is not None
        direction = " Backward" if node.get("Scan Direction") == "Backward" else ""
        rows = node.get("Actual Rows", 0) * node["Actual Loops"]
        thrown = node.get("Rows Removed by Filter", 0) + node.get(
            "Rows Removed by Index Recheck", 0
        )
        if node.get("Relation Name") == "ticket":
            examined += rows + thrown
        where = f" {index}" if index else ""
        parts.append(f"{kind}{direction}{where} ({rows:,} rows, {thrown:,} filtered out)")
    verdict = "index" if indexed else "NO INDEX"
    return (
        f"[{verdict}] {plan['Execution Time']:7.1f} ms, {examined:>9,} ticket rows examined: "
        + "; ".join(parts)
    )


async def _explain(url: str, cases: list[Case]) -> None:
    """EXPLAIN ANALYZE of the statements `ticket_page` and `count()` really sent (caught from
    Tortoise's log, parameters included), not of a hand-written copy."""
    verbose = os.environ.get("BENCH_PLANS") == "1"
    connection = await asyncpg.connect(url)
    try:
        ticket_indexes = {
            r[0]
            for r in await connection.fetch(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'ticket'"
            )
        }
        for case in cases:
            calls: list[tuple[str, Callable[[], Awaitable[object]]]] = [(case.label, case.page)]
            if not case.deep:
                query = (await case.page()).query
                calls.append((_count_label(case), query.count))
            for label, call in calls:
                sql, values = await _statement(call)
                options = "ANALYZE, BUFFERS, FORMAT JSON"
                plan = json.loads(await connection.fetchval(f"EXPLAIN ({options}) {sql}", *values))
                print(f"  {label:<34} {_summary(plan[0], ticket_indexes)}")
                if verbose:
                    text = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", *values)
                    print("\n".join(f"      {r[0]}" for r in text))
    finally:
        await connection.close()


def _print(results: Results) -> None:
    sizes = results.sizes
    base = sizes[0]
    head = f"{'ticket_page / count, ms':<34}"
    for size in sizes:
        head += f" | {_label(size) + ' p50':>9} {'p99':>7} {'n':>3}"
        head += "" if size == base else f" {'x' + _label(base):>6}"
    print(head)
    print("-" * len(head))
    for label, by_size in results.timings.items():
        line = f"{label:<34}"
        for size in sizes:
            t = by_size[size]
            line += f" | {t.p50:9.2f} {t.p99:7.1f} {t.n:3}"
            line += "" if size == base else f" {t.p50 / by_size[base].p50:6.1f}"
        print(line)
    print()
    for label, matches in results.counts.items():
        shown = ", ".join(
            f"{_label(s)}: {n:,}" + (f" (deep page after row {deep:,})" if deep else "")
            for s, (n, deep) in matches.items()
        )
        print(f"  {label:<30} matches {shown}")


async def run() -> None:
    """Load 10k, 100k, 1M tickets in turn and time the lists after each load.

    The server gets a production-like cache (shared_buffers=1GB: the 1M table fits, as the
    hot part of a real one would) and no autovacuum: each load ends with VACUUM ANALYZE, so
    the planner has fresh statistics and nothing runs behind the timings.
    """
    started = time.perf_counter()
    sizes = _sizes()
    results = Results(sizes=sizes)
    server = start_postgres(
        Path(tempfile.mkdtemp(prefix="workorder-bench-pg-")),
        "shared_buffers=1GB",
        "maintenance_work_mem=256MB",
        "max_wal_size=8GB",
        "autovacuum=off",
    )
    try:
        async with db.open_database(server.url):
            await db.migrate()
            tenant = await set_up()
            cases = await _cases(tenant)
            have, loading = 0, 0.0
            for size in sizes:
                copy_s, vacuum_s = await load_tickets(server.url, tenant, have, size)
                loading += copy_s + vacuum_s
                print(
                    f"loaded {size - have:>9,} tickets (total {size:>9,}): COPY {copy_s:6.1f} s,"
                    f" VACUUM ANALYZE {vacuum_s:5.1f} s",
                    flush=True,
                )
                have = size
                step = time.perf_counter()
                await _measure(cases, size, results)
                print(f"  measured in {time.perf_counter() - step:.1f} s", flush=True)
            print()
            print(f"ticket_page, first={PAGE}, {AGENTS} agents; deep page = {DEEP:.0%} down")
            print(
                f"p50/p99 in ms over n calls, x{_label(sizes[0])} = p50 / p50 at {_label(sizes[0])}"
            )
            _print(results)
            print()
            print(f"EXPLAIN ANALYZE at {_label(sizes[-1])} tickets:")
            await _explain(server.url, cases)
    finally:
        server.stop()
    print()
    total = time.perf_counter() - started
    print(f"loading took {loading:.0f} s of {total:.0f} s in all")


if __name__ == "__main__":
    asyncio.run(run())
