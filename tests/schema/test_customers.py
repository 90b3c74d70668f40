"""Customers and contacts through GraphQL: paging, lookup, mutations, and tenant isolation."""

from typing import Any

from tortoise.connection import get_connection

from tests.support import OrgBuilder, gid
from workorder.models import Contact, Customer

CREATE_CUSTOMER = """mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
  customer { id kind name phone email externalRef notes createdAt }
  errors { code message field } } }"""
UPDATE_CUSTOMER = """mutation($input: UpdateCustomerInput!) { updateCustomer(input: $input) {
  customer { kind name phone email externalRef notes } errors { code field } } }"""
CREATE_CONTACT = """mutation($input: CreateContactInput!) { createContact(input: $input) {
  contact { id name phone email customer { name } } errors { code field } } }"""
UPDATE_CONTACT = """mutation($input: UpdateContactInput!) { updateContact(input: $input) {
  contact { name phone email customer { name } } errors { code field } } }"""
CUSTOMERS = """query($search: String, $first: Int, $after: String) {
  customers(search: $search, first: $first, after: $after) {
    totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }"""
LOOKUP = """query($text: String!, $mode: LookupMode) {
  lookupCustomers(text: $text, mode: $mode) { name } }"""
CONTACTS = """query($customerId: ID, $search: String, $first: Int, $after: String) {
  contacts(customerId: $customerId, search: $search, first: $first, after: $after) {
    totalCount edges { node { name customer { name } } } pageInfo { hasNextPage endCursor } } }"""


async def create_customer(org: OrgBuilder, **fields: Any) -> dict[str, Any]:
    made = (await org.as_admin(CREATE_CUSTOMER, {"input": fields}))["createCustomer"]
    assert made["errors"] == [], made
    customer: dict[str, Any] = made["customer"]
    return customer


async def create_contact(org: OrgBuilder, **fields: Any) -> dict[str, Any]:
    made = (await org.as_admin(CREATE_CONTACT, {"input": fields}))["createContact"]
    assert made["errors"] == [], made
    contact: dict[str, Any] = made["contact"]
    return contact


async def lookup(org: OrgBuilder, text: str, mode: str | None = None) -> list[str]:
    found = await org.as_admin(LOOKUP, {"text": text, "mode": mode})
    return [c["name"] for c in found["lookupCustomers"]]


async def test_an_agent_creates_and_updates_a_customer(org, api):
    await org.user("agent")
    token = await org.token("agent")
    made = (
        await api.ok(
            CREATE_CUSTOMER,
            {
                "input": {
                    "kind": "ORGANIZATION",
                    "name": "Acme",
                    "phone": "+1 555 0100",
                    "email": "desk@acme.example",
                    "externalRef": "CRM-7",
                    "notes": "Key account",
                }
            },
            token=token,
        )
    )["createCustomer"]
    assert made["errors"] == []
    customer = made["customer"]
    assert customer["id"] == gid("Customer", (await Customer.get(name="Acme")).id)
    assert {k: v for k, v in customer.items() if k not in ("id", "createdAt")} == {
        "kind": "ORGANIZATION",
        "name": "Acme",
        "phone": "+1 555 0100",
        "email": "desk@acme.example",
        "externalRef": "CRM-7",
        "notes": "Key account",
    }

    updated = await api.ok(
        UPDATE_CUSTOMER,
        {"input": {"id": customer["id"], "name": "Acme Ltd", "phone": None, "kind": "INDIVIDUAL"}},
        token=token,
    )
    assert updated["updateCustomer"] == {
        "customer": {
            "kind": "INDIVIDUAL",
            "name": "Acme Ltd",
            "phone": None,
            "email": "desk@acme.example",
            "externalRef": "CRM-7",
            "notes": "Key account",
        },
        "errors": [],
    }


async def test_a_new_customer_is_an_individual_unless_told(org):
    assert (await create_customer(org, name="Ann"))["kind"] == "INDIVIDUAL"


