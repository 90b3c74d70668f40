"""Customers and contacts: who may write them, what input is refused, how a search matches,
and whose tickets make up a customer's history."""

from collections.abc import Awaitable, Callable

import pytest

from tests.support import OrgBuilder
from workorder.auth.actor import Actor, Scope
from workorder.auth.customers import FUZZY_LIMIT
from workorder.errors import ErrorCode, FlowError
from workorder.flows.customers.accounts import (
    create_contact,
    create_customer,
    customer_tickets,
    find_customers,
    update_contact,
    update_customer,
)
from workorder.flows.org.tenants import update_tenant_settings
from workorder.flows.tickets.create import NewTicket, create_ticket
from workorder.models import Contact, Customer, CustomerKind, CustomerLookupMode

Call = Callable[[], Awaitable[object]]


async def refused(call: Awaitable[object]) -> FlowError:
    with pytest.raises(FlowError) as caught:
        await call
    return caught.value


async def agent_of(org: OrgBuilder) -> Actor:
    return Actor.of(await org.user("agent"))


async def test_an_agent_creates_and_updates_a_customer(org):
    agent = await agent_of(org)
    made = await create_customer(
        agent,
        CustomerKind.ORGANIZATION,
        "  Acme Widgets  ",
        phone=" +1 (555) 010-2000 ",
        email="Sales@Acme.EXAMPLE",
        external_ref="CRM-1",
        notes=" VIP ",
    )
    stored = await Customer.get(id=made.id)
    assert (
        stored.tenant_id,
        stored.kind,
        stored.name,
        stored.phone,
        stored.email,
        stored.external_ref,
        stored.notes,
    ) == (
        org.tenant.id,
        CustomerKind.ORGANIZATION,
        "Acme Widgets",
        "+1 (555) 010-2000",
        "sales@acme.example",
        "CRM-1",
        "VIP",
    )

    await update_customer(agent, made.id, name="Acme Widgets Ltd", phone=None, email="")
    stored = await Customer.get(id=made.id)
    assert (stored.name, stored.phone, stored.email, stored.external_ref, stored.notes) == (
        "Acme Widgets Ltd",
        None,
        None,
        "CRM-1",  # left out: kept
        "VIP",
    )


async def test_update_writes_only_the_fields_given(org):
    """Two agents editing different fields of one customer must not undo each other."""
    made = await create_customer(org.admin_actor, CustomerKind.INDIVIDUAL, "Ann", notes="old")
    stale = await Customer.get(id=made.id)
    await update_customer(org.admin_actor, made.id, notes="new")
    await update_customer(org.admin_actor, stale.id, phone="123")
    stored = await Customer.get(id=made.id)
    assert (stored.notes, stored.phone) == ("new", "123")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, ["name"]),
        ({"name": "x" * 201}, ["name"]),
        ({"phone": "12"}, ["phone"]),
        ({"phone": "1" * 51}, ["phone"]),
        ({"phone": "555-CALL-NOW"}, ["phone"]),
        ({"phone": "+ - ( )"}, ["phone"]),
        ({"email": "not an address"}, ["email"]),
        ({"external_ref": "r" * 101}, ["externalRef"]),
        ({"notes": "n" * 10_001}, ["notes"]),
    ],
)
async def test_bad_customer_input_names_its_field(org, changes, field):
    arguments = {"name": "Ann", **changes}
    error = await refused(create_customer(org.admin_actor, CustomerKind.INDIVIDUAL, **arguments))
    assert (error.code, error.field) == (ErrorCode.INVALID, field)
    made = await create_customer(org.admin_actor, CustomerKind.INDIVIDUAL, "Bea")
    error = await refused(update_customer(org.admin_actor, made.id, **changes))
    assert (error.code, error.field) == (ErrorCode.INVALID, field)
    assert await Customer.filter(name="Ann").count() == 0
    assert (await Customer.get(id=made.id)).name == "Bea"


async def test_phone_accepts_the_usual_notations(org):
    for phone in ["110", "+86 138 0013 8000", "(030) 123-456", "0" * 50]:
        made = await create_customer(org.admin_actor, CustomerKind.INDIVIDUAL, "P", phone=phone)
        assert made.phone == phone


