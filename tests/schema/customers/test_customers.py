"""Customers and contacts through GraphQL: paging, search, mutations, and tenant isolation."""

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
CUSTOMERS = """query($query: String, $mode: CustomerLookupMode, $first: Int, $after: String) {
  customers(query: $query, mode: $mode, first: $first, after: $after) {
    totalCount edges { node { name } } pageInfo { hasNextPage endCursor } } }"""
SET_MODE = """mutation($input: UpdateTenantSettingsInput!) { updateTenantSettings(input: $input) {
  tenantSettings { customerLookupMode } errors { code message field } } }"""
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


async def search(
    org: OrgBuilder, query: str | None, mode: str | None = None, **more: Any
) -> list[str]:
    """Names found; a mode of None is left out of the request."""
    variables = {"query": query, **more} | ({"mode": mode} if mode else {})
    found = await org.as_admin(CUSTOMERS, variables)
    return [e["node"]["name"] for e in found["customers"]["edges"]]


async def set_default_mode(org: OrgBuilder, mode: str) -> None:
    result = (await org.as_admin(SET_MODE, {"input": {"customerLookupMode": mode}}))[
        "updateTenantSettings"
    ]
    assert result == {"tenantSettings": {"customerLookupMode": mode}, "errors": []}


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

    found = (await org.as_admin(CUSTOMERS, {"query": "ECH"}))["customers"]
    assert [e["node"]["name"] for e in found["edges"]] == ["Echo"]
    assert found["totalCount"] == 1
    by_phone = (await org.as_admin(CUSTOMERS, {"query": "015"}))["customers"]
    assert sorted(e["node"]["name"] for e in by_phone["edges"]) == ["Bravo", "Delta", "alpha"]


async def test_exact_and_fuzzy_search(org):
    await create_customer(
        org,
        name="Acme Widgets",
        phone="+1 555 0100",
        email="desk@acme.example",
        externalRef="CRM-7",
    )
    await create_customer(org, name="Zoe Acker", email="zoe@example.com")
    await create_customer(org, name="Acme", phone="0171 22 33")

    assert await search(org, "ack", "FUZZY") == ["Zoe Acker"]
    assert await search(org, "acme", "FUZZY") == ["Acme", "Acme Widgets"]
    assert await search(org, "22 3", "FUZZY") == ["Acme"]
    assert await search(org, "CRM-7", "FUZZY") == []  # an external reference is exact only

    assert await search(org, "acme", "EXACT") == ["Acme"]
    assert await search(org, "ACME WIDGETS", "EXACT") == ["Acme Widgets"]
    assert await search(org, "ZOE@EXAMPLE.COM", "EXACT") == ["Zoe Acker"]
    assert await search(org, "CRM-7", "EXACT") == ["Acme Widgets"]
    assert await search(org, " +1 555 0100 ", "EXACT") == ["Acme Widgets"]
    assert await search(org, "555 0100", "EXACT") == []
    assert await search(org, "ack", "EXACT") == []


async def test_the_tenant_setting_decides_when_no_mode_is_given(org):
    await create_customer(org, name="Acme Widgets")
    await create_customer(org, name="Acme")
    assert await search(org, "acme") == ["Acme", "Acme Widgets"]  # a new tenant: FUZZY
    await set_default_mode(org, "EXACT")
    assert await search(org, "acme") == ["Acme"]
    explicit_null = await org.as_admin(CUSTOMERS, {"query": "acme", "mode": None})
    assert [e["node"]["name"] for e in explicit_null["customers"]["edges"]] == ["Acme"]
    assert await search(org, "acme", "FUZZY") == ["Acme", "Acme Widgets"]  # asked: it wins
    assert await search(org, "a") == []  # one letter is a fine EXACT query
    await set_default_mode(org, "FUZZY")
    assert await search(org, "acme") == ["Acme", "Acme Widgets"]


async def test_a_one_character_fuzzy_query_is_a_typed_error(org, api):
    await create_customer(org, name="Acme")
    token = await org.token()
    for variables in [{"query": "a"}, {"query": " a ", "mode": "FUZZY"}]:
        body = await api.raw(CUSTOMERS, variables, token=token)
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"] == {"code": "INVALID", "field": ["query"]}
        assert "2 characters" in error["message"]
        assert error["path"] == ["customers"]


async def test_no_query_lists_every_customer_by_name(org):
    for name in ["Bravo", "Alpha", "Charlie"]:
        await create_customer(org, name=name)
    for query in [None, "", "   "]:
        for mode in [None, "EXACT", "FUZZY"]:
            assert await search(org, query, mode) == ["Alpha", "Bravo", "Charlie"], (query, mode)


async def test_fuzzy_search_shows_at_most_ten_a_page(org):
    for n in range(12, 0, -1):
        await create_customer(org, name=f"Smith {n:02d}")
    await create_customer(org, name="Jones")
    for first in [None, 10, 50]:
        page = (await org.as_admin(CUSTOMERS, {"query": "smith", "first": first}))["customers"]
        assert [e["node"]["name"] for e in page["edges"]] == [
            f"Smith {n:02d}" for n in range(1, 11)
        ]
        assert page["totalCount"] == 12
        assert page["pageInfo"]["hasNextPage"] is True
    assert await search(org, "smith", first=3) == ["Smith 01", "Smith 02", "Smith 03"]
    # EXACT and the plain list page as usual
    assert len(await search(org, None, first=13)) == 13
    assert len(await search(org, "smith", "EXACT", first=13)) == 0
    assert len(await search(org, "Smith 07", "EXACT", first=13)) == 1


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
    for query, mode in [("Acme", None), ("Acme", "EXACT"), ("555 0100", "EXACT"), ("cm", "FUZZY")]:
        found = (await api.ok(CUSTOMERS, {"query": query, "mode": mode}, token=token))["customers"]
        assert (found["totalCount"], found["edges"]) == (0, []), (query, mode)
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
        'mutation { createApiToken(input: {name: "CRM", scopes: ["read"]}) { secret } }'
    )
    secret = made["createApiToken"]["secret"]
    found = (await api.ok(CUSTOMERS, {"query": "acme"}, token=secret))["customers"]
    assert found["edges"] == [{"node": {"name": "Acme"}}]
    refused = await api.ok(CREATE_CUSTOMER, {"input": {"name": "Ann"}}, token=secret)
    assert refused["createCustomer"]["customer"] is None
    assert [e["code"] for e in refused["createCustomer"]["errors"]] == ["FORBIDDEN"]
    assert await Customer.all().count() == 1


async def test_anonymous_callers_are_refused(api):
    body = await api.raw(CUSTOMERS, {"query": "acme"})
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
