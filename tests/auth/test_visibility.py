"""The caller's reach, which every visibility check reads: what it holds, and that an agent's
costs one statement per request (it is looked up per request, never kept across them)."""

from __future__ import annotations

from typing import Any

from tests.schema.views.test_ticket_list_statements import counting
from tests.support import OrgBuilder
from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, Shared, look_up_reach
from workorder.models import Department, Role, SharingRule, TeamAccess


async def test_an_agents_reach_is_read_in_one_statement(org: OrgBuilder) -> None:
    # Reports one level deep, a group, rules naming the agent and the agent's group.
    lead = await org.user("lead", Role.SUPERVISOR)
    reports = [await org.user(f"agent{n}", superior=lead) for n in range(3)]
    owner, writer = await org.user("owner"), await org.user("writer")
    desk = await org.group("Desk", members=[lead])
    tenant = org.tenant.id
    await SharingRule.create(tenant_id=tenant, owner_user_id=owner.id, target_user_id=lead.id)
    await SharingRule.create(
        tenant_id=tenant,
        owner_user_id=writer.id,
        target_group_id=desk.id,
        access=TeamAccess.READ_WRITE,
    )
    with counting() as statements:
        reach = await look_up_reach(Actor.of(lead))
    assert reach == Reach(
        me=lead.id,
        people=frozenset({lead.id, *(r.id for r in reports)}),
        member_of=frozenset({desk.id}),
        supervisor_of=frozenset(),
        heads=frozenset(),
        shared=Shared(
            people=frozenset({owner.id, writer.id}),
            writable_people=frozenset({writer.id}),
        ),
    )
    assert len(statements) == 1, "\n".join(statements)


async def test_a_reach_holds_every_place_and_rule(org: OrgBuilder) -> None:
    tenant = org.tenant.id
    boss = await org.user("boss", Role.SUPERVISOR)
    lead = await org.user("lead", Role.SUPERVISOR, superior=boss)
    agent = await org.user("agent", superior=lead)
    below_agent = await org.user("trainee", superior=agent)
    owner, writer, stranger = [await org.user(n) for n in ("owner", "writer", "stranger")]
    desk = await org.group("Desk", members=[boss])
    night = await org.group("Night", supervisors=[boss])
    await org.group("Other", members=[stranger])
    top = await Department.create(tenant_id=tenant, name="Top")
    ops = await Department.create(tenant_id=tenant, name="Ops", parent=top)
    boss.department_id = ops.id
    await boss.save()
    headed = await Department.create(tenant_id=tenant, name="Headed", head_id=boss.id)
    under = await Department.create(tenant_id=tenant, name="Under", parent=headed)
    sales = await Department.create(tenant_id=tenant, name="Sales")
    east = await Department.create(tenant_id=tenant, name="East", parent=sales)
    rules: list[dict[str, Any]] = [
        dict(owner_user_id=owner.id, target_user_id=boss.id),
        dict(owner_user_id=writer.id, target_group_id=desk.id, access=TeamAccess.READ_WRITE),
        dict(owner_department_id=sales.id, target_department_id=top.id),
        # Naming someone else, a group or a department the boss is not in: nothing.
        dict(owner_user_id=stranger.id, target_user_id=agent.id),
        dict(owner_user_id=stranger.id, target_department_id=headed.id),
    ]
    for rule in rules:
        await SharingRule.create(tenant_id=tenant, **rule)
    # Another tenant's rows never count.
    other = await OrgBuilder.create(org.api, "other")
    alien = await other.user("alien")
    alien.superior_id = boss.id
    await alien.save()
    ghost = await org.user("ghost")
    ghost.superior_id = alien.id
    await ghost.save()

    reach = await look_up_reach(Actor.of(boss))
    assert reach == Reach(
        me=boss.id,
        people=frozenset({boss.id, lead.id, agent.id, below_agent.id}),
        member_of=frozenset({desk.id}),
        supervisor_of=frozenset({night.id}),
        heads=frozenset({headed.id, under.id}),
        shared=Shared(
            people=frozenset({owner.id, writer.id}),
            writable_people=frozenset({writer.id}),
            departments=frozenset({sales.id, east.id}),
        ),
    )