async def test_contacts_link_to_a_customer_of_the_same_tenant(org):
    agent = await agent_of(org)
    acme = await create_customer(agent, CustomerKind.ORGANIZATION, "Acme")
    bob = await create_contact(agent, "Bob", customer_id=acme.id, phone="555 0100")
    loner = await create_contact(agent, "Lone Caller", email="lone@example.com")
    assert (bob.customer_id, loner.customer_id) == (acme.id, None)

    await update_contact(agent, loner.id, customer_id=acme.id, name="Lena")
    await update_contact(agent, bob.id, customer_id=None, email="bob@example.com")
    assert {(c.name, c.customer_id, c.email) for c in await Contact.all()} == {
        ("Lena", acme.id, "lone@example.com"),
        ("Bob", None, "bob@example.com"),
    }


async def test_bad_contact_input_names_its_field(org):
    acme = await create_customer(org.admin_actor, CustomerKind.ORGANIZATION, "Acme")
    contact = await create_contact(org.admin_actor, "Bob", customer_id=acme.id)
    invalid_calls: list[tuple[Call, list[str]]] = [
        (lambda: create_contact(org.admin_actor, ""), ["name"]),
        (lambda: create_contact(org.admin_actor, "Bob", phone="abc"), ["phone"]),
        (lambda: create_contact(org.admin_actor, "Bob", email="@"), ["email"]),
        (lambda: update_contact(org.admin_actor, contact.id, name="y" * 201), ["name"]),
        (lambda: update_contact(org.admin_actor, contact.id, phone="1"), ["phone"]),
    ]
    for call, field in invalid_calls:
        error = await refused(call())
        assert (error.code, error.field) == (ErrorCode.INVALID, field)
    assert await Contact.all().count() == 1

    missing_calls: list[tuple[Call, list[str]]] = [
        (lambda: create_contact(org.admin_actor, "Bob", customer_id=999_999), ["customerId"]),
        (lambda: update_contact(org.admin_actor, contact.id, customer_id=999_999), ["customerId"]),
        (lambda: update_contact(org.admin_actor, 999_999, name="Bob"), ["id"]),
        (lambda: update_customer(org.admin_actor, 999_999, name="Acme"), ["id"]),
    ]
    for call, field in missing_calls:
        error = await refused(call())
        assert (error.code, error.field) == (ErrorCode.NOT_FOUND, field)
    assert (await Contact.get(id=contact.id)).customer_id == acme.id


async def test_another_tenants_customers_and_contacts_are_out_of_reach(org):
    other = await OrgBuilder.create(org.api, "other")
    theirs = await create_customer(other.admin_actor, CustomerKind.ORGANIZATION, "Globex")
    their_contact = await create_contact(other.admin_actor, "Hank", customer_id=theirs.id)
    agent = await agent_of(org)
    foreign_calls: list[tuple[Call, list[str]]] = [
        (lambda: create_contact(agent, "Bob", customer_id=theirs.id), ["customerId"]),
        (lambda: update_customer(agent, theirs.id, name="Mine now"), ["id"]),
        (lambda: update_contact(agent, their_contact.id, name="Mine now"), ["id"]),
    ]
    for call, field in foreign_calls:
        error = await refused(call())
        assert (error.code, error.field) == (ErrorCode.NOT_FOUND, field)

    ours = await create_contact(agent, "Bob")
    error = await refused(update_contact(agent, ours.id, customer_id=theirs.id))
    assert (error.code, error.field) == (ErrorCode.NOT_FOUND, ["customerId"])
    assert (await Contact.get(id=ours.id)).customer_id is None
    assert (await Customer.get(id=theirs.id)).name == "Globex"
    assert (await Contact.get(id=their_contact.id)).name == "Hank"


async def test_a_read_only_token_may_look_up_but_not_write(org):
    acme = await create_customer(org.admin_actor, CustomerKind.ORGANIZATION, "Acme")
    contact = await create_contact(org.admin_actor, "Bob")
    reader = Actor.of(await org.user("partner"), scopes=frozenset({Scope.READ}))
    writes: list[Call] = [
        lambda: create_customer(reader, CustomerKind.INDIVIDUAL, "Ann"),
        lambda: update_customer(reader, acme.id, name="Renamed"),
        lambda: create_contact(reader, "Cid"),
        lambda: update_contact(reader, contact.id, name="Renamed"),
    ]
    for call in writes:
        error = await refused(call())
        assert error.code == ErrorCode.FORBIDDEN
    assert await names(reader, "acme", "FUZZY") == ["Acme"]
    assert await Customer.all().count() == 1
    assert (await Contact.get(id=contact.id)).name == "Bob"


