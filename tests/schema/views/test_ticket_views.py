"""Every preset view for every person of the views org (tests/views_org.py): what each one
lists, and that nobody lists a ticket they may not see."""

from __future__ import annotations

import pytest

from tests.support import OrgBuilder
from tests.views_org import ViewsOrg, build_views_org

LIST = """query($view: TicketView!, $first: Int) {
  tickets(view: $view, first: $first) { totalCount edges { node { title } } } }"""

OLI = "oli's"
NED_DONE = "ned's done"
MIA_URGENT = "mia's urgent"
HANK = "hank's"
PAT = "pat's"
SUE = "sue's"
POOL = "Front pool"
NAMED = "for pat to claim"
VOID = "oli's void"
QUINN = "quinn's"

EVERYTHING = {OLI, NED_DONE, MIA_URGENT, HANK, PAT, SUE, POOL, NAMED, VOID, QUINN}

# person → view → titles. A view left out lists nothing for that person.
EXPECTED: dict[str, dict[str, set[str]]] = {
    "oli": {
        "ALL": {OLI, PAT, POOL},
        "MINE": {OLI},
        "MY_PARTICIPATION": {PAT},
        "UNRESOLVED": {OLI},
        "MY_GROUP_QUEUE": {POOL},
    },
    "ned": {
        "ALL": {OLI, NED_DONE, PAT, SUE, POOL},
        "MINE": {NED_DONE},
        "MY_PARTICIPATION": {SUE},
        "MY_SUBORDINATES": {OLI},
        "MY_SUBORDINATES_PARTICIPATED": {PAT},
        "DONE": {NED_DONE},
    },
    "mia": {
        "ALL": {OLI, NED_DONE, MIA_URGENT, PAT, SUE, NAMED},
        "MINE": {MIA_URGENT},
        "MY_SUBORDINATES": {OLI, NED_DONE},
        "MY_SUBORDINATES_PARTICIPATED": {PAT, SUE},
        "UNRESOLVED": {MIA_URGENT},
        "URGENT": {MIA_URGENT},
    },
    "hank": {
        "ALL": {OLI, NED_DONE, MIA_URGENT, HANK, PAT, SUE},
        "MINE": {HANK},
        "MY_DEPARTMENT": {OLI, NED_DONE, MIA_URGENT, HANK, PAT},
        "MY_SUBORDINATES": {OLI, NED_DONE, MIA_URGENT},
        "MY_SUBORDINATES_PARTICIPATED": {PAT, SUE},
        "UNRESOLVED": {HANK},
    },
    "sue": {
        "ALL": {PAT, SUE},
        "MINE": {SUE},
        "MY_DEPARTMENT": {PAT, SUE},
        "UNRESOLVED": {SUE},
    },
    "pat": {
        "ALL": {PAT, POOL, NAMED, QUINN},
        "MINE": {PAT},
        "SHARED_TO_ME": {QUINN},
        "UNRESOLVED": {PAT},
        "MY_GROUP_QUEUE": {POOL, NAMED},
    },
    "quinn": {
        "ALL": {QUINN, NAMED},
        "MINE": {QUINN},
        "UNRESOLVED": {QUINN},
    },
    "admin": {"ALL": EVERYTHING},
}
VIEWS = [
    "ALL",
    "MINE",
    "MY_PARTICIPATION",
    "MY_DEPARTMENT",
    "MY_SUBORDINATES",
    "MY_SUBORDINATES_PARTICIPATED",
    "SHARED_TO_ME",
    "UNRESOLVED",
    "URGENT",
    "DONE",
    "MY_GROUP_QUEUE",
]


@pytest.fixture
async def views_org(org: OrgBuilder) -> ViewsOrg:
    return await build_views_org(org)


async def listed(views_org: ViewsOrg, person: str, view: str) -> tuple[set[str], int]:
    data = await views_org.org.api.ok(
        LIST, {"view": view, "first": 100}, await views_org.org.token(person)
    )
    titles = [e["node"]["title"] for e in data["tickets"]["edges"]]
    assert len(titles) == len(set(titles)), "a ticket listed twice"
    return set(titles), data["tickets"]["totalCount"]


@pytest.mark.parametrize("person", sorted(EXPECTED))
async def test_each_preset_view_lists_exactly_what_the_person_should_see(
    views_org: ViewsOrg, person: str
):
    seen_in_all, _ = await listed(views_org, person, "ALL")
    for view in VIEWS:
        titles, total = await listed(views_org, person, view)
        assert titles == EXPECTED[person].get(view, set()), (person, view)
        assert total == len(titles)
        assert titles <= seen_in_all, "a view shows more than the person may see"
    assert "oli's deleted" not in seen_in_all


async def test_view_counts_badge_every_menu_entry_in_one_request(views_org: ViewsOrg):
    data = await views_org.org.api.ok(
        "{ viewCounts { view count savedView { name } } }", None, await views_org.org.token("pat")
    )
    counts = {c["view"]: c["count"] for c in data["viewCounts"]}
    assert counts == {view: len(EXPECTED["pat"].get(view, set())) for view in VIEWS}


async def test_a_sharing_rule_on_a_department_reaches_the_target_and_no_one_else(
    views_org: ViewsOrg,
):
    from workorder.models import SharingRule

    org = views_org.org
    await SharingRule.create(
        tenant_id=org.tenant.id,
        owner_department_id=views_org.departments["Sales"].id,
        target_user_id=views_org.users["quinn"].id,
    )
    titles, _ = await listed(views_org, "quinn", "SHARED_TO_ME")
    assert titles == {PAT, SUE}
    titles, _ = await listed(views_org, "oli", "SHARED_TO_ME")
    assert titles == set()


async def test_another_tenant_sees_none_of_it(views_org: ViewsOrg, api):
    other = await OrgBuilder.create(api, "globex")
    data = await api.ok(LIST, {"view": "ALL", "first": 100}, await other.token())
    assert data["tickets"] == {"totalCount": 0, "edges": []}