async def test_bad_customer_input_comes_back_in_the_payload(org):
    bad = await org.as_admin(CREATE_CUSTOMER, {"input": {"name": "Ann", "phone": "call me"}})
    assert bad["createCustomer"]["customer"] is None
    assert [(e["code"], e["field"]) for e in bad["createCustomer"]["errors"]] == [
        ("INVALID", ["phone"])
    ]
    ann = await create_customer(org, name="Ann")
    changes: list[tuple[dict[str, Any], tuple[str, list[str]]]] = [
        ({"name": None}, ("INVALID", ["name"])),
        ({"name": " "}, ("INVALID", ["name"])),
        ({"email": "nope"}, ("INVALID", ["email"])),
        ({"notes": None}, ("INVALID", ["notes"])),
        ({"kind": None}, ("INVALID", ["kind"])),
    ]
    for change, error in changes:
        result = await org.as_admin(UPDATE_CUSTOMER, {"input": {"id": ann["id"], **change}})
        assert result["updateCustomer"] == {
            "customer": None,
            "errors": [{"code": error[0], "field": error[1]}],
        }, change
    for wrong in [gid("Customer", 999_999), gid("Contact", 1), "garbage"]:
        result = await org.as_admin(UPDATE_CUSTOMER, {"input": {"id": wrong, "name": "X"}})
        assert result["updateCustomer"]["errors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    assert [c.name for c in await Customer.all()] == ["Ann"]


async def test_customers_are_paged_by_name(org):
    for name in ["Delta", "alpha", "Charlie", "Bravo", "Echo"]:
        await create_customer(org, name=name, phone="555 01" + str(len(name)))
    seen: list[str] = []
    after = None
    while True:
        page = (await org.as_admin(CUSTOMERS, {"first": 2, "after": after}))["customers"]
        assert page["totalCount"] == 5
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == sorted(["Delta", "alpha", "Charlie", "Bravo", "Echo"])
    assert len(seen) == 5  # each exactly once, whatever the database's collation

    found = (await org.as_admin(CUSTOMERS, {"search": "ECH"}))["customers"]
    assert [e["node"]["name"] for e in found["edges"]] == ["Echo"]
    assert found["totalCount"] == 1
    by_phone = (await org.as_admin(CUSTOMERS, {"search": "015"}))["customers"]
    assert sorted(e["node"]["name"] for e in by_phone["edges"]) == ["Bravo", "Delta", "alpha"]


async def test_lookup_is_fuzzy_unless_asked_for_exact(org, api):
    await create_customer(org, name="Acme Widgets", phone="+1 555 0100", externalRef="CRM-7")
    await create_customer(org, name="Zoe Acker", email="zoe@example.com")
    for n in range(12):
        await create_customer(org, name=f"Widget Fan {n:02d}")

    assert await lookup(org, "ack") == ["Zoe Acker"]
    assert await lookup(org, "ZOE@EXAMPLE.COM", "EXACT") == ["Zoe Acker"]
    assert await lookup(org, "CRM-7", "EXACT") == ["Acme Widgets"]
    assert await lookup(org, "555 01", "EXACT") == []
    assert await lookup(org, "widget", "FUZZY") == ["Acme Widgets"] + [
        f"Widget Fan {n:02d}" for n in range(9)
    ]

    body = await api.raw(LOOKUP, {"text": "a"}, token=await org.token())
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "INVALID", "field": ["text"]}


async def test_contacts_of_a_customer(org):
    acme = await create_customer(org, name="Acme", kind="ORGANIZATION")
    globex = await create_customer(org, name="Globex", kind="ORGANIZATION")
    await create_contact(org, name="Zed", customerId=acme["id"], phone="555 1234")
    await create_contact(org, name="Bob", customerId=acme["id"], email="bob@acme.example")
    await create_contact(org, name="Gil", customerId=globex["id"])
    await create_contact(org, name="Walk-in")

    listed = await org.as_admin(
        "{ customers { edges { node { name contacts { name phone email customer { name } } } } } }"
    )
    assert [
        (e["node"]["name"], [c["name"] for c in e["node"]["contacts"]])
        for e in listed["customers"]["edges"]
    ] == [("Acme", ["Bob", "Zed"]), ("Globex", ["Gil"])]
    assert listed["customers"]["edges"][0]["node"]["contacts"][1] == {
        "name": "Zed",
        "phone": "555 1234",
        "email": None,
        "customer": {"name": "Acme"},
    }

    of_acme = (await org.as_admin(CONTACTS, {"customerId": acme["id"], "first": 1}))["contacts"]
    assert of_acme["totalCount"] == 2
    assert [e["node"] for e in of_acme["edges"]] == [{"name": "Bob", "customer": {"name": "Acme"}}]
    rest = (
        await org.as_admin(
            CONTACTS, {"customerId": acme["id"], "after": of_acme["pageInfo"]["endCursor"]}
        )
    )["contacts"]
    assert [e["node"]["name"] for e in rest["edges"]] == ["Zed"]
    assert rest["pageInfo"]["hasNextPage"] is False

    everyone = (await org.as_admin(CONTACTS))["contacts"]
    assert [e["node"] for e in everyone["edges"]] == [
        {"name": "Bob", "customer": {"name": "Acme"}},
        {"name": "Gil", "customer": {"name": "Globex"}},
        {"name": "Walk-in", "customer": None},
        {"name": "Zed", "customer": {"name": "Acme"}},
    ]
    searched = (await org.as_admin(CONTACTS, {"search": "1234"}))["contacts"]
    assert [e["node"]["name"] for e in searched["edges"]] == ["Zed"]
    for unknown in [gid("Customer", 999_999), gid("Group", 1), "garbage"]:
        none = (await org.as_admin(CONTACTS, {"customerId": unknown}))["contacts"]
        assert (none["totalCount"], none["edges"]) == (0, [])


