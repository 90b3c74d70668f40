"""The demo tenant: the e-commerce groups of the seeds, a department tree, known logins.

Every record is found by its natural key before it is made, so loading twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from workorder.auth.passwords import hash_password
from workorder.models import Department, Group, Role, Tenant, User

TENANT = "demo"
PASSWORD = "workorder-demo"


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    note: str


# (username, display name, roles, department, superior, extra permissions)
_PEOPLE: list[tuple[str, str, list[Role], str, str | None, list[str]]] = [
    ("admin", "Ada Admin", [Role.ADMIN], "Head office", None, []),
    ("sales.lead", "Sam Sales-Lead", [Role.SUPERVISOR], "Sales", "admin", ["ticket.transfer"]),
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
        password_hash = hash_password(PASSWORD)
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
    return [
        Login(username, ", ".join(r.value for r in roles), dept)
        for username, _, roles, dept, _, _ in _PEOPLE
    ]
