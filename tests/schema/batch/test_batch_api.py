"""The batch mutations, assignWithQuota and quotaCandidates over GraphQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.flows.batch.test_batch import granted, in_finance, in_sales
from tests.shop import Shop
from tests.support import gid
from workorder.auth.permissions import Permission
from workorder.models import EventKind, Priority, Status, Ticket, TicketEvent

RESULT = "results { id ok error { code message field } ticket { status } } succeeded failed"
ERRORS = "errors { code message field }"

CLOSE = f"""mutation($input: BatchCloseTicketsInput!) {{
  batchCloseTickets(input: $input) {{ {RESULT} {ERRORS} }} }}"""
URGE = f"""mutation($input: BatchUrgeTicketsInput!) {{
  batchUrgeTickets(input: $input) {{ {RESULT} {ERRORS} }} }}"""
TRANSFER = f"""mutation($input: BatchTransferTicketsInput!) {{
  batchTransferTickets(input: $input) {{ {RESULT} {ERRORS} }} }}"""
ASSIGN = f"""mutation($input: BatchAssignTicketsInput!) {{
  batchAssignTickets(input: $input) {{ {RESULT} {ERRORS} }} }}"""
DELETE = f"""mutation($input: BatchDeleteTicketsInput!) {{
  batchDeleteTickets(input: $input) {{ {RESULT} {ERRORS} }} }}"""
QUOTA = f"""mutation($input: AssignWithQuotaInput!) {{ assignWithQuota(input: $input) {{
  selected available assigned unassigned
  shares {{ user {{ username }} quota assigned }}
  results {{ id ok error {{ code }} ticket {{ assignee {{ username }} }} }}
  {ERRORS} }} }}"""
CANDIDATES = """query($departmentId: ID, $groupId: ID, $role: Role, $name: String) {
  quotaCandidates(departmentId: $departmentId, groupId: $groupId, role: $role, name: $name) {
    username } }"""


def t(ticket: Ticket) -> str:
    return gid("Ticket", ticket.id)


@pytest.fixture
def pushed(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The channels the server's broker was asked to publish on."""
    broker = app.state.broker
    channels: list[str] = []
    original = broker.publish

    async def publish(channel: str, message: dict[str, Any]) -> None:
        channels.append(channel)
        await original(channel, message)

    monkeypatch.setattr(broker, "publish", publish)
    return channels


async def test_batch_close_reports_each_ticket_in_the_order_sent(shop: Shop, pushed: list[str]):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    first, second = await in_finance(shop, "A-1"), await in_finance(shop, "A-2")
    hidden = await in_sales(shop, "A-3")
    ids = [t(first), t(hidden), "not-an-id", t(first), t(second), gid("User", 1)]

    data = await shop.gql("fay", CLOSE, {"input": {"ids": ids, "comment": "Paid"}})

    payload = data["batchCloseTickets"]
    assert payload["errors"] == []
    assert (payload["succeeded"], payload["failed"]) == (2, 3)
    results = payload["results"]
    assert [r["id"] for r in results] == [
        t(first),
        t(hidden),
        "not-an-id",
        t(second),
        gid("User", 1),
    ]
    assert [r["ok"] for r in results] == [True, False, False, True, False]
    assert results[0]["ticket"] == {"status": "DONE"} and results[0]["error"] is None
    # A ticket Fay may not see and ids that name no ticket read alike: nothing is revealed.
    assert {r["error"]["code"] for r in results if not r["ok"]} == {"NOT_FOUND"}
    assert len({r["error"]["message"] for r in results if not r["ok"]}) == 1
    assert all(r["ticket"] is None for r in results if not r["ok"])
    assert (await Ticket.get(id=hidden.id)).status == Status.IN_PROGRESS
    assert await TicketEvent.filter(kind=EventKind.CLOSED).count() == 2
    assert f"ticket:{first.id}" in pushed and f"ticket:{second.id}" in pushed
    assert f"ticket:{hidden.id}" not in pushed


async def test_more_ids_than_the_limit_is_invalid_and_does_nothing(shop: Shop, settings: Any):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    ticket = await in_finance(shop, "A-1")
    ids = [t(ticket)] + [gid("Ticket", 10_000 + n) for n in range(settings.batch_sync_limit)]

    data = await shop.gql("fay", CLOSE, {"input": {"ids": ids}})

    payload = data["batchCloseTickets"]
    assert payload["results"] == []
    [error] = payload["errors"]
    assert (error["code"], error["field"]) == ("INVALID", ["ids"])
    assert "filter-based batch job" in error["message"]
    assert (await Ticket.get(id=ticket.id)).status == Status.PENDING


async def test_without_the_batch_grant_nothing_is_done(shop: Shop):
    ticket = await in_finance(shop, "A-1")
    data = await shop.gql("fay", URGE, {"input": {"ids": [t(ticket)]}})
    assert [e["code"] for e in data["batchUrgeTickets"]["errors"]] == ["FORBIDDEN"]
    assert (await Ticket.get(id=ticket.id)).urge_count == 0


