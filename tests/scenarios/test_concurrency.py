"""Races decided by the database: one claim wins; ticket numbers never collide."""

import asyncio

from tests.support import OrgBuilder, gid
from workorder.flows.templates.versions import create_template
from workorder.models import Status, Ticket, TicketEvent

CLAIM = """mutation($id: ID!) { claimTicket(input: {id: $id}) {
  ticket { assignee { username } } errors { code } } }"""
CREATE = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { number } errors { code message } } }"""


async def test_twenty_simultaneous_claims_have_exactly_one_winner(org: OrgBuilder):
    agents = [await org.user(f"agent{i:02}") for i in range(20)]
    pool = await org.group("Hotline", agents)
    template = await create_template(
        org.admin_actor,
        {
            "name": "Callback",
            "initial_assignment": "GROUP",
            "steps": [{"key": "call", "name": "Call back", "group_id": pool.id}],
        },
    )
    created = await org.as_admin(
        CREATE, {"input": {"templateId": gid("Template", template.id), "title": "Call Mr Wang"}}
    )
    assert created["createTicket"]["errors"] == []
    ticket = await Ticket.get(number=created["createTicket"]["ticket"]["number"])
    assert ticket.status == Status.PENDING
    tokens = [await org.token(a.username) for a in agents]

    results = await asyncio.gather(
        *(org.api.ok(CLAIM, {"id": gid("Ticket", ticket.id)}, token) for token in tokens)
    )

    winners = [r for r in results if r["claimTicket"]["errors"] == []]
    losers = [r for r in results if r["claimTicket"]["errors"]]
    assert len(winners) == 1
    assert {r["claimTicket"]["errors"][0]["code"] for r in losers} == {"CONFLICT"}
    assert len(losers) == 19
    after = await Ticket.get(id=ticket.id)
    assert after.status == Status.IN_PROGRESS
    assert after.assignee_id is not None
    assert winners[0]["claimTicket"]["ticket"]["assignee"]["username"] == next(
        a.username for a in agents if a.id == after.assignee_id
    )
    assert await TicketEvent.filter(ticket_id=ticket.id, kind="CLAIMED").count() == 1


async def test_concurrent_creations_get_distinct_numbers(org: OrgBuilder):
    template = await create_template(org.admin_actor, {"name": "Note"})
    token = await org.token()
    results = await asyncio.gather(
        *(
            org.api.ok(
                CREATE,
                {"input": {"templateId": gid("Template", template.id), "title": f"Call {i}"}},
                token,
            )
            for i in range(15)
        )
    )
    numbers = [r["createTicket"]["ticket"]["number"] for r in results]
    assert sorted(numbers) == list(range(1, 16))


async def test_a_claim_arriving_after_the_winner_is_a_conflict_not_a_missing_ticket(
    org: OrgBuilder,
):
    first, second = await org.user("first"), await org.user("second")
    outsider = await org.user("outsider")
    pool = await org.group("Hotline", [first, second])
    template = await create_template(
        org.admin_actor,
        {
            "name": "Callback",
            "initial_assignment": "GROUP",
            "steps": [{"key": "call", "name": "Call back", "group_id": pool.id}],
        },
    )
    created = await org.as_admin(
        CREATE, {"input": {"templateId": gid("Template", template.id), "title": "Call Mrs Chen"}}
    )
    ticket_id = gid(
        "Ticket", (await Ticket.get(number=created["createTicket"]["ticket"]["number"])).id
    )
    won = await org.api.ok(CLAIM, {"id": ticket_id}, await org.token("first"))
    assert won["claimTicket"]["errors"] == []
    late = await org.api.ok(CLAIM, {"id": ticket_id}, await org.token("second"))
    assert late["claimTicket"]["errors"] == [{"code": "CONFLICT"}]
    # Someone who never had it in their queue learns nothing.
    stranger = await org.api.ok(CLAIM, {"id": ticket_id}, await org.token(outsider.username))
    assert stranger["claimTicket"]["errors"] == [{"code": "NOT_FOUND"}]