async def _phone_book(org: OrgBuilder) -> None:
    actor = org.admin_actor
    await create_customer(
        actor,
        CustomerKind.ORGANIZATION,
        "Acme Widgets",
        phone="+1 555 0100",
        email="desk@acme.example",
        external_ref="CRM-7",
    )
    await create_customer(actor, CustomerKind.INDIVIDUAL, "Zoe Acker", phone="0171 22 33")
    await create_customer(actor, CustomerKind.INDIVIDUAL, "Mia", email="mia@widgets.example")
    await create_customer(actor, CustomerKind.INDIVIDUAL, "100% Pure")


EXACT = CustomerLookupMode.EXACT
FUZZY = CustomerLookupMode.FUZZY


async def names(actor: Actor, text: str | None, mode: str | None = None) -> list[str]:
    """What a search finds, in the order the customers query shows it (by name)."""
    found = await find_customers(actor, text, CustomerLookupMode(mode) if mode else None)
    return [c.name for c in await found.rows.order_by("name", "id")]


async def test_exact_search_needs_the_whole_value(org):
    await _phone_book(org)
    actor = org.admin_actor
    assert await names(actor, "acme widgets", EXACT) == ["Acme Widgets"]
    assert await names(actor, "Acme", EXACT) == []
    assert await names(actor, "+1 555 0100", EXACT) == ["Acme Widgets"]
    assert await names(actor, "555 0100", EXACT) == []
    assert await names(actor, "0171 22 33", EXACT) == ["Zoe Acker"]
    assert await names(actor, "DESK@acme.example", EXACT) == ["Acme Widgets"]
    assert await names(actor, "CRM-7", EXACT) == ["Acme Widgets"]
    assert await names(actor, "crm-7", EXACT) == []  # a reference is compared as stored
    assert await names(actor, "  mia  ", EXACT) == ["Mia"]
    assert await names(actor, "m", EXACT) == []  # one character is a valid exact query
    assert await names(actor, "x" * 300, EXACT) == []


async def test_exact_search_compares_the_phone_as_it_would_be_stored(org):
    """What a CTI system hands over is trimmed like a typed number; text that cannot be a
    phone number (letters) is still compared with the other columns."""
    await _phone_book(org)
    await create_customer(org.admin_actor, CustomerKind.INDIVIDUAL, "110")
    assert await names(org.admin_actor, "\t+1 555 0100\n", EXACT) == ["Acme Widgets"]
    assert await names(org.admin_actor, "110", EXACT) == ["110"]
    assert await names(org.admin_actor, "Mia", EXACT) == ["Mia"]


async def test_fuzzy_search_matches_part_of_name_phone_or_email(org):
    await _phone_book(org)
    actor = Actor.of(await org.user("agent"))
    assert await names(actor, "ack", FUZZY) == ["Zoe Acker"]
    assert await names(actor, "ACM", FUZZY) == ["Acme Widgets"]
    assert await names(actor, "widgets", FUZZY) == ["Acme Widgets", "Mia"]
    assert await names(actor, "22 3", FUZZY) == ["Zoe Acker"]
    assert await names(actor, "@acme.ex", FUZZY) == ["Acme Widgets"]
    assert await names(actor, "CRM-7", FUZZY) == []  # the external reference is exact only
    assert await names(actor, "0%", FUZZY) == ["100% Pure"]  # % is a character, not a wildcard
    assert await names(actor, "x" * 300, FUZZY) == []


async def test_fuzzy_search_wants_two_characters(org):
    await _phone_book(org)
    for text in ["a", " a ", "é"]:
        error = await refused(find_customers(org.admin_actor, text, FUZZY))
        assert (error.code, error.field) == (ErrorCode.INVALID, ["query"])
        assert "2 characters" in error.message


async def test_no_text_is_the_whole_book_in_either_mode(org):
    await _phone_book(org)
    everyone = ["100% Pure", "Acme Widgets", "Mia", "Zoe Acker"]
    for text in [None, "", "  "]:
        for mode in [None, EXACT, FUZZY]:
            found = await find_customers(org.admin_actor, text, mode)
            assert found.max_page is None
            assert [c.name for c in await found.rows.order_by("name")] == everyone


async def test_an_unknown_mode_is_refused(org):
    error = await refused(find_customers(org.admin_actor, "acme", "SOUNDEX"))  # type: ignore[arg-type]
    assert (error.code, error.field) == (ErrorCode.INVALID, ["mode"])


