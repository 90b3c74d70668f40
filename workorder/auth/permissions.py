"""Who may do what, outside of any single object's rules."""

from __future__ import annotations

from enum import StrEnum

from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError, forbidden


def require_admin(actor: Actor) -> None:
    require_write(actor)
    if not actor.is_admin:
        raise forbidden("Only administrators may do this")


def require_write(actor: Actor) -> None:
    if not actor.can_write:
        raise FlowError(ErrorCode.FORBIDDEN, "This token may only read")


def require_permission(actor: Actor, permission: Permission, what: str) -> None:
    """`what` (e.g. "Exports") is for holders of the grant; admins hold every grant."""
    if not actor.has_permission(permission):
        raise forbidden(f"{what} need the {permission} permission")


class Permission(StrEnum):
    """Extra grants an administrator can give a user on top of their roles. The values are
    what `User.permissions` stores and what the API reads and writes.

    Reports need no grant: they narrow to the reader's own line (see `auth.reports`) and
    never refuse, so the `report.view` a grant once named is gone."""

    TICKET_TRANSFER = "ticket.transfer"
    TICKET_EXPORT = "ticket.export"
    TICKET_IMPORT = "ticket.import"
    TICKET_BATCH = "ticket.batch"
    TICKET_REOPEN = "ticket.reopen"
