"""The grants an administrator can give: the values the database stores and the API reads."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.auth.permissions import Permission
from workorder.models import Role, User


def test_the_grants_are_the_stored_strings() -> None:
    assert sorted(Permission) == [
        "ticket.batch",
        "ticket.export",
        "ticket.import",
        "ticket.reopen",
        "ticket.transfer",
    ]


def _actor(roles: list[str], permissions: list[str]) -> Actor:
    user = User(id=1, tenant_id=1, username="u", roles=roles, permissions=permissions)
    return Actor.of(user)


def test_a_grant_is_read_from_the_stored_strings_and_admins_hold_every_grant() -> None:
    agent = _actor([Role.AGENT], ["ticket.export", "report.view"])
    assert agent.has_permission(Permission.TICKET_EXPORT)
    assert not agent.has_permission(Permission.TICKET_BATCH)
    admin = _actor([Role.ADMIN], [])
    assert all(admin.has_permission(p) for p in Permission)
