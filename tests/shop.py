"""The e-commerce shop of the seeds, built in a few lines: people, groups, two templates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.support import OrgBuilder
from workorder.auth.actor import Actor
from workorder.flows.templates.versions import create_template
from workorder.models import Group, Role, Template, User


@dataclass
class Shop:
    org: OrgBuilder
    users: dict[str, User]
    groups: dict[str, Group]
    order: Template  # Sales → Finance → Warehouse → Logistics → back to Sales
    returns: Template  # agent → manager (approve → warehouse → finance; reject → agent)

    def actor(self, username: str) -> Actor:
        return Actor.of(self.users[username])

    async def token(self, username: str) -> str:
        return await self.org.token(username)

    async def gql(
        self, username: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Run a query as one of the shop's people; it must not fail at the top level."""
        return await self.org.api.ok(query, variables, await self.token(username))


async def build_shop(org: OrgBuilder, *, order_params: dict[str, Any] | None = None) -> Shop:
    users = {"admin": org.admin}
    for name, role in [
        ("sam", Role.SUPERVISOR),
        ("ann", Role.AGENT),
        ("bob", Role.AGENT),
        ("fay", Role.SUPERVISOR),
        ("cal", Role.AGENT),
        ("walt", Role.SUPERVISOR),
        ("dee", Role.AGENT),
        ("dan", Role.AGENT),
        ("liv", Role.SUPERVISOR),
        ("eve", Role.AGENT),
        ("max", Role.AGENT),
    ]:
        users[name] = await org.user(name, role)
    u = users
    groups = {
        "Sales": await org.group("Sales", [u["sam"], u["ann"], u["bob"]], [u["sam"]]),
        "Finance": await org.group("Finance", [u["fay"], u["cal"]], [u["fay"]]),
        "Warehouse": await org.group("Warehouse", [u["walt"], u["dee"], u["dan"]], [u["walt"]]),
        "Logistics": await org.group("Logistics", [u["liv"], u["eve"]], [u["liv"]]),
        "Managers": await org.group("Managers", [u["sam"], u["fay"]], [u["sam"]]),
    }
    g = {name: group.id for name, group in groups.items()}
    order = await create_template(
        org.admin_actor,
        {
            "name": "Order",
            "retain_agent_on_transfer": True,
            "survey_on_close": True,
            "default_cc": ["orders@shop.example"],
            "fields": [
                {
                    "key": "order_no",
                    "label": "Order number",
                    "type": "TEXT",
                    "required": True,
                    "position": 0,
                },
                {"key": "amount", "label": "Amount", "type": "NUMBER", "position": 1},
                {"key": "paid", "label": "Paid", "type": "CHECKBOX", "position": 2},
                {"key": "tracking", "label": "Tracking", "type": "TEXT", "position": 3},
            ],
            "steps": [
                {
                    "key": "sales",
                    "name": "Take the order",
                    "group_id": g["Sales"],
                    "position": 0,
                    "editable_fields": ["order_no", "amount"],
                },
                {
                    "key": "finance",
                    "name": "Check payment",
                    "group_id": g["Finance"],
                    "position": 1,
                    "editable_fields": ["paid"],
                    "required_fields": ["paid"],
                },
                {
                    "key": "warehouse",
                    "name": "Pack",
                    "group_id": g["Warehouse"],
                    "position": 2,
                    "assignment": "LEAST_LOADED",
                    "editable_fields": [],
                },
                {
                    "key": "logistics",
                    "name": "Ship",
                    "group_id": g["Logistics"],
                    "position": 3,
                    "editable_fields": ["tracking"],
                    "required_fields": ["tracking"],
                },
                {
                    "key": "care",
                    "name": "Customer care",
                    "group_id": g["Sales"],
                    "position": 4,
                    "editable_fields": [],
                },
            ],
            **(order_params or {}),
        },
    )
    returns = await create_template(
        org.admin_actor,
        {
            "name": "Return goods",
            "initial_assignment": "CREATOR",
            "retain_agent_on_transfer": True,
            "fields": [
                {"key": "model", "label": "Model", "type": "TEXT", "required": True, "position": 0},
                {
                    "key": "decision",
                    "label": "Decision",
                    "type": "RADIO",
                    "position": 1,
                    "options": [
                        {"value": "approve", "label": "Approve"},
                        {"value": "reject", "label": "Reject"},
                    ],
                },
                {"key": "received", "label": "Received", "type": "CHECKBOX", "position": 2},
            ],
            "steps": [
                {
                    "key": "agent",
                    "name": "Collect",
                    "group_id": g["Sales"],
                    "position": 0,
                    "editable_fields": ["model"],
                },
                {
                    "key": "manager",
                    "name": "Approve",
                    "group_id": g["Managers"],
                    "position": 1,
                    "assignment": "SUPERVISOR",
                    "next_steps": ["warehouse", "agent"],
                    "editable_fields": ["decision"],
                    "required_fields": ["decision"],
                },
                {
                    "key": "warehouse",
                    "name": "Receive",
                    "group_id": g["Warehouse"],
                    "position": 2,
                    "editable_fields": ["received"],
                    "required_fields": ["received"],
                },
                {
                    "key": "finance",
                    "name": "Refund",
                    "group_id": g["Finance"],
                    "position": 3,
                    "next_steps": [],
                },
            ],
        },
    )
    return Shop(org, users, groups, order, returns)
