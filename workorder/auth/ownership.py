"""Who may hand a ticket to another person in charge (seed 003, 2.2.2: 更改负责人).

One rule for every path: `changeTicketOwner`, `batchChangeTicketOwner` and the
CHANGE_OWNER batch job all ask it through the ticket's action rules
(`flows.tickets.rules.may`), so the single and the batch paths can never drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OwnerStanding:
    """How the caller stands to a ticket, as far as its person in charge goes."""

    admin: bool
    in_charge: bool  # the caller is the ticket's assignee
    superior: bool  # the assignee reports to the caller, at any depth of the reporting line
    supervisor: bool  # of the ticket's current group (kept from before the seed rule)
    team_write: bool  # a team member given READ_WRITE access
    shared_write: bool  # a READ_WRITE sharing rule covers the ticket's assignee


def may_change_owner(who: OwnerStanding) -> bool:
    """The seed lets the person in charge hand over, and above them their superiors and the
    admins; read-write sharing parties and team members act for the person in charge. A
    READ team member or a READ sharing party only looks."""
    return (
        who.admin
        or who.in_charge
        or who.superior
        or who.supervisor
        or who.team_write
        or who.shared_write
    )
