"""The reporting line: "my subordinates" is transitive; loops are refused."""

from workorder.auth.hierarchy import subordinates, superior_would_cycle
from workorder.models import Role


async def test_subordinates_of_a_four_level_tree(org):
    # ceo → two heads → a lead under each → agents under the first lead
    ceo = await org.user("ceo", Role.SUPERVISOR)
    head_a = await org.user("head.a", Role.SUPERVISOR, superior=ceo)
    head_b = await org.user("head.b", Role.SUPERVISOR, superior=ceo)
    lead_a = await org.user("lead.a", Role.SUPERVISOR, superior=head_a)
    lead_b = await org.user("lead.b", Role.SUPERVISOR, superior=head_b)
    agent_1 = await org.user("agent.1", superior=lead_a)
    agent_2 = await org.user("agent.2", superior=lead_a)
    outsider = await org.user("outsider")
    tid = org.tenant.id

    assert await subordinates(tid, ceo.id) == {
        head_a.id,
        head_b.id,
        lead_a.id,
        lead_b.id,
        agent_1.id,
        agent_2.id,
    }
    assert await subordinates(tid, head_a.id) == {lead_a.id, agent_1.id, agent_2.id}
    assert await subordinates(tid, lead_b.id) == set()
    assert await subordinates(tid, agent_1.id) == set()
    assert outsider.id not in await subordinates(tid, ceo.id)


async def test_subordinates_stay_inside_the_tenant(org, api):
    from tests.support import OrgBuilder

    boss = await org.user("boss", Role.SUPERVISOR)
    other = await OrgBuilder.create(api, "other")
    # A user of another tenant pointing at our boss (only possible by a bug) is not counted.
    stranger = await other.user("stranger")
    stranger.superior_id = boss.id
    await stranger.save()
    assert await subordinates(org.tenant.id, boss.id) == set()


async def test_cycle_detection(org):
    top = await org.user("top", Role.SUPERVISOR)
    middle = await org.user("middle", superior=top)
    bottom = await org.user("bottom", superior=middle)
    tid = org.tenant.id
    assert await superior_would_cycle(tid, top.id, bottom.id)
    assert await superior_would_cycle(tid, top.id, top.id)
    assert not await superior_would_cycle(tid, bottom.id, top.id)
