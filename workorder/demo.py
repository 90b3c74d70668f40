"""The demo tenant: the e-commerce groups of the seeds, a department tree, known logins.

Every record is found by its natural key before it is made, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from workorder.auth.actor import Actor
from workorder.auth.passwords import hash_password
from workorder.auth.permissions import Permission
from workorder.flows.templates.dictionaries import ItemDraft, create_dictionary
from workorder.flows.templates.versions import create_template
from workorder.models import Department, Dictionary, Group, Role, Template, Tenant, User

TENANT = "demo"
PASSWORD = "workorder-demo"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    note: str


TRANSFER = Permission.TICKET_TRANSFER
# (username, display name, roles, department, superior, extra permissions)
_PEOPLE: list[tuple[str, str, list[Role], str, str | None, list[Permission]]] = [
    ("admin", "Ada Admin", [Role.ADMIN], "Head office", None, []),
    (
        "sales.lead",
        "Sam Sales-Lead",
        [Role.SUPERVISOR],
        "Sales",
        "admin",
        [Permission.TICKET_TRANSFER],
    ),
    ("sales.ann", "Ann Agent", [Role.AGENT], "Sales", "sales.lead", []),
    ("sales.bob", "Bob Agent", [Role.AGENT], "Sales", "sales.lead", []),
    ("finance.lead", "Fay Finance-Lead", [Role.SUPERVISOR], "Finance", "admin", []),
    ("finance.cal", "Cal Clerk", [Role.AGENT], "Finance", "finance.lead", []),
    ("warehouse.lead", "Walt Warehouse-Lead", [Role.SUPERVISOR], "Operations", "admin", []),
    ("warehouse.dee", "Dee Picker", [Role.AGENT], "Operations", "warehouse.lead", []),
    ("logistics.lead", "Liv Logistics-Lead", [Role.SUPERVISOR], "Operations", "admin", []),
    ("logistics.eve", "Eve Driver", [Role.AGENT], "Operations", "logistics.lead", []),
]
# department → parent
_DEPARTMENTS = {
    "Head office": None,
    "Sales": "Head office",
    "Finance": "Head office",
    "Operations": "Head office",
}
_HEADS = {
    "Head office": "admin",
    "Sales": "sales.lead",
    "Finance": "finance.lead",
    "Operations": "warehouse.lead",
}
# group → (supervisors, members)
_GROUPS = {
    "Sales": (["sales.lead"], ["sales.lead", "sales.ann", "sales.bob"]),
    "Finance": (["finance.lead"], ["finance.lead", "finance.cal"]),
    "Warehouse": (["warehouse.lead"], ["warehouse.lead", "warehouse.dee"]),
    "Logistics": (["logistics.lead"], ["logistics.lead", "logistics.eve"]),
    "Managers": (["sales.lead"], ["sales.lead", "finance.lead"]),
}


async def load_demo() -> list[Login]:
    async with in_transaction():
        tenant, _ = await Tenant.get_or_create(slug=TENANT, defaults={"name": "Demo Shop"})
        departments: dict[str, Department] = {}
        for name, parent in _DEPARTMENTS.items():
            department = await Department.filter(tenant=tenant, name=name).first()
            if department is None:
                department = await Department.create(
                    tenant=tenant, name=name, parent=departments.get(parent) if parent else None
                )
            departments[name] = department
        users: dict[str, User] = {}
        password_hash = await hash_password(PASSWORD)
        for username, display, roles, dept, superior, perms in _PEOPLE:
            user = await User.filter(tenant=tenant, username=username).first()
            if user is None:
                user = await User.create(
                    tenant=tenant,
                    username=username,
                    display_name=display,
                    email=f"{username}@demo.example",
                    password_hash=password_hash,
                    roles=[str(r) for r in roles],
                    permissions=perms,
                    department=departments[dept],
                    superior=users.get(superior) if superior else None,
                )
            users[username] = user
        for name, head in _HEADS.items():
            if departments[name].head_id is None:
                departments[name].head = users[head]
                await departments[name].save(update_fields=["head_id"])
        for name, (supervisors, members) in _GROUPS.items():
            group = await Group.filter(tenant=tenant, name=name).first()
            if group is None:
                group = await Group.create(tenant=tenant, name=name)
                await group.members.add(*(users[u] for u in members))
                await group.supervisors.add(*(users[u] for u in supervisors))
        await _templates(Actor.of(users["admin"]), tenant)
        await _tickets(users, tenant)
    return [
        Login(username, ", ".join(r.value for r in roles), dept)
        for username, _, roles, dept, _, _ in _PEOPLE
    ]


async def _templates(admin: Actor, tenant: Tenant) -> None:
    """The two workflows of the seeds: the e-commerce order and the returns approval."""
    group = {g.name: g.id for g in await Group.filter(tenant=tenant)}
    regions = await Dictionary.filter(tenant=tenant, name="Regions").first()
    if regions is None:
        regions = await create_dictionary(
            admin,
            "Regions",
            items=[
                ItemDraft(
                    "zj",
                    "Zhejiang",
                    children=[ItemDraft("hz", "Hangzhou"), ItemDraft("nb", "Ningbo")],
                ),
                ItemDraft(
                    "js",
                    "Jiangsu",
                    children=[ItemDraft("nj", "Nanjing"), ItemDraft("sz", "Suzhou")],
                ),
            ],
        )
    if not await Template.filter(tenant=tenant, name="Order").exists():
        await create_template(
            admin,
            {
                "name": "Order",
                "hint": "Sales takes the order; Finance, Warehouse and Logistics follow.",
                "retain_agent_on_transfer": True,
                "default_cc": ["orders@demo.example"],
                "fields": [
                    {
                        "key": "order_no",
                        "label": "Order number",
                        "type": "TEXT",
                        "required": True,
                        "position": 0,
                    },
                    {"key": "amount", "label": "Amount", "type": "NUMBER", "position": 1},
                    {
                        "key": "region",
                        "label": "Delivery region",
                        "type": "CASCADE",
                        "dictionary_id": regions.id,
                        "position": 2,
                    },
                    {"key": "paid", "label": "Payment received", "type": "CHECKBOX", "position": 3},
                    {"key": "tracking", "label": "Tracking number", "type": "TEXT", "position": 4},
                ],
                "steps": [
                    {
                        "key": "sales",
                        "name": "Take the order",
                        "group_id": group["Sales"],
                        "position": 0,
                        "editable_fields": ["order_no", "amount", "region"],
                    },
                    {
                        "key": "finance",
                        "name": "Check payment",
                        "group_id": group["Finance"],
                        "position": 1,
                        "editable_fields": ["paid"],
                        "required_fields": ["paid"],
                    },
                    {
                        "key": "warehouse",
                        "name": "Pack",
                        "group_id": group["Warehouse"],
                        "position": 2,
                        "assignment": "LEAST_LOADED",
                        "editable_fields": [],
                    },
                    {
                        "key": "logistics",
                        "name": "Ship",
                        "group_id": group["Logistics"],
                        "position": 3,
                        "assignment": "ROUND_ROBIN",
                        "editable_fields": ["tracking"],
                        "required_fields": ["tracking"],
                    },
                    {
                        "key": "care",
                        "name": "Customer care",
                        "group_id": group["Sales"],
                        "position": 4,
                        "editable_fields": [],
                    },
                ],
            },
        )
    if not await Template.filter(tenant=tenant, name="Return goods").exists():
        await create_template(
            admin,
            {
                "name": "Return goods",
                "hint": "Collect model, purchase date and order number before you submit.",
                "survey_on_close": True,
                "fields": [
                    {
                        "key": "model",
                        "label": "Product model",
                        "type": "TEXT",
                        "required": True,
                        "position": 0,
                    },
                    {"key": "bought_on", "label": "Bought on", "type": "DATE", "position": 1},
                    {"key": "order_no", "label": "Order number", "type": "TEXT", "position": 2},
                    {
                        "key": "decision",
                        "label": "Decision",
                        "type": "RADIO",
                        "position": 3,
                        "options": [
                            {"value": "approve", "label": "Approve"},
                            {"value": "reject", "label": "Reject"},
                        ],
                    },
                    {"key": "reason", "label": "Reason", "type": "TEXTAREA", "position": 4},
                    {
                        "key": "received_at",
                        "label": "Goods received",
                        "type": "DATETIME",
                        "position": 5,
                    },
                    {
                        "key": "as_described",
                        "label": "As described",
                        "type": "CHECKBOX",
                        "position": 6,
                    },
                ],
                "steps": [
                    {
                        "key": "agent",
                        "name": "Collect the facts",
                        "group_id": group["Sales"],
                        "position": 0,
                        "editable_fields": ["model", "bought_on", "order_no"],
                    },
                    {
                        "key": "manager",
                        "name": "Approve or reject",
                        "group_id": group["Managers"],
                        "position": 1,
                        "assignment": "SUPERVISOR",
                        "next_steps": ["warehouse", "agent"],
                        "editable_fields": ["decision", "reason"],
                        "required_fields": ["decision"],
                    },
                    {
                        "key": "warehouse",
                        "name": "Receive the goods",
                        "group_id": group["Warehouse"],
                        "position": 2,
                        "editable_fields": ["received_at", "as_described"],
                        "required_fields": ["received_at"],
                    },
                    {
                        "key": "finance",
                        "name": "Refund",
                        "group_id": group["Finance"],
                        "position": 3,
                        "next_steps": [],
                        "editable_fields": [],
                    },
                ],
            },
        )


async def _tickets(users: dict[str, User], tenant: Tenant) -> None:
    """A few work orders in flight, so the queues and views have something to show."""
    from workorder.auth.customers import remember_shown
    from workorder.flows.tickets.create import NewTicket, create_ticket
    from workorder.flows.tickets.moves import forward_ticket
    from workorder.models import Customer, Ticket

    if await Ticket.filter(tenant=tenant).exists():
        return
    order = await Template.get(tenant=tenant, name="Order")
    returns = await Template.get(tenant=tenant, name="Return goods")
    ann, bob = Actor.of(users["sales.ann"]), Actor.of(users["sales.bob"])
    # Ann takes Li Wei's first call and files him; Bob finds him later by his phone number
    # (a lookup lets an agent name the customer it showed: auth/customers.py).
    customer = await Customer.create(
        tenant=tenant,
        name="Li Wei",
        phone="+86 571 8888 0000",
        email="li.wei@demo.example",
        created_by_id=ann.user_id,
    )
    await remember_shown(bob, [customer.id])
    first = await create_ticket(
        ann,
        NewTicket(
            template_id=order.id,
            title="Three electric kettles",
            customer_id=customer.id,
            fields={"order_no": "SO-1001", "amount": 267, "region": ["zj", "hz"]},
        ),
    )
    await forward_ticket(ann, first.id, comment="Paid by bank transfer")
    await create_ticket(
        bob,
        NewTicket(
            template_id=order.id,
            title="Office chairs",
            customer_id=customer.id,
            fields={"order_no": "SO-1002", "amount": 1290},
        ),
    )
    await create_ticket(
        ann,
        NewTicket(
            template_id=returns.id,
            title="Scratched TV screen",
            customer_id=customer.id,
            fields={"model": "TV-55X", "bought_on": "2026-11-02", "order_no": "SO-0977"},
        ),
    )
