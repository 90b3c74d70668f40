"""Customer.tickets: a customer's history, newest first, only what the caller may see."""

from tests.shop import Shop
from tests.support import OrgBuilder, gid
from workorder.flows.customers.accounts import create_customer, find_customers
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Customer, CustomerKind, CustomerLookupMode

HISTORY = """query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Customer {
  name tickets(first: $first, after: $after) {
    totalCount edges { cursor node { title customer { name } } }
    pageInfo { hasNextPage endCursor } } } } }"""


async def _history(shop: Shop) -> tuple[Customer, Customer]:
    """Acme: First (Ann), Second (Bob), Third (Ann), Fourth (Ann); Globex: Other (Ann)."""
    admin = shop.org.admin_actor
    acme = await create_customer(admin, CustomerKind.ORGANIZATION, "Acme")
    globex = await create_customer(admin, CustomerKind.ORGANIZATION, "Globex")
    for title, who, customer in [
        ("First", "ann", acme),
        ("Second", "bob", acme),
        ("Other", "ann", globex),
        ("Third", "ann", acme),
        ("Fourth", "ann", acme),
    ]:
        # The caller on the line is found first: only then may the agent file under them.
        await find_customers(shop.actor(who), customer.name, CustomerLookupMode.EXACT)
        await create_ticket(
            shop.actor(who),
            NewTicket(
                template_id=shop.returns.id,
                title=title,
                customer_id=customer.id,
                fields={"model": "TV-9"},
            ),
        )
    return acme, globex


async def titles(shop: Shop, who: str, customer: Customer, **more: object) -> list[str]:
    data = await shop.gql(who, HISTORY, {"id": gid("Customer", customer.id), **more})
    return [e["node"]["title"] for e in data["node"]["tickets"]["edges"]]


async def test_newest_first_and_only_what_the_caller_may_see(shop):
    acme, globex = await _history(shop)
    assert await titles(shop, "admin", acme) == ["Fourth", "Third", "Second", "First"]
    assert await titles(shop, "ann", acme) == ["Fourth", "Third", "First"]
    assert await titles(shop, "bob", acme) == ["Second"]  # Ann's are hers, not Bob's
    # Eve has no ticket with Acme: without a lookup, its record is not hers to see
    assert await shop.gql("eve", HISTORY, {"id": gid("Customer", acme.id)}) == {"node": None}
    assert await titles(shop, "ann", globex) == ["Other"]

    data = await shop.gql("bob", HISTORY, {"id": gid("Customer", acme.id)})
    tickets = data["node"]["tickets"]
    assert tickets["totalCount"] == 1  # counts only what Bob may see
    assert tickets["edges"][0]["node"]["customer"] == {"name": "Acme"}


async def test_the_history_is_paged(shop):
    acme, _ = await _history(shop)
    seen: list[str] = []
    after = None
    while True:
        data = await shop.gql(
            "admin", HISTORY, {"id": gid("Customer", acme.id), "first": 3, "after": after}
        )
        page = data["node"]["tickets"]
        assert page["totalCount"] == 4
        seen += [e["node"]["title"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["Fourth", "Third", "Second", "First"]

    body = await shop.org.api.raw(
        HISTORY,
        {"id": gid("Customer", acme.id), "after": "not a cursor"},
        token=await shop.token("admin"),
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "INVALID"


async def test_history_of_every_customer_on_a_page(shop):
    await _history(shop)
    page = """query($q: String) { customers(query: $q) {
      edges { node { name tickets { edges { node { title } } } } } } }"""

    async def histories(who: str, query: str | None) -> list[tuple[str, list[str]]]:
        data = await shop.gql(who, page, {"q": query})
        return [
            (e["node"]["name"], [t["node"]["title"] for t in e["node"]["tickets"]["edges"]])
            for e in data["customers"]["edges"]
        ]

    assert await histories("admin", None) == [
        ("Acme", ["Fourth", "Third", "Second", "First"]),
        ("Globex", ["Other"]),
    ]
    assert await histories("ann", "cm") == [("Acme", ["Fourth", "Third", "First"])]


async def test_another_tenants_customer_and_tickets_stay_out_of_reach(shop):
    acme, _ = await _history(shop)
    other = await OrgBuilder.create(shop.org.api, "other")
    theirs = await create_customer(other.admin_actor, CustomerKind.ORGANIZATION, "Initech")
    token = await other.token()

    # their admin cannot reach our customer, nor see our tickets through their own
    reached = await other.api.ok(HISTORY, {"id": gid("Customer", acme.id)}, token=token)
    assert reached == {"node": None}
    own = await other.api.ok(HISTORY, {"id": gid("Customer", theirs.id)}, token=token)
    assert own["node"]["tickets"]["totalCount"] == 0
    listed = await other.api.ok(
        "{ customers { edges { node { name tickets { totalCount } } } } }", token=token
    )
    assert listed["customers"]["edges"] == [
        {"node": {"name": "Initech", "tickets": {"totalCount": 0}}}
    ]
