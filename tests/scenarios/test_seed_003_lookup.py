"""Seed 003, "Service Staff Query Type ... preventing business information from leaking".

The shop's administrator sets the customer lookup to EXACT. Ann, an agent in Sales, takes a
call: the phone system hands her the caller's full number and she finds Mrs Li by it, but a
fragment of the number, part of a name, a FUZZY search she asks for or no query at all shows
her nobody. Once Ann has a ticket for Mrs Li, Mrs Li's record is there with the ticket; Mr
Wang, whose ticket is Finance's, stays out of reach on every path. Only administrators change
the mode and keep the whole book. Back in FUZZY, Ann needs two characters and sees at most
ten customers. Then the whole schema is swept: every query root that can reach a Customer or
a Contact, as Ann, with input that matches nobody exactly, shows no customer record.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

from tests.schema_walk import Node, Walker, split
from tests.shop import Shop
from tests.support import gid
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Contact, Customer, CustomerKind, Job, JobStatus, Tenant, Ticket
from workorder.resolvers.root import build_schema
from workorder.settings import Settings

SET_MODE = """mutation($mode: CustomerLookupMode!) {
  updateTenantSettings(input: {customerLookupMode: $mode}) {
    tenantSettings { customerLookupMode } errors { code message field } } }"""
CUSTOMERS = """query($q: String, $mode: CustomerLookupMode, $first: Int) {
  customers(query: $q, mode: $mode, first: $first) {
    totalCount edges { node { name phone email } } pageInfo { hasNextPage } } }"""
CONTACTS = """query($search: String, $customerId: ID) {
  contacts(search: $search, customerId: $customerId) { totalCount edges { node { name } } } }"""
CUSTOMER_NODE = """query($id: ID!) { node(id: $id) { ... on Customer { name phone }
  ... on Contact { name phone } } }"""

# Everything of Mr Wang's record; none of it may reach Ann.
WANG = {"name": "Mr Wang", "phone": "+86 139 1111 2222", "email": "wang@secret.example"}
WANG_MARKERS = ["Wang", "1111 2222", "secret.example", "WANG-REF", "Wang's assistant"]


async def _book(shop: Shop) -> dict[str, Customer]:
    """Mrs Li (no ticket yet), Mr Wang (a ticket of Finance's, not Ann's) and his contact."""
    tenant = shop.org.tenant.id
    li = await Customer.create(
        tenant_id=tenant,
        name="Mrs Li",
        phone="+86 138 0013 8000",
        email="li@customer.example",
        external_ref="VIP-0042",
    )
    wang = await Customer.create(
        tenant_id=tenant,
        name=WANG["name"],
        phone=WANG["phone"],
        email=WANG["email"],
        external_ref="WANG-REF",
        created_by_id=shop.users["cal"].id,  # Cal added him and files his ticket
    )
    await Contact.create(
        tenant_id=tenant,
        customer_id=wang.id,
        name="Wang's assistant",
        phone="+86 139 3333 4444",
        email="assistant@secret.example",
    )
    await create_ticket(
        shop.actor("cal"),  # Cal works in Finance: his ticket is not Ann's to see
        NewTicket(
            template_id=shop.returns.id,
            title="Broken kettle",
            customer_id=wang.id,
            fields={"model": "K-1"},
        ),
    )
    return {"li": li, "wang": wang}


async def _set_mode(shop: Shop, who: str, mode: str) -> dict[str, Any]:
    result: dict[str, Any] = (await shop.gql(who, SET_MODE, {"mode": mode}))["updateTenantSettings"]
    return result


async def _refusal(shop: Shop, who: str, query: str, variables: dict[str, Any]) -> Any:
    body = await shop.org.api.raw(query, variables, token=await shop.token(who))
    assert body["data"] is None, body
    [error] = body["errors"]
    return error["extensions"], error["message"]


async def _names(shop: Shop, who: str, query: str | None, **more: Any) -> list[str]:
    found = await shop.gql(who, CUSTOMERS, {"q": query, **more})
    return [e["node"]["name"] for e in found["customers"]["edges"]]


async def test_only_an_administrator_sets_the_lookup_mode(shop: Shop):
    for who in ["sam", "ann"]:  # a supervisor, an agent
        refused = await _set_mode(shop, who, "EXACT")
        assert refused["tenantSettings"] is None
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    assert (await Tenant.get(id=shop.org.tenant.id)).customer_lookup_mode == "FUZZY"
    assert await _set_mode(shop, "admin", "EXACT") == {
        "tenantSettings": {"customerLookupMode": "EXACT"},
        "errors": [],
    }
    settings = await shop.gql("ann", "{ tenantSettings { customerLookupMode } }")
    assert settings == {"tenantSettings": {"customerLookupMode": "EXACT"}}


async def test_in_an_exact_tenant_the_agent_finds_the_caller_by_the_full_number_only(shop: Shop):
    book = await _book(shop)
    await _set_mode(shop, "admin", "EXACT")

    # The phone system hands over the number without spaces: the digits match.
    found = await shop.gql("ann", CUSTOMERS, {"q": "+8613800138000"})
    assert found["customers"]["edges"] == [
        {"node": {"name": "Mrs Li", "phone": "+86 138 0013 8000", "email": "li@customer.example"}}
    ]
    for whole in ["+86 (138) 0013-8000", " mrs li ", "LI@customer.EXAMPLE", "VIP-0042"]:
        assert await _names(shop, "ann", whole) == ["Mrs Li"], whole
    for fragment in ["0013 8000", "138", "Li", "Mrs", "customer.example", "VIP", "vip-0042"]:
        assert await _names(shop, "ann", fragment) == [], fragment
        assert await _names(shop, "ann", fragment, mode="EXACT") == [], fragment

    # Asking for FUZZY, or for no query at all, is refused and shows nobody.
    extensions, message = await _refusal(shop, "ann", CUSTOMERS, {"q": "Wang", "mode": "FUZZY"})
    assert extensions == {"code": "FORBIDDEN", "field": ["mode"]}
    assert "EXACT only" in message
    for nothing in [None, "", "   "]:
        extensions, _ = await _refusal(shop, "ann", CUSTOMERS, {"q": nothing})
        assert extensions == {"code": "INVALID", "field": ["query"]}
    extensions, _ = await _refusal(shop, "ann", CONTACTS, {})
    assert extensions == {"code": "INVALID", "field": ["search"]}
    # A supervisor is bound just the same.
    extensions, _ = await _refusal(shop, "sam", CUSTOMERS, {"q": "Wang", "mode": "FUZZY"})
    assert extensions["code"] == "FORBIDDEN"

    # Contacts follow the tenant's mode too: a fragment finds nobody, the whole number does.
    by_part = await shop.gql("ann", CONTACTS, {"search": "Wa"})
    assert by_part["contacts"] == {"totalCount": 0, "edges": []}
    by_number = await shop.gql("ann", CONTACTS, {"search": "+86 139 3333 4444"})
    assert by_number["contacts"]["edges"] == [{"node": {"name": "Wang's assistant"}}]
    wang_id = gid("Customer", book["wang"].id)
    of_wang = await shop.gql("ann", CONTACTS, {"customerId": wang_id})
    assert of_wang["contacts"] == {"totalCount": 0, "edges": []}

    # Without a lookup, a record shows only with a ticket Ann sees.
    li_id = gid("Customer", book["li"].id)
    assert await shop.gql("ann", CUSTOMER_NODE, {"id": li_id}) == {"node": None}
    assert await shop.gql("ann", CUSTOMER_NODE, {"id": wang_id}) == {"node": None}
    created = await shop.gql(
        "ann",
        """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
          ticket { customer { name phone } } errors { code } } }""",
        {
            "input": {
                "templateId": gid("Template", shop.returns.id),
                "title": "Kettle leaks",
                "customerId": li_id,
                "fields": {"model": "K-2"},
            }
        },
    )
    assert created["createTicket"] == {
        "ticket": {"customer": {"name": "Mrs Li", "phone": "+86 138 0013 8000"}},
        "errors": [],
    }
    assert await shop.gql("ann", CUSTOMER_NODE, {"id": li_id}) == {
        "node": {"name": "Mrs Li", "phone": "+86 138 0013 8000"}
    }
    assert await shop.gql("ann", CUSTOMER_NODE, {"id": wang_id}) == {"node": None}

    # A ticket list by Mr Wang's id: as for an id that does not exist (he is not Ann's to
    # name); by his name: only narrows the tickets Ann sees, none of his.
    extensions, _ = await _refusal(
        shop,
        "ann",
        "query($c: [ID!]) { tickets(filter: {customerId: $c}) { totalCount } }",
        {"c": [wang_id]},
    )
    assert extensions == {"code": "NOT_FOUND", "field": ["filter", "customerId", "0"]}
    searched = await shop.gql("ann", '{ tickets(search: "Wang") { totalCount } }')
    assert searched["tickets"]["totalCount"] == 0

    # The administrator keeps the whole book, in any mode.
    assert await _names(shop, "admin", None) == ["Mr Wang", "Mrs Li"]
    assert await _names(shop, "admin", "Wa", mode="FUZZY") == ["Mr Wang"]
    admin_node = await shop.gql("admin", CUSTOMER_NODE, {"id": wang_id})
    assert admin_node["node"]["name"] == "Mr Wang"


async def test_in_a_fuzzy_tenant_two_characters_show_at_most_ten(shop: Shop):
    for n in range(12, 0, -1):
        await Customer.create(
            tenant_id=shop.org.tenant.id, name=f"Smith {n:02d}", kind=CustomerKind.INDIVIDUAL
        )
    await _set_mode(shop, "admin", "EXACT")
    await _set_mode(shop, "admin", "FUZZY")

    found = (await shop.gql("ann", CUSTOMERS, {"q": " sm ", "first": 50}))["customers"]
    assert [e["node"]["name"] for e in found["edges"]] == [f"Smith {n:02d}" for n in range(1, 11)]
    assert (found["totalCount"], found["pageInfo"]["hasNextPage"]) == (10, False)
    assert await _names(shop, "ann", "Smith 07") == ["Smith 07"]
    assert await _names(shop, "ann", "Smith 07", mode="EXACT") == ["Smith 07"]

    for short in ["s", " s ", "é"]:
        extensions, message = await _refusal(shop, "ann", CUSTOMERS, {"q": short})
        assert extensions == {"code": "INVALID", "field": ["query"]}
        assert "2 characters" in message
    extensions, _ = await _refusal(shop, "ann", CONTACTS, {"search": "s"})
    assert extensions == {"code": "INVALID", "field": ["search"]}
    extensions, _ = await _refusal(shop, "ann", CUSTOMERS, {"q": None})
    assert extensions == {"code": "INVALID", "field": ["query"]}

    # The administrator pages through all of them.
    admin = (await shop.gql("admin", CUSTOMERS, {"q": "smith"}))["customers"]
    assert (admin["totalCount"], len(admin["edges"]), admin["pageInfo"]["hasNextPage"]) == (
        12,
        10,
        True,
    )


# --- the sweep ------------------------------------------------------------------------------

TARGETS = frozenset({"Customer", "Contact"})


def _schema() -> GraphQLSchema:
    return build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema


def _reaching(schema: GraphQLSchema) -> set[str]:
    """Every type from which a field path leads to a Customer or a Contact."""

    def inner(named: GraphQLNamedType) -> set[str]:
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            return {named.name} | {t.name for t in schema.get_possible_types(named)}
        return {named.name}

    found = set(TARGETS)
    grown = True
    while grown:
        grown = False
        for name, named in schema.type_map.items():
            if name in found or not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                continue
            if any(inner(get_named_type(f.type)) & found for f in named.fields.values()):
                found.add(name)
                grown = True
    return found


def _roots_reaching(schema: GraphQLSchema) -> list[str]:
    assert schema.query_type is not None
    reaching = _reaching(schema)
    roots = []
    for name, definition in schema.query_type.fields.items():
        named = get_named_type(definition.type)
        kinds = {named.name}
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            kinds |= {t.name for t in schema.get_possible_types(named)}
        if kinds & reaching:
            roots.append(name)
    return roots


def _type_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":")[0]


def _ids_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {
            i
            for key, inner in value.items()
            for i in ({inner} if key == "id" and isinstance(inner, str) else _ids_in(inner))
        }
    if isinstance(value, list):
        return {i for inner in value for i in _ids_in(inner)}
    return set()


# Input for the lookup roots that matches Mr Wang and his assistant by nothing but part of
# their records (or no input at all); in the EXACT tenant none of it may find them.
NON_MATCHING = ["Wang", "Wa", "wang@", "1111", "+86 139", "WANG", "W", "", None]


def _with_arguments(document: str, root: str) -> list[str]:
    """The document for each non-matching input of a lookup root (as is for other roots)."""
    argument = {"customers": "query", "contacts": "search"}.get(root)
    if argument is None:
        return [document]
    head = f"query {{ {root} "
    assert document.startswith(head), document
    variants = []
    for text in NON_MATCHING:
        given = f"{argument}: {json.dumps(text) if text is not None else 'null'}"
        for extra in ["", ", mode: FUZZY", ", mode: EXACT"] if root == "customers" else [""]:
            variants.append(document.replace(head, f"query {{ {root}({given}{extra}) ", 1))
    return variants


async def _sweep(shop: Shop, who: str, recipe: Any) -> str:
    schema = _schema()
    walker = Walker(schema, recipe)
    token = await shop.token(who)
    roots = _roots_reaching(schema)
    answers = []
    assert schema.query_type is not None
    for root in roots:
        if root == "node":  # below, one id at a time with the fragment of its own type
            continue
        for part in split(walker.root(schema.query_type, root), 1000):
            for variant in _with_arguments(f"query {{ {part.render()} }}", root):
                answers.append(await shop.org.api.raw(variant, token=token))
    # node(id:) for every customer and contact of the tenant and every id the sweep met.
    every = {gid("Customer", c.id) for c in await Customer.filter(tenant_id=shop.org.tenant.id)}
    every |= {gid("Contact", c.id) for c in await Contact.filter(tenant_id=shop.org.tenant.id)}
    for global_id in sorted(every | _ids_in(answers)):
        named = schema.get_type(_type_of(global_id))
        if not isinstance(named, GraphQLObjectType) or named.name not in _reaching(schema):
            continue
        selection = Walker(schema, recipe, depth=3).selection(named, ("Query",))
        top = Node(f"node(id: {json.dumps(global_id)})", [Node(f"... on {named.name}", selection)])
        for part in split(top, 1000):
            answers.append(await shop.org.api.raw(f"query {{ {part.render()} }}", token=token))
    broken = {
        (e.get("extensions", {}).get("code"), e["message"][:150])
        for a in answers
        for e in a.get("errors", [])
        if e.get("extensions", {}).get("code") not in ("INVALID", "FORBIDDEN")
    }
    assert broken == set(), f"some of the sweep did not run: {broken}"
    return json.dumps(answers)


def _recipe(ids: dict[str, str]) -> Any:
    def recipe(owner: str, name: str, arg_name: str, arg: GraphQLArgument) -> Any:
        if str(arg.type) == "ID!":
            return ids[name]
        raise KeyError(arg_name)

    return recipe


async def test_sweep_an_agent_of_an_exact_tenant_reaches_no_customer_without_a_match(
    shop: Shop,
):
    book = await _book(shop)
    known = await Customer.create(
        tenant_id=shop.org.tenant.id,
        name="Known Ltd",
        phone="+1 555 0100",
        created_by_id=shop.users["ann"].id,
    )
    mine = await create_ticket(
        shop.actor("ann"),
        NewTicket(
            template_id=shop.returns.id, title="Ann's", customer_id=known.id, fields={"model": "X"}
        ),
    )
    await _set_mode(shop, "admin", "EXACT")
    schema = _schema()
    roots = _roots_reaching(schema)
    # The walk finds the paths itself; these at least must be among them.
    assert {"node", "ticket", "tickets", "customers", "contacts"} <= set(roots), roots

    wang_ticket = await Ticket.filter(customer_id=book["wang"].id).first()
    assert wang_ticket is not None
    # Ann's finished batch job names Mr Wang's ticket too (her job's items, one failed).
    job = await Job.create(
        tenant_id=shop.org.tenant.id,
        created_by_id=shop.users["ann"].id,
        kind="batch.urge",
        status=JobStatus.DONE,
        total=2,
        done=2,
        failed=1,
        result={"ids": [wang_ticket.id, mine.id]},
        errors=[{"ticketId": wang_ticket.id, "code": "FORBIDDEN", "message": "No"}],
    )
    for ticket_id, what in [(wang_ticket.id, "Mr Wang's ticket"), (mine.id, "Ann's own")]:
        recipe = _recipe(
            {
                "node": gid("Customer", book["wang"].id),
                "ticket": gid("Ticket", ticket_id),
                "job": gid("Job", job.id),
            }
        )
        seen_by_ann = await _sweep(shop, "ann", recipe)
        leaked = [m for m in WANG_MARKERS if m in seen_by_ann]
        assert leaked == [], f"{what}: Mr Wang's record reached Ann: {leaked}"
        assert "Mrs Li" not in seen_by_ann and "0013 8000" not in seen_by_ann
        assert "Known Ltd" in seen_by_ann  # her own ticket's customer: the sweep does reach

    recipe = _recipe(
        {
            "node": gid("Customer", book["wang"].id),
            "ticket": gid("Ticket", mine.id),
            "job": gid("Job", job.id),
        }
    )
    seen_by_admin = await _sweep(shop, "admin", recipe)
    missed = [m for m in [*WANG_MARKERS, "Mrs Li"] if m not in seen_by_admin]
    assert missed == [], f"the sweep never reached {missed}: it proves nothing"
