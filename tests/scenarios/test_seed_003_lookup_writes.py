"""Seed 003, "preventing business information from leaking", on the write paths.

The shop looks customers up EXACT. Ann guesses the id of Mr Wang, whose only ticket is
Finance's, and tries every mutation that takes a customer or a contact id: each answers as
for an id that does not exist and changes nothing. Her real day still works: she finds Mrs
Li by the full number and files her ticket; a new caller she adds herself, with a contact,
and files theirs. The licence a lookup gives lapses after a shift. Then the schema is swept:
every mutation argument that names a Customer or a Contact (walked from the schema), given
Mr Wang's ids, shows none of his record.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

from tests.schema_walk import Walker
from tests.shop import Shop
from tests.support import gid
from workorder.auth.customers import GRANT_HOURS
from workorder.clock import now
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import (
    Contact,
    Customer,
    CustomerGrant,
    Job,
    SavedView,
    Ticket,
)
from workorder.resolvers.root import build_schema
from workorder.settings import Settings

WANG_MARKERS = ["Wang", "1111 2222", "secret.example", "WANG-REF", "Wang's assistant"]
MISSING_CUSTOMER = gid("Customer", 987_654)
MISSING_CONTACT = gid("Contact", 987_654)

CREATE_TICKET = """mutation($input: CreateTicketInput!) { createTicket(input: $input) {
  ticket { customer { name phone } contact { name } } errors { code message field } } }"""
UPDATE_CUSTOMER = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { name phone email } errors { code message field } } }"""
CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id name } errors { code message field } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) {
  contact { id name customer { name phone } } errors { code message field } } }"""
UPDATE_CONTACT = """mutation($input: UpdateContactInput!) { updateContact(input: $input) {
  contact { name phone customer { name } } errors { code message field } } }"""
FIND = """query($q: String!) { customers(query: $q) { edges { node { id name } } } }"""


async def _exact_shop(shop: Shop) -> dict[str, Any]:
    """Mrs Li (no ticket), Mr Wang (Cal's ticket, in Finance) with his assistant; EXACT."""
    tenant = shop.org.tenant.id
    li = await Customer.create(tenant_id=tenant, name="Mrs Li", phone="+86 138 0013 8000")
    wang = await Customer.create(
        tenant_id=tenant,
        name="Mr Wang",
        phone="+86 139 1111 2222",
        email="wang@secret.example",
        external_ref="WANG-REF",
        created_by_id=shop.users["cal"].id,
    )
    assistant = await Contact.create(
        tenant_id=tenant,
        customer_id=wang.id,
        name="Wang's assistant",
        phone="+86 139 3333 4444",
        email="assistant@secret.example",
    )
    await create_ticket(
        shop.actor("cal"),
        NewTicket(
            template_id=shop.returns.id, title="Kettle", customer_id=wang.id, fields={"model": "K"}
        ),
    )
    settings = await shop.gql(
        "admin",
        "mutation { updateTenantSettings(input: {customerLookupMode: EXACT}) { errors { code } } }",
    )
    assert settings == {"updateTenantSettings": {"errors": []}}
    return {"li": li, "wang": wang, "assistant": assistant}


def _ticket_input(shop: Shop, **more: Any) -> dict[str, Any]:
    return {
        "input": {
            "templateId": gid("Template", shop.returns.id),
            "title": "Kettle leaks",
            "fields": {"model": "K-2"},
            **more,
        }
    }


async def _state(tenant_id: int) -> str:
    """Everything a refused write could have changed: the book, tickets, views and jobs."""
    rows = [
        await Customer.filter(tenant_id=tenant_id).order_by("id").values(),
        await Contact.filter(tenant_id=tenant_id).order_by("id").values(),
        await Ticket.filter(tenant_id=tenant_id).order_by("id").values("id", "customer_id"),
        await SavedView.filter(tenant_id=tenant_id).order_by("id").values(),
        await Job.filter(tenant_id=tenant_id).order_by("id").values("id"),
    ]
    return json.dumps(rows, default=str, sort_keys=True)


async def test_a_guessed_id_answers_like_a_missing_one_and_changes_nothing(shop: Shop):
    book = await _exact_shop(shop)
    wang, assistant = gid("Customer", book["wang"].id), gid("Contact", book["assistant"].id)
    before = await _state(shop.org.tenant.id)
    for who in ["ann", "walt"]:  # an agent and a supervisor: both bound by the mode
        tries = [
            (UPDATE_CUSTOMER, {"input": {"id": wang}}, {"input": {"id": MISSING_CUSTOMER}}),
            (
                UPDATE_CUSTOMER,
                {"input": {"id": wang, "notes": "x"}},
                {"input": {"id": MISSING_CUSTOMER, "notes": "x"}},
            ),
            (
                CREATE_CONTACT,
                {"input": {"name": "Spy", "customerId": wang}},
                {"input": {"name": "Spy", "customerId": MISSING_CUSTOMER}},
            ),
            (UPDATE_CONTACT, {"input": {"id": assistant}}, {"input": {"id": MISSING_CONTACT}}),
            (
                CREATE_TICKET,
                _ticket_input(shop, customerId=wang),
                _ticket_input(shop, customerId=MISSING_CUSTOMER),
            ),
            (
                CREATE_TICKET,
                _ticket_input(shop, contactId=assistant),
                _ticket_input(shop, contactId=MISSING_CONTACT),
            ),
        ]
        for document, guessed, missing in tries:
            answer = await shop.gql(who, document, guessed)
            assert answer == await shop.gql(who, document, missing), (who, document)
            [payload] = answer.values()
            assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"], (who, payload)
        # A ticket list filtered by him: NOT_FOUND too, as for an id that does not exist.
        for customer in [wang, MISSING_CUSTOMER]:
            body = await shop.org.api.raw(
                "query($c: [ID!]) { tickets(filter: {customerId: $c}) { totalCount } }",
                {"c": [customer]},
                token=await shop.token(who),
            )
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["NOT_FOUND"]
    assert await _state(shop.org.tenant.id) == before

    # The administrator keeps the whole book.
    changed = await shop.gql("admin", UPDATE_CUSTOMER, {"input": {"id": wang}})
    assert changed["updateCustomer"]["customer"]["name"] == "Mr Wang"


async def test_the_agents_day_still_works(shop: Shop):
    book = await _exact_shop(shop)
    li = gid("Customer", book["li"].id)
    # A known caller: found by the full number the phone system hands over, then filed.
    found = await shop.gql("ann", FIND, {"q": "+8613800138000"})
    assert found["customers"]["edges"] == [{"node": {"id": li, "name": "Mrs Li"}}]
    filed = await shop.gql("ann", CREATE_TICKET, _ticket_input(shop, customerId=li))
    assert filed["createTicket"] == {
        "ticket": {"customer": {"name": "Mrs Li", "phone": "+86 138 0013 8000"}, "contact": None},
        "errors": [],
    }
    fixed = await shop.gql("ann", UPDATE_CUSTOMER, {"input": {"id": li, "email": "li@x.example"}})
    assert fixed["updateCustomer"]["errors"] == []

    # A new caller: Ann adds them and their contact, and files the ticket under both.
    made = await shop.gql("ann", CREATE_CUSTOMER, {"input": {"name": "Mr Zhao"}})
    zhao = made["createCustomer"]["customer"]["id"]
    contact = await shop.gql(
        "ann", CREATE_CONTACT, {"input": {"name": "Zhao's son", "customerId": zhao}}
    )
    son = contact["createContact"]["contact"]
    assert son["customer"] == {"name": "Mr Zhao", "phone": None}
    filed = await shop.gql(
        "ann", CREATE_TICKET, _ticket_input(shop, customerId=zhao, contactId=son["id"])
    )
    assert filed["createTicket"]["ticket"]["contact"] == {"name": "Zhao's son"}
    assert filed["createTicket"]["errors"] == []

    # Cal (Finance, no ticket of Mr Zhao's he may see) may not name him.
    cals = await shop.gql("cal", UPDATE_CUSTOMER, {"input": {"id": zhao}})
    assert [e["code"] for e in cals["updateCustomer"]["errors"]] == ["NOT_FOUND"]


async def test_what_a_lookup_showed_may_be_named_for_a_shift_only(shop: Shop):
    book = await _exact_shop(shop)
    li = gid("Customer", book["li"].id)
    await shop.gql("sam", FIND, {"q": "Mrs Li"})
    # A shift later the licence has lapsed: Sam must look Mrs Li up again.
    await CustomerGrant.filter(user_id=shop.users["sam"].id).update(
        until=now() - timedelta(seconds=1)
    )
    lapsed = await shop.gql("sam", UPDATE_CUSTOMER, {"input": {"id": li}})
    assert [e["code"] for e in lapsed["updateCustomer"]["errors"]] == ["NOT_FOUND"]
    await shop.gql("sam", FIND, {"q": "+86 138 0013 8000"})
    grant = await CustomerGrant.get(user_id=shop.users["sam"].id, customer_id=book["li"].id)
    assert timedelta(hours=GRANT_HOURS - 1) < grant.until - now() <= timedelta(hours=GRANT_HOURS)
    again = await shop.gql("sam", UPDATE_CUSTOMER, {"input": {"id": li}})
    assert again["updateCustomer"] == {
        "customer": {"name": "Mrs Li", "phone": "+86 138 0013 8000", "email": None},
        "errors": [],
    }
    # Found twice, licensed once: the licence is renewed, not piled up.
    assert await CustomerGrant.filter(user_id=shop.users["sam"].id).count() == 1


# --- the sweep ------------------------------------------------------------------------------


def _schema() -> GraphQLSchema:
    return build_schema(Settings(workorder_env="test", secret_key="k" * 40))._schema


def _named(owner: str, leaf: str) -> str | None:
    """What an ID leaf names, from its own name or its input type's (`UpdateCustomerInput.id`)."""
    for target in ("Contact", "Customer"):
        if target.lower() in leaf.lower() or (leaf == "id" and target in owner):
            return target
    return None


def _id_leaves(
    kind: GraphQLInputType, path: tuple[str, ...], owner: str, seen: frozenset[str]
) -> list[tuple[tuple[str, ...], str, GraphQLInputType, str]]:
    """Every ID (or list of IDs) below an argument: (path, owner type, type, description)."""
    named = get_named_type(kind)
    if isinstance(named, GraphQLInputObjectType):
        if named.name in seen:
            return []
        return [
            leaf
            for name, f in named.fields.items()
            for leaf in _id_leaves(f.type, (*path, name), named.name, seen | {named.name})
        ]
    if named.name == "ID":
        return [(path, owner, kind, "")]
    return []


def customer_leaves(schema: GraphQLSchema) -> dict[tuple[str, tuple[str, ...]], str]:
    """(mutation, path of the argument) → Customer or Contact, for every mutation argument or
    input field that names one. An ID leaf described as a customer's or contact's but not
    recognised by name fails here, so a new one cannot slip past the sweep."""
    assert schema.mutation_type is not None
    found: dict[tuple[str, tuple[str, ...]], str] = {}
    for name, definition in schema.mutation_type.fields.items():
        for arg_name, arg in definition.args.items():
            for path, owner, _, _ in _id_leaves(arg.type, (arg_name,), name, frozenset()):
                target = _named(owner, path[-1])
                description = _description(schema, definition, path) or ""
                if target is None:
                    assert not any(
                        word in description.lower() for word in ("customer", "contact")
                    ), (name, path, description)
                    continue
                found[(name, path)] = target
    return found


def _description(schema: GraphQLSchema, field: GraphQLField, path: tuple[str, ...]) -> str | None:
    arg: GraphQLArgument | Any = field.args[path[0]]
    for part in path[1:]:
        named = get_named_type(arg.type)
        assert isinstance(named, GraphQLInputObjectType)
        arg = named.fields[part]
    description: str | None = arg.description
    return description


def _put(value: dict[str, Any], path: tuple[str, ...], kind: GraphQLInputType, gid_: str) -> None:
    for part in path[:-1]:
        value = value.setdefault(part, {})
    inner = kind.of_type if isinstance(kind, GraphQLNonNull) else kind
    value[path[-1]] = [gid_] if isinstance(inner, GraphQLList) else gid_


def _recipe(owner: str, name: str, arg_name: str, arg: GraphQLArgument) -> Any:
    raise KeyError(arg_name)


async def test_sweep_no_mutation_naming_a_customer_or_contact_shows_one_not_seen(shop: Shop):
    book = await _exact_shop(shop)
    schema = _schema()
    leaves = customer_leaves(schema)
    # The walk finds them itself; these at least must be among them.
    assert {
        ("updateCustomer", ("input", "id")),
        ("createContact", ("input", "customerId")),
        ("updateContact", ("input", "id")),
        ("updateContact", ("input", "customerId")),
        ("createTicket", ("input", "customerId")),
        ("createTicket", ("input", "contactId")),
        ("createSavedView", ("input", "filter", "customerId")),
        ("startBatchJob", ("input", "filter", "customerId")),
        ("startExport", ("input", "filter", "customerId")),
    } <= set(leaves), sorted(leaves)

    # What Ann may name herself, so only the leaf under test is out of bounds.
    own_contact = (await shop.gql("ann", CREATE_CONTACT, {"input": {"name": "Ann's caller"}}))[
        "createContact"
    ]["contact"]["id"]
    own_view = (
        await shop.gql(
            "ann",
            'mutation { createSavedView(input: {name: "Mine"}) { savedView { id } errors { code } } }',
        )
    )["createSavedView"]["savedView"]["id"]
    bases: dict[str, dict[str, Any]] = {
        "updateCustomer": {"input": {}},
        "createContact": {"input": {"name": "Spy"}},
        "updateContact": {"input": {"id": own_contact}},
        "createTicket": _ticket_input(shop),
        "createSavedView": {"input": {"name": "Spy view"}},
        "updateSavedView": {"input": {"id": own_view}},
        "startBatchJob": {"input": {"action": "URGE"}},
        "startExport": {"input": {}},
    }
    ids = {
        "Customer": gid("Customer", book["wang"].id),
        "Contact": gid("Contact", book["assistant"].id),
    }
    assert schema.mutation_type is not None
    token = await shop.token("ann")
    before = await _state(shop.org.tenant.id)
    for (mutation, path), target in sorted(leaves.items()):
        assert mutation in bases, f"the sweep needs an input for {mutation}"
        definition = schema.mutation_type.fields[mutation]
        variables = json.loads(json.dumps(bases[mutation]))
        [(_, _, kind, _)] = [
            leaf
            for leaf in _id_leaves(definition.args[path[0]].type, (path[0],), mutation, frozenset())
            if leaf[0] == path
        ]
        _put(variables, path, kind, ids[target])
        payload = get_named_type(definition.type)
        assert isinstance(payload, GraphQLObjectType)
        selection = Walker(schema, _recipe, depth=3).selection(payload, ("Mutation",))
        declared = ", ".join(f"${a}: {t.type}" for a, t in definition.args.items())
        given = ", ".join(f"{a}: ${a}" for a in definition.args)
        body = " ".join(n.render() for n in selection)
        document = f"mutation({declared}) {{ {mutation}({given}) {{ {body} }} }}"
        answer = await shop.org.api.raw(document, variables, token=token)
        seen = json.dumps(answer)
        leaked = [m for m in WANG_MARKERS if m in seen]
        assert leaked == [], f"{mutation} {'.'.join(path)} showed Mr Wang's record: {leaked}"
        [result] = answer["data"].values()
        assert [e["code"] for e in result["errors"]] == ["NOT_FOUND"], (mutation, path, answer)
        assert await _state(shop.org.tenant.id) == before, (mutation, path)
