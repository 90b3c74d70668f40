"""Who may see one ticket, decided in memory: the visibility rule applied to a ticket's facts.

`visibility.visibility_filter` is the rule as a query, and every list, node, search, export
and download goes through it. A live push cannot afford a query per open socket, so the
publisher reads the facts the rule looks at once, after the commit (`audience_of`), the push
carries them, and each socket decides with `sees` against the reach it keeps in memory. The
two forms are one rule written twice on purpose, side by side with the query's branches in the
same order; tests/auth/test_audience.py checks them against each other over generated org
charts, so a branch added to one and not the other fails there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from tortoise.models import Model

from workorder.auth.actor import Actor
from workorder.auth.visibility import Reach
from workorder.models import (
    Status,
    Ticket,
    TicketCandidate,
    TicketFollower,
    TicketParticipant,
    TicketTeamMember,
    User,
)


@dataclass(frozen=True, slots=True)
class Audience:
    """The facts about one ticket that the visibility rule reads."""

    ticket_id: int
    tenant_id: int
    deleted: bool
    status: str
    assignee_id: int | None
    assignee_department_id: int | None
    current_group_id: int | None
    participants: frozenset[int]  # handled it at some step
    team: frozenset[int]
    team_departments: frozenset[int]  # the team members' main departments
    followers: frozenset[int]
    candidates: frozenset[int]

    def to_wire(self) -> dict[str, Any]:
        return {
            "ticketId": self.ticket_id,
            "tenantId": self.tenant_id,
            "deleted": self.deleted,
            "status": self.status,
            "assigneeId": self.assignee_id,
            "assigneeDepartmentId": self.assignee_department_id,
            "currentGroupId": self.current_group_id,
            "participants": sorted(self.participants),
            "team": sorted(self.team),
            "teamDepartments": sorted(self.team_departments),
            "followers": sorted(self.followers),
            "candidates": sorted(self.candidates),
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> Audience:
        return cls(
            ticket_id=int(wire["ticketId"]),
            tenant_id=int(wire["tenantId"]),
            deleted=bool(wire["deleted"]),
            status=str(wire["status"]),
            assignee_id=wire["assigneeId"],
            assignee_department_id=wire["assigneeDepartmentId"],
            current_group_id=wire["currentGroupId"],
            participants=frozenset(wire["participants"]),
            team=frozenset(wire["team"]),
            team_departments=frozenset(wire["teamDepartments"]),
            followers=frozenset(wire["followers"]),
            candidates=frozenset(wire["candidates"]),
        )


async def audience_of(ticket_id: int) -> Audience | None:
    """The facts as committed now (None: no such ticket any more), in one statement: the
    ticket's row and its four lists of people, as one UNION ALL."""
    db = Ticket._meta.db
    postgres = db.capabilities.dialect == "postgres"
    rows = await db.execute_query_dict(
        _audience_sql().replace("{p}", "$1" if postgres else "?"),
        [ticket_id] if postgres else [ticket_id] * 5,
    )
    found = [r for r in rows if r["kind"] == _TICKET]
    if not found:
        return None
    row = found[0]
    people: dict[int, set[int]] = {k: set() for k in (_PARTICIPANT, _TEAM, _FOLLOWER, _CANDIDATE)}
    team_departments: set[int] = set()
    for other in rows:
        kind = int(other["kind"])
        if kind != _TICKET:
            people[kind].add(int(other["a"]))
            if kind == _TEAM and other["b"] is not None:
                team_departments.add(int(other["b"]))
    return Audience(
        ticket_id=ticket_id,
        tenant_id=int(row["d"]),
        deleted=row["e"] is not None,
        status=str(row["f"]),
        assignee_id=row["a"],
        assignee_department_id=row["b"],
        current_group_id=row["c"],
        participants=frozenset(people[_PARTICIPANT]),
        team=frozenset(people[_TEAM]),
        team_departments=frozenset(team_departments),
        followers=frozenset(people[_FOLLOWER]),
        candidates=frozenset(people[_CANDIDATE]),
    )


_TICKET, _PARTICIPANT, _TEAM, _FOLLOWER, _CANDIDATE = 0, 1, 2, 3, 4


@cache
def _audience_sql() -> str:
    """Tables by their models' names; "{p}" is the ticket id's placeholder (the ticket row
    first, so PostgreSQL takes the column types from it). Only table names and constants
    are formatted in (S608 below): the one value is a parameter."""
    ticket, user = Ticket._meta.db_table, User._meta.db_table
    nothing = "NULL, NULL, NULL, NULL"

    def people(kind: int, model: type[Model]) -> str:
        table = model._meta.db_table
        where = "WHERE x.ticket_id = {p}"
        return f"SELECT {kind}, x.user_id, NULL, {nothing} FROM {table} x {where}"  # noqa: S608

    return " UNION ALL ".join(
        [
            f"SELECT {_TICKET} AS kind, t.assignee_id AS a, u.department_id AS b, "  # noqa: S608
            "t.current_group_id AS c, t.tenant_id AS d, t.deleted_at AS e, t.status AS f "
            f"FROM {ticket} t LEFT OUTER JOIN {user} u ON u.id = t.assignee_id "
            "WHERE t.id = {p}",
            people(_PARTICIPANT, TicketParticipant),
            f"SELECT {_TEAM}, x.user_id, u.department_id, {nothing} "  # noqa: S608
            f"FROM {TicketTeamMember._meta.db_table} x JOIN {user} u ON u.id = x.user_id "
            "WHERE x.ticket_id = {p}",
            people(_FOLLOWER, TicketFollower),
            people(_CANDIDATE, TicketCandidate),
        ]
    )


def sees(actor: Actor, reach: Reach, ticket: Audience) -> bool:
    """`visibility_filter`, branch by branch, over the facts instead of the tables."""
    if ticket.tenant_id != actor.tenant_id or ticket.deleted:
        return False
    if actor.is_admin:
        return True
    if ticket.status == Status.VOID:
        return False
    people = reach.people
    if (
        ticket.assignee_id in people
        or not people.isdisjoint(ticket.participants)
        or not people.isdisjoint(ticket.team)
        or reach.me in ticket.followers
        or reach.me in ticket.candidates
        or (ticket.status == Status.PENDING and ticket.current_group_id in reach.member_of)
        or ticket.current_group_id in reach.supervisor_of
    ):
        return True
    if reach.heads and (
        ticket.assignee_department_id in reach.heads
        or not reach.heads.isdisjoint(ticket.team_departments)
    ):
        return True
    shared = reach.shared
    return bool(shared) and (
        ticket.assignee_id in shared.people or (ticket.assignee_department_id in shared.departments)
    )
