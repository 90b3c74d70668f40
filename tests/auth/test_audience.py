"""The visibility rule in memory (`audience.sees`, what a live push is checked with) decides
exactly as the rule as a query (`visibility_filter`, what every list and node reads through),
over generated org charts: departments with heads, reporting lines, sharing rules, groups,
and tickets in every status with participants, team members, followers and candidates."""

from __future__ import annotations

import random

import pytest

from tests.shop import Shop
from workorder.auth.actor import Actor
from workorder.auth.audience import audience_of, sees
from workorder.auth.visibility import look_up_reach, visible_tickets
from workorder.models import (
    Department,
    SharingRule,
    Status,
    TeamAccess,
    Ticket,
    TicketCandidate,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
    User,
)

TICKETS = 40


async def _random_company(shop: Shop, rng: random.Random) -> list[int]:
    tenant = shop.org.tenant.id
    people = list(shop.users.values())
    agents = [u for name, u in shop.users.items() if name != "admin"]
    top = await Department.create(tenant_id=tenant, name="Top", head_id=rng.choice(agents).id)
    departments = [top]
    for i in range(4):
        parent = rng.choice(departments)
        head = rng.choice([*agents, None])
        departments.append(
            await Department.create(
                tenant_id=tenant, name=f"D{i}", parent_id=parent.id, head_id=head and head.id
            )
        )
    for user in agents:  # departments and a reporting line without cycles (by position)
        index = agents.index(user)
        superior = rng.choice([None, *agents[:index]]) if index else None
        await User.filter(id=user.id).update(
            department_id=rng.choice([*departments, None]) and rng.choice(departments).id,
            superior_id=superior and superior.id,
        )
    for _ in range(3):
        owner_user = rng.random() < 0.5
        target = rng.choice(["user", "department", "group"])
        await SharingRule.create(
            tenant_id=tenant,
            owner_user_id=rng.choice(agents).id if owner_user else None,
            owner_department_id=None if owner_user else rng.choice(departments).id,
            target_user_id=rng.choice(agents).id if target == "user" else None,
            target_department_id=rng.choice(departments).id if target == "department" else None,
            target_group_id=rng.choice(list(shop.groups.values())).id
            if target == "group"
            else None,
            access=rng.choice(list(TeamAccess)),
            created_by_id=shop.users["admin"].id,
        )
    groups = list(shop.groups.values())
    ids = []
    for i in range(TICKETS):
        assignee = rng.choice([None, *agents])
        ticket = await Ticket.create(
            tenant_id=tenant,
            number=i + 1,
            template_id=shop.order.id,
            template_version_id=shop.order.current_version_id,
            title=f"T{i}",
            status=rng.choice(list(Status)),
            creator_id=rng.choice(people).id,
            assignee_id=assignee and assignee.id,
            current_step="finance",
            current_group_id=rng.choice([None, *groups]) and rng.choice(groups).id,
            deleted_at=None if rng.random() < 0.9 else shop.order.created_at,
        )
        ids.append(ticket.id)
        for model in (TicketParticipant, TicketTeamMember, TicketFollower, TicketCandidate):
            for user in rng.sample(agents, rng.choice([0, 0, 1, 2])):
                await model.create(ticket_id=ticket.id, user_id=user.id)
    return ids


@pytest.mark.parametrize("seed", [1, 2, 3])
async def test_the_rule_in_memory_decides_as_the_query_does(shop: Shop, seed: int):
    ticket_ids = await _random_company(shop, random.Random(seed))
    audiences = [await audience_of(t) for t in ticket_ids]
    assert all(a is not None for a in audiences)
    checked = 0
    for user in await User.filter(tenant_id=shop.org.tenant.id):
        actor = Actor.of(user)
        reach = await look_up_reach(actor)
        visible = await visible_tickets(actor, reach)
        by_query = {t.id for t in await visible.filter(id__in=ticket_ids).only("id")}
        in_memory = {a.ticket_id for a in audiences if a is not None and sees(actor, reach, a)}
        assert in_memory == by_query, user.username
        checked += len(by_query)
    assert checked > TICKETS  # the generated company lets people see a fair share