async def test_urge_transfer_assign_and_delete_in_batch(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH, "ticket.transfer")
    tickets = [await in_finance(shop, f"A-{n}") for n in range(4)]
    done = await in_finance(shop, "A-9")
    await shop.gql("fay", CLOSE, {"input": {"ids": [t(done)]}})

    urged = await shop.gql("fay", URGE, {"input": {"ids": [t(tickets[0]), t(done)]}})
    assert [r["ok"] for r in urged["batchUrgeTickets"]["results"]] == [True, False]
    assert urged["batchUrgeTickets"]["results"][1]["error"]["code"] == "WRONG_STATUS"
    assert (await Ticket.get(id=tickets[0].id)).priority == Priority.HIGH

    moved = await shop.gql(
        "fay",
        TRANSFER,
        {"input": {"ids": [t(tickets[0])], "userIds": [gid("User", shop.users["dee"].id)]}},
    )
    assert moved["batchTransferTickets"]["results"][0]["ticket"] == {"status": "IN_PROGRESS"}
    assert (await Ticket.get(id=tickets[0].id)).assignee_id == shop.users["dee"].id

    given = await shop.gql(
        "fay",
        ASSIGN,
        {
            "input": {
                "ids": [t(tickets[1]), t(tickets[2])],
                "userId": gid("User", shop.users["cal"].id),
            }
        },
    )
    assert given["batchAssignTickets"]["succeeded"] == 2
    unknown = await shop.gql("fay", ASSIGN, {"input": {"ids": [t(tickets[3])], "userId": "nope"}})
    assert [e["field"] for e in unknown["batchAssignTickets"]["errors"]] == [["userId"]]

    gone = await shop.gql("fay", DELETE, {"input": {"ids": [t(tickets[3])]}})
    assert gone["batchDeleteTickets"]["succeeded"] == 1
    assert (await Ticket.get(id=tickets[3].id)).deleted_at is not None


async def six(shop: Shop) -> list[str]:
    return [t(await in_finance(shop, f"A-{n}")) for n in range(6)]


async def test_typed_quotas_three_and_two_of_six_leave_one(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    ids = await six(shop)
    cal, fay = gid("User", shop.users["cal"].id), gid("User", shop.users["fay"].id)

    data = await shop.gql(
        "fay",
        QUOTA,
        {
            "input": {
                "ids": ids,
                "quotas": [{"userId": cal, "amount": 3}, {"userId": fay, "amount": 2}],
                "total": 5,
            }
        },
    )

    payload = data["assignWithQuota"]
    assert payload["errors"] == []
    assert (
        payload["selected"],
        payload["available"],
        payload["assigned"],
        payload["unassigned"],
    ) == (6, 6, 5, 1)
    assert sorted(
        (s["user"]["username"], s["quota"], s["assigned"]) for s in payload["shares"]
    ) == [
        ("cal", 3, 3),
        ("fay", 2, 2),
    ]
    assert [r["id"] for r in payload["results"]] == ids[:5]  # the newest stays in the pool
    assert sorted(r["ticket"]["assignee"]["username"] for r in payload["results"]) == [
        "cal",
        "cal",
        "cal",
        "fay",
        "fay",
    ]


async def test_even_split_and_what_is_left(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    ids = await six(shop)
    hidden = t(await in_sales(shop, "B-1"))
    quotas = [{"userId": gid("User", shop.users[n].id)} for n in ("cal", "fay")]

    data = await shop.gql(
        "fay",
        QUOTA,
        {"input": {"ids": [hidden, *ids], "quotas": quotas, "evenSplit": True, "total": 5}},
    )

    payload = data["assignWithQuota"]
    assert (payload["selected"], payload["available"], payload["assigned"]) == (7, 6, 5)
    first, second = sorted(["cal", "fay"], key=lambda n: shop.users[n].id)
    assert [(s["user"]["username"], s["assigned"]) for s in payload["shares"]] == [
        (first, 3),
        (second, 2),
    ]
    assert payload["results"][0] == {
        "id": hidden,
        "ok": False,
        "error": {"code": "NOT_FOUND"},
        "ticket": None,
    }


@pytest.mark.parametrize(
    ("quotas", "extra", "field"),
    [
        ([4, 3], {}, ["quotas"]),  # 7, but 6 are left
        ([3, 1], {"total": 5}, ["quotas"]),  # do not add up to the total
        ([3, -1], {}, ["quotas", "1", "amount"]),
        ([None, None], {"evenSplit": True, "total": 7}, ["total"]),
    ],
)
async def test_quotas_that_do_not_fit_are_invalid_and_assign_nothing(
    shop: Shop, quotas: list[int | None], extra: dict[str, Any], field: list[str]
):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    ids = await six(shop)
    given = [
        {"userId": gid("User", shop.users[n].id), "amount": a}
        for n, a in zip(("cal", "fay"), quotas, strict=True)
    ]
    data = await shop.gql("fay", QUOTA, {"input": {"ids": ids, "quotas": given, **extra}})
    payload = data["assignWithQuota"]
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("INVALID", field)]
    assert payload["results"] == []
    assert await Ticket.filter(status=Status.PENDING).count() == 6


async def test_a_dry_run_tells_what_is_left(shop: Shop):
    await granted(shop, "fay", Permission.TICKET_BATCH)
    ids = await six(shop)
    data = await shop.gql("fay", QUOTA, {"input": {"ids": ids, "dryRun": True}})
    payload = data["assignWithQuota"]
    assert (payload["available"], payload["assigned"], payload["errors"]) == (6, 0, [])


async def test_quota_candidates(shop: Shop):
    finance = gid("Group", shop.groups["Finance"].id)
    data = await shop.gql("cal", CANDIDATES, {"groupId": finance})
    expected = [
        u.username for u in sorted([shop.users["fay"], shop.users["cal"]], key=lambda u: u.id)
    ]
    assert [u["username"] for u in data["quotaCandidates"]] == expected
    data = await shop.gql("admin", CANDIDATES, {"role": "SUPERVISOR", "name": "a"})
    assert {u["username"] for u in data["quotaCandidates"]} == {"sam", "fay", "walt"}
    # Roles are private to an agent: the role filter cannot reveal them either.
    data = await shop.gql("cal", CANDIDATES, {"role": "SUPERVISOR", "name": "a"})
    assert data["quotaCandidates"] == []
