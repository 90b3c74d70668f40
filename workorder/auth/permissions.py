"""Who may do what, outside of any single object's rules."""

from __future__ import annotations

from workorder.auth.actor import Actor
from workorder.errors import ErrorCode, FlowError, forbidden


def require_admin(actor: Actor) -> None:
    require_write(actor)
    if not actor.is_admin:
        raise forbidden("Only administrators may do this")


def require_write(actor: Actor) -> None:
    if not actor.can_write:
        raise FlowError(ErrorCode.FORBIDDEN, "This token may only read")


# Extra grants an administrator can give a user on top of their roles.
KNOWN_PERMISSIONS = frozenset(
    {
        "ticket.transfer",
        "ticket.export",
        "ticket.import",
        "ticket.batch",
        "ticket.reopen",
        "report.view",
    }
)