async def test_contacts_of_a_page_load_in_one_query(org, monkeypatch):
    for n in range(5):
        customer = await create_customer(org, name=f"Customer {n}")
        for m in range(3):
            await create_contact(org, name=f"Contact {n}.{m}", customerId=customer["id"])
    token = await org.token()
    connection = get_connection("default")
    sql: list[str] = []
    for name in ("execute_query", "execute_query_dict"):
        original = getattr(connection, name)

        async def counted(query: str, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            sql.append(query)
            return await _original(query, *args, **kwargs)

        monkeypatch.setattr(connection, name, counted)
    data = await org.api.ok(
        "{ customers(first: 5) { edges { node { contacts { name customer { name } } } } } }",
        token=token,
    )
    assert [len(e["node"]["contacts"]) for e in data["customers"]["edges"]] == [3] * 5
    contact_queries = [q for q in sql if '"contact"' in q]
    customer_queries = [q for q in sql if 'FROM "customer"' in q]
    assert len(contact_queries) == 1, contact_queries
    # the page itself, then the contacts' customers once (batched, not one per contact)
    assert len(customer_queries) == 2, customer_queries


async def test_contact_mutations_report_errors_in_the_payload(org):
    acme = await create_customer(org, name="Acme")
    bob = await create_contact(org, name="Bob", customerId=acme["id"])
    assert bob["customer"] == {"name": "Acme"}

    for fields, error in [
        ({"name": ""}, ("INVALID", ["name"])),
        ({"name": "Cy", "phone": "x"}, ("INVALID", ["phone"])),
        ({"name": "Cy", "customerId": gid("Customer", 999_999)}, ("NOT_FOUND", ["customerId"])),
        ({"name": "Cy", "customerId": gid("User", org.admin.id)}, ("NOT_FOUND", ["customerId"])),
    ]:
        result = await org.as_admin(CREATE_CONTACT, {"input": fields})
        assert result["createContact"] == {
            "contact": None,
            "errors": [{"code": error[0], "field": error[1]}],
        }, fields

    moved = await org.as_admin(
        UPDATE_CONTACT, {"input": {"id": bob["id"], "customerId": None, "email": "b@x.example"}}
    )
    assert moved["updateContact"] == {
        "contact": {"name": "Bob", "phone": None, "email": "b@x.example", "customer": None},
        "errors": [],
    }
    result = await org.as_admin(UPDATE_CONTACT, {"input": {"id": bob["id"], "name": None}})
    assert result["updateContact"]["errors"] == [{"code": "INVALID", "field": ["name"]}]
    assert (await Contact.get(name="Bob")).customer_id is None


async def test_another_tenant_sees_and_reaches_nothing(org, api):
    acme = await create_customer(org, name="Acme", phone="555 0100")
    bob = await create_contact(org, name="Bob", customerId=acme["id"])
    other = await OrgBuilder.create(api, "other")
    token = await other.token()

    assert (await api.ok(CUSTOMERS, token=token))["customers"] == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }
    assert (await api.ok(LOOKUP, {"text": "Acme"}, token=token))["lookupCustomers"] == []
    assert (await api.ok(LOOKUP, {"text": "555 0100", "mode": "EXACT"}, token=token))[
        "lookupCustomers"
    ] == []
    for customer_id in [None, acme["id"]]:
        contacts = (await api.ok(CONTACTS, {"customerId": customer_id}, token=token))["contacts"]
        assert (contacts["totalCount"], contacts["edges"]) == (0, [])

    stolen = await api.ok(
        CREATE_CONTACT, {"input": {"name": "Mole", "customerId": acme["id"]}}, token=token
    )
    assert stolen["createContact"]["errors"] == [{"code": "NOT_FOUND", "field": ["customerId"]}]
    renamed = await api.ok(
        UPDATE_CUSTOMER, {"input": {"id": acme["id"], "name": "Hijacked"}}, token=token
    )
    assert renamed["updateCustomer"]["errors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    moved = await api.ok(UPDATE_CONTACT, {"input": {"id": bob["id"], "name": "X"}}, token=token)
    assert moved["updateContact"]["errors"] == [{"code": "NOT_FOUND", "field": ["id"]}]
    assert [c.name for c in await Customer.all()] == ["Acme"]
    assert [c.name for c in await Contact.all()] == ["Bob"]


async def test_a_read_only_token_reads_but_does_not_write(org, api):
    await create_customer(org, name="Acme")
    made = await org.as_admin(
        'mutation { createApiToken(input: {name: "CRM", scopes: [READ]}) { secret } }'
    )
    secret = made["createApiToken"]["secret"]
    assert (await api.ok(LOOKUP, {"text": "acme"}, token=secret))["lookupCustomers"] == [
        {"name": "Acme"}
    ]
    refused = await api.ok(CREATE_CUSTOMER, {"input": {"name": "Ann"}}, token=secret)
    assert refused["createCustomer"]["customer"] is None
    assert [e["code"] for e in refused["createCustomer"]["errors"]] == ["FORBIDDEN"]
    assert await Customer.all().count() == 1


async def test_anonymous_callers_are_refused(api):
    body = await api.raw(LOOKUP, {"text": "acme"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
