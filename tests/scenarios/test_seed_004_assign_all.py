"""Seed 004, 全部分配 (assign all matching tickets, with quotas), told through the API.

Fay supervises Finance, where Cal, Dee and Dan take the orders waiting for payment checks.
She assigns every waiting order as a job: Cal five, Dee three, Dan the rest — "the rest"
being what is left when the job runs, not when she asked. A ticket someone claims while the
job works is left to them, never assigned twice. She also splits evenly, and asks for more
than is left: the job tells her, agent by agent, what each got.
"""

from typing import Any

import pytest

from tests.flows.batch.test_batch import granted, in_finance
from tests.jobs.test_executor import claimed, pause_runner
from tests.scenarios.test_ticket_actions import user_id
from tests.shop import Shop
from workorder.auth.permissions import Permission
from workorder.flows.batch import quotas
from workorder.flows.tickets.handling import assign_ticket, claim_ticket
from workorder.jobs import executor
from workorder.jobs.registry import JobKinds
from workorder.models import EventKind, Job, Status, Ticket, TicketEvent
from workorder.schema.node import pk_of

START = """mutation($input: StartBatchJobInput!) { startBatchJob(input: $input) {
  job { id type total } errors { code message field } } }"""
OUTCOME = """query($id: ID!) { job(id: $id) { status done failed
  outcome { ... on BatchJobResult {
    succeeded failed perAgent { user { username } quota dealt assigned short } } }
  failures { edges { node { code ticket { title } } } } } }"""


@pytest.fixture(autouse=True)
def _by_hand(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    pause_runner(app, monkeypatch)


async def finance_team(shop: Shop) -> None:
    """Dee and Dan join Finance; Fay may act in bulk."""
    finance = shop.groups["Finance"]
    await finance.members.add(shop.users["dee"], shop.users["dan"])
    await granted(shop, "fay", Permission.TICKET_BATCH)


async def waiting(shop: Shop, n: int) -> list[Ticket]:
    return [await in_finance(shop, f"A-{k:02}") for k in range(n)]


async def start(shop: Shop, **input: Any) -> dict[str, Any]:
    data = await shop.gql(
        "fay", START, {"input": {"action": "ASSIGN", "filter": {"status": ["PENDING"]}, **input}}
    )
    payload: dict[str, Any] = data["startBatchJob"]
    return payload


async def run(shop: Shop, kinds: JobKinds, job_id: str) -> dict[str, Any]:
    stored = await Job.get(id=pk_of(job_id, "Job"))
    await executor.execute(await claimed(stored), "test-runner", kinds=kinds)
    found: dict[str, Any] = (await shop.gql("fay", OUTCOME, {"id": job_id}))["job"]
    return found


def shares(job: dict[str, Any]) -> dict[str, tuple[int, int, int, int]]:
    return {
        a["user"]["username"]: (a["quota"], a["dealt"], a["assigned"], a["short"])
        for a in job["outcome"]["perAgent"]
    }


async def holders(tickets: list[Ticket]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ticket in tickets:
        found = await Ticket.get(id=ticket.id).prefetch_related("assignee")
        name = found.assignee.username if found.assignee else "-"
        counts[name] = counts.get(name, 0) + 1
    return counts


async def test_fay_assigns_all_waiting_orders_five_three_and_the_rest(
    shop: Shop, kinds: JobKinds, monkeypatch: pytest.MonkeyPatch
):
    await finance_team(shop)
    orders = await waiting(shop, 12)
    started = await start(
        shop,
        quotas=[
            {"userId": user_id(shop, "cal"), "amount": 5},
            {"userId": user_id(shop, "dee"), "amount": 3},
            {"userId": user_id(shop, "dan")},
        ],
        restUserId=user_id(shop, "dan"),
        comment="Monday's orders",
    )
    assert started["errors"] == []
    assert (started["job"]["type"], started["job"]["total"]) == ("BATCH_ASSIGN", 12)

    # Before the job runs, Fay claims the oldest herself: 11 are left when it runs.
    await claim_ticket(shop.actor("fay"), orders[0].id)
    # While it works, Fay also claims the newest one, which the plan gave to Cal.
    real = assign_ticket

    async def fay_claims_the_last_first(*args: Any, **kwargs: Any) -> Ticket:
        if (await Ticket.get(id=orders[-1].id)).status == Status.PENDING:
            await claim_ticket(shop.actor("fay"), orders[-1].id)
        return await real(*args, **kwargs)

    monkeypatch.setattr(quotas, "assign_ticket", fay_claims_the_last_first)
    job = await run(shop, kinds, started["job"]["id"])

    assert (job["status"], job["done"], job["failed"]) == ("DONE", 10, 1)
    assert shares(job) == {"cal": (5, 5, 4, 0), "dee": (3, 3, 3, 0), "dan": (3, 3, 3, 0)}
    failures = [e["node"] for e in job["failures"]["edges"]]
    assert failures == [{"code": "CONFLICT", "ticket": {"title": "A-11"}}]
    assert await holders(orders) == {"fay": 2, "cal": 4, "dee": 3, "dan": 3}
    # The ticket claimed meanwhile was never assigned by the job.
    assert not await TicketEvent.filter(ticket_id=orders[-1].id, kind=EventKind.ASSIGNED).exists()


async def test_an_even_split_and_a_quota_larger_than_what_is_left(shop: Shop, kinds: JobKinds):
    await finance_team(shop)
    orders = await waiting(shop, 7)
    agents = [{"userId": user_id(shop, name)} for name in ("cal", "dee", "dan")]
    even = await start(shop, quotas=agents, evenSplit=True)
    assert even["errors"] == []
    job = await run(shop, kinds, even["job"]["id"])
    assert shares(job) == {"cal": (3, 3, 3, 0), "dee": (2, 2, 2, 0), "dan": (2, 2, 2, 0)}
    assert await holders(orders) == {"cal": 3, "dee": 2, "dan": 2}

    more = await waiting(shop, 5)
    greedy = await start(
        shop,
        quotas=[
            {"userId": user_id(shop, "cal"), "amount": 4},
            {"userId": user_id(shop, "dee"), "amount": 4},
        ],
    )
    assert greedy["errors"] == []  # not refused: what is left is counted when it runs
    job = await run(shop, kinds, greedy["job"]["id"])
    assert (job["status"], job["failed"]) == ("DONE", 0)
    assert shares(job) == {"cal": (4, 3, 3, 1), "dee": (4, 2, 2, 2)}
    assert await holders(more) == {"cal": 3, "dee": 2}


async def test_bad_quotas_are_refused_before_anything_is_stored(shop: Shop):
    await finance_team(shop)
    await waiting(shop, 2)
    await shop.gql(
        "admin",
        "mutation($i: UpdateUserInput!) { updateUser(input: $i) { errors { code } } }",
        {"i": {"id": user_id(shop, "dan"), "active": False}},
    )
    gone = await start(shop, quotas=[{"userId": user_id(shop, "dan"), "amount": 1}])
    assert gone["errors"] == [
        {
            "code": "NOT_FOUND",
            "message": gone["errors"][0]["message"],
            "field": ["quotas", "0", "userId"],
        }
    ]
    negative = await start(shop, quotas=[{"userId": user_id(shop, "cal"), "amount": -1}])
    assert negative["errors"][0]["field"] == ["quotas", "0", "amount"]
    both = await start(
        shop, userId=user_id(shop, "cal"), quotas=[{"userId": user_id(shop, "cal"), "amount": 1}]
    )
    assert both["errors"][0]["code"] == "INVALID"
    assert await Job.all().count() == 0
