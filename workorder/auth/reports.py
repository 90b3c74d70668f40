"""Whose figures a report shows: the visibility rule narrowed to the caller's own line.

- an administrator: every ticket of the tenant and every action on one;
- anyone else: the tickets waiting or worked on in a group they supervise (`current_group`
  among `Reach.supervisor_of`) or assigned to them or one of their subordinates (at any depth);
  and the actions (trace rows) on tickets of those groups or taken by them or a subordinate.

The "agent" of a ticket figure is its assignee (its creator for `created`) and of an
action its actor (see `flows.reports`), so the people half of the rule follows the same
column the report groups by.
One rule covers supervisors and agents: an agent who supervises no group and has nobody below
them gets exactly their own tickets and their own actions. Everything is also inside
`visibility_filter`, so a report never counts a ticket its reader could not open. The scope
narrows; it never refuses.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q, Subquery

from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach, visibility_filter
from workorder.models import Ticket


@dataclass(frozen=True, slots=True)
class ReportScope:
    visible: Q  # over Ticket: what the caller may see at all
    groups: frozenset[int] | None  # supervised groups; None: no narrowing (administrators)
    people: frozenset[int]  # the caller and their subordinates

    def tickets(self, agent: str = "assignee_id") -> Q:
        """Over Ticket: the tickets whose figures the caller may see; `agent` is the column
        naming the figure's agent (the creator for `created`)."""
        if self.groups is None:
            return self.visible
        mine = Q(**{f"{agent}__in": list(self.people)})  # type: ignore[arg-type]
        if self.groups:
            mine |= Q(current_group_id__in=list(self.groups))
        return self.visible & mine

    def actions(self) -> Q:
        """Over TicketEvent: the actions the caller may count."""
        seen = Q(ticket_id__in=Subquery(Ticket.filter(self.visible).values("id")))
        if self.groups is None:
            return seen
        mine = Q(actor_id__in=list(self.people))
        if self.groups:
            in_groups = Ticket.filter(current_group_id__in=list(self.groups)).values("id")
            mine |= Q(ticket_id__in=Subquery(in_groups))
        return seen & mine


def report_scope(actor: Actor, reach: Reach) -> ReportScope:
    visible = visibility_filter(actor, reach)
    if actor.is_admin:
        return ReportScope(visible=visible, groups=None, people=reach.people)
    return ReportScope(visible=visible, groups=reach.supervisor_of, people=reach.people)