async def test_fuzzy_pages_hold_at_most_ten(org):
    for n in range(12, 0, -1):
        await create_customer(org.admin_actor, CustomerKind.INDIVIDUAL, f"Smith {n:02d}")
    fuzzy = await find_customers(org.admin_actor, "smith", FUZZY)
    assert await fuzzy.rows.count() == 12
    assert (fuzzy.page_size(None), fuzzy.page_size(50), fuzzy.page_size(3)) == (FUZZY_LIMIT, 10, 3)
    exact = await find_customers(org.admin_actor, "Smith 01", EXACT)
    assert (exact.page_size(None), exact.page_size(50)) == (None, 50)


async def test_without_a_mode_the_tenant_setting_applies(org):
    await _phone_book(org)
    agent = Actor.of(await org.user("agent"))
    assert await names(agent, "acme") == ["Acme Widgets"]  # FUZZY, a new tenant's default
    await update_tenant_settings(org.admin_actor, customer_lookup_mode=EXACT)
    assert await names(agent, "acme") == []
    assert await names(agent, "Acme Widgets") == ["Acme Widgets"]
    assert await names(agent, "a") == []  # no 2-character rule for EXACT
    assert await names(agent, "Acme Widgets", EXACT) == ["Acme Widgets"]
    error = await refused(find_customers(agent, "acme", FUZZY))  # the tenant's mode binds
    assert (error.code, error.field) == (ErrorCode.FORBIDDEN, ["mode"])
    assert await names(org.admin_actor, "acme", FUZZY) == ["Acme Widgets"]  # not the admin
    other = await OrgBuilder.create(org.api, "other")
    await create_customer(other.admin_actor, CustomerKind.INDIVIDUAL, "Acme Widgets")
    assert await names(other.admin_actor, "acme") == ["Acme Widgets"]  # still FUZZY there


async def test_search_never_matches_another_tenant(org):
    await _phone_book(org)
    other = await OrgBuilder.create(org.api, "other")
    await create_customer(
        other.admin_actor,
        CustomerKind.ORGANIZATION,
        "Acme Widgets",
        phone="+1 555 0100",
        external_ref="CRM-7",
    )
    for text, mode in [("Acme Widgets", EXACT), ("CRM-7", EXACT), ("acme", FUZZY), (None, None)]:
        found = await find_customers(org.admin_actor, text, mode)
        assert {c.tenant_id for c in await found.rows} == {org.tenant.id}, (text, mode)
    assert await names(other.admin_actor, "mia", FUZZY) == []
    assert await names(other.admin_actor, "555 0100", FUZZY) == ["Acme Widgets"]
    assert await names(other.admin_actor, None) == ["Acme Widgets"]


async def test_a_customers_history_is_what_the_caller_may_see(shop):
    admin = shop.org.admin_actor
    acme = await create_customer(admin, CustomerKind.ORGANIZATION, "Acme")
    globex = await create_customer(admin, CustomerKind.ORGANIZATION, "Globex")
    made = {}
    for title, who, customer in [
        ("First", "ann", acme),
        ("Second", "bob", acme),
        ("Other", "ann", globex),
        ("Third", "ann", acme),
    ]:
        # The caller on the line is found first: only then may the agent file under them.
        await find_customers(shop.actor(who), customer.name, CustomerLookupMode.EXACT)
        made[title] = await create_ticket(
            shop.actor(who),
            NewTicket(
                template_id=shop.returns.id,
                title=title,
                customer_id=customer.id,
                fields={"model": "TV-9"},
            ),
        )

    async def titles(who: str, customer: Customer) -> list[str]:
        rows = await customer_tickets(shop.actor(who), customer.id)
        return [t.title for t in await rows.order_by("-id")]

    assert await titles("admin", acme) == ["Third", "Second", "First"]
    assert await titles("ann", acme) == ["Third", "First"]  # Bob's is his own
    assert await titles("bob", acme) == ["Second"]
    assert await titles("eve", acme) == []  # another department
    assert await titles("ann", globex) == ["Other"]

    other = await OrgBuilder.create(shop.org.api, "other")
    theirs = await create_customer(other.admin_actor, CustomerKind.ORGANIZATION, "Acme")
    assert await titles("admin", theirs) == []
    assert await (await customer_tickets(other.admin_actor, acme.id)).count() == 0
